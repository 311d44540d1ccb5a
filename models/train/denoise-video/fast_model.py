"""Version 4 of the video denoiser ("FastVDN"): the same job and the same inputs and output as the
shipped DeployVDN (model.py), laid out so ONNX Runtime on a laptop CPU spends its time in
convolutions rather than in element-wise work and layout changes.

Inputs and output (what the runtime, core/stages/denoise-video/denoiser.ts, already feeds):
  frames   [N, 60, h, w]  pixel_unshuffle(five RGB frames 0..1, 2), channel 12*frame + 4*colour + 2*dy + dx
  sigma    [N, 1, 1, 1]   noise RMS in 0..1 units
  residual [N, 12, h, w]  pixel_unshuffle(denoised centre - centre, 2)
h = H/2, w = W/2 with H and W multiples of 4. Training and export use this very graph (no
rearranging step, so nothing can drift between the two).

What changed against version 3, measured on a 1280x720 frame in onnxruntime-node on 2 cores
(version 3: 123 ms, a third of it outside the convolutions):
  * One 1x1 convolution of the 60 input channels computes everything the still-region averaging
    and the first layer need: the first layer's output for the frames and for their temporal mean,
    the mean minus the centre, and the colour difference of each frame from the centre averaged
    over its 2x2 block. Version 3 did the last three with reductions and element-wise operations
    over all 60 channels.
  * The motion test compares 2x2-averaged colours (12 channels instead of 48). Its threshold
    starts where noise alone puts it and is learned.
  * Upsampling is a transposed convolution (the same function as 1x1 + pixel shuffle, without
    the 6-D transpose).
  * The decoder's first layer sees the features through a 3x3 and the two image inputs (blended
    centre, mean minus centre) through a 1x1: the spatial context is in the features already.
  * The quarter-resolution body is dilated (1, 2, 4): a receptive field of about +-40 px for the
    same cost, which flat walls and skies need.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

T = 5
C = T // 2


def _fixed_weights(motion):
    """1x1 weights [12 + 16, 60]: mean minus centre (12 channels), then the difference of each
    other frame from the centre that the motion test reads (4 frames x 4 values)."""
    w = torch.zeros(12 + 16, 12 * T)
    for ch in range(12):
        for k in range(T):
            w[ch, 12 * k + ch] = 1.0 / T
        w[ch, 12 * C + ch] -= 1.0
    row = 12
    for k in range(T):
        if k == C:
            continue
        for v in range(4):
            if motion == "luma":  # per pixel (sub-pixel v), the mean of R, G and B
                for col in range(3):
                    w[row, 12 * k + 4 * col + v] += 1 / 3
                    w[row, 12 * C + 4 * col + v] -= 1 / 3
            elif v < 3:  # "colour2x2": colour v averaged over the 2x2 block (the fourth row stays 0)
                for sub in range(4):
                    w[row, 12 * k + 4 * v + sub] += 0.25
                    w[row, 12 * C + 4 * v + sub] -= 0.25
            row += 1
    return w


# E|a - b| per motion-test value for white noise of RMS s per sample: s * sqrt(2 / n) * sqrt(2 / pi)
# with n samples averaged; "colour2x2" has a zero fourth row per frame, so its mean is 3/4 of that.
NOISE_DIFF = {"luma": 0.6515, "colour2x2": 0.5642 * 0.75}


class FastVDN(nn.Module):
    def __init__(self, c1=16, c2=32, dilations=(1, 2, 4), enc=True, motion="colour2x2"):
        super().__init__()
        self.first = nn.Conv2d(12 * T, c1, 1)
        self.wsig = nn.Parameter(torch.zeros(1, c1, 1, 1))
        self.register_buffer("fixed", _fixed_weights(motion), persistent=False)
        self.noise_diff = NOISE_DIFF[motion]
        # log of the threshold scale: the motion test trusts differences up to noise_diff * exp(.) * sigma
        self.thresh = nn.Parameter(torch.zeros(1))
        self.enc = nn.Conv2d(c1, c1, 3, padding=1) if enc else None
        self.down = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.body = nn.ModuleList(nn.Conv2d(c2, c2, 3, padding=d, dilation=d) for d in dilations)
        self.up = nn.ConvTranspose2d(c2, c1, 2, stride=2)
        self.dec_feat = nn.Conv2d(c1, c1, 3, padding=1)
        self.dec_img = nn.Conv2d(24, c1, 1, bias=False)
        self.out = nn.Conv2d(c1, 12, 3, padding=1)
        nn.init.zeros_(self.out.weight)  # start as the still-region averaging alone
        nn.init.zeros_(self.out.bias)
        self.c1 = c1

    def forward(self, frames, sigma, motion_sigma=None):
        """motion_sigma: the level the motion test compares frame differences with (the runtime
        passes the noise level times noise-level.ts motionNoiseRatio); sigma when not given."""
        c1 = self.c1
        w1 = self.first.weight.flatten(1)  # [c1, 60]
        w_mean = w1.reshape(c1, T, 12).sum(1, keepdim=True).expand(c1, T, 12).reshape(c1, 12 * T) / T
        weight = torch.cat([w1, w_mean, self.fixed], 0)[:, :, None, None]
        z = F.conv2d(frames, weight)
        a, m, mc, diff = z[:, :c1], z[:, c1:2 * c1], z[:, 2 * c1:2 * c1 + 12], z[:, 2 * c1 + 12:]
        d = F.avg_pool2d(diff.abs().mean(1, keepdim=True), 5, 1, 2, count_include_pad=False)
        expected = self.noise_diff * torch.exp(self.thresh) * (sigma if motion_sigma is None else motion_sigma) + 1e-4
        wt = ((1.35 - d / expected) / 0.35).clamp(0, 1)
        sig = sigma * torch.sqrt((1 - wt) ** 2 + wt * (2 - wt) / T)
        # The first layer of the blended frames f + wt*(mean - f) is a + wt*(m - a) (it is linear).
        s = torch.relu(a + wt * (m - a) + self.first.bias.view(1, -1, 1, 1) + self.wsig * sig)
        if self.enc is not None:
            s = torch.relu(self.enc(s))
        x = torch.relu(self.down(s))
        y = x
        for conv in self.body:
            y = torch.relu(conv(y))
        u = self.up(x + y) + s
        shift = wt * mc
        centre = frames[:, 12 * C:12 * C + 12]
        img = torch.cat([centre + shift, mc - shift], 1)
        h = torch.relu(self.dec_feat(u) + self.dec_img(img))
        return self.out(h) + shift


def macs_per_pixel(model, h=64, w=64):
    """Multiply-accumulates per full-resolution output pixel (convolutions only)."""
    total = 0
    hooks = []

    def hook(m, inp, out):
        nonlocal total
        k = m.kernel_size[0] * m.kernel_size[1]
        if isinstance(m, nn.ConvTranspose2d):
            total += inp[0].numel() // inp[0].shape[0] * m.out_channels * k
        else:
            total += out.numel() // out.shape[0] * (m.in_channels // m.groups) * k

    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            hooks.append(m.register_forward_hook(hook))
    with torch.no_grad():
        model(torch.zeros(1, 12 * T, h // 2, w // 2), torch.zeros(1, 1, 1, 1))
    for hk in hooks:
        hk.remove()
    # the merged first convolution: the fixed and mean rows
    total += (h // 2) * (w // 2) * 12 * T * (model.c1 + model.fixed.shape[0])
    return total / (h * w)


if __name__ == "__main__":
    m = FastVDN()
    print(f"params {sum(p.numel() for p in m.parameters())}  MACs per pixel {macs_per_pixel(m):.0f}")
