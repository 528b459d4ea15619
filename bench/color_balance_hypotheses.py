"""Models of Color Balance's shadows, highlights and Preserve Luminosity against Photoshop.

    python bench/color_balance_hypotheses.py MIRROR

MIRROR is Aspose.PSD-for-.NET as a bare git directory (its Examples/Data/PSD/
ColorBalance.psd states no licence, so it stays out of this repository). Photoshop CC merged
a 10x10 layer of swatches there under midtones (-100, 0, +89), highlights (-70, -100, +99),
Preserve Luminosity on; the only one of Photoshop's files at hand with shadows or
highlights set on a single layer (issue 15; the README lists what was searched). The
midtones are known exactly (Levels' gamma 2 ** (amount / 100), `adjust_kernels.
balance_gamma`); this prints, for each model of the rest, the mean / largest error (0-255)
over the 100 pixels and what it makes of the one mixed swatch, (178, 22, 22), which
Photoshop turns into (163, 24, 157). The other swatches are pure colours, black, white and
three near-pure ones, which most models keep within a level.

Models of the highlights curves: GIMP 2.10's ramps of the HSL lightness (ours); GIMP
2.0's per-channel transfer tables (1.075 - 1 / (1 + v / 16) and 0.667 (1 - ((v - 127) /
127) ** 2)), each channel on its own value; Levels' input white point per channel
(amount a > 0: v / (1 - s a); a < 0: the other two channels so, i.e. the complementary
colour added), for a few s. Preserve Luminosity: none, the HSL lightness put back (GIMP),
the Rec. 601 luminosity put back (W3C SetLum), Lab L* put back.

What it showed (issue 15): ours 7.71 / 64 (all of it on the mixed swatch: (170, 30, 93));
GIMP 2.0's tables 9.5-13.2 / 44-85; white points 1.1 / 7 at best (s = 0.27, no
luminosity step: (170, 27, 156)), but with s tuned on that very colour, and no s gives
all three channels: red lands on 163 at s = 0.24 (blue 141), blue on 157 at s = 0.27 (red
170). Nor can any "put back" step be Photoshop's: each restores its measure exactly, and
Photoshop's pixel has none of the original's (HSL lightness 93.5 against 100, Rec. 601
luminosity 80.7 against 68.6, L* 39.4 against 38.0). One mixed colour cannot decide a
model; ours is kept.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from editor.model import adjustments as adj  # noqa: E402
from editor.model.adjust_kernels import balance_gamma, from_hsl, set_lum, to_hsl  # noqa: E402

MIDTONES, HIGHLIGHTS = (-100, 0, 89), (-70, -100, 99)
LEVELS = np.arange(256.0)
HIGHLIGHTS_ADD = 1.075 - 1 / (LEVELS / 16 + 1)  # GIMP 2.0's tables
PARABOLA = 0.667 * (1 - ((LEVELS - 127) / 127) ** 2)


def swatches(mirror: str):
    from psd_tools import PSDImage

    data = subprocess.run(["git", "-C", mirror, "show",
                           "HEAD:Examples/Data/PSD/ColorBalance.psd"],
                          capture_output=True, check=True).stdout
    image = PSDImage.open(io.BytesIO(data))
    layer = next(iter(image.descendants())).topil().convert("RGB")
    return (np.asarray(layer).reshape(-1, 3).astype(float),
            np.asarray(image.topil().convert("RGB")).reshape(-1, 3).astype(int))


def midtones(v, c):
    return 255 * (v / 255) ** (1 / balance_gamma(MIDTONES[c] / 100))


def gimp20(rgb):
    out = []
    for c in range(3):
        v, a = midtones(rgb[c], c), HIGHLIGHTS[c]
        table = HIGHLIGHTS_ADD if a > 0 else PARABOLA
        out.append(np.clip(v + a * np.interp(v, LEVELS, table), 0, 255))
    return np.array(out)


def white_points(s):
    def model(rgb):
        v = np.array([midtones(rgb[c], c) for c in range(3)])
        for c in range(3):
            a = HIGHLIGHTS[c] / 100
            for o in ([c] if a > 0 else [o for o in range(3) if o != c] if a < 0 else []):
                v[o] = min(255.0, v[o] / (1 - s * abs(a)))
        return v
    return model


def preserve(kind, before, after):
    o, n = before / 255, after / 255
    if kind == "HSL lightness":
        hue, sat, _ = to_hsl(*n)
        return 255 * np.array(from_hsl(hue, sat, to_hsl(*o)[2]))
    if kind == "Rec.601 SetLum":
        return 255 * np.array(set_lum(*n, o @ [0.3, 0.59, 0.11]))
    if kind == "Lab L*":
        from skimage.color import lab2rgb, rgb2lab

        lab = rgb2lab(n[None, None])
        lab[..., 0] = rgb2lab(o[None, None])[..., 0]
        return 255 * np.clip(lab2rgb(lab)[0, 0], 0, 1)
    return after


def main(mirror: str) -> None:
    layer, merged = swatches(mirror)
    ours = adj.ColorBalance(midtones=MIDTONES, highlights=HIGHLIGHTS, preserve_luminosity=True)
    adjusted = np.rint(np.clip(ours.apply(layer / 255), 0, 1) * 255)
    error = np.abs(adjusted - merged)
    print(f"{'ours (GIMP 2.10 ramps, HSL lightness)':52s} {error.mean():6.2f} / {error.max():3.0f}"
          f"  {adjusted[-1]}")
    models = {"GIMP 2.0 tables": gimp20}
    models.update({f"white points s={s}": white_points(s) for s in (0.24, 0.25, 0.27, 0.5)})
    for name, model in models.items():
        for kind in ("none", "HSL lightness", "Rec.601 SetLum", "Lab L*"):
            colours = {}
            for colour in set(map(tuple, layer)):
                rgb = np.array(colour)
                colours[colour] = np.rint(np.clip(preserve(kind, rgb, model(rgb)), 0, 255))
            result = np.array([colours[tuple(c)] for c in layer])
            error = np.abs(result - merged)
            print(f"{name + ', ' + kind:52s} {error.mean():6.2f} / {error.max():3.0f}"
                  f"  {colours[178.0, 22.0, 22.0]}")
    print("Photoshop's (178, 22, 22) -> (163, 24, 157)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1
         else "/work/.mirror/aspose-psd+Aspose.PSD-for-.NET/repo")
