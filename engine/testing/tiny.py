"""Tiny random-weight diffusers pipelines, built offline, that load like real models.

No weights can be downloaded on the machines that run the tests, so tests and
benchmarks build the three supported inpainting families from small configs:
Stable Diffusion inpainting (9-channel UNet), SDXL inpainting and FLUX.1-Fill,
and a Stable Diffusion text-to-image pipeline ("sd", 4-channel UNet; the text
edit, engine.methods.edit, runs on it). Their tokenizers get a vocabulary written here (byte-level characters for
CLIP, single characters for T5), so nothing is fetched from the hub.

`save_tiny(family, folder)` writes a pipeline with `save_pretrained(
safe_serialization=True)`; `install_in_hub_cache(folder, repo_id, cache_dir)`
lays it out as the Hugging Face hub cache does (blobs, snapshots, refs/main),
so tests can load it through `engine.models` exactly as a user's model is
loaded. Images are 64x64 (latents 8x8): a full generation takes well under a
second on a CPU.

The decomposition's vision models are built the same way: a SAM (`SamModel`,
a two-layer ViT at 128 pixels) and a ViTMatte (`VitMatteForImageMatting` on
a two-layer VitDet backbone), each saved with its image processor
(`save_tiny_vision`), safetensors only.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import string
from pathlib import Path

import torch

FAMILIES = ("sd-inpaint", "sdxl-inpaint", "flux-fill")
VISION_FAMILIES = ("sam", "vitmatte")
IMAGE_SIZE = 64  # the resolution the tiny models are meant to run at
SAM_SIZE = 128   # the tiny SAM's input side (real SAM: 1024)


def clip_tokenizer():
    """A CLIP BPE tokenizer over the 256 byte-level characters, with no merges."""
    from tokenizers import pre_tokenizers
    from transformers import CLIPTokenizer

    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    for suffix in ("", "</w>"):
        for ch in alphabet:
            vocab[ch + suffix] = len(vocab)
    return CLIPTokenizer(vocab=vocab, merges=[], model_max_length=77)


def t5_tokenizer():
    """A T5 unigram tokenizer over single characters (with and without the word marker)."""
    from transformers import T5TokenizerFast

    pieces = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("\u2581", -2.0)]
    for ch in string.ascii_letters + string.digits + string.punctuation:
        pieces += [(ch, -3.0), ("\u2581" + ch, -3.5)]
    return T5TokenizerFast(vocab=pieces, extra_ids=0, model_max_length=512)


def _clip_text_encoder(with_projection: bool = False):
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    config = CLIPTextConfig(bos_token_id=0, eos_token_id=1, pad_token_id=1, vocab_size=1000,
                            hidden_size=32, intermediate_size=37, num_attention_heads=4,
                            num_hidden_layers=2, projection_dim=32, max_position_embeddings=77)
    return (CLIPTextModelWithProjection if with_projection else CLIPTextModel)(config).eval()


def _vae(scaling_factor: float, shift_factor: float | None = None):
    from diffusers import AutoencoderKL

    # Four blocks give the real downscale factor of 8.
    return AutoencoderKL(in_channels=3, out_channels=3, latent_channels=4,
                         down_block_types=("DownEncoderBlock2D",) * 4,
                         up_block_types=("UpDecoderBlock2D",) * 4,
                         block_out_channels=(8, 8, 16, 16), layers_per_block=1, norm_num_groups=4,
                         sample_size=IMAGE_SIZE, scaling_factor=scaling_factor,
                         shift_factor=shift_factor).eval()


def _unet(in_channels: int = 9, sdxl: bool = False):
    from diffusers import UNet2DConditionModel

    extra = {}
    if sdxl:
        # SDXL conditions on pooled text + 6 size/crop numbers, each embedded to 8 values.
        extra = dict(addition_embed_type="text_time", addition_time_embed_dim=8,
                     projection_class_embeddings_input_dim=6 * 8 + 32, use_linear_projection=True)
    return UNet2DConditionModel(
        sample_size=IMAGE_SIZE // 8, in_channels=in_channels, out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        block_out_channels=(16, 32), layers_per_block=1, norm_num_groups=8,
        cross_attention_dim=64 if sdxl else 32, attention_head_dim=4, **extra).eval()


def tiny_sd_inpaint(seed: int = 0):
    """A StableDiffusionInpaintPipeline with a 9-channel UNet, as SD 1.x/2.x inpainting models have."""
    from diffusers import DDIMScheduler, StableDiffusionInpaintPipeline

    torch.manual_seed(seed)
    return StableDiffusionInpaintPipeline(
        vae=_vae(0.18215), text_encoder=_clip_text_encoder(), tokenizer=clip_tokenizer(),
        unet=_unet(), scheduler=DDIMScheduler(beta_schedule="scaled_linear", beta_start=0.00085,
                                               beta_end=0.012, clip_sample=False,
                                               set_alpha_to_one=False, steps_offset=1),
        safety_checker=None, feature_extractor=None, requires_safety_checker=False)


def tiny_sd(seed: int = 0):
    """A StableDiffusionPipeline (text-to-image, 4-channel UNet), as SD 1.x/2.x base models are."""
    from diffusers import DDIMScheduler, StableDiffusionPipeline

    torch.manual_seed(seed)
    return StableDiffusionPipeline(
        vae=_vae(0.18215), text_encoder=_clip_text_encoder(), tokenizer=clip_tokenizer(),
        unet=_unet(in_channels=4), scheduler=DDIMScheduler(
            beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012, clip_sample=False,
            set_alpha_to_one=False, steps_offset=1),
        safety_checker=None, feature_extractor=None, requires_safety_checker=False)


def tiny_sdxl_inpaint(seed: int = 0):
    """A StableDiffusionXLInpaintPipeline: two CLIP text encoders, size-conditioned 9-channel UNet."""
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLInpaintPipeline

    torch.manual_seed(seed)
    return StableDiffusionXLInpaintPipeline(
        vae=_vae(0.13025), text_encoder=_clip_text_encoder(),
        text_encoder_2=_clip_text_encoder(with_projection=True),
        tokenizer=clip_tokenizer(), tokenizer_2=clip_tokenizer(), unet=_unet(sdxl=True),
        scheduler=EulerDiscreteScheduler(beta_schedule="scaled_linear", beta_start=0.00085,
                                         beta_end=0.012, steps_offset=1),
        requires_aesthetics_score=False, force_zeros_for_empty_prompt=True)


def tiny_flux_fill(seed: int = 0):
    """A FluxFillPipeline: CLIP + T5 text encoders and a two-block Flux transformer."""
    from diffusers import FlowMatchEulerDiscreteScheduler, FluxFillPipeline, FluxTransformer2DModel
    from transformers import T5Config, T5EncoderModel

    torch.manual_seed(seed)
    vae = _vae(0.3611, 0.1159)
    latent, scale = vae.config.latent_channels, 2 ** (len(vae.config.block_out_channels) - 1)
    # Flux packs 2x2 latent patches; Fill adds the packed masked-image latents and the mask
    # folded from scale x scale pixels per latent cell.
    in_channels = 2 * latent * 4 + scale * scale * 4
    transformer = FluxTransformer2DModel(
        patch_size=1, in_channels=in_channels, out_channels=latent * 4, num_layers=1,
        num_single_layers=1, attention_head_dim=16, num_attention_heads=2, joint_attention_dim=32,
        pooled_projection_dim=32, guidance_embeds=True, axes_dims_rope=(4, 6, 6)).eval()
    t5 = T5EncoderModel(T5Config(vocab_size=1000, d_model=32, d_ff=37, d_kv=8, num_heads=4,
                                 num_layers=2, relative_attention_num_buckets=8)).eval()
    scheduler = FlowMatchEulerDiscreteScheduler(shift=3.0, use_dynamic_shifting=True,
                                                base_shift=0.5, max_shift=1.15,
                                                base_image_seq_len=256, max_image_seq_len=4096)
    return FluxFillPipeline(scheduler=scheduler, vae=vae, text_encoder=_clip_text_encoder(),
                            tokenizer=clip_tokenizer(), text_encoder_2=t5,
                            tokenizer_2=t5_tokenizer(), transformer=transformer)


def tiny_sam(seed: int = 0):
    """A SamModel (ViT image encoder, prompt encoder, mask decoder) and its PIL image processor."""
    from transformers import (SamConfig, SamImageProcessorPil, SamMaskDecoderConfig, SamModel,
                              SamPromptEncoderConfig, SamVisionConfig)

    torch.manual_seed(seed)
    patch = 16
    vision = SamVisionConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                             mlp_dim=64, image_size=SAM_SIZE, patch_size=patch, output_channels=16,
                             window_size=4, global_attn_indexes=[1], num_pos_feats=8)
    prompt = SamPromptEncoderConfig(hidden_size=16, image_size=SAM_SIZE, patch_size=patch,
                                    mask_input_channels=4)
    decoder = SamMaskDecoderConfig(hidden_size=16, mlp_dim=32, num_hidden_layers=2,
                                   num_attention_heads=2, iou_head_hidden_dim=16)
    model = SamModel(SamConfig(vision_config=vision, prompt_encoder_config=prompt,
                               mask_decoder_config=decoder)).eval()
    # The low-resolution masks are 4x the embedding grid, as in the real model (256 for 1024).
    low = 4 * SAM_SIZE // patch
    processor = SamImageProcessorPil(size={"longest_edge": SAM_SIZE},
                                     pad_size={"height": SAM_SIZE, "width": SAM_SIZE},
                                     mask_size={"longest_edge": low},
                                     mask_pad_size={"height": low, "width": low})
    return model, processor


def tiny_vitmatte(seed: int = 0):
    """A VitMatteForImageMatting on a two-layer VitDet backbone, and its PIL image processor."""
    from transformers import (VitDetConfig, VitMatteConfig, VitMatteForImageMatting,
                              VitMatteImageProcessorPil)

    torch.manual_seed(seed)
    backbone = VitDetConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                            mlp_ratio=2, image_size=IMAGE_SIZE, pretrain_image_size=IMAGE_SIZE,
                            patch_size=16, num_channels=4, out_features=["stage2"],
                            window_block_indices=[], residual_block_indices=[],
                            use_relative_position_embeddings=False)
    config = VitMatteConfig(backbone_config=backbone, hidden_size=32,
                            convstream_hidden_sizes=[8, 16, 16], fusion_hidden_sizes=[16, 16, 8, 8])
    return VitMatteForImageMatting(config).eval(), VitMatteImageProcessorPil()


BUILDERS = {"sd-inpaint": tiny_sd_inpaint, "sdxl-inpaint": tiny_sdxl_inpaint,
            "flux-fill": tiny_flux_fill,
            "sd": tiny_sd}  # text-to-image (loads into the sd-inpaint family; text edits)
VISION_BUILDERS = {"sam": tiny_sam, "vitmatte": tiny_vitmatte}


def save_tiny(family: str, folder: str | os.PathLike, seed: int = 0) -> Path:
    """Builds the tiny model of `family` and saves it as its library does (safetensors)."""
    folder = Path(folder)
    if family in VISION_BUILDERS:
        return save_tiny_vision(family, folder, seed)
    BUILDERS[family](seed).save_pretrained(folder, safe_serialization=True)
    return folder


def save_tiny_vision(family: str, folder: str | os.PathLike, seed: int = 0) -> Path:
    """A tiny SAM or ViTMatte folder as transformers writes it (config, model.safetensors,
    preprocessor config); transformers 5 saves safetensors only."""
    folder = Path(folder)
    model, processor = VISION_BUILDERS[family](seed)
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


def install_in_hub_cache(folder: str | os.PathLike, repo_id: str,
                         cache_dir: str | os.PathLike) -> Path:
    """Copies a model folder into a Hugging Face hub cache laid out as the hub writes it.

    `cache_dir/models--org--name/` gets `blobs/<sha256>` files, a
    `snapshots/<commit>/` tree of relative symlinks to them, and `refs/main`
    naming the commit. Returns the snapshot folder.
    """
    folder, cache_dir = Path(folder), Path(cache_dir)
    repo = cache_dir / ("models--" + repo_id.replace("/", "--"))
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    commit = hashlib.sha1("".join(str(p.relative_to(folder)) for p in files).encode()).hexdigest()
    snapshot = repo / "snapshots" / commit
    (repo / "blobs").mkdir(parents=True, exist_ok=True)
    for path in files:
        data = path.read_bytes()
        blob = repo / "blobs" / hashlib.sha256(data).hexdigest()
        if not blob.exists():
            blob.write_bytes(data)
        link = snapshot / path.relative_to(folder)
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.exists() or link.is_symlink():
            link.unlink()
        link.symlink_to(os.path.relpath(blob, link.parent))
    (repo / "refs").mkdir(exist_ok=True)
    (repo / "refs" / "main").write_text(commit)
    return snapshot


def copy_model(folder: str | os.PathLike, dest: str | os.PathLike) -> Path:
    """A plain copy of a saved model folder (tests that alter a model work on a copy)."""
    return Path(shutil.copytree(folder, dest))


_saved: dict[str, Path] = {}


def cached_tiny(family: str) -> Path:
    """A saved tiny model of `family`, built once per process (tests share it; do not modify).
    The folder is removed when the process exits."""
    import atexit
    import tempfile

    if family not in _saved:
        root = Path(tempfile.mkdtemp(prefix="layered-tiny-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        _saved[family] = save_tiny(family, root / family)
    return _saved[family]


# -- a single-file checkpoint in the original Stable Diffusion layout ---------------------------
_RESNET = (("norm1", "in_layers.0"), ("conv1", "in_layers.2"), ("norm2", "out_layers.0"),
           ("conv2", "out_layers.3"), ("time_emb_proj", "emb_layers.1"),
           ("conv_shortcut", "skip_connection"))


def _unet_to_ldm(unet) -> dict:
    """diffusers UNet2DConditionModel -> "model.diffusion_model.*" keys (inverse of diffusers'
    convert_ldm_unet_checkpoint for SD 1.x-style UNets)."""
    per = unet.config.layers_per_block
    fixed = {"time_embedding.linear_1": "time_embed.0", "time_embedding.linear_2": "time_embed.2",
             "conv_in": "input_blocks.0.0", "conv_norm_out": "out.0", "conv_out": "out.2"}
    out = {}
    for key, value in unet.state_dict().items():
        parts = key.split(".")
        new = None
        for old, ldm in fixed.items():
            if key.startswith(old + "."):
                new = ldm + key[len(old):]
        if parts[0] == "down_blocks":
            b, kind, n = int(parts[1]), parts[2], int(parts[3])
            index = 1 + b * (per + 1) + (per if kind == "downsamplers" else n)
            rest = ".".join(parts[4:])
            if kind == "resnets":
                new = f"input_blocks.{index}.0.{_rename(rest, _RESNET)}"
            elif kind == "attentions":
                new = f"input_blocks.{index}.1.{rest}"
            else:
                new = f"input_blocks.{index}.0.op.{parts[-1]}"
        elif parts[0] == "mid_block":
            n, rest = int(parts[2]), ".".join(parts[3:])
            new = (f"middle_block.{2 * n}.{_rename(rest, _RESNET)}" if parts[1] == "resnets"
                   else f"middle_block.1.{rest}")
        elif parts[0] == "up_blocks":
            b, kind, n = int(parts[1]), parts[2], int(parts[3])
            rest = ".".join(parts[4:])
            if kind == "resnets":
                new = f"output_blocks.{b * (per + 1) + n}.0.{_rename(rest, _RESNET)}"
            elif kind == "attentions":
                new = f"output_blocks.{b * (per + 1) + n}.1.{rest}"
            else:
                has_attention = hasattr(unet.up_blocks[b], "attentions")
                new = f"output_blocks.{b * (per + 1) + per}.{2 if has_attention else 1}.conv.{parts[-1]}"
        if new is None:
            raise ValueError(f"no original-layout name for UNet key {key}")
        out["model.diffusion_model." + new] = value
    return out


def _vae_to_ldm(vae) -> dict:
    """diffusers AutoencoderKL -> "first_stage_model.*" keys (inverse of convert_ldm_vae_checkpoint)."""
    blocks = len(vae.config.up_block_types)
    attention = (("group_norm", "norm"), ("to_q", "q"), ("to_k", "k"), ("to_v", "v"),
                 ("to_out.0", "proj_out"))
    out = {}
    for key, value in vae.state_dict().items():
        parts = key.split(".")
        new = key.replace("conv_norm_out", "norm_out")
        if len(parts) > 2 and parts[1] in ("down_blocks", "up_blocks"):
            i = int(parts[2])
            side = "down" if parts[1] == "down_blocks" else "up"
            level = i if side == "down" else blocks - 1 - i  # the decoder counts from the bottom
            rest = ".".join(parts[5:])
            if parts[3] == "resnets":
                new = f"{parts[0]}.{side}.{level}.block.{parts[4]}.{rest}"
                new = new.replace("conv_shortcut", "nin_shortcut")
            else:
                new = f"{parts[0]}.{side}.{level}.{side}sample.{rest}"
        elif len(parts) > 2 and parts[1] == "mid_block":
            rest = ".".join(parts[4:])
            if parts[2] == "resnets":
                new = f"{parts[0]}.mid.block_{int(parts[3]) + 1}.{rest}".replace("conv_shortcut",
                                                                                "nin_shortcut")
            else:
                new = f"{parts[0]}.mid.attn_1.{_rename(rest, attention)}"
                if value.ndim == 2:  # the original uses 1x1 convolutions
                    value = value[:, :, None, None]
        out["first_stage_model." + new] = value
    return out


def _rename(rest: str, table) -> str:
    for new, old in table:
        if rest.startswith(new + "."):
            return old + rest[len(new):]
    return rest


def save_tiny_single_file(path: str | os.PathLike, seed: int = 0) -> Path:
    """The tiny SD-inpainting model as one .safetensors file in the original (LDM) layout,
    as community checkpoints are shared. Loading it needs a diffusers config folder of
    the same shape (`save_tiny("sd-inpaint", ...)` with the same seed gives one)."""
    from safetensors.torch import save_file

    pipe = tiny_sd_inpaint(seed)
    tensors = {**_unet_to_ldm(pipe.unet), **_vae_to_ldm(pipe.vae)}
    for key, value in pipe.text_encoder.state_dict().items():
        # Real checkpoints name CLIP's weights text_model.* (transformers may drop that prefix).
        key = key if key.startswith("text_model.") else "text_model." + key
        tensors["cond_stage_model.transformer." + key] = value
    path = Path(path)
    save_file({k: v.contiguous() for k, v in tensors.items()}, os.fspath(path))
    return path
