"""Importing the authors' BFS release checkpoint: key remapping, the release's arithmetic, refusals."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402

from bfs_fixtures import tiny_flux_fill_folder, tiny_vae  # noqa: E402
from engine.nets.fill_layout import image_ids  # noqa: E402

torch.set_num_threads(1)
ROOT = Path(__file__).resolve().parents[1]
RANK, DIM = 4, 32
BLOCKS = {"transformer_blocks.0": ("to_q", "to_k", "to_v", "to_out.0"),
          "single_transformer_blocks.0": ("to_q", "to_k", "to_v")}


def release_checkpoint(seed: int = 0) -> dict:
    """Random tensors in the release's layout (prefixed as a saved wrapper would prefix them)."""
    g = torch.Generator().manual_seed(seed)
    state = {}
    for block, projections in BLOCKS.items():
        for proj in projections:
            for source in ("xy", "yx"):
                base = f"transformer.{block}.attn1n.{proj}"
                state[f"{base}.lora_A.{source}_lora.weight"] = torch.randn(RANK, DIM, generator=g) * 0.2
                state[f"{base}.lora_B.{source}_lora.weight"] = torch.randn(DIM, RANK, generator=g) * 0.2
            # Frozen copies of the block's own projection: ignored by the import.
            state[f"transformer.{block}.attn1n.{proj}.base_layer.weight"] = torch.randn(DIM, DIM, generator=g)
        state[f"transformer.{block}.conv1n.weight"] = torch.randn(DIM, DIM, generator=g) * 0.2
    return state


class ReleaseReference:
    """The release's joint attention for one block, written as its code computes it: the batch
    [x; y] gives the queries, the swapped [y; x] the keys and values, and each LoRA adapter is
    applied to the rows its mask selects (xy_lora: q/o rows of x, k/v rows of x in the swapped
    input; yx_lora: the others); conv1n mixes both halves; the result is added to the block's
    attention output. Double-stream blocks: image tokens, image RoPE; single-stream: [text; image]."""

    def __init__(self, inner, weights: dict, prefix: str, single: bool):
        self.inner, self.w, self.prefix, self.single = inner, weights, prefix, single

    def _project(self, layer, name, x, xy_rows):
        out = F.linear(x, layer.weight, layer.bias)
        for source, rows in (("xy", xy_rows), ("yx", ~xy_rows)):
            a = self.w[f"{self.prefix}.attn1n.{name}.lora_A.{source}_lora.weight"]
            b = self.w[f"{self.prefix}.attn1n.{name}.lora_B.{source}_lora.weight"]
            out[rows] = out[rows] + x[rows] @ a.T @ b.T
        return out

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None,
                 image_rotary_emb=None, **unused):
        from diffusers.models.embeddings import apply_rotary_emb

        out = self.inner(attn, hidden_states, encoder_hidden_states, attention_mask, image_rotary_emb)
        h = hidden_states
        rope = image_rotary_emb if self.single else tuple(t[-h.shape[1]:] for t in image_rotary_emb)
        half = h.shape[0] // 2
        joint = torch.cat([h[half:], h[:half]])
        qo_xy = torch.arange(h.shape[0]) < half     # xy_lora q/o mask: [True] * x + [False] * y
        kv_xy = ~qo_xy                               # xy_lora k/v mask: [False] * x + [True] * y

        def heads(t):
            return t.view(t.shape[0], -1, attn.heads, attn.head_dim).transpose(1, 2)

        q = attn.norm_q(heads(self._project(attn.to_q, "to_q", h, qo_xy)))
        k = attn.norm_k(heads(self._project(attn.to_k, "to_k", joint, kv_xy)))
        v = heads(self._project(attn.to_v, "to_v", joint, kv_xy))
        q, k = apply_rotary_emb(q, rope), apply_rotary_emb(k, rope)
        o = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).flatten(2)
        if not self.single:
            o = self._project(attn.to_out[0], "to_out.0", o, qo_xy)
        message = o @ self.w[f"{self.prefix}.conv1n.weight"].T
        if self.single:
            return out + message
        return (out[0] + message, *out[1:])


class Payload:
    """An object a weights-only load must refuse to rebuild."""


def flux_inputs(batch: int, seed: int = 0) -> dict:
    g = torch.Generator().manual_seed(seed)
    return dict(hidden_states=torch.randn(batch, 64, 48, generator=g),
                encoder_hidden_states=torch.randn(batch, 7, 32, generator=g),
                pooled_projections=torch.randn(batch, 32, generator=g),
                timestep=torch.full((batch,), 0.4), guidance=torch.full((batch,), 30.0),
                img_ids=image_ids(16, 16), txt_ids=torch.zeros(7, 3), return_dict=False)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    from engine.nets.rgba_vae import rgba_vae_from_rgb

    root = tmp_path_factory.mktemp("bfs-release")
    backbone = tiny_flux_fill_folder(root / "FLUX.1-Fill-tiny")
    state = release_checkpoint()
    torch.save(state, root / "bfs.pt")
    torch.manual_seed(3)
    vae = rgba_vae_from_rgb(tiny_vae())
    torch.save(vae.state_dict(), root / "transparent_vae.pt")
    return {"root": root, "backbone": backbone, "state": state, "vae": vae.state_dict()}


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "main.py", "models", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_release_maps_source_branch_loras_onto_direction_adapters(release):
    from engine.nets.bfs_release import release_to_bridges

    bridges, config = release_to_bridges(release["state"])
    assert (config.rank, config.single_blocks) == (RANK, True)
    s = release["state"]
    pairs = {  # project key -> release key
        "transformer_blocks_0.to_q.lora_A.fg_to_comp.weight": "attn1n.to_q.lora_A.xy_lora.weight",
        "transformer_blocks_0.to_q.lora_B.comp_to_fg.weight": "attn1n.to_q.lora_B.yx_lora.weight",
        "transformer_blocks_0.to_k.lora_A.fg_to_comp.weight": "attn1n.to_k.lora_A.yx_lora.weight",
        "transformer_blocks_0.to_v.lora_B.comp_to_fg.weight": "attn1n.to_v.lora_B.xy_lora.weight",
        "transformer_blocks_0.to_out.lora_A.fg_to_comp.weight": "attn1n.to_out.0.lora_A.xy_lora.weight",
        "transformer_blocks_0.mix.weight": "conv1n.weight",
    }
    for ours, theirs in pairs.items():
        assert torch.equal(bridges[ours], s["transformer.transformer_blocks.0." + theirs]), ours
    assert torch.equal(bridges["single_transformer_blocks_0.to_k.lora_B.comp_to_fg.weight"],
                       s["transformer.single_transformer_blocks.0.attn1n.to_k.lora_B.xy_lora.weight"])
    assert not any("to_out" in k for k in bridges if k.startswith("single_"))
    assert len(bridges) == 2 * (4 + 3) * 2 + 2


def test_import_bfs_writes_a_model_folder_that_computes_what_the_release_computes(release, tmp_path):
    from diffusers import FluxTransformer2DModel

    from engine.models.locate import find_model
    from engine.nets.bfs_model import BFSModel

    out = tmp_path / "bfs-release-model"
    done = run_cli("import-bfs", str(release["root"] / "bfs.pt"), "--rgba-vae",
                   str(release["root"] / "transparent_vae.pt"), "--backbone", str(release["backbone"]),
                   "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    settings = json.loads((out / "bfs.json").read_text())
    assert settings["single_stream_text"] is True and settings["rgba"] == "straight"
    assert find_model(str(out)).family == "bfs"  # the catalogue's locator accepts it

    model = BFSModel.load(out).eval()
    assert model.rgba_convention == "straight" and model.transformer.single_stream_text
    vae = model.rgba_vae.state_dict()
    assert all(torch.equal(vae[k], v) for k, v in release["vae"].items())

    reference = FluxTransformer2DModel.from_pretrained(release["backbone"], subfolder="transformer",
                                                       use_safetensors=True).eval()
    processors = {}
    for name, processor in reference.attn_processors.items():
        prefix = "transformer." + name.rsplit(".attn.processor", 1)[0]
        processors[name] = ReleaseReference(processor, release["state"], prefix, name.startswith("single_"))
    reference.set_attn_processor(processors)
    inputs = flux_inputs(2)
    with torch.no_grad():
        expected = reference(**inputs)[0]
        got = model.transformer(**inputs)[0]
        plain = FluxTransformer2DModel.from_pretrained(release["backbone"], subfolder="transformer",
                                                       use_safetensors=True)(**inputs)[0]
    assert not torch.allclose(expected, plain, atol=1e-3)  # the bridges matter in this test
    assert torch.allclose(got, expected, atol=1e-5), (got - expected).abs().max()


def test_import_bfs_refuses_what_it_cannot_trust_or_use(release, tmp_path, capsys):
    from editor.cli import main

    root = release["root"]
    common = ["--backbone", str(release["backbone"])]

    def cli(*args):  # the command line in this process (the subprocess run is tested above)
        code = main(["models", "import-bfs", *args])
        return code, capsys.readouterr().err

    # A pickle that holds more than tensors is not unpickled.
    odd = tmp_path / "odd.pt"
    torch.save({**release["state"], "extra": Payload()}, odd)
    code, err = cli(str(odd), *common, "-o", str(tmp_path / "a"))
    assert code == 2 and "more than tensors" in err and len(err.splitlines()) == 1
    # A missing LoRA is named.
    partial = {k: v for k, v in release["state"].items() if "to_k.lora_A.yx" not in k}
    torch.save(partial, tmp_path / "partial.pt")
    code, err = cli(str(tmp_path / "partial.pt"), "--rgba-vae", str(root / "transparent_vae.pt"), *common,
                    "-o", str(tmp_path / "b"))
    assert code == 2 and "yx_lora" in err and "to_k" in err
    # No RGBA VAE given or inside: say which flag brings it.
    code, err = cli(str(root / "bfs.pt"), *common, "-o", str(tmp_path / "c"))
    assert code == 2 and "--rgba-vae" in err
    # Wrong block width for this backbone.
    wide = {k: (torch.zeros(64, 64) if k.endswith("conv1n.weight") else v) for k, v in release["state"].items()}
    torch.save(wide, tmp_path / "wide.pt")
    code, err = cli(str(tmp_path / "wide.pt"), "--rgba-vae", str(root / "transparent_vae.pt"), *common,
                    "-o", str(tmp_path / "d"))
    assert code == 2 and "do not fit" in err
    # Not a FLUX.1-Fill backbone.
    code, err = cli(str(root / "bfs.pt"), "--backbone", str(tmp_path), "-o", str(tmp_path / "e"))
    assert code == 2
    # Nothing half-written was left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.pt", "partial.pt", "wide.pt"]
