"""The BFS model folder format, readable without torch (finding models, the Models dialog).

    <model>/bfs.json            settings: {"format": "layered-bfs/1", "backbone": {"kind", "path"}, ...}
    <model>/bridge.safetensors  the trained bridges
    <model>/rgba_vae/           the RGBA VAE (config.json + safetensors weights)

`engine.nets.bfs_model` loads and saves such folders; this module only reads
the settings file and names the parts.
"""
from __future__ import annotations

import json
from pathlib import Path

MODEL_FORMAT = "layered-bfs/1"
MODEL_FILE = "bfs.json"
BRIDGE_FILE = "bridge.safetensors"
RGBA_VAE_DIR = "rgba_vae"


def is_bfs_folder(folder: str | Path) -> bool:
    return (Path(folder) / MODEL_FILE).is_file()


def read_model_file(folder: Path) -> dict:
    path = Path(folder) / MODEL_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{folder} is not a BFS model folder (no {MODEL_FILE})")
    settings = json.loads(path.read_text())
    if settings.get("format") != MODEL_FORMAT:
        raise ValueError(f"{path}: unknown format {settings.get('format')!r}, expected {MODEL_FORMAT!r}")
    if set(settings.get("backbone", {})) < {"kind", "path"}:
        raise ValueError(f"{path}: 'backbone' needs 'kind' and 'path'")
    if settings.get("rgba", "premultiplied") not in ("premultiplied", "straight"):
        raise ValueError(f"{path}: 'rgba' must be \"premultiplied\" or \"straight\", not {settings['rgba']!r}")
    if not isinstance(settings.get("single_stream_text", False), bool):
        raise ValueError(f"{path}: 'single_stream_text' must be true or false")
    return settings


def backbone_folder(folder: Path, settings: dict) -> Path:
    """The backbone's folder: `backbone.path`, relative to the model folder unless absolute."""
    path = Path(settings["backbone"]["path"])
    return path if path.is_absolute() else Path(folder) / path
