"""Cost of Filter > Render > Lighting Effects on a photo (2000 x 1500 by default).

    python bench/bench_lighting.py [--runs 3] [--size 2000x1500]

Times `filter_ops.run` (what the dialog's worker runs for a preview and for OK, in bands)
for each preset, and three lights over a texture channel with Gloss and Metallic, median
of `--runs` after one warm-up (`bench_filters.time_filters`). Figures on the shared 2-core
machine are noisy.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_distort import photo  # noqa: E402
from bench_filters import time_filters  # noqa: E402
from editor.model import Document  # noqa: E402
from editor.model import lighting_effects as le  # noqa: E402
from editor.model.layers import Layer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", default="2000x1500")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    frame = (0, 0, w, h)
    ops = [le.LightingEffects(**le.preset(name, frame)) for name in le.PRESETS]
    ops.append(le.LightingEffects(le.preset("RGB Lights", frame)["lights"], gloss=50,
                                  metallic=30, texture="red", height=60))
    ops.append(le.LightingEffects(le.preset("Parallel", frame)["lights"], gloss=50,
                                  texture="green", height=60))
    doc = Document(w, h)
    layer = Layer("bench", photo(w, h))
    doc.add_layer(layer)
    print(f"{w}x{h}, in order: " + ", ".join(le.PRESETS)
          + ", RGB Lights over Red (Height 60, Gloss 50), Parallel over Green:")
    time_filters(doc, layer, ops, args.runs)


if __name__ == "__main__":
    main()
