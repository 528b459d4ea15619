"""FLUX.1-Fill from its official single `.safetensors` file, which holds only the transformer.

The transformer is read with `FluxTransformer2DModel.from_single_file` (the
original Black Forest Labs key layout is converted by diffusers; a file in
diffusers' own layout loads as it is), configured by `transformer/config.json`
of a FLUX.1-Fill diffusers folder; the VAE, both text encoders, their
tokenizers and the scheduler come from that same folder ("the components"),
given as a path or as a repo id already in the Hugging Face cache. Nothing is
downloaded. When a part is missing, the error names it.

Used by `engine.models.loading` (the inpainting pipeline) and by BFS's
backbone (`engine.nets.fill_backbone`, bfs.json `"backbone": {"path":
"flux1-fill-dev.safetensors", "components": ...}`).
"""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import MissingModel, ModelError

DEFAULT_COMPONENTS = "black-forest-labs/FLUX.1-Fill-dev"

# The parts taken from the components folder, and a file that shows each is there.
PARTS = {
    "model_index.json": "",
    "transformer/config.json": "",
    "vae": "config.json",
    "text_encoder": "config.json",
    "text_encoder_2": "config.json",
    "tokenizer": "",
    "tokenizer_2": "",
    "scheduler": "scheduler_config.json",
}


def components_folder(components: str | os.PathLike, cache_dir=None) -> Path:
    """A folder path as it is; a repo id looked up in the Hugging Face cache (never downloaded)."""
    path = Path(os.path.expanduser(os.fspath(components)))
    if path.is_dir():
        return path
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(os.fspath(components), cache_dir=cache_dir, local_files_only=True))
    except (LocalEntryNotFoundError, ValueError, OSError):
        raise MissingModel(
            f"The FLUX.1-Fill single file needs the VAE, text encoders, tokenizers and scheduler of a "
            f"FLUX.1-Fill diffusers folder; '{components}' is not on this computer.",
            f"Download '{DEFAULT_COMPONENTS}' once (the transformer weights may be left out), "
            "or give the folder that holds those parts.",
            editor_hint=f"Download '{DEFAULT_COMPONENTS}' in the Models dialog (Edit > Models…).") from None


def missing_parts(folder: Path) -> list[str]:
    """The parts of a FLUX.1-Fill diffusers folder that the single file does not bring and
    `folder` lacks (each named as its sub-folder or file)."""
    missing = []
    for part, marker in PARTS.items():
        path = folder / part
        if marker:
            present = (path / marker).is_file() and (marker != "config.json" or _has_weights(path))
        elif path.suffix == ".json":
            present = path.is_file()
        else:
            present = path.is_dir() and any(path.iterdir())
        if not present:
            missing.append(part)
    return missing


def _has_weights(folder: Path) -> bool:
    return any(p.name.endswith(".safetensors") or p.name.endswith(".safetensors.index.json")
               for p in folder.iterdir())


def load_flux_fill_single_file(path: str | os.PathLike, components: str | os.PathLike = DEFAULT_COMPONENTS,
                               dtype=None, cache_dir=None):
    """A `FluxFillPipeline`: the transformer from `path`, everything else from `components`."""
    import torch
    from diffusers import FluxFillPipeline, FluxTransformer2DModel

    path = Path(path)
    if path.suffix.lower() != ".safetensors" or not path.is_file():
        raise ModelError(f"{path} is not a .safetensors file.")
    folder = components_folder(components, cache_dir)
    missing = missing_parts(folder)
    if missing:
        raise ModelError(
            f"{path.name} holds only the FLUX.1-Fill transformer; the rest comes from {folder}, "
            f"which lacks {', '.join(missing)}.",
            f"Give a complete FLUX.1-Fill diffusers folder (e.g. '{DEFAULT_COMPONENTS}'; its transformer "
            "weights are not needed).")
    dtype = dtype or torch.float32
    transformer = FluxTransformer2DModel.from_single_file(
        os.fspath(path), config=os.fspath(folder), subfolder="transformer", dtype=dtype,
        local_files_only=True)
    return FluxFillPipeline.from_pretrained(os.fspath(folder), transformer=transformer, dtype=dtype,
                                            use_safetensors=True, local_files_only=True)
