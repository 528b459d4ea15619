"""Photoshop's Brightness/Contrast curves, measured from psd-tools' corpus in each colour mode.

    python bench/bc_curves_by_mode.py MIRROR

MIRROR is psd-tools' repository as a bare git directory. Its adjustments/ folder holds the
same document (the photo 'orion' under four masked Brightness/Contrast layers, one strip
each; and a legacy one) saved in RGB, Greyscale and CMYK. For each adjustment layer this
reads the curve Photoshop applied: the photo's own channel values (the layer's pixels, as
stored) against the merged image's (as stored: `PSDImage.numpy()`, no colour profile
applied) where the layer's mask is full and nothing else covers the photo.

What it showed (issue 15): the modern curves are the same in the three modes to the level
(greyscale: exactly; CMYK: in its stored values, 0 = full ink, each of its four channels),
although the three copies' channel means differ widely (RGB about 99, greyscale 80, CMYK
114-175 by channel). So the curve depends on the two settings only, not on the picture
below nor on the mode; the greyscale copy seemed to disagree only when its merged image
was read with `topil()`, which converts it through the file's Dot Gain profile while the
layer pixels stay unconverted. The script prints, per layer, how far each mode's curve is
from the RGB copy's and from ours (`BrightnessContrast.transfer`), and for the legacy
layers the two orders of brightness and contrast.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from editor.model import adjustments as adj  # noqa: E402

FOLDER = "tests/psd_files/adjustments/"
MODES = ("rgb", "grayscale", "cmyk")


def open_corpus(mirror: str, name: str):
    from psd_tools import PSDImage

    data = subprocess.run(["git", "--git-dir", mirror, "show", f"HEAD:{FOLDER}{name}.psd"],
                          check=True, capture_output=True).stdout
    return PSDImage.open(io.BytesIO(data))


def _signed(v: int) -> int:
    return v - 65536 if v >= 32768 else v


def settings(layer) -> tuple[int, int, bool]:
    """(brightness, contrast, legacy) of a layer holding a 'brit' block or a 'CgEd' one."""
    if layer.kind == "brightnesscontrast":
        return layer.brightness, layer.contrast, bool(layer.use_legacy)
    blocks = layer._record.tagged_blocks
    brit = next(blocks.get_data(k) for k in blocks.keys() if k.name == "BRIGHTNESS_AND_CONTRAST")
    return _signed(brit.brightness), _signed(brit.contrast), True


def full_mask(layer, size: tuple[int, int]) -> np.ndarray:
    h, w = size
    mask = layer.mask
    out = np.full((h, w), mask.background_color, np.uint8)
    x0, y0, x1, y1 = mask.bbox
    xa, ya, xb, yb = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    out[ya:yb, xa:xb] = np.asarray(mask.topil())[ya - y0:yb - y0, xa - x0:xb - x0]
    return out == 255


def curves(psd) -> dict[tuple[int, int, bool], np.ndarray]:
    """Per adjustment layer: (256, channels) table, input level -> mean output (NaN unseen)."""
    merged = np.rint(psd.numpy() * 255).astype(int)
    channels = merged.shape[-1]
    photo = next(layer for layer in psd.descendants() if layer.name == "orion")
    x0, y0 = photo.bbox[:2]
    h, w = psd.height, psd.width
    below = np.rint(photo.numpy() * 255).astype(int)[-y0:-y0 + h, -x0:-x0 + w, :channels]
    # The colour swatches lie over the photo's bottom rows.
    photo_only = np.arange(h)[:, None] < 171
    out = {}
    for layer in psd.descendants():
        if layer.kind != "brightnesscontrast" and "Brightness" not in layer.name:
            continue
        where = full_mask(layer, (h, w)) & photo_only
        table = np.full((256, channels), np.nan)
        for c in range(channels):
            x, y = below[..., c][where], merged[..., c][where]
            sums = np.bincount(x, y, minlength=256)
            counts = np.bincount(x, minlength=256)
            seen = counts > 0
            table[seen, c] = sums[seen] / counts[seen]
        out[settings(layer)] = table
    return out


def main() -> None:
    mirror = sys.argv[1]
    modern = {mode: curves(open_corpus(mirror, f"brightnesscontrast_{mode}")) for mode in MODES}
    levels = np.arange(256) / 255.0
    for key, rgb in modern["rgb"].items():
        seen_in = (~np.isnan(rgb)).sum(axis=1)
        rgb = np.where(seen_in > 0, np.nansum(rgb, axis=1) / np.maximum(seen_in, 1), np.nan)
        ours = adj.BrightnessContrast(key[0], key[1]).transfer(levels, 0) * 255
        seen = ~np.isnan(rgb)
        line = [f"{key[:2]}: ours vs RGB mean {np.abs(ours - rgb)[seen].mean():.2f} "
                f"max {np.abs(ours - rgb)[seen].max():.1f}"]
        for mode in MODES[1:]:
            table = modern[mode][key]
            both = ~np.isnan(table) & seen[:, None]
            diff = np.abs(table - rgb[:, None])[both]
            line.append(f"{mode} vs RGB mean {diff.mean():.2f} max {diff.max():.1f}")
        print(" | ".join(line))
    for mode in MODES:
        for (b, c, _), table in curves(open_corpus(mirror, f"brightnesscontrast_legacy_{mode}")).items():
            seen = ~np.isnan(table)
            x = np.broadcast_to(np.arange(256.0)[:, None], table.shape)[seen]
            k = c / 100.0
            slope = 1.0 / (1.0 - k) if k > 0 else 1.0 + k
            first_b = np.clip(np.rint((x + b - 127) * slope + 127), 0, 255)
            first_c = np.clip(np.rint((x - 127) * slope + 127 + b), 0, 255)
            print(f"legacy {mode} ({b}, {c}): brightness first mean "
                  f"{np.abs(first_b - table[seen]).mean():.2f}, contrast first mean "
                  f"{np.abs(first_c - table[seen]).mean():.2f}")


if __name__ == "__main__":
    main()
