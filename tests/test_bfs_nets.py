"""BFS networks: dual-branch wrapper, Flux-Fill layout, tiny backbone, RGBA VAE, compositor."""
from __future__ import annotations

import copy

import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402

from bfs_fixtures import randomise, tiny_flux_transformer, tiny_own_transformer, tiny_vae  # noqa: E402
from engine.nets.dual_branch import (  # noqa: E402
    ADAPTERS, COMP_TO_FG, COMPOSITE, FG_TO_COMP, FOREGROUND, DualBranchTransformer, read_bridge_file,
)
from engine.nets.fill_layout import (  # noqa: E402
    fill_condition, image_ids, pack_latents, pack_mask, unpack_latents,
)

torch.set_num_threads(1)
H = W = 16  # latent size -> 64 tokens


def flux_inputs(batch: int, seed: int = 0) -> dict:
    g = torch.Generator().manual_seed(seed)
    return dict(hidden_states=torch.randn(batch, 64, 48, generator=g),
                encoder_hidden_states=torch.randn(batch, 7, 32, generator=g),
                pooled_projections=torch.randn(batch, 32, generator=g),
                timestep=torch.full((batch,), 0.4), guidance=torch.full((batch,), 30.0),
                img_ids=image_ids(H, W), txt_ids=torch.zeros(7, 3), return_dict=False)


def own_inputs(model, batch: int, seed: int = 0) -> dict:
    g = torch.Generator().manual_seed(seed)
    prompts = ["a red ball on grass", "a chair"][:batch // 2] * 2
    return dict(hidden_states=torch.randn(batch, 64, 48, generator=g), prompt_ids=model.tokenize(prompts),
                timestep=torch.full((batch,), 0.7), img_ids=image_ids(H, W), return_dict=False)


def expected_new_parameters(dim: int, rank: int, double: int, single: int) -> int:
    lora = 2 * rank * dim  # A (rank x dim) + B (dim x rank), inner dim == dim for Flux
    return double * (4 * 2 * lora + dim * dim) + single * (3 * 2 * lora + dim * dim)


@pytest.mark.parametrize("kind", ["flux", "own"])
def test_zero_initialised_wrapper_computes_exactly_the_backbone(kind):
    torch.manual_seed(0)
    backbone = tiny_flux_transformer() if kind == "flux" else tiny_own_transformer()
    inputs = flux_inputs(4) if kind == "flux" else own_inputs(backbone, 4)
    with torch.no_grad():
        reference = backbone(**inputs)[0]
        wrapped = DualBranchTransformer(backbone)(**inputs)[0]
    assert torch.equal(wrapped, reference)
    # ... and the new parameters do change the output once they are non-zero.
    model = DualBranchTransformer(tiny_flux_transformer() if kind == "flux" else tiny_own_transformer())
    model.backbone.load_state_dict(backbone.state_dict())
    randomise(model.trainable_parameters())
    with torch.no_grad():
        assert not torch.allclose(model(**inputs)[0], reference, atol=1e-4)


def test_only_lora_and_mixer_parameters_train_and_get_gradients():
    torch.manual_seed(0)
    backbone = tiny_flux_transformer()
    model = DualBranchTransformer(backbone, rank=4)
    trainable = {n: p for n, p in model.named_parameters() if p.requires_grad}
    # Tiny Flux: dim 32, one double-stream and one single-stream block.
    assert sum(p.numel() for p in trainable.values()) == expected_new_parameters(32, 4, 1, 1) == 5632
    for name in trainable:
        assert ".lora_A." in name or ".lora_B." in name or name.endswith(".mix.weight"), name
    assert len(trainable) == 2 * (4 + 3) * 2 + 2  # A and B per adapter per projection, + 2 mixers
    assert all(not p.requires_grad for p in backbone.parameters())

    randomise(model.trainable_parameters())
    model(**flux_inputs(2))[0].square().mean().backward()
    for name, p in trainable.items():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
    assert all(p.grad is None for p in backbone.parameters())


def test_the_backbone_state_dict_keeps_its_keys():
    backbone = tiny_flux_transformer()
    keys = set(backbone.state_dict())
    DualBranchTransformer(backbone)
    assert set(backbone.state_dict()) == keys


def test_rank_and_single_block_options_change_the_parameter_count(caplog):
    backbone = tiny_flux_transformer()
    inputs = flux_inputs(2)
    with torch.no_grad():
        reference = backbone(**inputs)[0]
    model = DualBranchTransformer(backbone, rank=8, single_blocks=False)
    assert sum(p.numel() for p in model.trainable_parameters()) == expected_new_parameters(32, 8, 1, 0)
    assert list(model.bridges) == ["transformer_blocks_0"]
    with torch.no_grad():
        assert torch.equal(model(**inputs)[0], reference)
        randomise(model.trainable_parameters())
        assert not torch.allclose(model(**inputs)[0], reference, atol=1e-4)
    assert "not expected" not in caplog.text


def _reference_residuals(bridge, attn, tokens, rope):
    """Eqs. 2-4 written out by hand: queries from one branch, keys/values from the other."""
    from diffusers.models.embeddings import apply_rotary_emb

    def project(layer, x, adapter):
        base = F.linear(x, layer.base_layer.weight, layer.base_layer.bias)
        return base + layer.lora_B[adapter](layer.lora_A[adapter](x)) * layer.scaling[adapter]

    def heads(x):
        return x.unflatten(-1, (-1, attn.head_dim))

    def message(receiver, sender, adapter):
        q = attn.norm_q(heads(project(bridge.to_q, receiver, adapter)))
        k = attn.norm_k(heads(project(bridge.to_k, sender, adapter)))
        v = heads(project(bridge.to_v, sender, adapter))
        q, k = apply_rotary_emb(q, rope, sequence_dim=1), apply_rotary_emb(k, rope, sequence_dim=1)
        o = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2))
        return project(bridge.to_out, o.transpose(1, 2).flatten(2), adapter)

    h_c, h_f = tokens[:1], tokens[1:]
    m_c = message(h_c, h_f, FG_TO_COMP)
    m_f = message(h_f, h_c, COMP_TO_FG)
    return bridge.mix(torch.cat([m_c, m_f]))


def test_each_direction_uses_its_own_adapter():
    torch.manual_seed(0)
    backbone = tiny_flux_transformer()
    model = DualBranchTransformer(backbone)
    randomise(model.trainable_parameters())
    bridge = model.bridges["transformer_blocks_0"]
    attn = backbone.transformer_blocks[0].attn
    tokens = torch.randn(2, 64, 32)
    rope = backbone.pos_embed(image_ids(H, W))
    with torch.no_grad():
        residuals = bridge(attn, tokens, rope)
        assert torch.allclose(residuals, _reference_residuals(bridge, attn, tokens, rope), atol=1e-5)
        for adapter, changed_row in ((FG_TO_COMP, 0), (COMP_TO_FG, 1)):
            perturbed = copy.deepcopy(bridge)
            for name in ("to_q", "to_k", "to_v", "to_out"):
                getattr(perturbed, name).lora_B[adapter].weight.add_(0.5)
            out = perturbed(attn, tokens, rope)
            assert not torch.allclose(out[changed_row], residuals[changed_row], atol=1e-4)
            assert torch.equal(out[1 - changed_row], residuals[1 - changed_row])
    assert set(ADAPTERS) == {FG_TO_COMP, COMP_TO_FG}


def test_information_sharing_off_cuts_every_path_between_the_branches(tmp_path):
    """share=False (the ablation "the two branches alone"): a branch's output does not depend on
    the other branch's input at all; with sharing on (same parameters) it does."""
    torch.manual_seed(0)
    backbone = tiny_own_transformer()
    inputs = own_inputs(backbone, 2)
    changed = dict(inputs, hidden_states=inputs["hidden_states"].clone())
    changed["hidden_states"][0] += torch.randn(64, 48)  # only the composite branch's input
    with torch.no_grad():
        plain = backbone(**inputs)[0]
    shared = DualBranchTransformer(backbone)
    randomise(shared.trainable_parameters())
    alone = DualBranchTransformer(tiny_own_transformer(), share=False)
    alone.backbone.load_state_dict(backbone.state_dict())
    alone.bridges.load_state_dict(shared.bridges.state_dict())
    with torch.no_grad():
        out, out_changed = shared(**inputs)[0], shared(**changed)[0]
        assert not torch.allclose(out[FOREGROUND], out_changed[FOREGROUND], atol=1e-4)
        out, out_changed = alone(**inputs)[0], alone(**changed)[0]
        assert torch.allclose(out[FOREGROUND], out_changed[FOREGROUND], atol=1e-6)
        assert not torch.allclose(out[COMPOSITE], out_changed[COMPOSITE], atol=1e-4)
        # The bridges still act (each branch on itself): the output is not the plain backbone's.
        assert not torch.allclose(out, plain, atol=1e-4)
        # ... and the reverse direction is cut too.
        back = dict(inputs, hidden_states=inputs["hidden_states"].clone())
        back["hidden_states"][1] += torch.randn(64, 48)
        assert torch.allclose(alone(**back)[0][COMPOSITE], out[COMPOSITE], atol=1e-6)
    # The switch travels with the weights and a model built the other way refuses them.
    path = tmp_path / "alone.safetensors"
    alone.save_bridges(path)
    assert read_bridge_file(path)[1].share is False
    reloaded = DualBranchTransformer.from_bridge_file(tiny_own_transformer(), path)
    assert reloaded.config.share is False and all(not b.share for b in reloaded.bridges.values())
    with pytest.raises(ValueError, match="share"):
        DualBranchTransformer(tiny_own_transformer()).load_bridges(path)


def test_gradient_checkpointing_gives_the_same_gradients():
    torch.manual_seed(0)
    backbone = tiny_own_transformer()
    model = DualBranchTransformer(backbone)
    randomise(model.trainable_parameters())
    inputs = own_inputs(backbone, 2)
    grads = []
    for checkpointing in (False, True):
        if checkpointing:
            backbone.enable_gradient_checkpointing()
        model.zero_grad()
        model(**inputs)[0].square().mean().backward()
        grads.append([p.grad.clone() for p in model.trainable_parameters()])
    for a, b in zip(*grads):
        assert torch.allclose(a, b, atol=1e-6)


def test_bridges_save_and_load_strictly(tmp_path):
    torch.manual_seed(0)
    backbone = tiny_flux_transformer()
    fresh = copy.deepcopy(backbone)
    model = DualBranchTransformer(backbone, rank=2)
    randomise(model.trainable_parameters())
    path = tmp_path / "bridge.safetensors"
    model.save_bridges(path)
    state, config = read_bridge_file(path)
    assert set(state) == set(model.bridges.state_dict())
    assert "transformer_blocks_0.to_q.lora_A.fg_to_comp.weight" in state
    assert config.rank == 2 and config.single_blocks

    loaded = DualBranchTransformer.from_bridge_file(fresh, path)
    inputs = flux_inputs(2, seed=1)
    with torch.no_grad():
        assert torch.equal(loaded(**inputs)[0], model(**inputs)[0])

    # A file that lacks a tensor is refused (strict loading), as is another rank.
    from safetensors.torch import save_file

    broken = tmp_path / "broken.safetensors"
    state.pop("transformer_blocks_0.mix.weight")
    save_file(state, str(broken), metadata={"format": "layered-bfs-bridge/1",
                                            "config": '{"rank": 2, "single_blocks": true}'})
    with pytest.raises(RuntimeError, match="mix.weight"):
        loaded.load_bridges(broken)
    with pytest.raises(ValueError, match="rank"):
        DualBranchTransformer(tiny_flux_transformer(), rank=4).load_bridges(path)


def test_flux_fill_dev_sized_model_wraps_with_the_expected_parameter_count():
    """FLUX.1-Fill-dev's published transformer config, built on the meta device (no memory)."""
    from diffusers import FluxTransformer2DModel

    with torch.device("meta"):
        backbone = FluxTransformer2DModel(in_channels=384, out_channels=64, num_layers=19, num_single_layers=38,
                                          attention_head_dim=128, num_attention_heads=24, joint_attention_dim=4096,
                                          pooled_projection_dim=768, guidance_embeds=True,
                                          axes_dims_rope=(16, 56, 56))
        model = DualBranchTransformer(backbone, rank=4)
    assert len(model.bridges) == 19 + 38
    assert sum(p.numel() for p in model.trainable_parameters()) == expected_new_parameters(3072, 4, 19, 38)


def test_layout_matches_flux_fill_pipeline():
    from diffusers import FluxFillPipeline

    g = torch.Generator().manual_seed(0)
    latents = torch.randn(2, 4, H, W, generator=g)
    packed = pack_latents(latents)
    assert torch.equal(packed, FluxFillPipeline._pack_latents(latents, 2, 4, H, W))
    assert torch.equal(unpack_latents(packed, H, W), latents)
    assert torch.equal(unpack_latents(packed, H, W),
                       FluxFillPipeline._unpack_latents(packed, 2 * H, 2 * W, vae_scale_factor=2))
    assert torch.equal(image_ids(H, W), FluxFillPipeline._prepare_latent_image_ids(1, H // 2, W // 2, "cpu",
                                                                                   torch.float32))
    # Mask + masked-image condition exactly as the pipeline prepares it (latents given, so no encoding).
    vae = tiny_vae()
    pipeline = FluxFillPipeline(scheduler=None, vae=vae, text_encoder=None, tokenizer=None, text_encoder_2=None,
                                tokenizer_2=None, transformer=None)
    mask = (torch.rand(2, 1, 2 * H, 2 * W, generator=g) > 0.5).float()
    raw = torch.randn(2, 4, H, W, generator=g)
    mask_tokens, image_tokens = pipeline.prepare_mask_latents(mask, raw, 2, 4, 1, 2 * H, 2 * W, torch.float32,
                                                              "cpu", None)
    normalised = (raw - vae.config.shift_factor) * vae.config.scaling_factor
    expected = torch.cat([image_tokens, mask_tokens], dim=-1)
    assert torch.equal(fill_condition(normalised, mask, 2), expected)
    assert pack_mask(mask, 2).shape == (2, 64, 16)


def test_tiny_transformer_tokenizes_words_stably():
    model = tiny_own_transformer()
    ids = model.tokenize(["A red ball!", "a  RED ball", ""])
    assert torch.equal(ids[0], ids[1])
    assert ids[0, :3].min() > 0 and ids[0, 3:].eq(0).all()
    assert ids[2].eq(0).all() and ids.shape == (3, 8)


def test_rgba_vae_starts_from_the_rgb_vae():
    from engine.nets.rgba_vae import from_model_range, rgba_vae_from_rgb, to_model_range

    torch.manual_seed(0)
    rgb = tiny_vae().eval()
    rgba = rgba_vae_from_rgb(rgb).eval()
    assert rgba.config.in_channels == rgba.config.out_channels == 4
    assert rgba.config.latent_channels == rgb.config.latent_channels
    assert all(p.requires_grad for p in rgba.parameters())

    layer = torch.rand(1, 4, 32, 32)
    layer[:, :3] *= layer[:, 3:]  # premultiplied
    x = to_model_range(layer)
    with torch.no_grad():
        # The alpha input starts at zero weight: latents = the RGB VAE's latents of the premultiplied colour.
        assert torch.allclose(rgba.encode(x).latent_dist.mean, rgb.encode(x[:, :3]).latent_dist.mean, atol=1e-6)
        z = torch.randn(1, 4, 16, 16)
        decoded, decoded_rgb = rgba.decode(z).sample, rgb.decode(z).sample
    assert torch.allclose(decoded[:, :3], decoded_rgb, atol=1e-6)
    assert torch.allclose(decoded[:, 3], decoded_rgb.mean(1), atol=1e-5)
    premultiplied = from_model_range(decoded)
    assert premultiplied.min() >= 0 and premultiplied.max() <= 1
    assert (premultiplied[:, :3] <= premultiplied[:, 3:]).all()


def test_compositor_predicts_a_correction_of_the_background():
    from engine.nets.compositor import LatentCompositor

    compositor = LatentCompositor(latent_channels=4, hidden_channels=8, num_layers=3)
    fg, bg = torch.randn(2, 4, 8, 8), torch.randn(2, 4, 8, 8)
    assert compositor(fg, bg).shape == bg.shape
    torch.nn.init.zeros_(compositor.net[-1].weight)
    torch.nn.init.zeros_(compositor.net[-1].bias)
    assert torch.equal(compositor(fg, bg), bg)


def test_importing_the_nets_package_does_not_import_torch():
    import subprocess
    import sys
    from pathlib import Path

    code = "import sys, engine.nets, engine.training, engine.methods; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "False"


def test_the_condition_encodes_the_whole_background_and_sees_inside_the_box():
    """BFS knows the background: its condition carries the pixels under the box too (not blanked)."""
    from diffusers import FlowMatchEulerDiscreteScheduler

    from engine.nets.fill_backbone import FillBackbone, TinyFillBackbone

    torch.manual_seed(0)
    backbone = TinyFillBackbone(tiny_own_transformer(), tiny_vae(), FlowMatchEulerDiscreteScheduler())
    g = torch.Generator().manual_seed(1)
    background = torch.rand(1, 3, 32, 32, generator=g) * 2 - 1
    mask = torch.zeros(1, 1, 32, 32)
    mask[..., 8:24, 8:24] = 1
    with torch.no_grad():
        condition = backbone.condition(background, mask)
        assert torch.equal(condition, fill_condition(FillBackbone.encode(backbone.vae, background), mask, 2))
        changed = background.clone()
        changed[..., 12:20, 12:20] = -changed[..., 12:20, 12:20]  # only pixels inside the box
        other = backbone.condition(changed, mask)
    inside = pack_mask(mask, 2)[0].amax(dim=1) > 0  # tokens over the box
    latent_channels = 16  # 4 latent channels x 2x2 packing
    delta = (other - condition)[0, :, :latent_channels].abs().amax(dim=1)
    assert delta[inside].max() > 0.05  # the condition sees what is under the box
    assert torch.equal(other[..., latent_channels:], condition[..., latent_channels:])  # same mask


def test_single_stream_text_option_sends_the_message_to_text_tokens_too():
    """Image-only (default): the single-stream blocks leave text tokens alone; text option (the
    release): the exchange runs over [text; image] with the full RoPE and reaches the text tokens."""
    from engine.nets.dual_branch import DualBranchAttnProcessor

    torch.manual_seed(0)
    backbone = tiny_flux_transformer()
    inputs = flux_inputs(2)
    with torch.no_grad():
        reference = backbone(**inputs)[0]
    outputs = {}
    for text in (False, True):
        model = DualBranchTransformer(copy.deepcopy(backbone), single_stream_text=text)
        with torch.no_grad():
            assert torch.equal(model(**inputs)[0], reference)  # zero-initialised: the backbone exactly
        randomise(model.trainable_parameters())
        attn = model.backbone.single_transformer_blocks[0].attn
        processor = attn.processor
        assert isinstance(processor, DualBranchAttnProcessor) and processor.single_stream_text is text
        n_text, n_image = 7, 64
        tokens = torch.randn(2, n_text + n_image, 32)
        rope = backbone.pos_embed(torch.cat([torch.zeros(n_text, 3), image_ids(H, W)]))
        with torch.no_grad():
            own = processor.inner(attn, tokens, None, None, rope)
            out = processor(attn, tokens, image_rotary_emb=rope, bfs_image_tokens=n_image)
            outputs[text] = model(**inputs)[0]
        bridge = model.bridges["single_transformer_blocks_0"]
        if text:
            with torch.no_grad():
                assert torch.allclose(out, own + bridge(attn, tokens, rope), atol=1e-6)
            assert not torch.allclose(out[:, :n_text], own[:, :n_text], atol=1e-4)
        else:
            assert torch.equal(out[:, :n_text], own[:, :n_text])
            assert not torch.allclose(out[:, n_text:], own[:, n_text:], atol=1e-4)
    assert not torch.allclose(outputs[False], outputs[True], atol=1e-4)


def test_rgba_conventions_convert_at_the_vaes_door():
    from engine.nets.rgba_vae import from_model_range, to_model_range

    g = torch.Generator().manual_seed(0)
    straight = torch.rand(2, 4, 8, 8, generator=g)
    straight[:, 3:, :2] = 0  # some fully transparent pixels
    premultiplied = torch.cat([straight[:, :3] * straight[:, 3:], straight[:, 3:]], dim=1)
    assert torch.equal(to_model_range(premultiplied), premultiplied * 2 - 1)
    as_straight = to_model_range(premultiplied, "straight")
    visible = straight[:, 3:].expand(-1, 3, -1, -1) > 0
    assert torch.allclose(((as_straight[:, :3] + 1) / 2)[visible], straight[:, :3][visible], atol=1e-5)
    assert (as_straight[:, :3][~visible] == -1).all()  # colour under full transparency: 0
    # Decoding either way gives the same premultiplied layer back.
    for convention in ("premultiplied", "straight"):
        back = from_model_range(to_model_range(premultiplied, convention), convention)
        assert torch.allclose(back, premultiplied, atol=1e-5), convention
    with pytest.raises(ValueError, match="unknown RGBA convention"):
        to_model_range(premultiplied, "linear")
