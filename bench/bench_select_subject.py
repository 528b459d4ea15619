"""Select > Subject on scikit-image photos enlarged to 1-1.5 MP, the finder of a baseline
revision against the working tree's, in one run: IoU against hand-drawn truth, CPU seconds,
and a grid of the selections to look at.

    python bench/bench_select_subject.py [--grid OUT.png] [--baseline REV] [--old-mask]
                                         [--no-enclosed]

Each photo runs the whole command (`editor.model.select_subject`: prepare, the worker's
run, the undo step) twice: once with `find_main_object` from
engine/methods/decompose_steps/salient.py as it was at `--baseline` (loaded from git), once
with the working tree's; the rest of the command (the decomposition's mask and edge steps,
classical components as on a computer without models) is the same for both, unless
--old-mask gives the baseline the mask step as it was before the structure cut's own parts
joined the mask (`GrabCutSegmenter(vote_adds=False)`): with `--baseline main --old-mask`
the columns are main's command and the working tree's. --no-enclosed gives the baseline
the mask step without the parts the mask closes around (`GrabCutSegmenter(enclosed_parts=
False)`, as before 2026-12-02 evening).

Photos: astronaut (1200x1200), coffee, chelsea and rocket (1500x1000, their own aspect),
and bench_decompose.py's horse pasted on four photos (1 MP, its seeds as in
bench_mask_real.py --horses). Truth: engine.testing.real_objects' hand-drawn masks of the
astronaut, the coffee cup and the Falcon rocket (scaled up with the photo; parts of taste
and the outline band not scored), the horse's alpha > 0.5. Chelsea has no truth: only the
grid tells. IoU is of the selection at 50 %. CPU seconds are this process's (both cores'
work counts; the machine's other load does not), for the whole command.

The grid has one row per photo: the photo, the baseline's selection, the new selection and
the truth, what is not selected darkened and tinted blue. Figures on the shared 2-core
machine.
"""
from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from editor.model import select_subject, selection_ops  # noqa: E402
from editor.model.decompose_apply import StepChoices  # noqa: E402
from editor.model.document import Document  # noqa: E402
from engine.methods.decompose_steps import salient  # noqa: E402
from engine.testing.real_objects import CASES, iou  # noqa: E402

SALIENT = "engine/methods/decompose_steps/salient.py"
BASELINE = "c4543e0"   # the finder before the boundary-connectivity saliency
PHOTOS = (("astronaut", (1200, 1200), "astronaut"), ("coffee", (1500, 1000), "coffee cup"),
          ("chelsea", (1500, 1000), None), ("rocket", (1500, 1000), "falcon rocket"))
HORSES = (("rocket", 1), ("chelsea", 4), ("immunohistochemistry", 1), ("hubble", 4))


def photo(name: str, size: tuple[int, int]) -> np.ndarray:
    import skimage.data

    rgb = getattr(skimage.data, name)()
    return cv2.resize(rgb, size, interpolation=cv2.INTER_LANCZOS4)


def scaled_truth(case_name: str, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(object, scored) of real_objects' case, drawn on the original photo, at `size`."""
    case = next(c for c in CASES if c.name == case_name)
    obj, scored = case.truth(case.image().shape)
    return tuple(cv2.resize(m.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
                 for m in (obj, scored))


def cases():
    """(name, RGB, truth object or None, scored or None) per photo."""
    for name, size, truth in PHOTOS:
        obj, scored = scaled_truth(truth, size) if truth else (None, None)
        yield name, photo(name, size), obj, scored
    from bench_decompose import backgrounds, make_case, resize_to

    bgs = backgrounds()
    for bg, seed in HORSES:
        image, _, t = make_case("horse", resize_to(bgs[bg], 1.0), seed)
        obj = t["alpha"] > 0.5
        yield f"horse/{bg[:10]}", image, obj, np.ones_like(obj)


def baseline_finder(rev: str):
    """`find_main_object` as salient.py was at `rev`, in its own module beside the current."""
    source = subprocess.run(["git", "show", f"{rev}:{SALIENT}"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    name = "engine.methods.decompose_steps._salient_baseline"
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader=None))
    module.__package__ = "engine.methods.decompose_steps"
    exec(compile(source, f"{rev}:{SALIENT}", "exec"), module.__dict__)
    return module.find_main_object


def select(rgb: np.ndarray, finder, pipeline=None) -> tuple[np.ndarray, float]:
    """Select > Subject on a one-layer document of `rgb` with `finder` (and `pipeline`, the
    decomposition's, when given): (selection, CPU s)."""
    h, w = rgb.shape[:2]
    doc = Document(w, h)
    doc.add_image(np.dstack([rgb, np.full((h, w), 255, np.uint8)]), "photo", 0, 0)
    current = salient.find_main_object
    salient.find_main_object = finder   # select_subject.run imports it at call time
    try:
        start = time.process_time()
        prepared = select_subject.prepare(doc, doc.active, StepChoices.classical())
        prepared.pipeline = pipeline
        try:
            select_subject.apply(doc, select_subject.run(prepared))
            chosen = selection_ops.current_mask(doc)
        except Exception as exc:  # a refusal (no subject found) selects nothing
            print(f"  ({type(exc).__name__}: {exc})")
            chosen = np.zeros((h, w), np.uint8)
        return chosen, time.process_time() - start
    finally:
        salient.find_main_object = current


def tinted(rgb: np.ndarray, mask: np.ndarray, height: int = 240) -> np.ndarray:
    a = (mask.astype(np.float32) / 255.0)[..., None] if mask.dtype == np.uint8 else \
        mask.astype(np.float32)[..., None]
    view = rgb.astype(np.float32)
    view = view * a + (0.3 * view + 0.7 * np.array([20, 40, 200], np.float32)) * (1 - a)
    h, w = rgb.shape[:2]
    return cv2.resize(np.clip(view, 0, 255).astype(np.uint8), (round(w * height / h), height),
                      interpolation=cv2.INTER_AREA)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", default="select_subject_grid.png")
    parser.add_argument("--baseline", default=BASELINE,
                        help=f"git revision of {SALIENT} to compare with (default {BASELINE})")
    parser.add_argument("--old-mask", action="store_true",
                        help="the baseline's mask step without the structure cut's own parts "
                             "(GrabCutSegmenter(vote_adds=False), as before 2026-12-02 morning)")
    parser.add_argument("--no-enclosed", action="store_true",
                        help="the baseline's mask step without the parts the mask closes around "
                             "(GrabCutSegmenter(enclosed_parts=False), as before 2026-12-02 "
                             "evening)")
    args = parser.parse_args()
    finders = {"baseline": baseline_finder(args.baseline), "new": salient.find_main_object}
    pipelines = {"baseline": None, "new": None}
    old_mask = ({"vote_adds": False} if args.old_mask else {}) \
        | ({"enclosed_parts": False} if args.no_enclosed else {})
    if old_mask:
        from engine.methods.decompose import DecomposePipeline
        from engine.methods.decompose_steps.segment import GrabCutSegmenter

        pipelines["baseline"] = DecomposePipeline(segmenter=GrabCutSegmenter(**old_mask))
    print(f"{'photo':18s} {'size':>10s} " + " ".join(f"{'IoU ' + n:>12s}" for n in finders)
          + " " + " ".join(f"{'CPU s ' + n:>14s}" for n in finders))
    rows, scores, seconds = [], {n: [] for n in finders}, {n: [] for n in finders}
    for name, rgb, obj, scored in cases():
        h, w = rgb.shape[:2]
        masks, cells = [], []
        for n, finder in finders.items():
            chosen, cpu = select(rgb, finder, pipelines[n])
            masks.append(chosen)
            seconds[n].append(cpu)
            if obj is not None:
                scores[n].append(iou(chosen >= 128, obj, scored))
            cells.append(f"{scores[n][-1]:12.3f}" if obj is not None else f"{'-':>12s}")
        print(f"{name:18s} {w:>4d}x{h:<5d} " + " ".join(cells) + " "
              + " ".join(f"{seconds[n][-1]:14.2f}" for n in finders), flush=True)
        truth = obj if obj is not None else np.zeros((h, w), bool)
        views = [tinted(rgb, np.ones((h, w), bool))] + [tinted(rgb, m) for m in masks] \
            + [tinted(rgb, truth)]
        gap = np.full((views[0].shape[0], 6, 3), 255, np.uint8)
        rows.append(np.hstack([x for v in views for x in (v, gap)]))
    print(f"{'mean':18s} {'':10s} " + " ".join(f"{np.mean(scores[n]):12.3f}" for n in finders)
          + " " + " ".join(f"{np.mean(seconds[n]):14.2f}" for n in finders))
    width = max(r.shape[1] for r in rows)
    rows = [np.pad(r, ((0, 6), (0, width - r.shape[1]), (0, 0)), constant_values=255)
            for r in rows]
    cv2.imwrite(args.grid, np.vstack(rows)[..., ::-1])
    print(f"grid (photo, baseline, new, truth): {args.grid}")


if __name__ == "__main__":
    main()
