"""Overhead of "add a generated foreground" outside the model calls, on a 12 MP document.

Runs the method with a tiny random-weight SD-inpainting pipeline
(engine.testing.tiny) at real working sizes (512 and 1024) and times
everything that is not a model call. Model calls (the pipeline's call, and
the VAE's encode/decode of the background) are timed through a thin wrapper
and subtracted. Two ways in:

- engine: `engine.methods.add_foreground` on the whole 12 MP RGB picture with
  the figures measured (`figures=True`, as the command line does), plus
  inserting the layer into a Document;
- editor: the Generate panel's job as the editor runs it
  (editor.model.generate_apply): the background below the new layer's place
  taken from the document (only the context window), the engine run with step
  previews and without figures, and Apply (the new layer, one undo step).

Prints the minimum and the median of several runs (the first run warms caches
and is not counted).

    python bench/bench_generate.py [--runs 5] [--resolutions 512,1024]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from editor.model import Document  # noqa: E402
from editor.model import generate_apply  # noqa: E402
from engine.box import Box  # noqa: E402
from engine.methods.add_foreground import AddForegroundRequest, add_foreground  # noqa: E402
from engine.models import loading  # noqa: E402
from engine.models.loading import LoadedModel, load_pipeline  # noqa: E402
from engine.testing import tiny  # noqa: E402

WIDTH, HEIGHT = 4000, 3000
BOXES = (Box(1400, 900, 1200, 1500), Box(1800, 1300, 400, 400))


class Timed:
    """Forwards to `target`, appending the time spent in the named methods to `clock`."""

    def __init__(self, target, clock: list, methods=("__call__",)):
        self._target, self._clock, self._methods = target, clock, methods

    def __getattr__(self, name):
        value = getattr(self._target, name)
        if name == "vae":
            return Timed(value, self._clock, ("encode", "decode"))
        if name in self._methods:
            def timed(*args, **kwargs):
                t0 = time.perf_counter()
                try:
                    return value(*args, **kwargs)
                finally:
                    self._clock.append(time.perf_counter() - t0)
            return timed
        return value

    def __call__(self, *args, **kwargs):
        return self.__getattr__("__call__")(*args, **kwargs)


def picture() -> np.ndarray:
    from skimage import data

    photo = data.astronaut()
    rows = np.linspace(0, photo.shape[0] - 1, HEIGHT).astype(int)
    cols = np.linspace(0, photo.shape[1] - 1, WIDTH).astype(int)
    return np.ascontiguousarray(photo[rows][:, cols])  # 12 MP


def engine_run(background, box, resolution, loaded) -> tuple[float, float, tuple]:
    """(overhead, model time, layer shape) of one engine run + layer insertion."""
    clock: list[float] = []
    model = LoadedModel(Timed(loaded.pipeline, clock), loaded.source, loaded.plan)
    request = AddForegroundRequest(background, box, "a red ball", steps=1,
                                   resolution=resolution, previews=False)
    doc = Document(WIDTH, HEIGHT)
    t0 = time.perf_counter()
    result = add_foreground(request, model=model)
    best = result.best
    doc.add_image(best.layer, "a red ball", best.x, best.y, recipe=best.recipe)
    total = time.perf_counter() - t0
    return total - sum(clock), sum(clock), result.best.layer.shape


def editor_run(doc, box, resolution, loaded, model_ref) -> tuple[float, float, tuple]:
    """(overhead, model time, layer shape) of the Generate panel's job, Apply included."""
    clock: list[float] = []
    timed = LoadedModel(Timed(loaded.pipeline, clock), loaded.source, loaded.plan)
    original_get = loading.MODELS.get
    loading.MODELS.get = lambda ref, **kwargs: timed  # the job's model, from the shared cache
    try:
        doc.set_selection(box)
        spec = generate_apply.GenerateSpec(model=model_ref, prompt="a red ball", steps=1,
                                           resolution=resolution)
        t0 = time.perf_counter()
        request = generate_apply.prepare(doc, spec)
        generation = generate_apply.generate(request, lambda step, total, preview=None: None)
        generate_apply.apply_candidate(doc, request.placement, generation.candidates[0])
        total = time.perf_counter() - t0
    finally:
        loading.MODELS.get = original_get
    doc.history.undo()
    return total - sum(clock), sum(clock), generation.candidates[0].pixels.shape


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--resolutions", default="512,1024", help="working sizes to try")
    args = parser.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))

    background = picture()
    model_ref = str(tiny.cached_tiny("sd-inpaint"))
    loaded = load_pipeline(model_ref)
    doc = Document(WIDTH, HEIGHT)
    doc.add_image(np.dstack([background, np.full((HEIGHT, WIDTH), 255, np.uint8)]), "Photo", 0, 0)
    print(f"document {WIDTH}x{HEIGHT} ({WIDTH * HEIGHT / 1e6:.0f} MP), tiny SD-inpaint on CPU, "
          f"{torch.get_num_threads()} threads; overhead = time outside the model calls, "
          f"min and median of {args.runs} runs (ms); model = median (ms)")
    print(f"{'way':>7} {'box':>24} {'working':>8} {'layer':>10} {'min':>7} {'median':>7} "
          f"{'model':>8}")
    for box in BOXES:
        for resolution in (int(r) for r in args.resolutions.split(",")):
            for way in ("engine", "editor"):
                overheads, models = [], []
                for run in range(args.runs + 1):
                    if way == "engine":
                        overhead, model, shape = engine_run(background, box, resolution, loaded)
                    else:
                        overhead, model, shape = editor_run(doc, box, resolution, loaded,
                                                            model_ref)
                    if run:
                        overheads.append(overhead)
                        models.append(model)
                print(f"{way:>7} {str(box.as_tuple()):>24} {resolution:>8} "
                      f"{f'{shape[1]}x{shape[0]}':>10} {min(overheads) * 1e3:>7.1f} "
                      f"{statistics.median(overheads) * 1e3:>7.1f} "
                      f"{statistics.median(models) * 1e3:>8.0f}")


if __name__ == "__main__":
    main()
