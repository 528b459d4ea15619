"""Train the BFS bridges: stage 1 (layered data) or stage 2 (realism + regularisation).

    accelerate launch -m engine.training.train_bfs --config stage1.json
    accelerate launch -m engine.training.train_bfs --config stage2.json   # "init_bridge": stage-1 result

Only the new parameters train (the LoRAs and mixers of `DualBranchTransformer`);
the backbone, its VAE and text encoders, the RGBA VAE and the compositor are
frozen (train the last two first with `train_rgba_vae` and `train_compositor`).
The run ends by writing a ready-to-use model folder `<output_dir>/model/`
(see `engine.nets.bfs_model`).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import torch

from engine.errors import InvalidInput
from engine.framing import TRAIN_CONTEXT_RANGE
from engine.nets.bfs_model import BFSModel
from engine.nets.dual_branch import DualBranchTransformer
from engine.nets.fill_backbone import load_backbone

from .bfs_objective import BFSObjective
from .config import TrainConfig, check_rgba
from .data import (STAGE1_FILES, STAGE2_FILES, Always, RealismOrRegularise, SampleFolders,
                   StepBatches)
from .encode_cache import EncodedSamples, cache_key, context_grid
from .loop import Task, weight_dtype


@dataclass(kw_only=True)
class BFSTrainConfig(TrainConfig):
    stage: int = 1
    backbone_kind: str = "flux-fill"  # "flux-fill" | "tiny"
    backbone_path: str                # FLUX.1-Fill-dev diffusers folder, or a tiny backbone folder
    rgba_vae_path: str                # output of train_rgba_vae: <run>/rgba_vae
    compositor_path: str              # output of train_compositor: <run>/compositor
    stage1_data: str                  # layered data (stage 1; stage 2's regularisation)
    stage2_data: str = ""             # unlayered data (stage 2)
    init_bridge: str = ""             # bridge.safetensors to start from (stage 2: stage 1's result)
    rank: int = 4
    single_blocks: bool = True
    information_sharing: bool = True  # False: the branches do not exchange (the ablation "two branches alone")
    composition_weight: float = 1.0
    realism_probability: float = 0.8
    guidance_scale: float = 30.0      # Flux-Fill's distilled guidance input (ignored by tiny backbones)
    max_sequence_length: int = 512    # T5 prompt length (flux-fill)
    logit_mean: float = 0.0
    logit_std: float = 1.0
    inference_steps: int = 50         # defaults written into the model folder
    inference_guidance: float = 30.0
    cache: bool = False               # encode the training set once (text, latents; engine.training.encode_cache)
    cache_contexts: int = 4           # with the cache: framings per sample, spread over the training range
    single_stream_text: bool = False  # single-stream blocks exchange [text; image] (the release) or image only
    rgba: str = "premultiplied"       # the RGBA VAE's convention: "premultiplied" | "straight" (the release)

    def validate(self) -> None:
        super().validate()
        if self.stage not in (1, 2):
            raise InvalidInput(f"stage must be 1 or 2, not {self.stage}")
        if self.stage == 2 and not self.stage2_data:
            raise InvalidInput("stage 2 needs stage2_data (unlayered background/composite pairs).")
        if not 0.0 <= self.realism_probability <= 1.0:
            raise InvalidInput("realism_probability must lie in [0, 1]")
        check_rgba(self.rgba)
        if self.cache_contexts < 1:
            raise InvalidInput(f"cache_contexts must be at least 1, got {self.cache_contexts}")


def build_task(config: BFSTrainConfig, accelerator) -> Task:
    from diffusers import AutoencoderKL
    from diffusers.training_utils import cast_training_params

    from engine.nets.compositor import LatentCompositor

    dtype = weight_dtype(config.mixed_precision)
    device = accelerator.device
    sources = {"layered": SampleFolders(config.stage1_data, STAGE1_FILES, config.resolution)}
    if config.stage == 1:
        choose = Always("layered")
    else:
        sources = {"realism": SampleFolders(config.stage2_data, STAGE2_FILES, config.resolution),
                   "regularise": sources["layered"]}
        choose = RealismOrRegularise(config.seed, config.realism_probability)
    backbone = load_backbone(config.backbone_kind, config.backbone_path, dtype=dtype,
                             max_sequence_length=config.max_sequence_length).to(device)
    if config.resolution % backbone.size_multiple:
        raise InvalidInput(f"resolution {config.resolution} must be a multiple of {backbone.size_multiple}")
    rgba_vae = AutoencoderKL.from_pretrained(config.rgba_vae_path, use_safetensors=True, dtype=dtype)
    compositor = LatentCompositor.from_pretrained(config.compositor_path, use_safetensors=True,
                                                  dtype=dtype)
    for frozen in (rgba_vae, compositor):
        frozen.requires_grad_(False).eval().to(device)

    if config.gradient_checkpointing:
        backbone.transformer.enable_gradient_checkpointing()
    model = DualBranchTransformer(backbone.transformer, rank=config.rank, single_blocks=config.single_blocks,
                                  single_stream_text=config.single_stream_text, share=config.information_sharing)
    if config.init_bridge:
        model.load_bridges(config.init_bridge)
    model.to(device)
    cast_training_params(model, torch.float32)

    objective = BFSObjective(backbone, rgba_vae, compositor, config.composition_weight, config.guidance_scale,
                             config.logit_mean, config.logit_std, rgba=config.rgba)

    def finish(trained: DualBranchTransformer, output: Path) -> None:
        settings = {"resolution": config.resolution, "steps": config.inference_steps,
                    "guidance_scale": config.inference_guidance,
                    "max_sequence_length": config.max_sequence_length,
                    "single_stream_text": config.single_stream_text, "rgba": config.rgba}
        BFSModel(backbone, trained, rgba_vae, settings).save(
            output / "model", backbone_path=str(Path(config.backbone_path).resolve()))

    grid = None
    if config.cache:
        sources, grid = _cached_sources(config, sources, objective, accelerator)
        for frozen in backbone.text_modules() + [backbone.vae, rgba_vae]:
            frozen.to("cpu")  # training reads tensors only now
    batches = StepBatches(sources, choose, config.batch_size, config.seed, accelerator.process_index,
                          context_grid=grid)
    return Task(module=model, batches=batches, loss=objective, finish=finish)


def _cached_sources(config: BFSTrainConfig, sources: dict, objective, accelerator) -> tuple[dict, list[float]]:
    """Every source wrapped by the encode cache, filled by all processes before training starts."""
    grid = context_grid(config.cache_contexts, *TRAIN_CONTEXT_RANGE)
    cached = {}
    for name, source in sources.items():
        key = cache_key(backbone=str(Path(config.backbone_path).resolve()), kind=config.backbone_kind,
                        rgba_vae=str(Path(config.rgba_vae_path).resolve()), data=str(source.root.resolve()),
                        resolution=config.resolution, rgba=config.rgba, text=config.max_sequence_length,
                        grid=grid, dtype=config.mixed_precision)
        cached[name] = EncodedSamples(source, Path(config.output_dir) / "cache" / key / name, grid)
        cached[name].fill(objective.encode, accelerator.device, accelerator.process_index,
                          accelerator.num_processes)
    accelerator.wait_for_everyone()
    return cached, grid


if __name__ == "__main__":
    from .launch import main

    sys.exit(main(__doc__.splitlines()[0], BFSTrainConfig, build_task))
