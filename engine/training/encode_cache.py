"""Optional cache of what the frozen encoders make of the training set (BFS trainer, `"cache": true`).

T5, CLIP, the VAE and the RGBA VAE are frozen, so their outputs for a sample
never change - except through the framing, which training draws at random
(`engine.framing`). With the cache on, the framing's context is drawn from a
grid of `cache_contexts` values spread over `TRAIN_CONTEXT_RANGE` instead of
the continuous range, and every (sample, context) is encoded once, before
training, by `BFSObjective.encode` (the same function the uncached path
calls), into

    <output_dir>/cache/<key>/<source>/<index>-<k>.safetensors   latents + condition tokens
    <output_dir>/cache/<key>/<source>/<index>.text.safetensors  the prompt's text inputs

`<key>` hashes what the encodings depend on (backbone, RGBA VAE, data folder,
resolution, RGBA convention, prompt length, context grid), so a changed
setting never reads stale files. The processes share the work (sample i on
process i mod n). Afterwards the text encoders, the VAE and the RGBA VAE
leave the GPU: training then reads tensors only. Sizes at FLUX.1-Fill size:
~4 MB of T5 output per caption (512 x 4096 in bf16), ~1.5 MB of latents and
condition per sample and context at 512 px.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import torch

from .data import SampleFolders, collate


def context_grid(count: int, low: float, high: float) -> list[float]:
    return [float(c) for c in np.linspace(low, high, count)] if count > 1 else [float((low + high) / 2)]


def cache_key(**facts) -> str:
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()[:16]


class EncodedSamples:
    """A `SampleFolders` look-alike whose samples are the cached encodings (plus the caption)."""

    def __init__(self, source: SampleFolders, folder: Path, grid: list[float]):
        self.source = source
        self.folder = Path(folder)
        self.grid = grid

    def __len__(self) -> int:
        return len(self.source)

    def _paths(self, index: int, k: int) -> tuple[Path, Path]:
        return self.folder / f"{index:08d}-{k}.safetensors", self.folder / f"{index:08d}.text.safetensors"

    def fill(self, encode, device, process_index: int = 0, num_processes: int = 1) -> int:
        """Encodes every (sample, context) of this process's share that is not cached yet; returns
        how many were encoded."""
        from safetensors.torch import save_file

        self.folder.mkdir(parents=True, exist_ok=True)
        done = 0
        for index in range(process_index, len(self.source), num_processes):
            for k, context in enumerate(self.grid):
                latents_path, text_path = self._paths(index, k)
                if latents_path.is_file() and text_path.is_file():
                    continue
                sample = collate([self.source.load(index, context)])
                batch = {key: v.to(device) if torch.is_tensor(v) else v for key, v in sample.items()}
                encoded = {key: v[0].detach().contiguous().cpu() for key, v in encode(batch).items()}
                text = {key: v for key, v in encoded.items() if key.startswith("text.")}
                rest = {key: v for key, v in encoded.items() if not key.startswith("text.")}
                _save_whole(save_file, rest, latents_path)
                if not text_path.is_file():
                    _save_whole(save_file, text, text_path)
                done += 1
        return done

    def load(self, index: int, context: float) -> dict:
        from safetensors.torch import load_file

        k = self.grid.index(context)
        latents_path, text_path = self._paths(index, k)
        sample = {**load_file(str(latents_path)), **load_file(str(text_path))}
        sample["caption"] = (self.source.samples[index] / "caption.txt").read_text(encoding="utf-8").strip()
        return sample


def _save_whole(save_file, tensors: dict, path: Path) -> None:
    tmp = path.with_name(path.name + ".part")
    save_file(tensors, str(tmp))
    tmp.replace(path)  # a cache file appears whole or not at all
