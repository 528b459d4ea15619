"""Filter > Blur Gallery's blurs (editor/model/blur_gallery.py, blur_gallery_motion.py) on a
photo-sized opaque layer: the full-size blur Enter applies (what the job runs) and the
on-canvas preview's reduced blurs at 1024 px (at rest) and 512 px (while dragging). Prints
medians in ms. Spin Blur: one spin over most of the picture at --angle degrees; Path
Blur: one curved path across it, Speed 50 % of End Point Speeds of 100 px (streaks of 50 px).

    python bench/bench_blur_gallery.py [--size 2000x1500] [--blur 15] [--angle 15] [--runs 3]

The machine is shared; figures vary with its load.
"""
from __future__ import annotations

import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from timing import median_ms, opaque_noise  # noqa: E402


def main() -> None:
    import cv2

    from editor.model import blur_gallery as bg
    from editor.model import blur_gallery_motion as bm
    from engine.box import Box

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="2000x1500")
    parser.add_argument("--blur", type=float, default=15.0)
    parser.add_argument("--angle", type=float, default=15.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    pixels = opaque_noise(w, h)
    b = args.blur
    ops = (bg.FieldBlur(pins=((w / 4, h / 2, 0.0), (3 * w / 4, h / 2, b))),
           bg.IrisBlur(blur=b, cx=w / 2, cy=h / 2, rx=0.35 * w, ry=0.3 * h, angle=15),
           bg.TiltShift(blur=b, cx=w / 2, cy=h / 2, angle=10, sharp=0.08 * h, fade=0.17 * h),
           bm.SpinBlur(spins=((w / 2 + 0.5, h / 2 + 0.5, 0.35 * w, 0.3 * h, 15, bm.SPIN_FEATHER,
                               args.angle),)),
           bm.PathBlur(paths=((((0.25 * w, h / 2), (w / 2, 0.4 * h), (0.75 * w, h / 2)),
                               bm.END_SPEED, bm.END_SPEED),)))
    print(f"{w}x{h} opaque layer, blur {b:g} px, median of {args.runs} runs (ms)")
    for op in ops:
        box = Box(0, 0, w, h)
        full = median_ms(lambda: op.process(pixels, box, box, None), args.runs)
        row = [f"{op.label:<11} full {full:7.0f}"]
        for size in (1024, 512):
            r = min(1.0, size / max(w, h))
            small = cv2.resize(pixels, (round(w * r), round(h * r)), interpolation=cv2.INTER_AREA)
            sbox = Box(0, 0, small.shape[1], small.shape[0])
            scaled = op.scaled(r)
            ms = median_ms(lambda: scaled.process(small, sbox, sbox, None), args.runs)
            row.append(f"preview {size} {ms:5.0f}")
        print("   ".join(row))


if __name__ == "__main__":
    main()
