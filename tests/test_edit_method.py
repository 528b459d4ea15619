"""The text edit (LayerDiffusion, engine.methods.edit) on a tiny random Stable Diffusion model
loaded through the real loading code: masked losses, the embedding optimisation, LoRA and full
fine-tuning, eq. 3 and eq. 8, cancel in each phase, and the model left as it was."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.box import Box
from engine.errors import Cancelled, InvalidInput
from engine.methods import edit
from engine.methods.edit import EditRequest, edit_image
from engine.testing import tiny


@pytest.fixture(scope="module")
def model():
    from engine.models.loading import load_pipeline

    torch.manual_seed(0)
    torch.set_num_threads(1)  # small tensors: threads only add contention on a shared machine
    return load_pipeline(str(tiny.cached_tiny("sd")), device="cpu", dtype="float32")


@pytest.fixture(scope="module")
def scene():
    from skimage import data

    import cv2

    image = cv2.resize(data.chelsea(), (80, 64), interpolation=cv2.INTER_AREA)  # the cat
    mask = np.zeros((64, 80), bool)
    mask[8:60, 16:56] = True
    return image, mask


def small_request(scene, **kw):
    image, mask = scene
    options = dict(subject="a cat jumping", background="in a snowy forest", mask=mask,
                   embedding_steps=4, finetune_steps=3, guidance_steps=4, resolution=64)
    options.update(kw)
    return EditRequest(image, **options)


def unet_state(model):
    return {k: v.detach().clone() for k, v in model.pipeline.unet.state_dict().items()}


def assert_unchanged(model, before):
    after = model.pipeline.unet.state_dict()
    assert set(after) == set(before)  # no adapter left behind
    assert all(torch.equal(after[k], before[k]) for k in before)


def setup_tensors(model, scene):
    pipe = model.pipeline
    image, mask = scene
    x0, _ = edit.encode_image(pipe, image, (64, 64), "cpu")
    m = edit.mask_at(mask, x0.shape[-2:], "cpu")
    e_a, e_b = (edit.encode_text(pipe, t, "cpu") for t in ("a cat jumping", "in the snow"))
    from diffusers import DDPMScheduler

    return x0, m, e_a, e_b, DDPMScheduler.from_config(pipe.scheduler.config)


# -- inputs ---------------------------------------------------------------------------------------
def test_a_combined_prompt_is_split_into_subject_and_background():
    assert edit.split_prompt("a dog jumping in a snowy forest") == ("a dog jumping",
                                                                    "in a snowy forest")
    assert edit.split_prompt("a red car, night city") == ("a red car", "night city")
    assert edit.resolve_texts("", "a cat on a sofa") == ("a cat", "on a sofa")
    assert edit.resolve_texts("a cat", "in space") == ("a cat", "in space")
    with pytest.raises(InvalidInput, match="cannot be split"):
        edit.split_prompt("a dog")
    with pytest.raises(InvalidInput, match="no text"):
        edit.resolve_texts(" ", "")


def test_bad_requests_are_refused_in_one_line(scene):
    image, mask = scene
    bad = [dict(mask=None), dict(mask=np.zeros_like(mask)), dict(mask=np.ones_like(mask)),
           dict(mask=mask[:10]), dict(alpha=1.5), dict(guidance_steps=0),
           dict(finetune="half"), dict(embedding_lr=0.0), dict(results=0),
           dict(subject="", background=""), dict(box=Box(90, 0, 20, 20), mask=None)]
    for kw in bad:
        with pytest.raises(InvalidInput):
            edit.check_inputs(small_request(scene, **kw))
    assert edit.check_inputs(small_request(scene)) == ("a cat jumping", "in a snowy forest")


def test_a_box_is_refined_into_a_subject_mask_by_the_segmenter(scene):
    image, _ = scene
    mask = edit.subject_mask(small_request(scene, mask=None, box=Box(16, 8, 40, 52)))
    assert mask.shape == image.shape[:2] and mask.any()
    assert not mask[:, :14].any() and not mask[:, 58:].any()  # nothing outside the box


# -- eq. 2, 4, 5: masked losses ----------------------------------------------------------------
def test_masked_losses_ignore_pixels_outside_their_mask():
    torch.manual_seed(1)
    prediction = torch.randn(1, 4, 8, 8, requires_grad=True)
    target = torch.randn(1, 4, 8, 8)
    mask = torch.zeros(1, 1, 8, 8)
    mask[..., 2:6, 1:5] = 1.0
    for m in (mask, 1 - mask):  # L_obj's mask and L_bg's
        prediction.grad = None
        edit.masked_loss(prediction, target, m).backward()
        outside = (m == 0).expand_as(prediction)
        assert torch.all(prediction.grad[outside] == 0)
        assert torch.all(prediction.grad[~outside] != 0)
    # Changing the prediction outside the mask does not change the loss.
    changed = prediction.detach().clone()
    changed[(mask == 0).expand_as(changed)] += 5.0
    assert torch.isclose(edit.masked_loss(changed, target, mask),
                         edit.masked_loss(prediction.detach(), target, mask))


def test_eq2_gradients_reach_each_embedding_only_from_its_own_region(model, scene):
    """Pixels outside the subject mask do not move e_a (zero gradient when only they differ)."""
    x0, m, e_a, e_b, noise_scheduler = setup_tensors(model, scene)
    unet = model.pipeline.unet
    unet.requires_grad_(False)
    e = torch.cat([e_a, e_b]).requires_grad_(True)
    eps = edit.unet_eps(unet, x0.expand(2, -1, -1, -1), torch.tensor([500, 500]), e)
    # A target equal to the prediction inside the subject: L_obj's gradient is then zero.
    target = torch.where(m.expand_as(eps[:1]) > 0, eps[:1].detach(), torch.randn_like(eps[:1]))
    edit.masked_loss(eps[:1], target, (m == 1).float()).backward()
    assert torch.count_nonzero(e.grad[0]) == 0


# -- eq. 2: the embedding optimisation ---------------------------------------------------------
def test_the_embedding_optimisation_lowers_its_loss(model, scene):
    x0, m, e_a, e_b, noise_scheduler = setup_tensors(model, scene)
    unet = model.pipeline.unet
    gen = torch.Generator().manual_seed(3)
    fixed = [edit._noisy(noise_scheduler, x0, gen, batch=2) for _ in range(6)]

    def eq2(a, b):
        with torch.no_grad():
            return float(sum(edit.masked_loss(eps[:1], target, m)
                             + edit.masked_loss(eps[1:], target, 1 - m)
                             for x_t, t, target in fixed
                             for eps in [edit.unet_eps(unet, x_t, t, torch.cat([a, b]))]))

    before = unet_state(model)
    a_hat, b_hat, losses = edit.optimise_embeddings(
        unet, noise_scheduler, x0, m, e_a, e_b, 30, 5e-2, torch.Generator().manual_seed(0))
    assert len(losses) == 30
    assert eq2(a_hat, b_hat) < 0.99 * eq2(e_a, e_b)
    assert not torch.equal(a_hat, e_a) and not torch.equal(b_hat, e_b)
    assert_unchanged(model, before)  # the model is frozen


# -- eq. 3 --------------------------------------------------------------------------------------
def test_alpha_interpolation():
    a, b = torch.full((1, 77, 32), 2.0), torch.full((1, 77, 32), -1.0)
    assert torch.allclose(edit.interpolate(a, b, 0.7), torch.full_like(a, 0.7 * 2 - 0.3))
    assert torch.equal(edit.interpolate(a, b, 1.0), a)
    assert torch.equal(edit.interpolate(a, b, 0.0), b)


# -- eqs. 4-6: fine-tuning ---------------------------------------------------------------------
def test_lora_finetuning_changes_only_adapter_weights_and_is_discarded(model, scene):
    x0, m, e_a, e_b, noise_scheduler = setup_tensors(model, scene)
    unet = model.pipeline.unet
    before = unet_state(model)
    restore = edit.keep_original(unet, "lora")
    edit.add_lora(unet, 4)
    lora_before = {k: v.clone() for k, v in unet.state_dict().items() if "lora" in k}
    assert lora_before
    losses = edit.finetune_model(unet, noise_scheduler, x0, m, edit.interpolate(e_a, e_b, 0.7),
                                 5, 1e-2, 2.0, 1.0, torch.Generator().manual_seed(0))
    assert len(losses) == 5
    state = unet.state_dict()
    base = {k: v for k, v in state.items() if "lora" not in k}
    changed_lora = [k for k in lora_before if not torch.equal(state[k], lora_before[k])]
    assert changed_lora
    # peft wraps the base layers ("...to_q.base_layer.weight"): same values as before.
    for k, v in base.items():
        assert torch.equal(v, before[k.replace(".base_layer", "")]), k
    restore()
    assert_unchanged(model, before)


def test_lora_finetuning_lowers_the_layered_loss(model, scene):
    """Eq. 6 on fixed noise samples, before and after 40 LoRA steps: the model fits the picture."""
    x0, m, e_a, e_b, noise_scheduler = setup_tensors(model, scene)
    unet = model.pipeline.unet
    e_opt = edit.interpolate(e_a, e_b, 0.7)
    gen = torch.Generator().manual_seed(4)
    fixed = [edit._noisy(noise_scheduler, x0, gen) for _ in range(8)]

    def eq6():
        with torch.no_grad():
            return float(sum(2 * edit.masked_loss(eps, target, m)
                             + edit.masked_loss(eps, target, 1 - m)
                             for x_t, t, target in fixed
                             for eps in [edit.unet_eps(unet, x_t, t, e_opt)]))

    restore = edit.keep_original(unet, "lora")
    try:
        before = eq6()
        edit.add_lora(unet, 4)
        edit.finetune_model(unet, noise_scheduler, x0, m, e_opt, 40, 1e-2, 2.0, 1.0,
                            torch.Generator().manual_seed(0))
        assert eq6() < 0.9 * before
    finally:
        restore()


def test_full_finetuning_changes_the_model_and_is_put_back(model, scene):
    x0, m, e_a, e_b, noise_scheduler = setup_tensors(model, scene)
    unet = model.pipeline.unet
    before = unet_state(model)
    restore = edit.keep_original(unet, "full")
    edit.finetune_model(unet, noise_scheduler, x0, m, e_a, 2, 1e-3, 2.0, 1.0,
                        torch.Generator().manual_seed(0), full=True)
    state = unet.state_dict()
    assert sum(not torch.equal(state[k], before[k]) for k in before) > len(before) // 2
    restore()
    assert_unchanged(model, before)


# -- eq. 8 --------------------------------------------------------------------------------------
class Spy:
    """Records the text condition of every UNet call (a forward pre-hook)."""

    def __init__(self, unet):
        self.calls = []
        self.handle = unet.register_forward_pre_hook(self, with_kwargs=True)

    def __call__(self, module, args, kwargs):
        self.calls.append(kwargs["encoder_hidden_states"].detach().clone())

    def close(self):
        self.handle.remove()


@pytest.mark.parametrize("steps", [5, 6])
def test_iterative_guidance_alternates_as_eq8(model, steps):
    from diffusers import DDIMScheduler

    pipe = model.pipeline
    e_a, e_opt, e_null = (torch.full((1, 77, 32), v) for v in (1.0, 2.0, 0.0))
    spy = Spy(pipe.unet)
    try:
        edit.iterative_guidance(pipe.unet, DDIMScheduler.from_config(pipe.scheduler.config),
                                e_a, e_opt, e_null, (1, 4, 8, 8), 0, steps, 7.5)
    finally:
        spy.close()
    assert len(spy.calls) == steps
    for k, condition in enumerate(spy.calls):
        t = steps - k  # step k takes I_t to I_{t-1}
        assert torch.equal(condition[0], e_null[0])  # classifier-free guidance's empty prompt
        assert torch.equal(condition[1], (e_a if t % 2 == 0 else e_opt)[0]), k


def test_the_whole_edit_samples_with_e_a_and_the_alpha_interpolation(model, scene):
    """With no embedding steps e^_a = tau(T_a), e^_b = tau(T_b): the sampling conditions are then
    known, so eq. 3 (alpha = 0.3) and eq. 8 are checked through the whole method."""
    pipe = model.pipeline
    e_a = edit.encode_text(pipe, "a cat jumping", "cpu")
    e_b = edit.encode_text(pipe, "in a snowy forest", "cpu")
    spy = Spy(pipe.unet)
    try:
        edit_image(small_request(scene, embedding_steps=0, finetune_steps=1, guidance_steps=5,
                                 alpha=0.3), model=model)
    finally:
        spy.close()
    sampling = spy.calls[-5:]
    e_opt = 0.3 * e_a + 0.7 * e_b
    for k, condition in enumerate(sampling):
        expected = e_a if (5 - k) % 2 == 0 else e_opt
        assert torch.allclose(condition[1], expected[0], atol=1e-6), k


# -- the whole method --------------------------------------------------------------------------
def test_edit_makes_pictures_reports_one_bar_and_leaves_the_model_as_it_was(model, scene):
    before = unet_state(model)
    seen = []
    result = edit_image(small_request(scene, results=2, keep_weights=True),
                        lambda s, t, p=None: seen.append((s, t, p)), model=model)
    assert len(result.images) == 2 and result.seeds == [0, 1]
    assert all(im.shape == (64, 80, 3) and im.dtype == np.uint8 for im in result.images)
    assert not np.array_equal(result.images[0], result.images[1])
    steps = [s for s, _, _ in seen]
    total = 4 + 3 + 4 * 2
    assert steps == sorted(steps) and steps[-1] == total and {t for _, t, _ in seen} == {total}
    assert any(p is not None for _, _, p in seen[-8:])  # sampling previews
    names = [edit.phase_at(edit.phase_weights(small_request(scene, results=2)), s)
             for s in range(total)]
    assert names == ["embeddings"] * 4 + ["finetune"] * 3 + ["sample"] * 8
    assert set(result.timings) == {"embeddings_s", "finetune_s", "sample_s"}
    assert len(result.losses["embeddings"]) == 4 and len(result.losses["finetune"]) == 3
    r = result.recipe
    assert (r["subject"], r["background"], r["alpha"], r["seed"]) == (
        "a cat jumping", "in a snowy forest", 0.7, 0)
    assert (r["embedding_steps"], r["finetune_steps"], r["guidance_steps"]) == (4, 3, 4)
    assert result.weights and all("lora" in k for k in result.weights)
    assert_unchanged(model, before)
    # Same seed, same pictures.
    again = edit_image(small_request(scene, results=1), model=model)
    assert np.array_equal(again.images[0], result.images[0])


@pytest.mark.parametrize("phase", ["embeddings", "finetune", "sample"])
def test_cancel_stops_each_phase_and_leaves_the_model_as_it_was(model, scene, phase):
    request = small_request(scene, finetune="full" if phase == "finetune" else "lora")
    weights = edit.phase_weights(request)
    before = unet_state(model)
    seen = []

    def progress(step, total, preview=None):
        seen.append(step)
        if edit.phase_at(weights, step - 1) == phase:  # the first step of the phase is done
            raise Cancelled()

    with pytest.raises(Cancelled):
        edit_image(request, progress, model=model)
    start = sum(max(1, w) for name, w in weights.items()
                if list(weights).index(name) < list(weights).index(phase))
    assert seen[-1] == start + 1  # stopped within one step of the phase
    assert_unchanged(model, before)


def test_an_inpainting_model_serves_too(scene):
    from engine.models.loading import load_pipeline

    inpaint = load_pipeline(str(tiny.cached_tiny("sd-inpaint")), device="cpu", dtype="float32")
    assert inpaint.pipeline.unet.config.in_channels == 9
    result = edit_image(small_request(scene, embedding_steps=2, finetune_steps=2,
                                      guidance_steps=2), model=inpaint)
    assert result.images[0].shape == (64, 80, 3)
