"""A small Flux-Fill-style inpainting transformer for the built-in model (trainable on a CPU).

Built from diffusers' Flux blocks (`FluxTransformerBlock`, `FluxSingleTransformerBlock`,
`FluxPosEmbed`, AdaLN time embedding), so the BFS wrapper treats it exactly like
Flux-Fill. It differs from `FluxTransformer2DModel` only in its text input:

* Text: a learned embedding table over hashed lower-case words (`tokenize`).
  There is no pretrained text encoder to ship or load; a small built-in model
  only needs a few hundred words, and two words that hash to the same row
  simply share an embedding. The mean of the prompt's word embeddings stands
  in for Flux's pooled CLIP vector; the empty prompt (all padding) is the
  unconditional input for classifier-free guidance.
* No guidance embedding (not distilled): use classifier-free guidance.

Inputs follow Flux-Fill: `hidden_states` = packed noisy latents + packed
background latents + packed mask (see `fill_layout`), `timestep` is the
flow-matching sigma in [0, 1], `img_ids` the packed-token positions.
"""
from __future__ import annotations

import re
import zlib

import torch
from torch import nn

from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.attention import AttentionMixin
from diffusers.models.embeddings import CombinedTimestepTextProjEmbeddings
from diffusers.models.modeling_outputs import Transformer2DModelOutput
from diffusers.models.modeling_utils import ModelMixin
from diffusers.models.normalization import AdaLayerNormContinuous
from diffusers.models.transformers.transformer_flux import (
    FluxPosEmbed,
    FluxSingleTransformerBlock,
    FluxTransformerBlock,
)

_WORD = re.compile(r"[a-z0-9]+")


class TinyFillTransformer(ModelMixin, ConfigMixin, AttentionMixin):
    _supports_gradient_checkpointing = True
    _no_split_modules = ["FluxTransformerBlock", "FluxSingleTransformerBlock"]

    @register_to_config
    def __init__(
        self,
        in_channels: int = 96,
        out_channels: int = 16,
        num_layers: int = 2,
        num_single_layers: int = 4,
        attention_head_dim: int = 32,
        num_attention_heads: int = 4,
        vocab_size: int = 4096,
        text_dim: int = 64,
        max_prompt_words: int = 16,
        axes_dims_rope: tuple[int, int, int] = (8, 12, 12),
    ):
        super().__init__()
        if sum(axes_dims_rope) != attention_head_dim:
            raise ValueError(f"axes_dims_rope {axes_dims_rope} must add up to attention_head_dim "
                             f"{attention_head_dim}")
        self.inner_dim = num_attention_heads * attention_head_dim
        self.word_embedding = nn.Embedding(vocab_size, text_dim, padding_idx=0)
        self.context_embedder = nn.Linear(text_dim, self.inner_dim)
        self.time_text_embed = CombinedTimestepTextProjEmbeddings(
            embedding_dim=self.inner_dim, pooled_projection_dim=text_dim)
        self.x_embedder = nn.Linear(in_channels, self.inner_dim)
        self.pos_embed = FluxPosEmbed(theta=10000, axes_dim=list(axes_dims_rope))
        self.transformer_blocks = nn.ModuleList([
            FluxTransformerBlock(self.inner_dim, num_attention_heads, attention_head_dim)
            for _ in range(num_layers)])
        self.single_transformer_blocks = nn.ModuleList([
            FluxSingleTransformerBlock(self.inner_dim, num_attention_heads, attention_head_dim)
            for _ in range(num_single_layers)])
        self.norm_out = AdaLayerNormContinuous(self.inner_dim, self.inner_dim, elementwise_affine=False,
                                               eps=1e-6)
        self.proj_out = nn.Linear(self.inner_dim, out_channels)
        self.gradient_checkpointing = False

    def tokenize(self, prompts: list[str]) -> torch.Tensor:
        """Prompts -> (B, max_prompt_words) word ids; 0 is padding."""
        n, vocab = self.config.max_prompt_words, self.config.vocab_size
        ids = torch.zeros(len(prompts), n, dtype=torch.long)
        for row, prompt in enumerate(prompts):
            words = _WORD.findall(prompt.lower())[:n]
            for col, word in enumerate(words):
                ids[row, col] = zlib.crc32(word.encode()) % (vocab - 1) + 1
        return ids

    def forward(
        self,
        hidden_states: torch.Tensor,
        prompt_ids: torch.Tensor,
        timestep: torch.Tensor,
        img_ids: torch.Tensor,
        joint_attention_kwargs: dict | None = None,
        return_dict: bool = True,
    ):
        hidden_states = self.x_embedder(hidden_states)
        words = self.word_embedding(prompt_ids).to(hidden_states.dtype)
        present = (prompt_ids != 0).to(words.dtype).unsqueeze(-1)
        pooled = (words * present).sum(1) / present.sum(1).clamp(min=1)
        temb = self.time_text_embed(timestep.to(hidden_states.dtype) * 1000, pooled)
        encoder_hidden_states = self.context_embedder(words)
        txt_ids = torch.zeros(prompt_ids.shape[1], 3, device=img_ids.device, dtype=img_ids.dtype)
        rope = self.pos_embed(torch.cat([txt_ids, img_ids], dim=0))

        for block in [*self.transformer_blocks, *self.single_transformer_blocks]:
            args = (hidden_states, encoder_hidden_states, temb, rope, joint_attention_kwargs)
            if torch.is_grad_enabled() and self.gradient_checkpointing:
                encoder_hidden_states, hidden_states = self._gradient_checkpointing_func(block, *args)
            else:
                encoder_hidden_states, hidden_states = block(*args)

        output = self.proj_out(self.norm_out(hidden_states, temb))
        if not return_dict:
            return (output,)
        return Transformer2DModelOutput(sample=output)
