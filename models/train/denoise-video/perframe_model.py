"""Version 6 candidate of the video denoiser: version 3's network behind a per-frame still test.

Version 3 to 5 average the five frames where the scene holds still, with one weight per pixel from
the mean difference of all four neighbours from the centre (model.static_prefilter). Next to a
moving object one neighbour differs, the weight drops to 0 for all of them, and the network alone
has to denoise the strip the object just left: a noisy halo about the object's size.

Here each neighbour k gets its own weight w_k from its own difference from the centre (the same
5x5 mean of 12 channels, the same ramp), and the centre is replaced by the weighted mean

    mu = (centre + sum_k w_k f_k) / (1 + sum_k w_k)

so the frames that match still count where one does not. The network sees the centre as mu and
each neighbour as f_k + w_k (mu - f_k); the noise level it is told is sigma * sqrt(1 + sum w_k^2) /
(1 + sum w_k), the level left in mu. With every w_k equal to 1 this is version 3's averaging; with
every w_k equal to 0 it is no averaging, as before.

Inputs and output are version 5's (core/stages/denoise-video/denoiser.ts feeds them), and the graph
trained is the graph exported:
  frames [N, 60, h, w], sigma, motion_sigma, grain_keep [N, 1, 1, 1] -> residual [N, 12, h, w]
`per_frame=False` gives version 3's averaging, the same function as model.DeployVDN (checked against
models/clearcut-vdn/reference.json).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

T = 5
C = T // 2
RAMP_START, RAMP = 1.35, 0.35  # static_prefilter's still-test ramp


def box(x, taps=5):
    return F.avg_pool2d(x, taps, 1, taps // 2, count_include_pad=False)


def grain_lowpass(t):
    """Version 5's grain band (add_grain_keep.py): the mean of each colour's four sub-pixel planes,
    a 5-tap box twice across and twice down, repeated back to the four planes."""
    n, _, h, w = t.shape
    x = t.reshape(n, 3, 4, h, w).mean(2)
    for _ in range(2):
        x = F.avg_pool2d(x, (5, 1), 1, (2, 0), count_include_pad=False)
        x = F.avg_pool2d(x, (1, 5), 1, (0, 2), count_include_pad=False)
    return x.unsqueeze(2).expand(-1, -1, 4, -1, -1).flatten(1, 2)


class PerFrameVDN(nn.Module):
    def __init__(self, m, per_frame=True):
        """m: a trained model.ClearcutVDN(16, 32, 3, mean_skip=True) (its modules are used as they are)."""
        super().__init__()
        self.m, self.per_frame = m, per_frame

    def deploy(self, frames, sigma, motion_sigma=None, grain_keep=None):
        m = self.m
        n, _, h, w = frames.shape
        f = frames.reshape(n, T, 12, h, w)
        centre = frames[:, 12 * C:12 * C + 12]
        mean = f.mean(1)
        expected = 1.1284 * (sigma if motion_sigma is None else motion_sigma) + 1e-4
        weight = m.enc[0].weight
        w60, wsig = weight[:, :12 * T], weight[:, 12 * T:].sum(1).view(1, -1, 1, 1)
        if self.per_frame:
            wk = ((RAMP_START - box((f - centre[:, None]).abs().mean(2)) / expected) / RAMP).clamp(0, 1)
            wk = torch.cat([wk[:, :C], torch.ones_like(wk[:, :1]), wk[:, C + 1:]], 1)  # [n, T, h, w]
            total = wk.sum(1, keepdim=True)
            mu = (wk[:, :, None] * f).sum(1) / total
            sig = sigma * torch.sqrt((wk * wk).sum(1, keepdim=True)) / total
            blended = f + wk[:, :, None] * (mu[:, None] - f)
            blended = torch.cat([blended[:, :C], mu[:, None], blended[:, C + 1:]], 1).flatten(1, 2)
            shift = mu - centre
            kept = grain_lowpass(shift)
        else:
            d = (f - centre[:, None]).abs().mean(2).sum(1, keepdim=True) / (T - 1)
            wt = ((RAMP_START - box(d) / expected) / RAMP).clamp(0, 1)
            sig = sigma * torch.sqrt((1 - wt) ** 2 + wt * (2 - wt) / T)
            blended = f + wt[:, :, None] * (mean[:, None] - f)
            blended = blended.flatten(1, 2)
            shift = wt * (mean - centre)
            mu = centre + shift
            kept = wt * grain_lowpass(mean - centre)
        s = torch.relu(F.conv2d(blended, w60, m.enc[0].bias) + wsig * sig)
        s = torch.relu(m.enc[2](s))
        d = m.down(s)
        d = d + m.body(d)
        u = F.pixel_shuffle(m.up(d), 2) + s
        r = m.dec(torch.cat([u, mu, mean - mu], 1)) + shift
        return r if grain_keep is None else r - grain_keep * kept

    def forward(self, x, s):
        """Training interface: frames [N, 15, H, W] and a sigma map [N, 1, H, W] -> the centre frame."""
        return x[:, 3 * C:3 * C + 3] + F.pixel_shuffle(self.deploy(F.pixel_unshuffle(x, 2), s[:, :, :1, :1]), 2)


class Exported(nn.Module):
    """What goes into the ONNX file: all four inputs."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, frames, sigma, motion_sigma, grain_keep):
        return self.net.deploy(frames, sigma, motion_sigma, grain_keep)
