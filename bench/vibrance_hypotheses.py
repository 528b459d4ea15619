"""Forms of Vibrance against Photoshop's pixels (AllAdjustments.psd's tile, issue 15).

    python bench/vibrance_hypotheses.py

Photoshop CC merged the photo of tests/aspose_psd_files/ under Vibrance +64, Saturation
+36 (the only Photoshop file at hand with a Vibrance layer over pixels of its own; the
README lists what was searched). This prints the mean / largest error (0-255) of: the
photo left alone; ours (`adjust_kernels.more_mixed`: each pixel's distance from its Rec.
601 luma scaled by 1 + v (1 - w), w its chroma max - min, then Hue/Saturation's master
saturation); the same with w the HSV or HSL saturation or (1 - chroma) squared; the two
steps the other way round; either slider alone; and one gain g for every pixel (about
the luma) for a few g: the bound of any form that scales all of this photo's low-chroma
colours alike.

What it showed: the photo left alone is 10.6 / 77 off, ours 10.5 / 49; either slider alone
comes closer (vibrance 3.9 / 65, saturation 4.8 / 47), and so does any single gain of
1.5-1.8 (3.5-4.1 / 50-60); the orders and weights above all land between 6.3 and 10.5.
Photoshop's two sliders together move this photo's chroma by about 1.6-1.7 times at every
chroma it holds (0-0.4), less than either form of ours composes. One setting of two sliders
on a photo without saturated colours cannot tell how the two share that gain, nor how the
weight falls with chroma, so the formula is unchanged.
"""
from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from editor.model import adjustments as adj  # noqa: E402
from editor.model.adjust_kernels import from_hsl, saturation_gain, to_hsl  # noqa: E402

TILES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                     "tests", "aspose_psd_files", "all-adjustments-{}.png")
VIBRANCE, SATURATION = 0.64, 0.36
LUMA = np.array([0.299, 0.587, 0.114])


def tile(name):
    from PIL import Image

    return np.asarray(Image.open(TILES.format(name)).convert("RGB")).reshape(-1, 3)


def saturated(colours, s):
    out = np.empty_like(colours)
    for i, (r, g, b) in enumerate(colours):
        hue, sat, light = to_hsl(r, g, b)
        out[i] = from_hsl(hue, min(1.0, sat * (1 + saturation_gain(s))), light)
    return out


def about_luma(colours, gain):
    luma = (colours @ LUMA)[:, None]
    return np.clip(luma + (colours - luma) * np.reshape(gain, (-1, 1)), 0, 1)


def vibrant(colours, v, weight):
    mx, mn = colours.max(1), colours.min(1)
    chroma = mx - mn
    w = {"chroma": chroma, "HSV saturation": np.where(mx > 0, chroma / np.maximum(mx, 1e-9), 0),
         "HSL saturation": chroma / np.maximum(1 - np.abs(mx + mn - 1), 1e-9),
         "chroma, squared": 1 - (1 - chroma) ** 2}[weight]
    return about_luma(colours, 1 + v * (1 - w))


def main() -> None:
    photo, theirs = tile("photo") / 255.0, tile("vibrance").astype(int)

    def show(name, colours):
        error = np.abs(np.rint(colours * 255) - theirs)
        print(f"{name:48s} {error.mean():6.2f} / {error.max():3.0f}")

    show("the photo left alone", photo)
    show("ours", adj.Vibrance(64, 36).apply(photo))
    for weight in ("chroma", "HSV saturation", "HSL saturation", "chroma, squared"):
        show(f"{weight}: vibrance, then saturation",
             saturated(vibrant(photo, VIBRANCE, weight), SATURATION))
        show(f"{weight}: saturation, then vibrance",
             vibrant(saturated(photo, SATURATION), VIBRANCE, weight))
    show("vibrance alone (chroma)", vibrant(photo, VIBRANCE, "chroma"))
    show("saturation alone", saturated(photo, SATURATION))
    for gain in (1.5, 1.6, 1.7, 1.8):
        show(f"one gain {gain} about the luma", about_luma(photo, gain))


if __name__ == "__main__":
    main()
