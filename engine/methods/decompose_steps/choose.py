"""Which component does each learned-capable step of the decomposition.

Steps 1-3 (object mask, alpha, background) each have a classical CPU
component and a learned one from the model catalogue:

    step        classical       learned (catalogue method)
    mask        grabcut         SAM       (decompose_mask)
    matting     closed_form     ViTMatte  (decompose_matting)
    background  patchmatch      diffusers inpainting (decompose_background)

Each step is chosen by a string: "auto", a classical name, or a model (a
catalogue id, a repo id in the Hugging Face cache, or a folder). "auto"
takes the first catalogue model for the step that is on this computer and
falls back to the classical component when none is. For the background,
"auto" takes a model only when a GPU is there: SAM and ViTMatte cost tens of
seconds per 1 MP photo on a busy 2-core CPU (bench/bench_decompose_models.py), a diffusion model's 30-50 steps at 512-1024 pixels cost
minutes, so on a CPU the content-aware fill (PatchMatch) stays the default and a model is used
when the user names it. Nothing is downloaded here.
"""
from __future__ import annotations

import os
from typing import Optional

from ...errors import InvalidInput, ModelError
from ...models.catalogue import load_catalogue
from ...models.devices import choose_device
from ...models.locate import find_model

AUTO = "auto"
STEPS = ("mask", "matting", "background")
METHOD_OF_STEP = {"mask": "decompose_mask", "matting": "decompose_matting",
                  "background": "decompose_background"}
FAMILIES_OF_STEP = {"mask": ("sam",), "matting": ("vitmatte",),
                    "background": ("sd-inpaint", "sdxl-inpaint", "flux-fill")}
CLASSICAL = {"mask": ("grabcut",), "matting": ("closed_form",),
             "background": ("patchmatch", "pyramid", "telea")}
WHAT = {"mask": "object mask", "matting": "alpha matte", "background": "background fill"}


def choose_components(mask: str = AUTO, matting: str = AUTO, background: str = AUTO, *,
                      device: str = "auto", dtype: str = "auto", seed: int = 0,
                      cache_dir: str | os.PathLike | None = None, catalogue=None) -> dict:
    """{"mask": segmenter, "matting": matter, "background": inpainter} for the given choices."""
    catalogue = catalogue if catalogue is not None else load_catalogue()
    choices = {"mask": mask, "matting": matting, "background": background}
    chosen = {}
    for step in STEPS:
        value = (choices[step] or AUTO).strip()
        if value == AUTO:
            value = _auto(step, catalogue, device, cache_dir)
        chosen[step] = _component(step, value, device=device, dtype=dtype, seed=seed,
                                  cache_dir=cache_dir, catalogue=catalogue)
    return chosen


def installed_models(step: str, *, cache_dir: str | os.PathLike | None = None,
                     catalogue=None) -> list:
    """The catalogue models for `step` that are on this computer (ModelInfo, in order)."""
    catalogue = catalogue if catalogue is not None else load_catalogue()
    return catalogue.installed_for(METHOD_OF_STEP[step], cache_dir=cache_dir)


def _auto(step: str, catalogue, device: str, cache_dir) -> str:
    installed = installed_models(step, cache_dir=cache_dir, catalogue=catalogue)
    if installed and (step != "background" or _has_gpu(device)):
        return installed[0].id
    return CLASSICAL[step][0]


def _has_gpu(device: str) -> bool:
    return choose_device(device)[0] != "cpu"


def _component(step: str, value: str, *, device, dtype, seed, cache_dir, catalogue):
    if value in CLASSICAL[step]:
        return _classical(value)

    try:
        source = find_model(value, cache_dir=cache_dir, catalogue=catalogue)
    except ModelError as exc:
        raise type(exc)(f"The {WHAT[step]} model: {exc.message}", exc.hint) from None
    if source.family not in FAMILIES_OF_STEP[step]:
        raise InvalidInput(f"{value} is a {source.family} model; the {WHAT[step]} needs "
                           f"{' or '.join(FAMILIES_OF_STEP[step])}.",
                           f"Choose another model, or '{CLASSICAL[step][0]}'.")
    common = dict(device=device, dtype=dtype, cache_dir=cache_dir)
    if step == "mask":
        from .sam_segment import SamSegmenter

        return SamSegmenter(value, **common)
    if step == "matting":
        from .vitmatte import VitMatteMatter

        return VitMatteMatter(value, **common)
    from .diffusion_fill import DiffusionInpainter

    return DiffusionInpainter(value, seed=seed, **common)


def _classical(name: str):
    from .fill import PyramidInpainter, TeleaInpainter
    from .matting import ClosedFormMatter
    from .patchmatch_fill import PatchMatchInpainter
    from .segment import GrabCutSegmenter

    return {"grabcut": GrabCutSegmenter, "closed_form": ClosedFormMatter,
            "patchmatch": PatchMatchInpainter, "pyramid": PyramidInpainter,
            "telea": TeleaInpainter}[name]()


def describe(component) -> Optional[dict]:
    """What a recipe records of a learned component (None for a classical one)."""
    model = getattr(component, "model", None)
    if model is None:
        return None
    return {"model": model, **getattr(component, "settings", {})}
