"""Tiny random-weight BFS components saved as real folders, for the BFS tests.

Nothing is downloaded: the Flux-Fill pipeline gets tiny CLIP/T5 encoders and a
character-level CLIP tokenizer written here; everything is saved with
safetensors and loaded back through the engine's loading code.
"""
from __future__ import annotations

import json
from pathlib import Path

import torch

IMAGE_SIZE = 32  # tiny VAEs downsample 2x, so 16x16 latents -> 64 packed tokens
TEXT_DIM = 32


def tiny_vae():
    from diffusers import AutoencoderKL

    return AutoencoderKL(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 2,
                         up_block_types=("UpDecoderBlock2D",) * 2, block_out_channels=(8, 16),
                         layers_per_block=1, latent_channels=4, norm_num_groups=8, shift_factor=0.1,
                         scaling_factor=0.8)


def tiny_flux_transformer():
    from diffusers import FluxTransformer2DModel

    # 4-channel latents: 16 packed + 16 masked background + 4 * 2 * 2 mask = 48 input channels.
    return FluxTransformer2DModel(in_channels=48, out_channels=16, num_layers=1, num_single_layers=1,
                                  attention_head_dim=16, num_attention_heads=2, joint_attention_dim=TEXT_DIM,
                                  pooled_projection_dim=TEXT_DIM, guidance_embeds=True, axes_dims_rope=(4, 6, 6))


def tiny_own_transformer():
    from engine.nets.tiny_fill_transformer import TinyFillTransformer

    return TinyFillTransformer(in_channels=48, out_channels=16, num_layers=1, num_single_layers=2,
                               attention_head_dim=16, num_attention_heads=2, vocab_size=128, text_dim=16,
                               max_prompt_words=8, axes_dims_rope=(4, 6, 6))


def _char_tokenizer(folder: Path):
    from transformers import CLIPTokenizer

    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for c in "abcdefghijklmnopqrstuvwxyz":
        vocab[c] = len(vocab)
        vocab[c + "</w>"] = len(vocab)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    return CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"), model_max_length=16)


def tiny_flux_fill_folder(folder: Path, seed: int = 0) -> Path:
    """A FluxFillPipeline folder with tiny random components."""
    from diffusers import FlowMatchEulerDiscreteScheduler, FluxFillPipeline
    from transformers import CLIPTextConfig, CLIPTextModel, T5Config, T5EncoderModel

    torch.manual_seed(seed)
    tokenizer = _char_tokenizer(folder.parent / (folder.name + "-tokenizer-src"))
    n = len(tokenizer.get_vocab())
    clip = CLIPTextModel(CLIPTextConfig(vocab_size=n, hidden_size=TEXT_DIM, intermediate_size=37,
                                        num_attention_heads=4, num_hidden_layers=1, max_position_embeddings=16,
                                        projection_dim=TEXT_DIM, bos_token_id=0, eos_token_id=1, pad_token_id=1))
    t5 = T5EncoderModel(T5Config(vocab_size=n, d_model=TEXT_DIM, d_ff=37, d_kv=8, num_heads=4, num_layers=1,
                                 decoder_start_token_id=0, pad_token_id=1, eos_token_id=1))
    pipeline = FluxFillPipeline(scheduler=FlowMatchEulerDiscreteScheduler(), vae=tiny_vae(), text_encoder=clip,
                                tokenizer=tokenizer, text_encoder_2=t5, tokenizer_2=tokenizer,
                                transformer=tiny_flux_transformer())
    pipeline.save_pretrained(folder, safe_serialization=True)
    return folder


def tiny_own_backbone_folder(folder: Path, seed: int = 0) -> Path:
    from diffusers import FlowMatchEulerDiscreteScheduler

    from engine.nets.fill_backbone import TinyFillBackbone

    torch.manual_seed(seed)
    TinyFillBackbone(tiny_own_transformer(), tiny_vae(), FlowMatchEulerDiscreteScheduler()).save_pretrained(folder)
    return folder


def tiny_aux_folders(root: Path, backbone_folder: Path, seed: int = 0) -> tuple[Path, Path]:
    """An RGBA VAE (converted from the backbone's VAE) and a random compositor, saved."""
    from diffusers import AutoencoderKL

    from engine.nets.compositor import LatentCompositor
    from engine.nets.rgba_vae import rgba_vae_from_rgb

    torch.manual_seed(seed)
    rgb = AutoencoderKL.from_pretrained(backbone_folder / "vae", use_safetensors=True)
    rgba_vae_from_rgb(rgb).save_pretrained(root / "rgba_vae", safe_serialization=True)
    LatentCompositor(latent_channels=4, hidden_channels=8, num_layers=2).save_pretrained(
        root / "compositor", safe_serialization=True)
    return root / "rgba_vae", root / "compositor"


def randomise(parameters, std: float = 0.05, seed: int = 0) -> None:
    """Gives the (zero-initialised) new parameters random values, as training would."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in parameters:
            p.copy_(torch.randn(p.shape, generator=g) * std)


def tiny_bfs_model_folder(folder: Path, kind: str, seed: int = 0, settings: dict | None = None) -> Path:
    """A complete BFS model folder with random (non-zero) bridges."""
    from diffusers import AutoencoderKL

    from engine.nets.bfs_model import BFSModel
    from engine.nets.dual_branch import DualBranchTransformer
    from engine.nets.fill_backbone import load_backbone

    backbone_folder = folder / "backbone"
    if kind == "flux-fill":
        tiny_flux_fill_folder(backbone_folder, seed)
    else:
        tiny_own_backbone_folder(backbone_folder, seed)
    rgba_path, _ = tiny_aux_folders(folder / "aux", backbone_folder, seed)
    backbone = load_backbone(kind, backbone_folder, max_sequence_length=16)
    transformer = DualBranchTransformer(backbone.transformer)
    randomise(transformer.trainable_parameters(), seed=seed)
    rgba_vae = AutoencoderKL.from_pretrained(rgba_path, use_safetensors=True)
    settings = settings or {"resolution": IMAGE_SIZE, "steps": 3, "max_sequence_length": 16,
                            "guidance_scale": 30.0 if kind == "flux-fill" else 2.0}
    BFSModel(backbone, transformer, rgba_vae, settings).save(folder, backbone_path="backbone")
    return folder
