"""The Actions panel's playback (editor/model/replay.py, as `ActionsPanel.play` calls it): a
recorded Gaussian Blur 3 px + Hue/Saturation + Flip Canvas Horizontal, and the Default
Actions, played on a photo-sized opaque layer; each step one undo step. Prints medians in ms
(each run on a fresh document, so the history and the layer do not grow).

    python bench/bench_actions.py [--size 1920x1080] [--runs 3]

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
    from editor.model import action_sets, adjustments, pixel_filters as pf, replay
    from editor.model.action_sets import Action, Step
    from editor.model.document import Document

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    pixels = opaque_noise(w, h)
    recorded = Action("Blur Hue Flip", "", [
        Step("filter", replay.operation_settings(pf.GaussianBlur(3.0))),
        Step("filter", replay.operation_settings(pf.Adjust(adjustments.HueSaturation(
            hue=40, saturation=30, lightness=-10)))),
        Step("flip_canvas", {"horizontal": True})])
    actions = [recorded] + action_sets.default_sets()[0].actions

    def fresh() -> Document:
        doc = Document(w, h)
        doc.add_image(pixels, "Photo", 0, 0)
        return doc

    print(f"{w}x{h}, median of {args.runs}:")
    for action in actions:
        docs = [fresh() for _ in range(args.runs)]

        def run(action=action):
            doc = docs.pop()
            for step in action.steps:
                replay.play(doc, step.command, step.settings)

        print(f"  {action.name:24s} {median_ms(run, args.runs):8.0f} ms "
              f"({len(action.steps)} steps)")


if __name__ == "__main__":
    main()
