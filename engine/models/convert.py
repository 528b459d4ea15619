"""Explicit, one-time conversion of pickle-based weights to safetensors.

Layered never loads .ckpt/.pt/.pth/.bin/.pkl files. A user who trusts such a
file converts it once with this module (`python main.py models convert
PATH`): the file is read with `torch.load(weights_only=True)`, which only
rebuilds tensors and plain containers and refuses anything that would run
code, and its tensors are written next to it as .safetensors. A diffusers or
transformers folder is converted file by file, with the names those
libraries look for.
"""
from __future__ import annotations

import os
from pathlib import Path
from ..errors import InvalidInput, ModelError
from .locate import PICKLE_SUFFIXES

# The safetensors name diffusers/transformers expect next to each pickle name they used.
LIBRARY_NAMES = {"pytorch_model.bin": "model.safetensors",
                 "diffusion_pytorch_model.bin": "diffusion_pytorch_model.safetensors"}


def safetensors_name(path: Path) -> Path:
    return path.with_name(LIBRARY_NAMES.get(path.name, path.stem + ".safetensors"))


def convert_to_safetensors(src: str | os.PathLike, dst: str | os.PathLike | None = None, *,
                           overwrite: bool = False) -> list[Path]:
    """Converts a pickle weights file (or every one in a folder); returns the files written."""
    src = Path(os.path.expanduser(src))
    if src.is_dir():
        if dst is not None:
            raise InvalidInput("A folder is converted in place; do not give an output file.")
        pickles = sorted(p for p in src.rglob("*") if p.is_file()
                         and p.suffix.lower() in PICKLE_SUFFIXES)
        if not pickles:
            raise InvalidInput(f"{src} holds no .ckpt/.pt/.pth/.bin/.pkl files to convert.")
        return [_convert_file(p, safetensors_name(p), overwrite) for p in pickles]
    if not src.is_file():
        raise InvalidInput(f"{src}: no such file.")
    if src.suffix.lower() not in PICKLE_SUFFIXES:
        raise InvalidInput(f"{src} is not a pickle weights file (.ckpt, .pt, .pth, .bin, .pkl).")
    out = Path(os.path.expanduser(dst)) if dst is not None else safetensors_name(src)
    if out.suffix != ".safetensors":
        raise InvalidInput(f"The output {out} must end in .safetensors.")
    return [_convert_file(src, out, overwrite)]


def load_pickle_tensors(src: Path) -> dict:
    """The name -> tensor mapping of a pickle weights file, read with `weights_only=True` only."""
    import pickle

    import torch

    try:
        data = torch.load(src, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        raise ModelError(f"{src} holds more than tensors, so it is not converted "
                         f"({str(exc).strip().splitlines()[0]}).",
                         "Get the model as .safetensors from its publisher instead.") from None
    except Exception as exc:
        raise ModelError(f"{src} cannot be read as PyTorch weights ({exc}).") from None
    tensors = _state_dict(data)
    if not tensors:
        raise ModelError(f"{src} contains no tensors.")
    return tensors


def _convert_file(src: Path, dst: Path, overwrite: bool) -> Path:
    from safetensors.torch import save_file

    if dst.exists() and not overwrite:
        raise InvalidInput(f"{dst} already exists.", "Remove it first or pass --overwrite.")
    tensors = load_pickle_tensors(src)
    # safetensors refuses tensors that share memory; give each its own contiguous copy.
    tensors = {k: v.detach().clone().contiguous() for k, v in tensors.items()}
    tmp = dst.with_name(dst.name + ".part")
    try:
        save_file(tensors, os.fspath(tmp), metadata={"format": "pt", "converted_from": src.name})
        os.replace(tmp, dst)
    finally:
        if tmp.exists():
            tmp.unlink()
    return dst


def _state_dict(data) -> dict:
    """The flat name -> tensor mapping inside a checkpoint (unwrapping "state_dict" etc.)."""
    import torch

    if isinstance(data, dict):
        for key in ("state_dict", "model", "module"):
            inner = data.get(key)
            if isinstance(inner, dict) and any(isinstance(v, torch.Tensor) for v in inner.values()):
                return _state_dict(inner)
        return {str(k): v for k, v in data.items() if isinstance(v, torch.Tensor)}
    if isinstance(data, torch.Tensor):
        return {"weight": data}
    return {}

