/**
 * Runs one export: probe -> validate -> plan stages -> analysis passes -> decode, transform and
 * encode in one stream -> rename into place. One AbortSignal reaches every step, and every step
 * reports staged progress. The steps live in ExportRun (export-run.ts).
 */
import { isCaptionsOnlyRequest, runCaptionsOnly } from './captions-only.js';
import type { ExportRequest, ExportSummary } from './export-request.js';
import { ExportRun } from './export-run.js';

export { MAX_FRAME_PIXELS } from './export-validation.js';

export async function runExport(req: ExportRequest): Promise<ExportSummary> {
  // An .srt/.vtt/.json output means captions only: nothing is encoded.
  if (isCaptionsOnlyRequest(req)) return runCaptionsOnly(req);
  const run = await ExportRun.start(req);
  return run.execute();
}
