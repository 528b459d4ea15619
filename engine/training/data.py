"""BFS training data: sample folders on disk, and the per-step batches the trainers draw.

Dataset layout: one sub-folder per sample, any folder names, all images of a
sample the same size:

    stage1/                         layered data (eqs. 6-8, 10)
      <sample>/background.png       RGB  - the scene without the object and its effects
      <sample>/foreground.png       RGBA - the object with its shadow/reflection, straight alpha
      <sample>/composite.png        RGB  - foreground over background
      <sample>/mask.png             L    - box mask: 255 inside the box, 0 outside
      <sample>/caption.txt          UTF-8 text describing the foreground
    stage2/                         unlayered data (eq. 9)
      <sample>/background.png, composite.png, mask.png, caption.txt as above
      <sample>/surrogate.png        RGBA, optional - the foreground branch's surrogate input
                                    (the paper uses a matting network on the composite);
                                    without it: the composite, opaque inside the box,
                                    transparent outside

Each sample is cropped to the square window `engine.framing` puts around its
box (the mask's bounding box), with the box-to-window ratio drawn per sample
from `TRAIN_CONTEXT_RANGE` (inference frames with a fixed value from that
range), and resized to `resolution`; the foreground is resized premultiplied
so no colour bleeds from transparent pixels.

Tensors: background/composite (3, R, R) in [-1, 1]; foreground/surrogate
(4, R, R) premultiplied RGBA in [-1, 1]; mask (1, R, R) in {0, 1}.

Batches (samples and their framing) are drawn per training step from
(seed, step, process) by `StepBatches`, which makes a run resumable to the
exact batch and gives every process its own samples.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import torch
from PIL import Image

from engine.box import Box
from engine.errors import InvalidInput
from engine.framing import INFERENCE_CONTEXT, TRAIN_CONTEXT_RANGE, box_mask, square_around

STAGE1_FILES = ("background.png", "foreground.png", "composite.png", "mask.png", "caption.txt")
STAGE2_FILES = ("background.png", "composite.png", "mask.png", "caption.txt")
SURROGATE_FILE = "surrogate.png"


class SampleFolders:
    """The samples of one dataset folder (stage-1 or stage-2 layout)."""

    def __init__(self, root: str | Path, required: tuple[str, ...], resolution: int):
        self.root = Path(root)
        self.required = required
        self.resolution = resolution
        if not self.root.is_dir():
            raise InvalidInput(f"Dataset folder {self.root} does not exist.")
        self.samples = sorted(p for p in self.root.iterdir() if p.is_dir())
        if not self.samples:
            raise InvalidInput(f"Dataset folder {self.root} has no sample sub-folders.",
                               "Each sample is a sub-folder holding " + ", ".join(required) + ".")
        for sample in self.samples:
            missing = [name for name in required if not (sample / name).is_file()]
            if missing:
                raise InvalidInput(f"Sample {sample} lacks {', '.join(missing)}.")

    def __len__(self) -> int:
        return len(self.samples)

    def load(self, index: int, context: float = INFERENCE_CONTEXT) -> dict:
        """Sample `index`, framed with window side = `context` x the box's longer side."""
        folder = self.samples[index]
        mask = np.asarray(Image.open(folder / "mask.png").convert("L")) > 127
        ys, xs = np.nonzero(mask)
        if len(xs) == 0:
            raise InvalidInput(f"{folder / 'mask.png'} is empty: it must mark the box with white.")
        height, width = mask.shape
        box = Box.from_corners(int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
        window = square_around(width, height, box, context)
        sample = {"caption": (folder / "caption.txt").read_text(encoding="utf-8").strip(),
                  "mask": self._mask_tensor(box, window)}
        for name in ("background", "composite"):
            sample[name] = self._rgb_tensor(folder / f"{name}.png", window, (height, width))
        if "foreground.png" in self.required:
            sample["foreground"] = self._rgba_tensor(folder / "foreground.png", window, (height, width))
        elif (folder / SURROGATE_FILE).is_file():
            sample["surrogate"] = self._rgba_tensor(folder / SURROGATE_FILE, window, (height, width))
        else:
            # Composite inside the box, transparent outside, premultiplied.
            inside = sample["mask"]
            sample["surrogate"] = torch.cat([(sample["composite"] + 1) / 2 * inside, inside]) * 2 - 1
        return sample

    def _open(self, path: Path, mode: str, size: tuple[int, int]) -> np.ndarray:
        image = Image.open(path)
        if (image.height, image.width) != size:
            raise InvalidInput(f"{path} is {image.width}x{image.height}, but the sample's mask is "
                               f"{size[1]}x{size[0]}: all images of a sample must be the same size.")
        return np.asarray(image.convert(mode), dtype=np.float32) / 255.0

    def _resize(self, array: np.ndarray, window: Box, resample) -> np.ndarray:
        crop = array[window.slices()]
        channels = [Image.fromarray(crop[..., c]).resize((self.resolution, self.resolution), resample)
                    for c in range(crop.shape[2])]
        return np.stack([np.asarray(c) for c in channels], axis=0)

    def _rgb_tensor(self, path, window, size) -> torch.Tensor:
        rgb = self._resize(self._open(path, "RGB", size), window, Image.Resampling.BICUBIC)
        return torch.from_numpy(rgb).clamp(0, 1) * 2 - 1

    def _rgba_tensor(self, path, window, size) -> torch.Tensor:
        rgba = self._open(path, "RGBA", size)
        rgba[..., :3] *= rgba[..., 3:]
        premultiplied = torch.from_numpy(self._resize(rgba, window, Image.Resampling.BICUBIC)).clamp(0, 1)
        premultiplied[:3] = torch.minimum(premultiplied[:3], premultiplied[3:])
        return premultiplied * 2 - 1

    def _mask_tensor(self, box: Box, window: Box) -> torch.Tensor:
        # The mask's bounding box, drawn exactly as inference draws the user's box.
        return torch.from_numpy(box_mask(box, window, self.resolution, self.resolution))[None]


def collate(samples: list[dict]) -> dict:
    batch = {key: torch.stack([s[key] for s in samples]) for key in samples[0] if key != "caption"}
    batch["caption"] = [s["caption"] for s in samples]
    return batch


def step_rng(*key: int) -> np.random.Generator:
    """A random generator determined by its integer key, e.g. (seed, step, process)."""
    return np.random.default_rng(list(key))


class StepBatches(torch.utils.data.Dataset):
    """Item `step` is the batch of training step `step`: a kind and samples drawn with replacement.

    `choose(step)` names the source ("layered", "realism", ...) of that step;
    every process uses the same choice (so all processes train on the same
    loss) and its own sample indices.
    """

    def __init__(self, sources: dict[str, SampleFolders], choose: Callable[[int], str], batch_size: int,
                 seed: int, process_index: int = 0, context_range: tuple[float, float] = TRAIN_CONTEXT_RANGE,
                 context_grid: list[float] | None = None):
        self.sources = sources
        self.context_range = context_range
        self.context_grid = context_grid  # draw contexts from these values only (the encode cache's grid)
        self.choose = choose
        self.batch_size = batch_size
        self.seed = seed
        self.process_index = process_index

    def __len__(self) -> int:
        raise TypeError("StepBatches is indexed by step and has no length")

    def __getitem__(self, step: int) -> dict:
        kind = self.choose(step)
        source = self.sources[kind]
        indices = step_rng(self.seed, step, self.process_index, 1).integers(0, len(source), self.batch_size)
        rng = step_rng(self.seed, step, self.process_index, 3)
        if self.context_grid:
            contexts = [self.context_grid[i] for i in rng.integers(0, len(self.context_grid), self.batch_size)]
        else:
            contexts = rng.uniform(*self.context_range, self.batch_size)
        batch = collate([source.load(int(i), float(c)) for i, c in zip(indices, contexts)])
        batch["kind"] = kind
        return batch


class Always:
    """`choose` for single-source trainers."""

    def __init__(self, kind: str):
        self.kind = kind

    def __call__(self, step: int) -> str:
        return self.kind


class RealismOrRegularise:
    """Stage 2's per-step coin: realism (stage-2 data) with probability p, else regularisation."""

    def __init__(self, seed: int, realism_probability: float):
        self.seed = seed
        self.p = realism_probability

    def __call__(self, step: int) -> str:
        return "realism" if step_rng(self.seed, step, 2).random() < self.p else "regularise"
