"""Cost of Shear, Smart Blur, Shape Blur, Fibers (`shape_filters`), HSB/HSL, De-Interlace and
NTSC Colors (`video_filters`) on a 2000 x 1500 photo (skimage's astronaut, enlarged):
`filter_ops.run`, what a dialog's preview and OK run, once each. Figures on the shared 2-core
machine are noisy.

    python bench/bench_shape_filters.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from editor.model import Document, filter_ops, shape_filters as sf, video_filters as vf  # noqa: E402
from editor.model.layers import Layer  # noqa: E402
from ui_helpers import photo  # noqa: E402

W, H = 2000, 1500
pix = photo(W, H, "astronaut")
ops = [sf.Shear(((0.0, 0.0), (0.5, 0.2), (1.0, 0.0))), sf.Shear(((0.0, 0.3), (1.0, -0.1)), "repeat"),
       sf.SmartBlur(), sf.SmartBlur(3, 25, "medium"), sf.SmartBlur(3, 25, "high"),
       sf.SmartBlur(10, 25, "high", "overlay"), sf.SmartBlur(3, 5, "high"),
       sf.ShapeBlur(5), sf.ShapeBlur(10), sf.ShapeBlur(10, "ring"), sf.ShapeBlur(10, "star"),
       sf.ShapeBlur(50, "heart"), sf.Fibers(), sf.Fibers(64, 64),
       vf.HSBHSL(), vf.HSBHSL("rgb", "hsl"), vf.HSBHSL("hsb", "rgb"), vf.DeInterlace(),
       vf.DeInterlace("even", "duplication"), vf.NTSCColors()]


def main() -> None:
    doc = Document(W, H)
    layer = Layer("photo", pix.copy())
    doc.add_layer(layer)
    target = filter_ops.prepare(doc, layer)
    for op in ops:
        t0 = time.perf_counter()
        filter_ops.run(target, op)
        print(f"{time.perf_counter() - t0:6.2f} s  {op!r}")


if __name__ == "__main__":
    main()
