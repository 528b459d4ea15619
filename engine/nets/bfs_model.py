"""A trained BFS model: backbone + dual-branch bridges + RGBA VAE, saved as one folder.

Folder layout (everything safetensors or JSON):

    <model>/
      bfs.json              {"format": "layered-bfs/1",
                             "backbone": {"kind": "flux-fill" | "tiny", "path": "<folder>"},
                             "resolution": 512, "steps": 50, "guidance_scale": 30.0,
                             "max_sequence_length": 512,
                             "single_stream_text": false, "rgba": "premultiplied"}
      bridge.safetensors    the new parameters (see `engine.nets.dual_branch`)
      rgba_vae/             config.json + diffusion_pytorch_model.safetensors (4-channel AutoencoderKL)

`backbone.path` is resolved relative to the model folder when it is not
absolute: a Flux-Fill model points at a local FLUX.1-Fill-dev diffusers folder
(it is not copied) or at the official single transformer `.safetensors`, with
`backbone.components` naming the diffusers folder or cached repo id that
brings the VAE, text encoders and scheduler (default
black-forest-labs/FLUX.1-Fill-dev); a small built-in model keeps its backbone
inside (`"path": "backbone"`). `resolution` is the short side the model works at,
`steps` and `guidance_scale` the defaults of the inference method
(guidance is Flux's distilled guidance for flux-fill, classifier-free guidance
for tiny). `max_sequence_length` is the T5 prompt length (flux-fill only).

How the weights were trained, so they run the same way (both optional, the
defaults are this project's choices; the authors' release uses the others):
`single_stream_text` - whether the single-stream blocks' cross-branch
attention runs over [text; image] tokens and adds its message to the text
tokens too (see `engine.nets.dual_branch`); `rgba` - "premultiplied" or
"straight", the RGBA VAE's convention (see `engine.nets.rgba_vae`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .bfs_devices import BFSPlacement
from .bfs_folder import (BRIDGE_FILE, MODEL_FILE, MODEL_FORMAT, RGBA_VAE_DIR, backbone_folder,
                         read_model_file)
from .dual_branch import DualBranchTransformer
from .fill_backbone import load_backbone, move
from .rgba_vae import check_convention


@dataclass
class BFSModel:
    backbone: "FillBackbone"  # noqa: F821 - engine.nets.fill_backbone
    transformer: "DualBranchTransformer"  # noqa: F821 - engine.nets.dual_branch
    rgba_vae: torch.nn.Module
    settings: dict = field(default_factory=dict)
    placement: "BFSPlacement | None" = None  # noqa: F821 - engine.nets.bfs_devices; None: all on one device

    @property
    def execution_device(self) -> torch.device:
        """Where the computation runs (under offload the weights wait on the CPU)."""
        return self.placement.device if self.placement is not None else self.backbone.device

    def place(self, plan) -> "BFSModel":
        """Puts the parts where `plan` (engine.models.devices.DevicePlan) says; see engine.nets.bfs_devices."""
        self.placement = BFSPlacement(self, plan).apply()
        return self

    @property
    def resolution(self) -> int:
        return int(self.settings.get("resolution", 512))

    @property
    def steps(self) -> int:
        return int(self.settings.get("steps", 50))

    @property
    def guidance_scale(self) -> float:
        return float(self.settings.get("guidance_scale", 30.0 if self.backbone.guidance_embeds else 4.0))

    @property
    def single_stream_text(self) -> bool:
        return bool(self.settings.get("single_stream_text", False))

    @property
    def rgba_convention(self) -> str:
        return check_convention(self.settings.get("rgba", "premultiplied"))

    @classmethod
    def load(cls, folder: str | Path, device="cpu", dtype=torch.float32) -> "BFSModel":
        from diffusers import AutoencoderKL

        folder = Path(folder)
        settings = read_model_file(folder)
        spec = settings["backbone"]
        backbone = load_backbone(spec["kind"], backbone_folder(folder, settings), dtype=dtype,
                                 max_sequence_length=int(settings.get("max_sequence_length", 512)),
                                 components=spec.get("components"))
        transformer = DualBranchTransformer.from_bridge_file(
            backbone.transformer, folder / BRIDGE_FILE,
            single_stream_text=bool(settings.get("single_stream_text", False)))
        rgba_vae = AutoencoderKL.from_pretrained(folder / RGBA_VAE_DIR, use_safetensors=True, dtype=dtype)
        model = cls(backbone, transformer, rgba_vae, settings)
        return model.to(device, dtype)

    def to(self, device=None, dtype=None) -> "BFSModel":
        self.backbone.to(device, dtype)
        move(self.transformer.bridges, device, dtype)
        move(self.rgba_vae, device, dtype)
        return self

    def eval(self) -> "BFSModel":
        self.transformer.eval()
        self.rgba_vae.eval()
        return self

    def save(self, folder: str | Path, backbone_path: str) -> None:
        """Writes bfs.json, bridge.safetensors and rgba_vae/ (the backbone is referenced, not copied)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.transformer.save_bridges(folder / BRIDGE_FILE)
        self.rgba_vae.save_pretrained(folder / RGBA_VAE_DIR, safe_serialization=True)
        settings = {**self.settings, "format": MODEL_FORMAT,
                    "backbone": {"kind": self.backbone.kind, "path": str(backbone_path)}}
        (folder / MODEL_FILE).write_text(json.dumps(settings, indent=2) + "\n")

