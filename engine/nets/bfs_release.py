"""Import the authors' released BFS checkpoint into a BFS model folder.

    python main.py models import-bfs CHECKPOINT [--rgba-vae FILE] [--backbone FLUX_FILL] -o FOLDER

The release builds on UniCon-style joint attention: every Flux block gets a
copy of its attention, `attn1n` (the image-stream projections only), with two
peft LoRA adapters, and a zero-initialised bias-free Linear `conv1n` applied
to the cross-branch output of both branches; the output is added to the
block's attention output. Its checkpoint (a `.pt`) holds, per block:

    <blocks>.<i>.attn1n.<proj>.lora_A.<x>_lora.weight   (rank, dim)   <blocks>: transformer_blocks,
    <blocks>.<i>.attn1n.<proj>.lora_B.<x>_lora.weight   (dim, rank)             single_transformer_blocks
    <blocks>.<i>.conv1n.weight                           (dim, dim)    <proj>: to_q, to_k, to_v, to_out.0
                                                                       <x>: xy or yx

Remapping. The release's batch is [x; y] = [composite; foreground] (this
project's order), queries come from [x; y] and keys/values from the swapped
[y; x], and each adapter is applied *per source branch* by row masks: `xy_lora`
to every projection of x's tokens (x's queries and x's output, and x's keys and
values as y reads them), `yx_lora` to every projection of y's tokens. This
project groups the LoRAs *per direction* (`engine.nets.dual_branch`):
`fg_to_comp` holds the composite's queries/output and the foreground's
keys/values, `comp_to_fg` the reverse. So

    to_q, to_out:  fg_to_comp <- xy_lora    comp_to_fg <- yx_lora
    to_k, to_v:    fg_to_comp <- yx_lora    comp_to_fg <- xy_lora
    mix           <- conv1n

The release runs the single-stream blocks' exchange over [text; image] and
decodes straight RGBA, so the imported folder says `"single_stream_text": true`
and `"rgba": "straight"` in its bfs.json.

What we could not confirm (no copy of the BFS release itself was available to
us; the layout above is the public UniCon code for Flux, which the release's
key names match): that x is the composite branch (the paper puts the
composite first, as we do); that the LoRA scale is 1 (UniCon trains with
lora_alpha = rank; `lora_scale` folds another value into B); that the
release's `attn1n` base weights are the untouched copies of the block's own
(UniCon freezes them; we share the backbone's tensors and ignore any base
weights in the file); the release's working resolution (the paper's number is
missing from our copy: 1024, Flux-Fill's own, is the default). `conv_fuse`
mixers (2*dim wide) and mixers with a non-zero bias are refused.

The checkpoint is read with `torch.load(weights_only=True)` only (through
`engine.models.convert`); anything else in it is refused.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path

import torch

from engine.errors import InvalidInput, ModelError
from engine.models.convert import load_pickle_tensors
from engine.models.locate import PICKLE_SUFFIXES

from .bfs_folder import BRIDGE_FILE, MODEL_FILE, MODEL_FORMAT, RGBA_VAE_DIR
from .dual_branch import BRIDGE_FORMAT, COMP_TO_FG, FG_TO_COMP, BridgeConfig, DualBranchTransformer

# <blocks>.<i>.<rest>, after any prefix such as "transformer." or "module.".
_BLOCK = re.compile(r"(?:^|\.)((?:single_)?transformer_blocks)\.(\d+)\.(.+)$")
_LORA = re.compile(r"^attn1n\.(to_q|to_k|to_v|to_out\.0)\.lora_([AB])\.(?:\w+_)?(xy|yx)_lora(?:\.weight)?$")
_MIXER = re.compile(r"^(?:conv1n|post1n\.\w+)\.(weight|bias)$")

# Which release adapter (source branch) serves each project adapter (direction), per projection.
SOURCE_OF = {
    ("to_q", FG_TO_COMP): "xy", ("to_q", COMP_TO_FG): "yx",
    ("to_out", FG_TO_COMP): "xy", ("to_out", COMP_TO_FG): "yx",
    ("to_k", FG_TO_COMP): "yx", ("to_k", COMP_TO_FG): "xy",
    ("to_v", FG_TO_COMP): "yx", ("to_v", COMP_TO_FG): "xy",
}

RELEASE_SETTINGS = {"single_stream_text": True, "rgba": "straight"}


def release_to_bridges(state: dict[str, torch.Tensor], lora_scale: float = 1.0
                       ) -> tuple[dict[str, torch.Tensor], BridgeConfig]:
    """The release's tensors -> this project's bridge state dict and its config."""
    blocks: dict[str, dict] = {}
    for key, value in state.items():
        found = _BLOCK.search(key)
        if not found:
            continue
        group, index, rest = found.groups()
        block = blocks.setdefault(f"{group}_{index}", {"lora": {}, "mix": {}})
        lora = _LORA.match(rest)
        if lora:
            proj, ab, source = lora.groups()
            block["lora"][(proj.replace(".0", ""), ab, source)] = value
        elif mixer := _MIXER.match(rest):
            block["mix"][mixer.group(1)] = value
    if not blocks:
        raise ModelError("The checkpoint holds no BFS bridge weights (no attn1n LoRA or conv1n tensors).",
                         "Is this the BFS release checkpoint?")
    bridges: dict[str, torch.Tensor] = {}
    ranks = set()
    for name, block in sorted(blocks.items()):
        mix = block["mix"]
        if "weight" not in mix:
            raise ModelError(f"The checkpoint has no conv1n weight for {name}.")
        weight = mix["weight"]
        if weight.ndim != 2 or weight.shape[0] != weight.shape[1]:
            raise ModelError(f"{name}: conv1n is {tuple(weight.shape)}, not a square mixer.")
        if "bias" in mix and mix["bias"].abs().max() > 0:
            raise ModelError(f"{name}: conv1n has a bias; the BFS mixer has none.")
        dim = weight.shape[0]
        projections = ["to_q", "to_k", "to_v"] + (["to_out"] if name.startswith("transformer_blocks") else [])
        if any(k[0] == "to_out" for k in block["lora"]) and "to_out" not in projections:
            raise ModelError(f"{name}: a single-stream block has no output projection to adapt.")
        bridges[f"{name}.mix.weight"] = weight.float()
        for proj in projections:
            for adapter in (FG_TO_COMP, COMP_TO_FG):
                source = SOURCE_OF[(proj, adapter)]
                a = block["lora"].get((proj, "A", source))
                b = block["lora"].get((proj, "B", source))
                if a is None or b is None:
                    raise ModelError(f"The checkpoint lacks the {source}_lora LoRA of {proj} in {name}.")
                if a.shape[1] != dim or b.shape[0] != dim or a.shape[0] != b.shape[1]:
                    raise ModelError(f"{name}.{proj}: LoRA shapes {tuple(a.shape)} / {tuple(b.shape)} do not "
                                     f"fit a {dim}-wide block.")
                ranks.add(a.shape[0])
                bridges[f"{name}.{proj}.lora_A.{adapter}.weight"] = a.float()
                bridges[f"{name}.{proj}.lora_B.{adapter}.weight"] = b.float() * lora_scale
    if len(ranks) != 1:
        raise ModelError(f"The checkpoint mixes LoRA ranks {sorted(ranks)}.")
    single = any(name.startswith("single_") for name in blocks)
    return bridges, BridgeConfig(rank=ranks.pop(), single_blocks=single)


def read_tensors(path: Path) -> dict[str, torch.Tensor]:
    """A .safetensors file, or a pickle file read with weights_only=True (nothing else)."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file.")
    if path.suffix.lower() == ".safetensors":
        from safetensors.torch import load_file

        return load_file(os.fspath(path))
    if path.suffix.lower() not in PICKLE_SUFFIXES:
        raise InvalidInput(f"{path} is not a weights file (.pt, .pth, .ckpt, .bin or .safetensors).")
    return load_pickle_tensors(path)


def import_release(checkpoint: str | os.PathLike, output: str | os.PathLike, backbone: str | os.PathLike,
                   rgba_vae: str | os.PathLike | None = None, *, resolution: int = 1024, steps: int = 50,
                   guidance_scale: float = 30.0, lora_scale: float = 1.0) -> Path:
    """Writes a BFS model folder at `output` from the release's checkpoint; returns the folder.

    `backbone` is a FLUX.1-Fill diffusers folder (its transformer config checks
    the bridges' keys and shapes, its VAE config shapes the RGBA VAE). The
    RGBA VAE comes from `rgba_vae` (a 4-channel AutoencoderKL state dict), or
    from `vae.*` / `rgba_vae.*` tensors inside the checkpoint.
    """
    checkpoint, output, backbone = Path(checkpoint), Path(output), Path(backbone).resolve()
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise InvalidInput(f"{output} already exists and is not empty.", "Choose a new folder.")
    for sub in ("transformer", "vae"):
        if not (backbone / sub / "config.json").is_file():
            raise InvalidInput(f"{backbone} is not a FLUX.1-Fill diffusers folder (no {sub}/config.json).")
    state = read_tensors(checkpoint)
    bridges, config = release_to_bridges(state, lora_scale)
    _check_against_backbone(bridges, config, backbone / "transformer" / "config.json")
    vae_state = _rgba_vae_state(state, rgba_vae, checkpoint)

    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=output.name + ".", dir=output.parent))
    try:
        from safetensors.torch import save_file

        save_file({k: v.contiguous() for k, v in bridges.items()}, os.fspath(staging / BRIDGE_FILE),
                  metadata={"format": BRIDGE_FORMAT, "config": json.dumps(config.__dict__)})
        _save_rgba_vae(vae_state, backbone / "vae" / "config.json", staging / RGBA_VAE_DIR)
        settings = {"format": MODEL_FORMAT, "backbone": {"kind": "flux-fill", "path": str(backbone)},
                    "resolution": resolution, "steps": steps, "guidance_scale": guidance_scale,
                    "max_sequence_length": 512, **RELEASE_SETTINGS, "imported_from": checkpoint.name}
        (staging / MODEL_FILE).write_text(json.dumps(settings, indent=2) + "\n")
        if output.exists():
            output.rmdir()
        os.replace(staging, output)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return output


def _check_against_backbone(bridges: dict, config: BridgeConfig, transformer_config: Path) -> None:
    """Builds the bridges on a weightless (meta) copy of the backbone and loads them strictly."""
    from diffusers import FluxTransformer2DModel

    with torch.device("meta"):
        skeleton = FluxTransformer2DModel.from_config(json.loads(transformer_config.read_text()))
        model = DualBranchTransformer(skeleton, rank=config.rank, single_blocks=config.single_blocks)
    try:
        with warnings.catch_warnings():
            # Loading into meta tensors checks names and shapes and copies nothing: that is the point.
            warnings.filterwarnings("ignore", message=".*meta parameter.*")
            model.bridges.load_state_dict(bridges, strict=True)
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()
        raise ModelError("The checkpoint's bridges do not fit this FLUX.1-Fill backbone: "
                         + " ".join(line.strip() for line in first[:3])[:400]) from None


def _rgba_vae_state(state: dict, rgba_vae, checkpoint: Path) -> dict:
    if rgba_vae is not None:
        return read_tensors(Path(rgba_vae))
    for prefix in ("rgba_vae.", "vae."):
        inner = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
        if inner:
            return inner
    raise InvalidInput(f"{checkpoint} holds no RGBA VAE.",
                       "Pass the release's transparency VAE with --rgba-vae FILE.")


def _save_rgba_vae(state: dict, rgb_config: Path, folder: Path) -> None:
    """The 4-channel AutoencoderKL: the backbone VAE's config with 4 channels in and out."""
    from diffusers import AutoencoderKL

    config = {k: v for k, v in json.loads(rgb_config.read_text()).items() if not k.startswith("_")}
    config.update(in_channels=4, out_channels=4)
    vae = AutoencoderKL.from_config(config)
    try:
        vae.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()
        raise ModelError("The RGBA VAE weights do not fit a 4-channel version of the backbone's VAE: "
                         + " ".join(line.strip() for line in first[:3])[:400]) from None
    vae.save_pretrained(folder, safe_serialization=True)
