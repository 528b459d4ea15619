"""Run configurations: one JSON file per run, read into a dataclass, copied into the run folder.

Every trainer has a dataclass of its settings (a subclass of `TrainConfig`).
`load_config` reads a JSON object into it and refuses unknown or missing keys
with a message that names them, so a typo never silently trains with a
default. The resolved settings are written to `<output_dir>/run_config.json`.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from engine.errors import InvalidInput

C = TypeVar("C", bound="TrainConfig")

MIXED_PRECISION = ("no", "fp16", "bf16")


@dataclass(kw_only=True)
class TrainConfig:
    """Settings every trainer shares."""

    output_dir: str
    max_steps: int = 1000
    batch_size: int = 1
    learning_rate: float = 1e-4
    lr_warmup_steps: int = 0
    weight_decay: float = 0.0
    adam_beta1: float = 0.9
    adam_beta2: float = 0.999
    adam_epsilon: float = 1e-8
    max_grad_norm: float = 1.0
    gradient_accumulation_steps: int = 1
    mixed_precision: str = "no"  # "no" | "fp16" | "bf16" (frozen weights are stored in that dtype)
    gradient_checkpointing: bool = False
    checkpoint_every: int = 500
    keep_checkpoints: int = 2
    seed: int = 0
    num_workers: int = 0
    resolution: int = 512  # training images are square crops of this side

    def validate(self) -> None:
        if self.mixed_precision not in MIXED_PRECISION:
            raise InvalidInput(f"mixed_precision must be one of {MIXED_PRECISION}, not {self.mixed_precision!r}")
        for name in ("max_steps", "batch_size", "gradient_accumulation_steps", "checkpoint_every",
                     "keep_checkpoints", "resolution"):
            if getattr(self, name) < 1:
                raise InvalidInput(f"{name} must be at least 1, got {getattr(self, name)}")


def check_rgba(value: str) -> None:
    """The RGBA VAE convention setting ("premultiplied" | "straight", see engine.nets.rgba_vae)."""
    if value not in ("premultiplied", "straight"):
        raise InvalidInput(f'rgba must be "premultiplied" or "straight", not {value!r}')


def load_config(cls: type[C], path: str | Path) -> C:
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise InvalidInput(f"Config file {path} does not exist.") from None
    except json.JSONDecodeError as e:
        raise InvalidInput(f"Config file {path} is not valid JSON: {e}") from None
    return config_from_dict(cls, data, source=str(path))


def config_from_dict(cls: type[C], data: dict, source: str = "config") -> C:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise InvalidInput(f"{source}: unknown setting(s) {', '.join(unknown)}.",
                           f"Known settings: {', '.join(sorted(fields))}.")
    missing = sorted(name for name, f in fields.items()
                     if name not in data and f.default is dataclasses.MISSING
                     and f.default_factory is dataclasses.MISSING)
    if missing:
        raise InvalidInput(f"{source}: missing required setting(s) {', '.join(missing)}.")
    config = cls(**data)
    config.validate()
    return config


def save_config(config: TrainConfig, path: str | Path) -> None:
    Path(path).write_text(json.dumps(dataclasses.asdict(config), indent=2) + "\n")
