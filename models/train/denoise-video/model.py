"""Tiny temporal video denoiser ("ClearcutVDN"), FastDVDnet in spirit, ~500x cheaper.

Inputs (RGB, 0..1, H and W multiples of 4 -- the runtime pads by reflection and crops):
  frames [N, 15, H, W]  five consecutive RGB frames, frame-major (t-2 .. t+2)
  sigma  [N, 1, H, W]   noise level map (RMS noise std in 0..1 units, e.g. 20/255)
Output:
  [N, 3, H, W]          the denoised centre frame = frames[:, 6:9] + predicted residual

Layout (h = half resolution after pixel-unshuffle, q = quarter):
  cat(frames, sigma) 16ch -> PixelUnshuffle(2) 64ch@h
  enc : 1x1 64->C1, ReLU, 3x3 C1->C1, ReLU                        (skip)
  down: 3x3 stride 2 C1->C2, ReLU                                  @q
  body: NB x (3x3 C2->C2, ReLU), with a residual add around it    @q
  up  : 1x1 C2->4*C1 + PixelShuffle(2), + skip                     @h
  dec : cat(centre frame unshuffled 12ch [, temporal mean - centre 12ch if mean_skip]),
        3x3 ->C1, ReLU, 3x3 C1->12 -> PixelShuffle(2) 3ch                 residual @full
With `prefilter` (static_prefilter), still regions are averaged before all this.
Fully convolutional: ONNX export uses dynamic H and W.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ClearcutVDN(nn.Module):
    def __init__(self, c1=16, c2=32, nb=3, frames=5, mean_skip=False, diff_skip=False):
        super().__init__()
        assert not diff_skip, "diff_skip was an experiment that did not help; not supported"
        self.frames = frames
        # The decoder also sees the temporal mean of the unshuffled frames minus the centre
        # frame (12 ch): averaging in still regions is then one step away, instead of having to
        # squeeze 12 signed values through the 16-channel encoder.
        self.mean_skip = mean_skip
        cin = (3 * frames + 1) * 4
        self.enc = nn.Sequential(nn.Conv2d(cin, c1, 1), nn.ReLU(inplace=True),
                                 nn.Conv2d(c1, c1, 3, padding=1), nn.ReLU(inplace=True))
        self.down = nn.Sequential(nn.Conv2d(c1, c2, 3, stride=2, padding=1), nn.ReLU(inplace=True))
        body = []
        for _ in range(nb):
            body += [nn.Conv2d(c2, c2, 3, padding=1), nn.ReLU(inplace=True)]
        self.body = nn.Sequential(*body)
        self.up = nn.Conv2d(c2, 4 * c1, 1)
        # the decoder also sees the unshuffled centre frame (12ch), so the narrow
        # encoder does not have to carry its exact values to predict the residual
        dec_in = c1 + 12 + (12 if mean_skip else 0)
        self.dec = nn.Sequential(nn.Conv2d(dec_in, c1, 3, padding=1), nn.ReLU(inplace=True),
                                 nn.Conv2d(c1, 12, 3, padding=1))
        nn.init.zeros_(self.dec[-1].weight)  # start as the identity (output = centre frame)
        nn.init.zeros_(self.dec[-1].bias)

    prefilter = False

    def forward(self, frames, sigma):
        c = self.frames // 2
        x = F.pixel_unshuffle(torch.cat([frames, sigma], 1), 2)
        shift = 0
        if self.prefilter:
            nf = 12 * self.frames
            xf, sig = static_prefilter(x[:, :nf], x[:, nf:nf + 1], self.frames)
            shift = F.pixel_shuffle(xf[:, 12 * c:12 * c + 12] - x[:, 12 * c:12 * c + 12], 2)
            x = torch.cat([xf, sig.expand(-1, 4, -1, -1)], 1)
        s = self.enc(x)
        d = self.down(s)
        d = d + self.body(d)
        u = F.pixel_shuffle(self.up(d), 2) + s
        r = F.pixel_shuffle(self.dec(torch.cat(decoder_inputs(self, u, x[:, :12 * self.frames]), 1)), 2)
        return frames[:, 3 * c:3 * c + 3] + shift + r


def static_prefilter(xf, sigma, frames=5):
    """Average frames where the scene holds still, before the network sees them (not learned).

    xf: unshuffled frames [N, 12*T, h, w]; sigma: noise level, [N,1,1,1] or [N,1,h,w].
    Where the mean absolute difference of the other frames from the centre (over 12 channels and
    a 5x5 neighbourhood) is what noise alone gives (2*sigma/sqrt(pi)), every frame is replaced by
    the temporal mean, and the noise level drops to sigma/sqrt(T); above 1.35 times that it
    leaves the frames alone, blending in between. Returns (frames, sigma map [N,1,h,w]).
    The small network smooths fine static texture (gravel, foliage) it cannot tell from noise;
    averaging keeps it, and moving parts still get the network's full strength."""
    n, _, h, w = xf.shape
    f = xf.reshape(n, frames, 12, h, w)
    c = frames // 2
    d = (f - f[:, c:c + 1]).abs().mean(2).sum(1, keepdim=True) / (frames - 1)
    d = F.avg_pool2d(d, 5, 1, 2, count_include_pad=False)
    expected = 1.1284 * sigma + 1e-4
    wt = ((1.35 - d / expected) / 0.35).clamp(0, 1)
    mean = f.mean(1, keepdim=True)
    out = (f + wt[:, :, None] * (mean - f)).reshape(n, 12 * frames, h, w)
    sig = sigma * torch.sqrt((1 - wt) ** 2 + wt * (2 - wt) / frames)
    return out, sig


def decoder_inputs(m, u, xf):
    """u: upsampled features; xf: the unshuffled frames [N, 12*T, h, w]."""
    c = m.frames // 2
    centre = xf[:, 12 * c:12 * c + 12]
    parts = [u, centre]
    n, _, h, w = xf.shape
    if m.mean_skip:
        parts.append(xf.reshape(n, m.frames, 12, h, w).mean(1) - centre)
    return parts


class DeployVDN(nn.Module):
    """The same function as a trained ClearcutVDN, rearranged for fast inference (what ships).

    In ONNX Runtime the full-resolution pixel-unshuffle (a 6-D Transpose), the 16-channel concat
    with the sigma map and the final pixel-shuffle cost more than all the convolutions together.
    The runtime therefore hands over frames already pixel-unshuffled, sigma as one number, and
    takes back the residual still unshuffled:
      frames [N, 60, H/2, W/2]  = pixel_unshuffle(frames, 2), channel 4*k + 2*dy + dx
      sigma  [N, 1, 1, 1]       noise level (constant over the picture)
      residual [N, 12, H/2, W/2] = pixel_unshuffle(denoised - centre frame, 2)
    The sigma channels of the first 1x1 convolution fold into a per-channel term (sigma is the
    same in all four sub-pixel positions), which is exact.
    """

    def __init__(self, m):
        super().__init__()
        self.m = m
        w = m.enc[0].weight.detach()
        c1, cin = w.shape[0], w.shape[1]
        nf = cin - 4
        self.first = nn.Conv2d(nf, c1, 1)
        with torch.no_grad():
            self.first.weight.copy_(w[:, :nf])
            self.first.bias.copy_(m.enc[0].bias.detach())
        self.register_buffer("wsig", w[:, nf:].sum(1).view(1, c1, 1, 1).clone())
        self.centre = 12 * (m.frames // 2)
        # The first convolution of the temporal mean: the per-frame weights summed.
        self.first_mean = nn.Conv2d(12, c1, 1, bias=False)
        with torch.no_grad():
            self.first_mean.weight.copy_(w[:, :nf].reshape(c1, m.frames, 12, 1, 1).sum(1))

    def forward(self, frames, sigma, motion_sigma=None):
        """motion_sigma: what the still-region test compares frame differences with (the runtime
        passes the noise level times noise-level.ts motionNoiseRatio); sigma when not given."""
        m = self.m
        if not m.prefilter:
            s = torch.relu(self.first(frames) + self.wsig * sigma)
            return self.rest(s, frames, None, 0)
        # static_prefilter, rewritten so nothing runs on all 60 channels but the distance and the
        # first convolution: every blended frame is f + w*(mean - f), the convolution is linear, the
        # blended frames' mean is the mean itself, and their centre is centre + w*(mean - centre).
        n, _, h, w = frames.shape
        centre = frames[:, self.centre:self.centre + 12]
        mean = frames.reshape(n, m.frames, 12, h, w).mean(1)
        d = (frames.reshape(n, m.frames, 12, h, w) - centre[:, None]).abs().mean(2).sum(1, keepdim=True) / (m.frames - 1)
        d = F.avg_pool2d(d, 5, 1, 2, count_include_pad=False)
        wt = ((1.35 - d / (1.1284 * (sigma if motion_sigma is None else motion_sigma) + 1e-4)) / 0.35).clamp(0, 1)
        sig = sigma * torch.sqrt((1 - wt) ** 2 + wt * (2 - wt) / m.frames)
        a = self.first(frames)
        first = a + wt * (self.first_mean(mean) + self.first.bias.view(1, -1, 1, 1) - a)
        s = torch.relu(first + self.wsig * sig)
        towards = mean - centre
        return self.rest(s, centre + wt * towards, (1 - wt) * towards, wt * towards)

    def rest(self, s, centre_or_frames, mean_minus_centre, shift):
        """Everything after the first convolution. Without the prefilter the decoder inputs come
        from the frames; with it, from the blended centre and mean given."""
        m = self.m
        s = torch.relu(m.enc[2](s))
        d = m.down(s)
        d = d + m.body(d)
        u = F.pixel_shuffle(m.up(d), 2) + s
        if mean_minus_centre is None:
            parts = decoder_inputs(m, u, centre_or_frames)
        else:
            parts = [u, centre_or_frames] + ([mean_minus_centre] if m.mean_skip else [])
        return m.dec(torch.cat(parts, 1)) + shift


def macs_per_pixel(model, h=64, w=64):
    """Exact multiply-accumulates per full-resolution output pixel (convolutions only;
    bias adds, ReLUs and the residual adds are not counted)."""
    total = 0
    hooks = []

    def hook(m, inp, out):
        nonlocal total
        k = m.kernel_size[0] * m.kernel_size[1]
        total += out.numel() // out.shape[0] * (m.in_channels // m.groups) * k

    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(hook))
    with torch.no_grad():
        model(torch.zeros(1, 3 * model.frames, h, w), torch.zeros(1, 1, h, w))
    for hk in hooks:
        hk.remove()
    return total / (h * w)


def count_params(model):
    return sum(p.numel() for p in model.parameters())


if __name__ == "__main__":
    m = ClearcutVDN(mean_skip=True)  # the shipped configuration
    print(f"params {count_params(m)}  ({count_params(m) * 4 / 1024:.1f} KiB fp32)")
    print(f"MACs per pixel {macs_per_pixel(m):.0f}")
