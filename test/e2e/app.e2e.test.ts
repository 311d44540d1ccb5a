/**
 * The whole flow in a real browser against `clearcut serve`: open a clip the app has never seen,
 * turn on the stages, compare before and after, transcribe and fix a caption, export, and check
 * the file with ffprobe. Screenshots of the main screens go to docs/screenshots/.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffprobeBinary } from '../../core/media/ffmpeg-binaries.js';
import { ffmpeg, fixture, jsonLines, ROOT, runCli, workDir } from '../integration/fixtures.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureRendererBuilt, startServe } from './serve-process.js';

const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const ASR_WAV = path.join(ROOT, 'test', 'fixtures', 'speech', 'asr-librivox-0870.wav');
const hasChromium = existsSync(CHROMIUM);

/** 7 s of 640x360 video with a spoken sentence (LibriVox) as its sound. */
const speechClip = (): string =>
  fixture('e2e-speech.mp4', (f) => ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=30', '-i', ASR_WAV, '-t', '7.1', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-f', 'mp4', f]));

function ffprobeStreams(file: string): Array<{ codec_type: string; codec_name: string }> {
  const out = execFileSync(ffprobeBinary().path, ['-v', 'error', '-print_format', 'json', '-show_streams', file], { encoding: 'utf8' });
  return (JSON.parse(out) as { streams: Array<{ codec_type: string; codec_name: string }> }).streams;
}

describe.skipIf(!hasChromium)(`the app in Chromium through clearcut serve${hasChromium ? '' : ` (skipped: no Chromium at ${CHROMIUM}; apt-get install chromium)`}`, () => {
  let browser: Browser;
  let page: Page;
  let server: Awaited<ReturnType<typeof startServe>>;
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

  beforeAll(async () => {
    ensureRendererBuilt();
    server = await startServe();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('refuses requests without the token', async () => {
    const res = await fetch(server.url.replace(/\?token=.*/, ''));
    expect(res.status).toBe(401);
  });

  it('opens, enhances, previews, captions and exports a clip', async () => {
    const dir = workDir('e2e');
    const clip = path.join(dir, 'interview.mp4');
    copyFileSync(speechClip(), clip);

    await page.goto(server.url);
    await page.getByText('Offline · nothing is uploaded').waitFor();
    await page.locator('input[data-stage="denoiseAudio"]:checked').waitFor();
    await shot('01-start');

    // A browser cannot tell the app where a dropped file is: it says so and points to Open.
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'dropped.mp4', { type: 'video/mp4' }));
      document.querySelector('.panel.library')!.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
    });
    expect(await page.locator('.library [role="alert"]').textContent()).toMatch(/dropped\.mp4.*Use Open/);
    await page.getByRole('button', { name: 'Dismiss' }).click();

    // Library: open the clip through the app's own open dialog.
    await page.click('[data-action="open-clips"]');
    await page.getByLabel('File path').fill(clip);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.locator('.clip .thumb img').waitFor({ timeout: 60_000 });
    expect(await page.locator('.clip-meta').first().textContent()).toContain('640×360');
    await page.locator('.filmstrip img').first().waitFor();
    await page.locator('.waveform').waitFor();

    // Enhance: every available stage on; unavailable ones are marked "coming soon".
    for (const id of ['stabilize', 'denoiseVideo', 'denoiseAudio', 'captions']) {
      const box = page.locator(`input[data-stage="${id}"]`);
      if (await box.isEnabled()) await box.check();
    }
    // Stabilization's camera mode goes with the preview and export requests (the preview below runs it).
    const camera = page.getByLabel('Camera');
    // Left alone, the engine chooses from the clip's motion: the first preview measures the whole
    // clip, with progress and time left, and can be cancelled.
    expect(await camera.inputValue()).toBe('auto');
    await page.click('[data-action="render-preview"]');
    const progress = page.locator('.preview-progress');
    await progress.waitFor({ timeout: 30_000 });
    expect(await progress.textContent()).toMatch(/Starting the preview|Measuring the camera motion|Cutting the excerpt|Rendering before and after/);
    await shot('02b-preview-progress');
    await page.click('[data-action="cancel-preview"]');
    await progress.waitFor({ state: 'detached', timeout: 10_000 });
    expect(await page.locator('.preview [role="alert"]').count()).toBe(0);
    expect(await page.locator('[data-action="render-preview"]').isEnabled()).toBe(true);
    await camera.selectOption('smooth-motion');
    expect(await camera.inputValue()).toBe('smooth-motion');
    await shot('02-library');

    // Preview: before/after of 3 s at the playhead.
    await page.click('[data-action="render-preview"]');
    await page.locator('.compare .pane.after video').waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLVideoElement>('.compare video')].every((v) => v.readyState >= 2), undefined, { timeout: 30_000 });
    // Playing the preview moves the timeline's playhead with it.
    const playheadAt = async () => Number(await page.getByRole('slider', { name: 'Playhead' }).getAttribute('aria-valuenow'));
    await page.keyboard.press('k');
    await expect.poll(playheadAt, { timeout: 15_000 }).toBeGreaterThan(0.5);
    await page.keyboard.press('k');
    // Paused, before and after show the same instant, not frames a little apart.
    const drift = () => page.evaluate(() => {
      const [before, after] = [...document.querySelectorAll<HTMLVideoElement>('.compare video')];
      return after!.paused && before!.paused ? Math.abs(before!.currentTime - after!.currentTime) : Infinity;
    });
    await expect.poll(drift, { timeout: 5_000 }).toBeLessThan(0.001);
    await page.getByLabel('Before/after split').fill('0.4');
    await shot('03-preview');
    await page.getByRole('button', { name: 'Side by side' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLVideoElement>('.compare video')].every((v) => v.readyState >= 2));
    await shot('03b-preview-side-by-side');
    await page.getByRole('button', { name: 'Split' }).click();

    // Captions: transcribe, fix a caption, undo and redo.
    await page.click('[data-action="transcribe"]');
    await page.locator('.cue').first().waitFor({ timeout: 180_000 });
    const first = page.getByLabel('Caption 1 text');
    const original = await first.inputValue();
    expect(original.length).toBeGreaterThan(5);
    await first.fill('Edited by the end-to-end test');
    await page.getByLabel('Caption 1 start', { exact: true }).click();
    await page.keyboard.press('Escape');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => first.inputValue()).toBe(original);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => first.inputValue()).toBe('Edited by the end-to-end test');
    // The preview shows the captions as edited (what the export writes), not its own transcription.
    // It draws them itself, whole, over the split wipe (the video element draws none).
    const previewCaptions = () => page.evaluate(() => {
      const video = document.querySelector<HTMLVideoElement>('.compare .pane.after video')!;
      return [...video.textTracks].filter((t) => t.mode !== 'disabled').map((t) => ({ mode: t.mode, cues: [...(t.cues ?? [])].map((c) => (c as VTTCue).text) }));
    });
    await expect.poll(previewCaptions).toEqual([{ mode: 'hidden', cues: expect.arrayContaining(['Edited by the end-to-end test']) }]);
    await expect.poll(() => page.getByTestId('preview-caption').textContent()).toBe('Edited by the end-to-end test');
    // Side by side, each pane letterboxes the picture: the caption sits on the picture, not on the bars below it.
    // A narrow, tall window leaves tall bars: more than the controls' height, which a caption placed
    // from the pane's bottom edge would stand on.
    const viewport = page.viewportSize()!;
    await page.setViewportSize({ width: 1100, height: 1200 });
    await page.getByRole('button', { name: 'Side by side' }).click();
    const captionOnPicture = () => page.evaluate(() => {
      const v = document.querySelector<HTMLVideoElement>('.compare .pane.after video')!;
      const r = v.getBoundingClientRect();
      const s = Math.min(r.width / v.videoWidth, r.height / v.videoHeight);
      const [w, h] = [v.videoWidth * s, v.videoHeight * s];
      const pic = { left: r.left + (r.width - w) / 2, top: r.top + (r.height - h) / 2, right: r.left + (r.width + w) / 2, bottom: r.top + (r.height + h) / 2 };
      const c = document.querySelector('[data-testid="preview-caption"] span')!.getBoundingClientRect();
      return { barsBelow: Math.round(r.bottom - pic.bottom), inside: c.top >= pic.top && c.bottom <= pic.bottom && c.left >= pic.left - 0.5 && c.right <= pic.right + 0.5 };
    });
    await expect.poll(captionOnPicture).toEqual({ barsBelow: expect.any(Number), inside: true });
    expect((await captionOnPicture()).barsBelow).toBeGreaterThan(60);
    await shot('03c-preview-side-by-side-captions');
    await page.setViewportSize(viewport);
    await page.getByRole('group', { name: 'Compare' }).getByRole('button', { name: 'Split' }).click();

    // Timeline: zoom in, scrub by dragging, then drag caption 1's end edge to the left.
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(() => page.locator('.timeline-scroll').getAttribute('data-zoom')).toBe('2');
    const strip = (await page.locator('.timeline-scroll').boundingBox())!;
    await page.mouse.move(strip.x + 20, strip.y + 20);
    await page.mouse.down();
    await page.mouse.move(strip.x + 300, strip.y + 20, { steps: 6 });
    await page.mouse.up();
    const scrubbed = await playheadAt();
    expect(scrubbed).toBeGreaterThan(0.3);
    const endField = page.getByLabel('Caption 1 end', { exact: true });
    const endEdge = page.getByRole('slider', { name: 'Caption 1 end edge' });
    const endBefore = await endField.inputValue();
    const endAt = async () => Number(await endEdge.getAttribute('aria-valuenow'));
    const endSeconds = await endAt();
    await endEdge.scrollIntoViewIfNeeded();
    const edge = (await endEdge.boundingBox())!;
    await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
    await page.mouse.down();
    await page.mouse.move(edge.x + edge.width / 2 - 90, edge.y + edge.height / 2, { steps: 8 });
    await page.mouse.up();
    const endDragged = await endAt();
    expect(endDragged).toBeLessThan(endSeconds - 0.2);
    expect(await endField.inputValue()).not.toBe(endBefore);
    expect(await playheadAt()).toBe(scrubbed); // dragging an edge does not scrub
    await page.keyboard.press('Control+z');
    await expect.poll(() => endField.inputValue()).toBe(endBefore);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(endAt).toBe(endDragged);
    await shot('04-captions');

    // Export, then watch the queue.
    await page.click('[data-action="export"]');
    await page.locator('.job[data-job-status="done"]').filter({ hasText: 'interview_clean.mp4' }).waitFor({ timeout: 240_000 });
    await shot('05-queue');

    const out = path.join(dir, 'interview_clean.mp4');
    const streams = ffprobeStreams(out);
    expect(streams.map((s) => s.codec_type)).toEqual(expect.arrayContaining(['video', 'audio', 'subtitle']));
    expect(streams.find((s) => s.codec_type === 'subtitle')?.codec_name).toBe('mov_text');
    expect(readFileSync(path.join(dir, 'interview_clean.srt'), 'utf8')).toContain('Edited by the end-to-end test');
    expect(readFileSync(path.join(dir, 'interview_clean.vtt'), 'utf8')).toContain('Edited by the end-to-end test');

    // The app's export is a job of the same persistent queue as watch folders: `clearcut jobs` lists it.
    const listed = jsonLines((await runCli(['jobs', 'list', '--json', '--db', server.db])).stdout)[0] as { jobs: Array<{ id: string; state: string; output: string; lane?: string; reportPath?: string }> };
    const exported = listed.jobs.find((j) => j.output === out);
    expect(exported).toMatchObject({ state: 'done', lane: 'app' });
    expect(existsSync(exported!.reportPath!)).toBe(true);

    await page.keyboard.press('Control+,');
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.waitFor();
    // The inference device: the engine's devices, those it cannot use here disabled (Core ML and DirectML on Linux).
    expect(await settings.getByLabel(/Inference device/).inputValue()).toBe('cpu');
    expect(await settings.locator('select[data-setting="device"] option:disabled').count()).toBeGreaterThanOrEqual(2);
    // The codec starts at Automatic: the engine keeps 10 bits for HDR clips (H.264 otherwise).
    expect(await settings.getByLabel('Video codec').inputValue()).toBe('auto');
    await shot('06-settings');
  });
});
