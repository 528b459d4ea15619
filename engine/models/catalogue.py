"""The model catalogue: which models Layered knows, what they serve and what they cost.

The catalogue is `resources/models.json`. Each entry names a model by its
Hugging Face repo id and says which engine methods it serves, its pipeline
family (which diffusers class loads it, or "bfs" for a BFS model folder as
`engine.nets.bfs_model` writes it, served by the "bfs" method), its working resolution and default
sampling settings, its approximate download size and GPU memory need, its
licence, and which repo files a download fetches. Reading it needs no torch.

Two kinds of model are listed: diffusers pipelines (the inpainting families,
which also serve as text-to-image models with a full mask and as the
decomposition's background filler) and transformers vision models that the
decomposition uses for its object mask (SAM) and its alpha matte (ViTMatte).
The latter have no sampling settings: their steps and guidance are left out.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from ..errors import ModelError
from ..methods import registry

# The model families the engine can load; see engine.models.loading.
DIFFUSION_FAMILIES = registry.INPAINTING_FAMILIES
VISION_FAMILIES = ("sam", "vitmatte")  # transformers models: object masks, alpha mattes
# A BFS model folder (bfs.json + bridges + RGBA VAE over an inpainting backbone).
BFS_FAMILY = "bfs"
FAMILIES = DIFFUSION_FAMILIES + VISION_FAMILIES + (BFS_FAMILY,)

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "resources" / "models.json"


@dataclass(frozen=True)
class ModelInfo:
    id: str
    name: str
    family: str
    methods: tuple[str, ...]
    resolution: int
    default_steps: int
    default_guidance: float
    download_gb: float
    min_vram_gb: float
    licence: str
    gated: bool = False
    files: tuple[str, ...] = ()  # repo file patterns a download fetches
    built_in: bool = False       # shipped with Layered (resources/builtin), never downloaded

    def serves(self, method: str) -> bool:
        return method in self.methods


# What a model of each family does when the catalogue does not know it (a user's folder).
FAMILY_DEFAULTS = {
    "sd-inpaint": dict(resolution=512, default_steps=30, default_guidance=7.5, min_vram_gb=4),
    "sdxl-inpaint": dict(resolution=1024, default_steps=30, default_guidance=8.0, min_vram_gb=10),
    "flux-fill": dict(resolution=1024, default_steps=50, default_guidance=30.0, min_vram_gb=32),
    # A BFS model's own bfs.json overrides these (see engine.models.locate).
    BFS_FAMILY: dict(resolution=512, default_steps=50, default_guidance=30.0, min_vram_gb=32),
    "sam": dict(resolution=1024, default_steps=1, default_guidance=0.0, min_vram_gb=1),
    "vitmatte": dict(resolution=1024, default_steps=1, default_guidance=0.0, min_vram_gb=1),
}

# What a model of each family serves when the catalogue does not say (the table of methods).
FAMILY_METHODS = {family: registry.methods_of_family(family) for family in FAMILIES}


def info_for_unlisted(model_id: str, family: str, **overrides) -> ModelInfo:
    """A catalogue-like entry for a model the catalogue does not list, from its family."""
    facts = {**FAMILY_DEFAULTS[family], **overrides}
    return ModelInfo(id=model_id, name=os.path.basename(model_id.rstrip("/\\")) or model_id,
                     family=family, methods=FAMILY_METHODS[family], download_gb=0.0,
                     licence="unknown: see the model's own licence", **facts)


@dataclass
class Catalogue:
    models: list[ModelInfo] = field(default_factory=list)
    path: Optional[Path] = None

    def __iter__(self) -> Iterator[ModelInfo]:
        return iter(self.models)

    def __len__(self) -> int:
        return len(self.models)

    def get(self, model_id: str) -> Optional[ModelInfo]:
        return next((m for m in self.models if m.id == model_id), None)

    def for_method(self, method: str) -> list[ModelInfo]:
        return [m for m in self.models if m.serves(method)]

    def installed_for(self, method: str, *, cache_dir: str | os.PathLike | None = None
                      ) -> list[ModelInfo]:
        """The models serving `method` that are on this computer (in the hub cache), in order."""
        from .locate import find_model

        found = []
        for info in self.for_method(method):
            try:
                find_model(info.id, cache_dir=cache_dir, catalogue=self)
            except ModelError:
                continue
            found.append(info)
        return found

    def default_for(self, method: str) -> ModelInfo:
        """The first listed model that serves `method` (the catalogue is ordered smallest first)."""
        models = self.for_method(method)
        if not models:
            raise ModelError(f"The model catalogue lists no model for '{method}'.")
        return models[0]


def load_catalogue(path: str | os.PathLike | None = None) -> Catalogue:
    """Reads a catalogue file (default: resources/models.json) and checks every entry."""
    path = Path(path) if path is not None else DEFAULT_PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["models"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"The model catalogue {path} cannot be read ({exc}).") from None
    models = []
    for i, entry in enumerate(entries):
        try:
            info = ModelInfo(
                id=entry["id"], name=entry.get("name", entry["id"]), family=entry["family"],
                methods=tuple(entry["methods"]), resolution=int(entry["resolution"]),
                default_steps=int(entry.get("default_steps", 1)),
                default_guidance=float(entry.get("default_guidance", 0.0)),
                download_gb=float(entry["download_gb"]), min_vram_gb=float(entry["min_vram_gb"]),
                licence=entry["licence"], gated=bool(entry.get("gated", False)),
                files=tuple(entry.get("files", ())), built_in=bool(entry.get("built_in", False)))
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"Entry {i} of the model catalogue {path} is incomplete ({exc}).") from None
        if info.family not in FAMILIES:
            raise ModelError(f"Model '{info.id}' in {path} has unknown family '{info.family}'.",
                             f"Known families: {', '.join(FAMILIES)}.")
        models.append(info)
    return Catalogue(models, path)
