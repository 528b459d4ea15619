"""Overhead of "add a generated foreground" outside the model calls, on a 12 MP document.

Runs engine.methods.add_foreground with a tiny random-weight SD-inpainting
pipeline (engine.testing.tiny) at real working sizes (512 and 1024) and times
everything that is not a model call: cropping, scaling, un-blending, speck
cleaning, scaling back, plus inserting the layer into a Document. Model
calls (the pipeline's denoising + decoding, and the VAE round trip of the
background) are timed separately through a thin timing wrapper and
subtracted. Prints the minimum and median of several runs (the minimum is
the better estimate on a shared, busy machine).

    python bench/bench_generate.py [--runs 5]
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

from editor.cli.generate import add_generated_layer  # noqa: E402
from editor.model import Document  # noqa: E402
from engine.box import Box  # noqa: E402
from engine.methods.add_foreground import AddForegroundRequest, add_foreground  # noqa: E402
from engine.models.loading import LoadedModel, load_pipeline  # noqa: E402
from engine.testing import tiny  # noqa: E402


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--resolutions", default="512,1024", help="working sizes to try")
    args = parser.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))

    from skimage import data

    width, height = 4000, 3000
    photo = data.astronaut()
    rows = np.linspace(0, photo.shape[0] - 1, height).astype(int)
    cols = np.linspace(0, photo.shape[1] - 1, width).astype(int)
    background = np.ascontiguousarray(photo[rows][:, cols])  # 12 MP
    loaded = load_pipeline(str(tiny.cached_tiny("sd-inpaint")))
    print(f"document {width}x{height} ({width * height / 1e6:.0f} MP), tiny SD-inpaint on CPU, "
          f"{torch.get_num_threads()} threads, median of {args.runs} runs")
    print("overhead = job time outside model calls + inserting the layer into a Document;\n"
          "min and median over the runs (ms); model = pipeline call + VAE round trip (median)")
    print(f"{'box':>22} {'working':>8} {'window':>10} {'layer':>10} {'min':>7} {'median':>7} "
          f"{'insert':>7} {'model':>8}")
    for box in (Box(1400, 900, 1200, 1500), Box(1800, 1300, 400, 400)):
        for resolution in (int(r) for r in args.resolutions.split(",")):
            overheads, inserts, models = [], [], []
            for run in range(args.runs + 1):  # the first run warms caches and is not counted
                clock: list[float] = []
                model = LoadedModel(Timed(loaded.pipeline, clock), loaded.source, loaded.plan)
                request = AddForegroundRequest(background, box, "a red ball", steps=1,
                                               resolution=resolution, previews=False)
                doc = Document(width, height)
                t0 = time.perf_counter()
                result = add_foreground(request, model=model)
                t1 = time.perf_counter()
                add_generated_layer(doc, result.best)
                t2 = time.perf_counter()
                if run:
                    model_time = sum(clock)
                    overheads.append((t1 - t0 - model_time) + (t2 - t1))
                    inserts.append(t2 - t1)
                    models.append(model_time)
            layer = result.best.layer
            w = result.window
            print(f"{str(box.as_tuple()):>22} {resolution:>8} {f'{w.w}x{w.h}':>10} "
                  f"{f'{layer.shape[1]}x{layer.shape[0]}':>10} {min(overheads) * 1e3:>7.1f} "
                  f"{statistics.median(overheads) * 1e3:>7.1f} "
                  f"{statistics.median(inserts) * 1e3:>7.2f} {statistics.median(models) * 1e3:>8.0f}")


if __name__ == "__main__":
    main()
