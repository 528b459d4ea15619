"""Finding a model on this computer: a diffusers folder, a transformers folder (SAM,
ViTMatte), a single .safetensors file, a BFS model folder (bfs.json, see
engine.nets.bfs_folder), or a repo id already in the Hugging Face cache.
Nothing is downloaded here.

`find_model(ref)` returns a `ModelSource` saying where the weights are and
which pipeline family loads them, or raises `ModelError` / `UnsafeWeights`
with what to do. The Hugging Face cache is the one huggingface_hub uses
(HF_HOME / HF_HUB_CACHE), looked up with `snapshot_download(local_files_only=True)`,
so HF_HUB_OFFLINE never matters here: finding never touches the network.
Pickle-based weights (.ckpt, .pt, .pth, .bin, .pkl) are refused, never opened.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from engine.nets.bfs_folder import (BRIDGE_FILE, RGBA_VAE_DIR, backbone_folder, is_bfs_folder,
                                    read_model_file)

from ..errors import MissingModel, ModelError, UnsafeWeights
from .builtin import BUILTIN_DIR, BUILTIN_ID
from .catalogue import BFS_FAMILY, Catalogue, ModelInfo, info_for_unlisted, load_catalogue

PICKLE_SUFFIXES = (".ckpt", ".pt", ".pth", ".bin", ".pkl", ".pickle")
_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*/[\w.\-]+$")
# Weight files as diffusers/transformers name them: name[.variant][-0000N-of-0000M].safetensors,
# or name.safetensors.index[.variant].json for sharded weights.
_SAFE_WEIGHTS = re.compile(r"^[\w\-]+?(?:\.(?P<variant>\w+))?(?:-\d+-of-\d+)?\.safetensors$"
                           r"|^[\w\-]+\.safetensors\.index(?:\.(?P<ivariant>\w+))?\.json$")

# Which family loads a folder, by the pipeline class its model_index.json names.
# Text-to-image folders load into the family's inpainting class (same components).
FAMILY_OF_PIPELINE = {
    "StableDiffusionInpaintPipeline": "sd-inpaint",
    "StableDiffusionPipeline": "sd-inpaint",
    "StableDiffusionXLInpaintPipeline": "sdxl-inpaint",
    "StableDiffusionXLPipeline": "sdxl-inpaint",
    "FluxFillPipeline": "flux-fill",
}

# Which family loads a transformers folder, by the model_type of its config.json.
FAMILY_OF_MODEL_TYPE = {"sam": "sam", "vitmatte": "vitmatte"}

# The diffusers config a single-file checkpoint of each kind is read with.
SINGLE_FILE_CONFIG = {
    "sd1-inpaint": "stable-diffusion-v1-5/stable-diffusion-inpainting",
    "sd2-inpaint": "stabilityai/stable-diffusion-2-inpainting",
    "sdxl-inpaint": "diffusers/stable-diffusion-xl-1.0-inpainting-0.1",
    "flux-fill": "black-forest-labs/FLUX.1-Fill-dev",
}


@dataclass(frozen=True)
class ModelSource:
    """Where a model's weights are and how to load them."""

    ref: str                    # what the user asked for (id or path)
    kind: str                   # "folder", "single_file", "hub_cache" or "built_in"
    path: Path                  # a diffusers folder or a .safetensors file
    family: str                 # one of catalogue.FAMILIES
    info: ModelInfo             # catalogue entry (or family defaults for unlisted models)
    variant: Optional[str] = None   # "fp16" when the folder only has fp16 weight files
    config: Optional[str] = None    # single files: the diffusers config (id or folder)


def pickle_refusal(path: str | os.PathLike) -> UnsafeWeights:
    return UnsafeWeights(
        f"{os.fspath(path)} is a pickle-based weights file; Layered only loads .safetensors, "
        "because opening a pickle can run code hidden in it.",
        f"If you trust the file, convert it once with "
        f"`python main.py models convert \"{os.fspath(path)}\"` and use the .safetensors it writes.")


def hub_cache_dir() -> Path:
    """The Hugging Face hub cache folder (HF_HUB_CACHE, else HF_HOME/hub, else the default)."""
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def find_model(ref: str, *, cache_dir: str | os.PathLike | None = None,
               catalogue: Catalogue | None = None, config: str | None = None) -> ModelSource:
    """Locates `ref`: a folder, a .safetensors file, or a repo id in the hub cache."""
    ref = (ref or "").strip()
    if not ref:
        raise ModelError("No model was given.", "Choose a model in the Models dialog or pass --model.")
    catalogue = catalogue if catalogue is not None else load_catalogue()
    if ref == BUILTIN_ID:
        return _built_in(ref, catalogue)
    path = Path(os.path.expanduser(ref))
    if path.is_dir():
        return _from_folder(ref, path, "folder", catalogue.get(ref))
    if path.is_file():
        return _from_file(ref, path, catalogue, config)
    if path.suffix.lower() in PICKLE_SUFFIXES + (".safetensors",) or not _REPO_ID.match(ref):
        raise ModelError(f"{ref}: no such model file or folder.",
                         "Give a diffusers folder, a .safetensors file or a Hugging Face "
                         "repo id (org/name) that is already downloaded.")
    return _from_hub_cache(ref, cache_dir, catalogue)


def _built_in(ref: str, catalogue: Catalogue) -> ModelSource:
    """The model shipped in resources/builtin (see engine.models.builtin)."""
    if not BUILTIN_DIR.is_dir():
        raise ModelError(f"The built-in model is missing from this installation ({BUILTIN_DIR}).",
                         "Reinstall Layered, or rebuild it with `python -m engine.training.build_builtin "
                         "OUT --install resources/builtin`.")
    return _from_folder(ref, BUILTIN_DIR, "built_in", catalogue.get(ref))


def _from_hub_cache(repo_id: str, cache_dir, catalogue: Catalogue) -> ModelSource:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    cache = Path(cache_dir) if cache_dir is not None else hub_cache_dir()
    try:
        folder = snapshot_download(repo_id, cache_dir=cache, local_files_only=True)
    except LocalEntryNotFoundError:
        raise MissingModel(
            f"The model '{repo_id}' is not on this computer (looked in the Hugging Face "
            f"cache {cache}).",
            f"Download it from the Models dialog (or `python main.py models download {repo_id}`), "
            "or put its diffusers folder anywhere and choose that folder instead.",
            editor_hint="Download it in the Models dialog (Edit > Models…), or add a model "
                        "folder or file of your own there.") from None
    return _from_folder(repo_id, Path(folder), "hub_cache", catalogue.get(repo_id))


def _from_folder(ref: str, folder: Path, kind: str, info: Optional[ModelInfo]) -> ModelSource:
    if is_bfs_folder(folder):
        return _from_bfs_folder(ref, folder, kind, info)
    index = folder / "model_index.json"
    if not index.is_file() and (folder / "config.json").is_file():
        return _from_transformers_folder(ref, folder, kind, info)
    if not index.is_file():
        weights = sorted(p.name for p in folder.iterdir() if p.suffix == ".safetensors")
        hint = (f"It holds {', '.join(weights[:3])}: choose the file itself."
                if weights else "Choose the folder that contains model_index.json.")
        raise ModelError(f"{folder} is not a diffusers model folder (no model_index.json).", hint)
    try:
        spec = json.loads(index.read_text(encoding="utf-8"))
        class_name = spec["_class_name"]
    except (OSError, ValueError, KeyError, TypeError):
        raise ModelError(f"{index} cannot be read as a diffusers model index.") from None
    family = FAMILY_OF_PIPELINE.get(class_name)
    if family is None:
        raise ModelError(f"{folder} holds a {class_name}, which cannot add layers.",
                         "Use a Stable Diffusion (1.x, 2.x, XL) inpainting or FLUX.1-Fill model.")
    variant = _check_weights(folder, spec)
    if info is not None and info.family != family:
        info = None  # the folder is not what the catalogue says: trust the folder
    return ModelSource(ref, kind, folder, family, info or info_for_unlisted(ref, family), variant)


def _from_bfs_folder(ref: str, folder: Path, kind: str, info: Optional[ModelInfo]) -> ModelSource:
    """A BFS model folder: settings readable, safetensors parts present, backbone found."""
    hint = "A BFS model folder holds bfs.json, bridge.safetensors and rgba_vae/ (see the README)."
    pickles = sorted(p for p in [*folder.iterdir(), *(folder / RGBA_VAE_DIR).glob("*")]
                     if p.suffix.lower() in PICKLE_SUFFIXES)
    if pickles:
        raise pickle_refusal(pickles[0])
    try:
        settings = read_model_file(folder)
    except (OSError, ValueError) as exc:
        raise ModelError(f"{folder} is not a usable BFS model folder: {exc}.", hint) from None
    if not (folder / BRIDGE_FILE).is_file():
        raise ModelError(f"The BFS model {folder} has no {BRIDGE_FILE}.", hint)
    vae = folder / RGBA_VAE_DIR
    if not (vae / "config.json").is_file() or not any(_SAFE_WEIGHTS.match(p.name) for p in vae.iterdir()):
        raise ModelError(f"The BFS model {folder} has no RGBA VAE weights in {vae}.", hint)
    backbone_kind = settings["backbone"]["kind"]
    backbone = backbone_folder(folder, settings)
    if not (backbone.is_dir() or (backbone.suffix == ".safetensors" and backbone.is_file())):
        raise ModelError(f"The backbone of the BFS model {folder} is not at {backbone}.",
                         "Edit backbone.path in its bfs.json to point at the backbone's folder.")
    flux = backbone_kind == "flux-fill"
    if info is None or info.family != BFS_FAMILY:
        info = info_for_unlisted(
            ref, BFS_FAMILY, resolution=int(settings.get("resolution", 512)),
            default_steps=int(settings.get("steps", 50)),
            default_guidance=float(settings.get("guidance_scale", 30.0 if flux else 4.0)),
            # Everything resident, estimated (bench/estimate_bfs_vram.py: 33.1 GB in bf16); below
            # it the plan switches CPU offload on.
            min_vram_gb=34 if flux else 0)
    return ModelSource(ref, kind, folder, BFS_FAMILY, info)


def _from_transformers_folder(ref: str, folder: Path, kind: str,
                              info: Optional[ModelInfo]) -> ModelSource:
    """A folder saved by transformers' save_pretrained: config.json + model*.safetensors."""
    try:
        model_type = json.loads((folder / "config.json").read_text(encoding="utf-8"))["model_type"]
    except (OSError, ValueError, KeyError, TypeError):
        raise ModelError(f"{folder / 'config.json'} cannot be read as a model configuration.") from None
    family = FAMILY_OF_MODEL_TYPE.get(model_type)
    if family is None:
        raise ModelError(f"{folder} holds a '{model_type}' model, which Layered does not use.",
                         "Use a diffusers inpainting model, SAM or ViTMatte.")
    files = [p for p in folder.iterdir() if p.is_file()]
    if not any(_SAFE_WEIGHTS.match(p.name) for p in files):
        pickles = [p for p in files if p.suffix.lower() in PICKLE_SUFFIXES]
        if pickles:
            raise pickle_refusal(pickles[0])
        raise ModelError(f"The model folder {folder} has no weights file.",
                         "The download may be incomplete; download the model again.")
    if info is not None and info.family != family:
        info = None
    return ModelSource(ref, kind, folder, family, info or info_for_unlisted(ref, family))


def _check_weights(folder: Path, spec: dict) -> Optional[str]:
    """Checks every model component has safetensors weights; returns the variant to load."""
    variants = set()
    for name, value in spec.items():
        if name.startswith("_") or not isinstance(value, list) or None in value:
            continue
        sub = folder / name
        if not (sub / "config.json").is_file():
            continue  # tokenizers, schedulers and feature extractors have no weights
        files = [p for p in sub.iterdir() if p.is_file()]
        safe = [p.name for p in files if _SAFE_WEIGHTS.match(p.name)]
        if not safe:
            pickles = [p for p in files if p.suffix.lower() in PICKLE_SUFFIXES]
            if pickles:
                raise pickle_refusal(pickles[0])
            raise ModelError(f"The model component {sub} has no weights file.",
                             "The download may be incomplete; download the model again.")
        matches = [_SAFE_WEIGHTS.match(n) for n in safe]
        found = {m.group("variant") or m.group("ivariant") for m in matches}
        if None not in found:  # only variant files (e.g. *.fp16.safetensors): load that variant
            variants.update(found)
    return variants.pop() if len(variants) == 1 else None


def _from_file(ref: str, path: Path, catalogue: Catalogue, config: Optional[str]) -> ModelSource:
    suffix = path.suffix.lower()
    if suffix in PICKLE_SUFFIXES:
        raise pickle_refusal(path)
    if suffix != ".safetensors":
        raise ModelError(f"{path} is not a model file (expected .safetensors).")
    kind = detect_single_file_kind(path)
    family = "sd-inpaint" if kind in ("sd1-inpaint", "sd2-inpaint") else kind
    config = config or SINGLE_FILE_CONFIG[kind]
    info = catalogue.get(config)
    return ModelSource(ref, "single_file", path, family,
                       info if info is not None and info.family == family
                       else info_for_unlisted(ref, family), None, config)


def detect_single_file_kind(path: Path) -> str:
    """Which kind of checkpoint a single .safetensors file holds, from its tensor names.

    Reads only the file's header. Returns a key of SINGLE_FILE_CONFIG or raises
    ModelError for files that are not inpainting checkpoints.
    """
    from safetensors import safe_open

    try:
        with safe_open(os.fspath(path), framework="numpy") as f:
            keys = set(f.keys())

            def shape(key: str) -> list[int]:
                return list(f.get_slice(key).get_shape())

            unet_in = "model.diffusion_model.input_blocks.0.0.weight"
            flux_in = next((k for k in ("img_in.weight", "model.diffusion_model.img_in.weight")
                            if k in keys), None)
            if flux_in:
                if shape(flux_in)[1] == 384:
                    return "flux-fill"
                raise ModelError(f"{path} is a FLUX transformer but not FLUX.1-Fill.",
                                 "Use FLUX.1-Fill-dev for adding layers.")
            if unet_in in keys:
                if shape(unet_in)[1] != 9:
                    raise ModelError(f"{path} is a text-to-image checkpoint, not an inpainting one.",
                                     "Use an inpainting checkpoint (its UNet takes 9 channels).")
                if any(k.startswith("conditioner.embedders.1.") for k in keys):
                    return "sdxl-inpaint"
                if any(k.startswith("cond_stage_model.model.") for k in keys):
                    return "sd2-inpaint"
                return "sd1-inpaint"
    except ModelError:
        raise
    except Exception as exc:  # a damaged or non-safetensors file
        raise ModelError(f"{path} cannot be read as safetensors ({exc}).") from None
    raise ModelError(f"{path} is not a Stable Diffusion or FLUX.1-Fill checkpoint Layered knows.",
                     "Use a diffusers folder of the model instead.")
