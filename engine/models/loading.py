"""Loading diffusers pipelines (and the decomposition's vision models) from safetensors.

`load_pipeline(ref)` finds the model (engine.models.locate), builds its
diffusers pipeline class (Stable Diffusion 1.x/2.x inpainting, SDXL
inpainting or FLUX.1-Fill) with `use_safetensors=True` and
`local_files_only=True`, then puts it on the planned device with CPU offload
and VAE tiling when memory is short. A BFS model folder loads as an
`engine.nets.bfs_model.BFSModel` placed as the plan says (`engine.nets.bfs_devices`:
resident, model or sequential CPU offload, VAE tiling).
SAM and ViTMatte folders load into their transformers model class with their
image processor (a `VisionModel`). Every failure becomes a `ModelError`
(or `UnsafeWeights` / `OutOfMemory`) that says what to do. `get_pipeline`
keeps the last loaded model, so a warm-up in the background makes the first
job start at once.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from engine.nets.bfs_folder import RGBA_VAE_DIR

from ..errors import EngineError, ModelError
from ..progress import ProgressFn
from .catalogue import BFS_FAMILY, VISION_FAMILIES, ModelInfo
from .devices import DevicePlan, free_memory, is_out_of_memory, out_of_memory_guard, plan_device
from .flux_single_file import load_flux_fill_single_file
from .locate import PICKLE_SUFFIXES, ModelSource, find_model, pickle_refusal

PIPELINE_CLASS = {
    "sd-inpaint": "StableDiffusionInpaintPipeline",
    "sdxl-inpaint": "StableDiffusionXLInpaintPipeline",
    "flux-fill": "FluxFillPipeline",
}

# Components some model folders list that adding layers does not use; they are not loaded.
# (The SD 1.x NSFW filter would black out whole images; Layered does not run it.)
UNUSED_COMPONENTS = {"sd-inpaint": dict(safety_checker=None, feature_extractor=None,
                                        requires_safety_checker=False)}


# transformers classes of the vision families: the model and its image processor. The PIL
# processors need no torchvision.
VISION_CLASSES = {"sam": ("SamModel", "SamImageProcessorPil"),
                  "vitmatte": ("VitMatteForImageMatting", "VitMatteImageProcessorPil")}


@dataclass
class VisionModel:
    """A transformers vision model (SAM, ViTMatte) with its image processor."""

    model: Any
    processor: Any


@dataclass
class LoadedModel:
    """A pipeline ready to run, with where it came from and where it runs."""

    pipeline: Any
    source: ModelSource
    plan: DevicePlan

    @property
    def family(self) -> str:
        return self.source.family

    @property
    def info(self) -> ModelInfo:
        return self.source.info


def load_pipeline(model: ModelSource | str, plan: Optional[DevicePlan] = None, *,
                  device: str = "auto", dtype: str = "auto", cpu_offload: Optional[bool] = None,
                  vae_tiling: Optional[bool] = None, cache_dir: str | os.PathLike | None = None,
                  config: Optional[str] = None) -> LoadedModel:
    """Loads `model` (a ModelSource, a folder, a .safetensors file or a cached repo id)."""
    source = model if isinstance(model, ModelSource) else find_model(model, cache_dir=cache_dir,
                                                                       config=config)
    if plan is None:
        plan = plan_device(device, dtype, min_vram_gb=source.info.min_vram_gb,
                           cpu_offload=cpu_offload, vae_tiling=vae_tiling)
    import diffusers
    import transformers

    # The engine reports progress through its own callbacks; library bars would only be
    # noise on the terminal.
    diffusers.utils.logging.disable_progress_bar()
    transformers.utils.logging.disable_progress_bar()
    if source.family == BFS_FAMILY:
        return LoadedModel(load_bfs_model(source.path, plan), source, plan)
    if source.family in VISION_FAMILIES:
        return LoadedModel(_load_vision_model(source, plan), source, plan)
    cls = getattr(diffusers, PIPELINE_CLASS[source.family])
    kwargs = dict(dtype=plan.torch_dtype, use_safetensors=True, local_files_only=True,
                  **UNUSED_COMPONENTS.get(source.family, {}))
    with out_of_memory_guard(plan, f"Loading {source.ref}"):
        try:
            if source.kind == "single_file" and source.family == "flux-fill":
                # The official file holds only the transformer (engine.models.flux_single_file).
                pipe = load_flux_fill_single_file(source.path, source.config, plan.torch_dtype, cache_dir)
            elif source.kind == "single_file":
                pipe = cls.from_single_file(os.fspath(source.path),
                                            config=_single_file_config(source, cache_dir), **kwargs)
            else:
                pipe = cls.from_pretrained(os.fspath(source.path), variant=source.variant, **kwargs)
        except EngineError:
            raise
        except Exception as exc:
            if is_out_of_memory(exc):
                raise  # the guard below reports it
            raise ModelError(f"{source.ref} could not be loaded: {_first_line(exc)}",
                             "The files may be incomplete or from another model type; "
                             "download the model again or choose another one.") from None
        pipe.set_progress_bar_config(disable=True)
        if plan.sequential_offload:
            pipe.enable_sequential_cpu_offload(device=plan.device)
        elif plan.cpu_offload:
            pipe.enable_model_cpu_offload(device=plan.device)
        else:
            pipe.to(plan.device)
        if plan.vae_tiling:
            pipe.vae.enable_tiling()
    return LoadedModel(pipe, source, plan)


def load_bfs_model(folder: str | os.PathLike, plan: Optional[DevicePlan] = None):
    """A BFS model folder as a `BFSModel` in eval mode on `plan` (default: the CPU, float32).

    Every failure to read the folder is explained (pickled weights are refused
    before anything is opened)."""
    from engine.nets.bfs_model import BFSModel

    folder = Path(folder)
    plan = plan or DevicePlan()
    pickled = sorted(p for p in [*folder.glob("*"), *(folder / RGBA_VAE_DIR).glob("*")]
                     if p.suffix.lower() in PICKLE_SUFFIXES)
    if pickled:
        raise pickle_refusal(pickled[0])
    with out_of_memory_guard(plan, f"Loading {folder}"):
        try:
            return BFSModel.load(folder, "cpu", plan.torch_dtype).place(plan).eval()
        except Exception as exc:
            if is_out_of_memory(exc):
                raise  # the guard reports it
            raise ModelError(f"Could not load the BFS model from {folder}: {_first_line(exc)}",
                             "Check that the folder holds bfs.json, bridge.safetensors and "
                             "rgba_vae/, and that its backbone is complete.") from None


def _load_vision_model(source: ModelSource, plan: DevicePlan) -> VisionModel:
    import transformers

    model_class, processor_class = (getattr(transformers, name)
                                    for name in VISION_CLASSES[source.family])
    with out_of_memory_guard(plan, f"Loading {source.ref}"):
        try:
            model = model_class.from_pretrained(os.fspath(source.path), dtype=plan.torch_dtype,
                                                use_safetensors=True, local_files_only=True)
            processor = processor_class.from_pretrained(os.fspath(source.path),
                                                        local_files_only=True)
        except EngineError:
            raise
        except Exception as exc:
            if is_out_of_memory(exc):
                raise
            raise ModelError(f"{source.ref} could not be loaded: {_first_line(exc)}",
                             "The files may be incomplete or from another model type; "
                             "download the model again or choose another one.") from None
        model.eval().to(plan.device)
    return VisionModel(model, processor)


def _single_file_config(source: ModelSource, cache_dir) -> str:
    """The diffusers config folder a single-file checkpoint is read with (never downloaded)."""
    assert source.config is not None
    config = Path(os.path.expanduser(source.config))
    if config.is_dir():
        return os.fspath(config)
    try:
        return os.fspath(find_model(source.config, cache_dir=cache_dir).path)
    except ModelError:
        raise ModelError(
            f"{source.path.name} is a single-file checkpoint; reading it needs the configuration "
            f"files of '{source.config}', which are not on this computer.",
            f"Download '{source.config}' once from the Models dialog, or pass a diffusers folder "
            "of the same model type as its config.") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class ModelCache:
    """Keeps the most recently used model loaded; loading another one replaces it.

    `MODELS` holds the generative pipeline; the decomposition's mask and matting
    models (a few hundred MB) have a cache each, so they stay loaded beside it.

    `get` holds the cache's lock while it loads: the editor's background warm-up and
    a user's job run on different threads, and one that asks for the model the other
    is loading waits for that load and then reuses it, instead of loading it twice
    (twice the memory) or racing to replace it. `load` is how a model is loaded
    (`load_pipeline`; tests pass a slow or counting stand-in).

    A job that passes its `progress` to `get` can be cancelled while it waits for the
    other thread's load: the wait wakes every `WAIT_POLL_S` to call `progress(0, 1)`
    (nothing done yet), which raises `Cancelled` once the user cancels.
    """

    WAIT_POLL_S = 0.1

    def __init__(self, load: Optional[Callable[..., LoadedModel]] = None) -> None:
        self._lock = threading.Lock()
        self._key: Optional[tuple] = None
        self._model: Optional[LoadedModel] = None
        self._load = load or load_pipeline

    def get(self, ref: str, *, device: str = "auto", dtype: str = "auto",
            cpu_offload: Optional[bool] = None, vae_tiling: Optional[bool] = None,
            cache_dir: str | os.PathLike | None = None, config: Optional[str] = None,
            progress: Optional[ProgressFn] = None) -> LoadedModel:
        if progress is None:
            self._lock.acquire()
        else:
            while not self._lock.acquire(timeout=self.WAIT_POLL_S):
                progress(0, 1)
        try:
            source = find_model(ref, cache_dir=cache_dir, config=config)
            plan = plan_device(device, dtype, min_vram_gb=source.info.min_vram_gb,
                               cpu_offload=cpu_offload, vae_tiling=vae_tiling)
            key = (source.path, source.config, plan)
            if self._model is not None and key == self._key:
                return self._model
            self._drop()
            self._model = self._load(source, plan, cache_dir=cache_dir)
            self._key = key
            return self._model
        finally:
            self._lock.release()

    def clear(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._model is not None:
            device = self._model.plan.device
            self._model = self._key = None
            free_memory(device)


MODELS = ModelCache()
MASK_MODELS = ModelCache()
MATTING_MODELS = ModelCache()


def get_pipeline(ref: str, **kwargs) -> LoadedModel:
    """The pipeline for `ref` from the shared cache (loaded on first use)."""
    return MODELS.get(ref, **kwargs)
