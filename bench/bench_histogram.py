"""The Curves graph's histogram of what lies below (`adjustment_ops.histogram_below`) on the
20-layer 4000x3000 document of bench_document.py (half the layers masked, its three
adjustment layers); prints medians, wall and CPU.

    python bench/bench_histogram.py [--runs N]

The editor makes it again once the layers below a shown Curves layer are still
(editor/ui/below_histogram.py, on a worker thread), so this is what one refresh costs.
"""
from __future__ import annotations

import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

import bench_document as bench  # noqa: E402  (the documents and the timer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (median)")
    args = parser.parse_args()
    from editor.model import adjustment_ops

    for name, make in (("typical", bench.typical_document),
                       ("photo", lambda: bench.photo_document(20))):
        doc = make()  # one document at a time (each holds about 1 GB)
        bench.mask_half(doc)
        bench.add_adjustments(doc)
        top, middle = doc.root.children[-1], doc.root.children[6]  # Curves on top; Levels
        print(f"\n{name} document: 20 layers, half masked, 3 adjustment layers, "
              f"{bench.W}x{bench.H}")
        for label, node in (("below the top Curves layer (all 20 layers, 2 adjustments)", top),
                            ("below a layer in the middle (6 layers)", middle)):
            adjustment_ops.histogram_below(doc, node)  # warm (numba, caches)
            ms = bench.median_ms(lambda: adjustment_ops.histogram_below(doc, node), args.runs)
            bench.row(label, ms, f"{adjustment_ops.HISTOGRAM_STRIPS} strips x "
                                 f"{adjustment_ops.HISTOGRAM_STRIP_ROWS} rows")
        # The same rows in more, thinner strips (the previous sampling): each strip's
        # composite pays for starting the adjustment kernels' threads.
        ms = bench.median_ms(lambda: adjustment_ops.histogram_below(doc, top, 12, 8), args.runs)
        bench.row("below the top Curves layer, 12 strips x 8 rows", ms, "baseline")


if __name__ == "__main__":
    main()
