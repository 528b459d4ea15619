"""The BFS dual-branch transformer: a composite branch and a foreground branch that talk.

BFS (paper sec. 3) runs a frozen diffusion transformer on a batch made of two
branches, the composite image and the foreground layer, and lets each branch
attend to the other in every transformer block (eqs. 2-5):

    m_c = Attn(Q = W_q^{f->c} h_c, K = W_k^{f->c} h_f, V = W_v^{f->c} h_f)   then W_out^{f->c}
    m_f = Attn(Q = W_q^{c->f} h_f, K = W_k^{c->f} h_c, V = W_v^{c->f} h_c)   then W_out^{c->f}
    [r_c; r_f] = M([m_c; m_f])          M: bias-free Linear(dim, dim), zero-initialised
    SA(h_c) + r_c,   SA(h_f) + r_f     added to each branch's self-attention output

where h are the block's normalised image tokens (the input of its
self-attention), every W^{x->y} is the block's own frozen projection plus a
rank-r LoRA owned by that direction, and the attention uses the block's q/k
RMS norms and the image-token RoPE only (no text tokens take part; see the
single-stream option below).

How it hooks into diffusers (no monkey-patching): every Flux attention module
of the backbone gets a `DualBranchAttnProcessor` through the model's own
`set_attn_processor`. The processor first runs the processor that was there
(so the self-attention is computed exactly as before), then adds the
message. The block then applies its gate and residual as usual, so the
message lands "in the self-attention output, before the residual":

* double-stream blocks (`FluxTransformerBlock`): the image-stream attention
  output, before `hidden_states + gate_msa * attn_output`;
* single-stream blocks (`FluxSingleTransformerBlock`): their attention has no
  output projection of its own (the block's `proj_out` mixes attention and MLP),
  so the copies are q/k/v only and the message is added to the attention
  output, before `proj_out` and the gate. Which tokens take part is an option
  (`single_stream_text`, stored in the model folder's bfs.json):
    - False (this project's default, as the paper's equations read): the
      image tokens only, with the image part of the RoPE; text tokens are
      left alone;
    - True (the authors' release): the whole [text; image] sequence, with the
      full RoPE, and the message is added to the text tokens too.
  Weights run as they were trained; the parameters are the same either way.
  `single_blocks=False` limits the exchange to double-stream blocks.

Batch layout: `(2B, N, C)`, the B composite samples first, then the B
foreground samples (`COMPOSITE = 0`, `FOREGROUND = 1` for B = 1); sample i of
one branch talks to sample i of the other.

Frozen copies: the copies of to_q/to_k/to_v/to_out.0 are `SharedProjection`
modules that compute with the backbone's own frozen tensors instead of
duplicating them (the values are identical, and at Flux size that saves
~1.8 B parameters). peft's LoRA layers wrap these copies; the two directions
are two peft adapters on the same layers, selected per sample with peft's
mixed-batch `adapter_names`, so one batched call serves both directions.

Trainable parameters and their state-dict layout (`bridges.state_dict()`,
saved by `save_bridges` to safetensors with the config in the metadata):

    <block>.to_q.lora_A.<adapter>.weight   (rank, dim)        <block>: e.g.
    <block>.to_q.lora_B.<adapter>.weight   (inner, rank)        transformer_blocks_0,
    ... same for to_k, to_v and (double-stream blocks) to_out   single_transformer_blocks_3
    <block>.mix.weight                     (dim, dim)         the zero-initialised Linear

with <adapter> one of `fg_to_comp` (queries from the composite branch,
keys/values from the foreground branch; its message goes to the composite)
and `comp_to_fg` (the reverse). LoRA scaling is lora_alpha / rank = 1.

Information sharing off (`share=False`, the ablation "the two branches
alone"): every bridge keeps its parameters, but each branch's keys and values
come from its own tokens instead of the other branch's, so the same trainable
capacity adapts each branch on its own and nothing passes between them. The
flag is part of the bridge file's config, so such weights always run as they
were trained.
"""
from __future__ import annotations

import json
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

COMPOSITE = 0
FOREGROUND = 1
FG_TO_COMP = "fg_to_comp"
COMP_TO_FG = "comp_to_fg"
ADAPTERS = (FG_TO_COMP, COMP_TO_FG)
BRIDGE_FORMAT = "layered-bfs-bridge/1"


@dataclass(frozen=True)
class BridgeConfig:
    rank: int = 4
    single_blocks: bool = True
    share: bool = True  # False: each branch attends to itself (the no-information-sharing ablation)


class SharedProjection(nn.Linear):
    """A frozen copy of a Linear that reads the original's weights instead of owning a duplicate.

    It is an `nn.Linear` (so peft can wrap it) with no parameters of its own:
    the backbone owns, moves and casts the tensors, and the copy's state dict
    is empty.
    """

    def __init__(self, source: nn.Linear):
        nn.Module.__init__(self)
        self.in_features = source.in_features
        self.out_features = source.out_features
        # A plain attribute, not a submodule: the backbone stays the only owner.
        object.__setattr__(self, "_source", source)

    @property
    def weight(self) -> torch.Tensor:
        return self._source.weight

    @property
    def bias(self) -> torch.Tensor | None:
        return self._source.bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Through the original module, not its tensors: under sequential CPU offload the
        # original's hook brings its weights to the GPU only for its own calls.
        return self._source(x)


class BranchBridge(nn.Module):
    """The information-sharing module of one transformer block (eqs. 2-4)."""

    def __init__(self, attn: nn.Module, rank: int, share: bool = True):
        super().__init__()
        self.share = share
        from peft import LoraConfig, inject_adapter_in_model

        self.to_q = SharedProjection(attn.to_q)
        self.to_k = SharedProjection(attn.to_k)
        self.to_v = SharedProjection(attn.to_v)
        targets = ["to_q", "to_k", "to_v"]
        has_out = getattr(attn, "to_out", None) is not None
        self.to_out = SharedProjection(attn.to_out[0]) if has_out else None
        if has_out:
            targets.append("to_out")
        message_dim = attn.to_out[0].out_features if has_out else attn.to_v.out_features
        self.mix = nn.Linear(message_dim, message_dim, bias=False)
        nn.init.zeros_(self.mix.weight)
        config = LoraConfig(r=rank, lora_alpha=rank, lora_dropout=0.0, target_modules=targets,
                            init_lora_weights=True)
        with warnings.catch_warnings():
            # peft warns that a second adapter joins the first: that is the point here.
            warnings.filterwarnings("ignore", message="Already found a `peft_config`")
            for name in ADAPTERS:
                inject_adapter_in_model(config, self, adapter_name=name)
        # peft marks everything that is not a LoRA weight as frozen; the mixer trains too.
        self.mix.weight.requires_grad_(True)

    def forward(self, attn: nn.Module, tokens: torch.Tensor, rope) -> torch.Tensor:
        """Residuals for both branches from the (2B, N, C) normalised image tokens."""
        from diffusers.models.attention_dispatch import dispatch_attention_fn
        from diffusers.models.embeddings import apply_rotary_emb

        b = tokens.shape[0] // 2
        # Row i of the batch is served by the adapter of the direction whose
        # queries it holds: composite rows by fg_to_comp, foreground rows by comp_to_fg.
        names = [FG_TO_COMP] * b + [COMP_TO_FG] * b
        # Keys and values from the other branch; with sharing off, from the branch itself.
        other = torch.cat([tokens[b:], tokens[:b]]) if self.share else tokens
        query = self.to_q(tokens, adapter_names=names).unflatten(-1, (-1, attn.head_dim))
        key = self.to_k(other, adapter_names=names).unflatten(-1, (-1, attn.head_dim))
        value = self.to_v(other, adapter_names=names).unflatten(-1, (-1, attn.head_dim))
        query, key = attn.norm_q(query), attn.norm_k(key)
        if rope is not None:
            query = apply_rotary_emb(query, rope, sequence_dim=1)
            key = apply_rotary_emb(key, rope, sequence_dim=1)
        message = dispatch_attention_fn(query, key, value).flatten(2, 3).to(query.dtype)
        if self.to_out is not None:
            message = self.to_out(message, adapter_names=names)
        return self.mix(message.to(self.mix.weight.dtype)).to(tokens.dtype)


class DualBranchAttnProcessor:
    """The block's own attention processor, plus the cross-branch message (eq. 5).

    Not an `nn.Module`: the bridge it uses is owned by `DualBranchTransformer`,
    so the backbone's state dict keeps exactly its original keys.
    """

    def __init__(self, inner, bridge: BranchBridge, single_stream_text: bool = False):
        self.inner = inner
        self.bridge = bridge
        self.single_stream_text = single_stream_text

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None,
                 image_rotary_emb=None, bfs_image_tokens: int | None = None):
        out = self.inner(attn, hidden_states, encoder_hidden_states, attention_mask, image_rotary_emb)
        if hidden_states.shape[0] % 2:
            raise ValueError("the dual-branch batch must hold composite and foreground samples in pairs")
        if encoder_hidden_states is not None:
            # Double-stream block: hidden_states are the image tokens only.
            n = hidden_states.shape[1]
            image_out, *rest = out
            message = self.bridge(attn, hidden_states, _image_rope(image_rotary_emb, n))
            return (image_out + message, *rest)
        # Single-stream block: [text; image] tokens, image tokens last.
        if self.single_stream_text:
            return out + self.bridge(attn, hidden_states, image_rotary_emb)
        if bfs_image_tokens is None:
            raise ValueError("DualBranchTransformer must be called with the image token count")
        n = bfs_image_tokens
        message = self.bridge(attn, hidden_states[:, -n:], _image_rope(image_rotary_emb, n))
        return torch.cat([out[:, :-n], out[:, -n:] + message], dim=1)


def _image_rope(rope, n_image: int):
    """The image part of Flux's (cos, sin) rotary tables: text positions come first."""
    if rope is None:
        return None
    cos, sin = rope
    return cos[-n_image:], sin[-n_image:]


def _bridge_key(processor_name: str) -> str:
    # "transformer_blocks.0.attn.processor" -> "transformer_blocks_0"
    block = processor_name.rsplit(".attn.processor", 1)[0]
    return block.replace(".", "_")


class DualBranchTransformer(nn.Module):
    """Wraps a frozen Flux-style transformer so that one call runs both BFS branches.

    `forward(**kwargs)` takes the backbone's own arguments with a batch of 2B
    (composite samples first) and returns what the backbone returns. With the
    new parameters at their initial values (LoRA B = 0, mixer = 0) it computes
    exactly what the backbone computes.
    """

    def __init__(self, backbone: nn.Module, rank: int = 4, single_blocks: bool = True,
                 single_stream_text: bool = False, share: bool = True):
        super().__init__()
        if rank < 1:
            raise ValueError(f"LoRA rank must be at least 1, got {rank}")
        self.config = BridgeConfig(rank=rank, single_blocks=single_blocks, share=bool(share))
        self.single_stream_text = bool(single_stream_text)
        self.backbone = backbone
        backbone.requires_grad_(False)
        self.bridges = nn.ModuleDict()
        processors = {}
        for name, processor in backbone.attn_processors.items():
            attn = backbone.get_submodule(name[: -len(".processor")])
            kind = _attention_kind(attn)
            if kind == "single" and not single_blocks:
                processors[name] = processor
                continue
            bridge = BranchBridge(attn, rank, self.config.share)
            self.bridges[_bridge_key(name)] = bridge
            processors[name] = DualBranchAttnProcessor(processor, bridge, self.single_stream_text)
        if not self.bridges:
            raise ValueError(f"{type(backbone).__name__} has no Flux attention blocks to connect")
        backbone.set_attn_processor(processors)
        # Only single-stream processors need the image token count; diffusers warns
        # about attention kwargs that a processor does not take.
        self._pass_token_count = not self.single_stream_text and any(k.startswith("single_")
                                                                     for k in self.bridges)

    def forward(self, hidden_states: torch.Tensor, joint_attention_kwargs: dict | None = None, **kwargs):
        if self._pass_token_count:
            joint_attention_kwargs = {**(joint_attention_kwargs or {}), "bfs_image_tokens": hidden_states.shape[1]}
        return self.backbone(hidden_states=hidden_states, joint_attention_kwargs=joint_attention_kwargs, **kwargs)

    def trainable_parameters(self) -> list[nn.Parameter]:
        return [p for p in self.bridges.parameters() if p.requires_grad]

    def save_bridges(self, path: str | Path) -> None:
        """Writes the new parameters (and their config) to a safetensors file."""
        from safetensors.torch import save_file

        state = {k: v.detach().contiguous().cpu() for k, v in self.bridges.state_dict().items()}
        save_file(state, str(path), metadata={"format": BRIDGE_FORMAT,
                                              "config": json.dumps(asdict(self.config))})

    def load_bridges(self, path: str | Path) -> None:
        """Loads `save_bridges` output with strict key and shape checking."""
        state, config = read_bridge_file(path)
        if config != self.config:
            raise ValueError(f"{path} was trained with {config}, this model is built with {self.config}")
        self.bridges.load_state_dict(state, strict=True)

    @classmethod
    def from_bridge_file(cls, backbone: nn.Module, path: str | Path,
                         single_stream_text: bool = False) -> "DualBranchTransformer":
        _, config = read_bridge_file(path)
        model = cls(backbone, rank=config.rank, single_blocks=config.single_blocks,
                    single_stream_text=single_stream_text, share=config.share)
        model.load_bridges(path)
        return model


def read_bridge_file(path: str | Path) -> tuple[dict[str, torch.Tensor], BridgeConfig]:
    from safetensors import safe_open
    from safetensors.torch import load_file

    with safe_open(str(path), framework="pt") as f:
        metadata = f.metadata() or {}
    if metadata.get("format") != BRIDGE_FORMAT:
        raise ValueError(f"{path} is not a BFS bridge file (format {metadata.get('format')!r})")
    return load_file(str(path)), BridgeConfig(**json.loads(metadata["config"]))


def _attention_kind(attn: nn.Module) -> str:
    if not all(hasattr(attn, a) for a in ("to_q", "to_k", "to_v", "norm_q", "norm_k", "head_dim")):
        raise ValueError(f"{type(attn).__name__} is not a Flux-style attention module")
    if getattr(attn, "added_kv_proj_dim", None) is not None:
        return "double"
    if getattr(attn, "pre_only", False):
        return "single"
    raise ValueError(f"unsupported attention layout in {type(attn).__name__}")
