"""Resumable training checkpoints written with safetensors and JSON only (no pickle).

`accelerate`'s `save_state` pickles the optimizer state and the RNG states
(torch.save) even with `safe_serialization=True`, and reading them back means
`torch.load` of pickles. A checkpoint here is instead:

    <output_dir>/checkpoints/step-00000100/
      trainable.safetensors   trainable parameters by name
      optimizer.safetensors   optimizer tensors, "state.<param index>.<key>"
      state.json              step, parameter names in optimizer order, param_groups
                              (hyper-parameters), the non-tensor optimizer state, and
                              under fp16 the GradScaler's state (scale, growth tracker)

The trainable tensors come from `accelerator.get_state_dict` (see
`loop.trainable_state`), so FSDP and DeepSpeed ZeRO-3 runs save whole
weights. The optimizer state written is the main process's: exact for one
process and DDP (every process holds the same state); under FSDP / ZeRO the
optimizer state is sharded and a resumed run restarts it from these weights
(not tested here: those need GPUs).

Random state needs no saving: the trainers derive every random draw (batch
indices, noise, timesteps, stage-2 choice) from (seed, step), so a resumed
run continues exactly as an uninterrupted one.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import torch

CHECKPOINTS = "checkpoints"
_STEP_DIR = re.compile(r"^step-(\d{8})$")


def checkpoint_dir(output_dir: str | Path, step: int) -> Path:
    return Path(output_dir) / CHECKPOINTS / f"step-{step:08d}"


def list_checkpoints(output_dir: str | Path) -> list[Path]:
    root = Path(output_dir) / CHECKPOINTS
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if _STEP_DIR.match(p.name) and (p / "state.json").is_file()]
    return sorted(found, key=lambda p: p.name)


def save_checkpoint(folder: Path, step: int, named_params: list[tuple[str, torch.Tensor]],
                    optimizer: torch.optim.Optimizer, scaler=None) -> None:
    from safetensors.torch import save_file

    tmp = folder.with_name(folder.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    save_file({name: p.detach().contiguous().cpu() for name, p in named_params},
              str(tmp / "trainable.safetensors"))
    opt_state = optimizer.state_dict()
    tensors, scalars = {}, {}
    for index, entry in opt_state["state"].items():
        for key, value in entry.items():
            if torch.is_tensor(value):
                tensors[f"state.{index}.{key}"] = value.detach().contiguous().cpu()
            else:
                scalars[f"{index}.{key}"] = value
    save_file(tensors, str(tmp / "optimizer.safetensors"))
    state = {"step": step, "param_names": [name for name, _ in named_params],
             "param_groups": opt_state["param_groups"], "optimizer_scalars": scalars}
    if scaler is not None and scaler.is_enabled():
        state["grad_scaler"] = {k: (v.item() if torch.is_tensor(v) else v) for k, v in scaler.state_dict().items()}
    (tmp / "state.json").write_text(json.dumps(state, indent=1) + "\n")
    if folder.exists():
        shutil.rmtree(folder)
    tmp.rename(folder)  # a checkpoint appears whole or not at all


def load_checkpoint(folder: Path, named_params: list[tuple[str, torch.nn.Parameter]],
                    optimizer: torch.optim.Optimizer, scaler=None) -> int:
    """Restores parameters, optimizer and (fp16) GradScaler state in place; returns the step to continue from."""
    from safetensors.torch import load_file

    state = json.loads((folder / "state.json").read_text())
    names = [name for name, _ in named_params]
    if state["param_names"] != names:
        raise ValueError(f"checkpoint {folder} holds other parameters than this model trains "
                         f"({len(state['param_names'])} saved, {len(names)} now)")
    saved = load_file(str(folder / "trainable.safetensors"))
    with torch.no_grad():
        for name, p in named_params:
            if saved[name].shape != p.shape:
                raise ValueError(f"checkpoint {folder}: {name} has shape {tuple(saved[name].shape)}, "
                                 f"expected {tuple(p.shape)}")
            p.copy_(saved[name])
    opt_tensors = load_file(str(folder / "optimizer.safetensors"))
    per_param: dict[int, dict] = {}
    for key, value in opt_tensors.items():
        _, index, name = key.split(".", 2)
        per_param.setdefault(int(index), {})[name] = value
    for key, value in state["optimizer_scalars"].items():
        index, name = key.split(".", 1)
        per_param.setdefault(int(index), {})[name] = value
    optimizer.load_state_dict({"state": per_param, "param_groups": state["param_groups"]})
    if scaler is not None and scaler.is_enabled() and "grad_scaler" in state:
        scaler.load_state_dict(state["grad_scaler"])
    return int(state["step"])


def prune_checkpoints(output_dir: str | Path, keep: int) -> None:
    for old in list_checkpoints(output_dir)[:-keep]:
        shutil.rmtree(old)
