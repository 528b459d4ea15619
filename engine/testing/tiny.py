"""Tiny random-weight diffusers pipelines, built offline, that load like real models.

No weights can be downloaded on the machines that run the tests, so tests and
benchmarks build the three supported inpainting families from small configs:
Stable Diffusion inpainting (9-channel UNet), SDXL inpainting and FLUX.1-Fill.
Their tokenizers get a vocabulary written here (byte-level characters for
CLIP, single characters for T5), so nothing is fetched from the hub.

`save_tiny(family, folder)` writes a pipeline with `save_pretrained(
safe_serialization=True)`; `install_in_hub_cache(folder, repo_id, cache_dir)`
lays it out as the Hugging Face hub cache does (blobs, snapshots, refs/main),
so tests can load it through `engine.models` exactly as a user's model is
loaded. Images are 64x64 (latents 8x8): a full generation takes well under a
second on a CPU.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import string
from pathlib import Path

import torch

FAMILIES = ("sd-inpaint", "sdxl-inpaint", "flux-fill")
IMAGE_SIZE = 64  # the resolution the tiny models are meant to run at


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


BUILDERS = {"sd-inpaint": tiny_sd_inpaint, "sdxl-inpaint": tiny_sdxl_inpaint,
            "flux-fill": tiny_flux_fill}


def save_tiny(family: str, folder: str | os.PathLike, seed: int = 0) -> Path:
    """Builds the tiny pipeline of `family` and saves it in diffusers layout (safetensors)."""
    folder = Path(folder)
    BUILDERS[family](seed).save_pretrained(folder, safe_serialization=True)
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
    """A saved tiny model of `family`, built once per process (tests share it; do not modify)."""
    import tempfile

    if family not in _saved:
        root = Path(tempfile.mkdtemp(prefix="layered-tiny-"))
        _saved[family] = save_tiny(family, root / family)
    return _saved[family]
