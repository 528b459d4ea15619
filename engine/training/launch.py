"""The command-line front of every trainer: `--config RUN.json [--resume [latest|CHECKPOINT]]`.

Trainers are started with `accelerate launch -m engine.training.<trainer> ...`
(or plain `python -m ...` for one process). Errors the user can fix (a bad
config, a missing folder) end the run with one line on stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import sys
from typing import Callable

from engine.errors import EngineError

from .config import TrainConfig, load_config


def main(description: str, config_cls: type[TrainConfig], build_task: Callable, argv=None) -> int:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--config", required=True, help="the run's JSON settings")
    parser.add_argument("--resume", nargs="?", const="latest", default=None,
                        help="continue from the latest checkpoint in output_dir, or from CHECKPOINT")
    args = parser.parse_args(argv)
    try:
        config = load_config(config_cls, args.config)
        train(config, build_task, resume=args.resume)
    except (EngineError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def train(config: TrainConfig, build_task: Callable, resume: str | None = None) -> list[dict]:
    """Runs one trainer in this process (also what the tests call)."""
    import torch

    from .loop import checkpoint_to_resume, make_accelerator, run

    checkpoint = checkpoint_to_resume(config.output_dir, resume)  # before minutes of model loading
    accelerator = make_accelerator(config)
    torch.manual_seed(config.seed)
    task = build_task(config, accelerator)
    return run(config, accelerator, task, checkpoint)
