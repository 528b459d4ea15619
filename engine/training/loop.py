"""The training loop every trainer shares, on `accelerate`.

A trainer describes its job as a `Task` (the module that holds its trainable
parameters, a batch source, a loss, what to write at the end); `run` does the
rest the same way for all of them: an `Accelerator` (CPU, one GPU, or many
GPUs/nodes — whatever `accelerate launch` set up), mixed precision, gradient
accumulation and clipping, learning-rate warm-up, a tqdm bar showing the loss,
a JSON-lines log, safetensors checkpoints and exact resumption. Trained
tensors are read through `accelerator.get_state_dict`, so they are saved whole
under FSDP and DeepSpeed ZeRO-3 as under DDP; under fp16 the GradScaler's state
is checkpointed too.

Randomness: batches, noise and timesteps are drawn from generators seeded by
(seed, micro-step, process), so resuming from a checkpoint replays exactly the
run that was interrupted.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import torch

from engine.errors import InvalidInput

from .checkpoint import checkpoint_dir, list_checkpoints, load_checkpoint, prune_checkpoints, save_checkpoint
from .config import TrainConfig, save_config
from .data import StepBatches

LOG_FILE = "log.jsonl"


@dataclass
class Task:
    module: torch.nn.Module  # holds the trainable parameters (frozen parts may live inside)
    batches: StepBatches
    # loss(module, batch, generator) -> (loss, {name: float}); runs under autocast
    loss: Callable[[torch.nn.Module, dict, torch.Generator], tuple[torch.Tensor, dict]]
    # finish(unwrapped module, output_dir): writes the trained result (main process only; its trainable
    # tensors are the ones accelerate gathered, so FSDP / DeepSpeed ZeRO-3 shards are whole)
    finish: Callable[[torch.nn.Module, Path], None]


def weight_dtype(mixed_precision: str) -> torch.dtype:
    """The dtype frozen weights are kept in; trainable parameters stay float32."""
    return {"fp16": torch.float16, "bf16": torch.bfloat16}.get(mixed_precision, torch.float32)


def make_accelerator(config: TrainConfig):
    from accelerate import Accelerator

    return Accelerator(mixed_precision=config.mixed_precision,
                       gradient_accumulation_steps=config.gradient_accumulation_steps)


def step_generator(device, seed: int, micro_step: int, process: int) -> torch.Generator:
    seed_value = int(np.random.SeedSequence([seed, micro_step, process, 3]).generate_state(1)[0])
    return torch.Generator(device=device).manual_seed(seed_value)


def named_trainable(module: torch.nn.Module) -> list[tuple[str, torch.nn.Parameter]]:
    return [(name, p) for name, p in module.named_parameters() if p.requires_grad]


def run(config: TrainConfig, accelerator, task: Task, checkpoint: Path | None = None) -> list[dict]:
    """Trains to `config.max_steps` (from `checkpoint` if given); returns this invocation's log records."""
    from tqdm.auto import tqdm

    output = Path(config.output_dir)
    start_step = 0
    named = named_trainable(task.module)
    if not named:
        raise InvalidInput("Nothing to train: the task has no trainable parameters.")
    params = [p for _, p in named]
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=config.weight_decay,
                                  betas=(config.adam_beta1, config.adam_beta2), eps=config.adam_epsilon)
    names = [name for name, _ in named]
    if checkpoint is not None:
        start_step = load_checkpoint(checkpoint, named, optimizer, accelerator.scaler)
        accelerator.print(f"resuming from {checkpoint} at step {start_step}")
    if accelerator.is_main_process:
        output.mkdir(parents=True, exist_ok=True)
        save_config(config, output / "run_config.json")
        _truncate_log(output / LOG_FILE, start_step)

    module, optimizer = accelerator.prepare(task.module, optimizer)
    accum = config.gradient_accumulation_steps
    batches = _batch_iterator(task.batches, start_step * accum, config.max_steps * accum, config.num_workers)
    bar = tqdm(total=config.max_steps, initial=start_step, desc="training",
               disable=not accelerator.is_local_main_process)
    records = []
    module.train()
    for step in range(start_step, config.max_steps):
        for group in optimizer.param_groups:
            group["lr"] = config.learning_rate * min(1.0, (step + 1) / max(1, config.lr_warmup_steps))
        losses, parts, kinds = [], {}, []
        for micro in range(accum):
            micro_step = step * accum + micro
            batch = _to_device(next(batches), accelerator.device)
            generator = step_generator(accelerator.device, config.seed, micro_step, accelerator.process_index)
            with accelerator.accumulate(module):
                with accelerator.autocast():
                    loss, logs = task.loss(module, batch, generator)
                if not torch.isfinite(loss):
                    raise FloatingPointError(f"loss became {loss.item()} at step {step}; "
                                             "lower learning_rate or use bf16 instead of fp16")
                accelerator.backward(loss)
                if accelerator.sync_gradients and config.max_grad_norm > 0:
                    accelerator.clip_grad_norm_(params, config.max_grad_norm)
                optimizer.step()
                optimizer.zero_grad(set_to_none=True)
            losses.append(loss.item())
            kinds.append(batch["kind"])
            for key, value in logs.items():
                parts.setdefault(key, []).append(value)
        record = {"step": step + 1, "loss": float(np.mean(losses)), "kinds": kinds,
                  **{k: float(np.mean(v)) for k, v in parts.items()}}
        records.append(record)
        bar.update(1)
        bar.set_postfix(loss=f"{record['loss']:.4f}")
        if accelerator.is_main_process:
            with open(output / LOG_FILE, "a") as log:
                log.write(json.dumps(record) + "\n")
        if (step + 1) % config.checkpoint_every == 0 or step + 1 == config.max_steps:
            accelerator.wait_for_everyone()
            trainable = trainable_state(accelerator, module, names)  # every process takes part
            if accelerator.is_main_process:
                save_checkpoint(checkpoint_dir(output, step + 1), step + 1, list(trainable.items()),
                                optimizer.optimizer, accelerator.scaler)
                prune_checkpoints(output, config.keep_checkpoints)
    bar.close()
    accelerator.wait_for_everyone()
    trainable = trainable_state(accelerator, module, names)
    if accelerator.is_main_process:
        task.finish(_whole(accelerator.unwrap_model(module), trainable), output)
    accelerator.wait_for_everyone()
    return records


def _whole(module: torch.nn.Module, trainable: dict[str, torch.Tensor]) -> torch.nn.Module:
    """The unwrapped module with its trainable tensors whole: under ZeRO-3 / FSDP its own
    parameters are shards (other shapes), so the gathered tensors take their place; under DDP
    and on one process they are the same tensors and nothing changes."""
    for name, param in module.named_parameters():
        gathered = trainable.get(name)
        if gathered is not None and gathered.shape != param.shape:
            param.data = gathered.to(param.device)
    return module


def trainable_state(accelerator, module: torch.nn.Module, names: list[str]) -> dict[str, torch.Tensor]:
    """The trainable tensors by name, through `accelerator.get_state_dict`: under DDP the module's own
    tensors, under FSDP / DeepSpeed ZeRO-3 the shards gathered whole (on the main process). Every
    process must call it."""
    state = accelerator.get_state_dict(module)
    if not accelerator.is_main_process:
        return {}
    missing = [name for name in names if name not in state]
    if missing:
        raise RuntimeError(f"the gathered state dict lacks {missing[:3]} ({len(missing)} trainable tensors)")
    return {name: state[name] for name in names}


def checkpoint_to_resume(output_dir: str | Path, resume: str | None) -> Path | None:
    """The checkpoint `--resume` names (None: a fresh run, refused if the folder has checkpoints)."""
    output = Path(output_dir)
    existing = list_checkpoints(output)
    if resume is None:
        if existing:
            raise InvalidInput(f"{output} already holds checkpoints.",
                               "Pass --resume to continue that run, or choose another output_dir.")
        return None
    if resume == "latest":
        return existing[-1] if existing else None
    path = Path(resume)
    if not (path / "state.json").is_file():
        raise InvalidInput(f"{path} is not a checkpoint folder (no state.json).")
    return path


def _truncate_log(path: Path, last_step: int) -> None:
    """Drops records of steps after the checkpoint, which the resumed run writes again."""
    if not path.is_file():
        return
    kept = [line for line in path.read_text().splitlines() if json.loads(line)["step"] <= last_step]
    path.write_text("".join(line + "\n" for line in kept))


def _batch_iterator(batches: StepBatches, start: int, end: int, num_workers: int) -> Iterator[dict]:
    loader = torch.utils.data.DataLoader(batches, batch_size=None, sampler=range(start, end),
                                         num_workers=num_workers, persistent_workers=False)
    return iter(loader)


def _to_device(batch: dict, device) -> dict:
    return {k: v.to(device, non_blocking=True) if torch.is_tensor(v) else v for k, v in batch.items()}


def sample_sigmas(batch_size: int, generator: torch.Generator, device, logit_mean: float = 0.0,
                  logit_std: float = 1.0) -> torch.Tensor:
    """Flow-matching times t in (0, 1), logit-normal as in SD3/Flux training (diffusers' helper)."""
    from diffusers.training_utils import compute_density_for_timestep_sampling

    return compute_density_for_timestep_sampling("logit_normal", batch_size, logit_mean=logit_mean,
                                                 logit_std=logit_std, device=device, generator=generator)
