"""engine.methods.add_foreground: inputs, geometry, extraction, progress, cancel, memory.

Exact behaviour is tested with a scripted pipeline whose painting is known
(a red disc and a half-dark shadow in the masked region); the real diffusers
path is tested with the tiny random-weight pipelines of all three families,
loaded from disk through engine.models.
"""
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from engine.box import Box
from engine.compose import over, to_float
from engine.errors import Cancelled, InvalidInput, OutOfMemory
from engine.methods.add_foreground import (AddForegroundRequest, add_foreground, check_inputs,
                                           plan_regions)
from engine.models.catalogue import info_for_unlisted
from engine.models.devices import DevicePlan
from engine.models.loading import LoadedModel, load_pipeline
from engine.models.locate import ModelSource
from engine.progress import CancelToken, cancellable
from engine.testing import tiny

torch.set_num_threads(1)


# -- a scripted pipeline ------------------------------------------------------------------
class ScriptedVAE:
    """Reproduces images exactly, or with a fixed noise pattern (as a real VAE roughly does)."""

    dtype = torch.float32
    config = SimpleNamespace(scaling_factor=1.0, shift_factor=None, force_upcast=False)

    def __init__(self, noise: float = 0.0):
        self.noise = noise

    def encode(self, x):
        return SimpleNamespace(latent_dist=SimpleNamespace(mode=lambda: x.clone()))

    def decode(self, z):
        g = torch.Generator().manual_seed(0)
        noise = (torch.rand(z.shape, generator=g) * 2 - 1) * self.noise * 2  # +-noise in 0..1
        return SimpleNamespace(sample=(z + noise).clamp(-1, 1))


class ScriptedPipeline:
    """Paints a red disc in the middle of the mask and a 50% shadow below it."""

    vae_scale_factor = 8

    def __init__(self, vae_noise: float = 0.0, paint: bool = True):
        self.vae = ScriptedVAE(vae_noise)
        self.paint = paint
        self.calls = []
        self.freed = 0

    def maybe_free_model_hooks(self):
        self.freed += 1

    def __call__(self, *, prompt, image, mask_image, width, height, num_inference_steps,
                 callback_on_step_end, **kwargs):
        self.calls.append(dict(prompt=prompt, width=width, height=height, **kwargs))
        assert image.size == (width, height) and mask_image.size == (width, height)
        self.num_timesteps = num_inference_steps
        for i in range(num_inference_steps):
            callback_on_step_end(self, i, 1000 - i, {"latents": torch.zeros(1, 3, height, width)})
        x = torch.from_numpy(np.asarray(image, np.float32) / 255).permute(2, 0, 1)[None] * 2 - 1
        # Like a real model, unchanged areas come back as the VAE reproduces them.
        out = (self.vae.decode(x).sample[0].permute(1, 2, 0).numpy() + 1) / 2
        if self.paint:
            ys, xs = np.nonzero(np.asarray(mask_image) > 127)
            cy, cx = (ys.min() + ys.max()) / 2, (xs.min() + xs.max()) / 2
            r = (ys.max() - ys.min()) / 5
            yy, xx = np.mgrid[:height, :width]
            shadow = (np.abs(yy - (cy + 1.5 * r)) < r / 3) & (np.abs(xx - cx) < 1.5 * r)
            out[shadow] *= 0.5
            out[(yy - cy) ** 2 + (xx - cx) ** 2 <= r * r] = (1.0, 0.0, 0.0)
        return SimpleNamespace(images=[out.astype(np.float32)])


def scripted(pipe=None, family="sd-inpaint") -> LoadedModel:
    pipe = pipe or ScriptedPipeline()
    info = info_for_unlisted("scripted", family)
    return LoadedModel(pipe, ModelSource("scripted", "folder", None, family, info), DevicePlan())


def background(width=400, height=300, seed=0):
    rng = np.random.default_rng(seed)
    base = np.linspace(60, 200, width, dtype=np.float32)[None, :, None]
    img = base + rng.normal(0, 12, (height, width, 3))
    return np.clip(img, 0, 255).astype(np.uint8)


def composite_on(bg, result):
    """The background with the candidate's layer on top, at full resolution (float RGB)."""
    out = to_float(bg).copy()
    c = result.best
    h, w = c.layer.shape[:2]
    out[c.y:c.y + h, c.x:c.x + w] = over(to_float(c.layer), out[c.y:c.y + h, c.x:c.x + w])
    return out


# -- inputs ---------------------------------------------------------------------------
@pytest.mark.parametrize("changes, message", [
    (dict(box=Box(10, 10, 0, 20)), "box is empty"),
    (dict(box=Box(500, 10, 20, 20)), "outside the 400x300 image"),
    (dict(box=Box(398, 10, 20, 20)), "box is too small"),
    (dict(prompt="   "), "prompt is empty"),
    (dict(background=np.zeros((10, 300, 3), np.uint8)), "image is too small"),
    (dict(background=np.zeros((300, 400, 3), np.float32)), "8-bit"),
    (dict(steps=0), "Steps must be"),
    (dict(candidates=9), "Candidates must be"),
    (dict(seed=-1), "seed"),
    (dict(guidance=-2.0), "Guidance"),
])
def test_bad_requests_are_explained(changes, message):
    request = AddForegroundRequest(background(), Box(100, 100, 50, 50), "a cat")
    for key, value in changes.items():
        setattr(request, key, value)
    with pytest.raises(InvalidInput, match=message):
        add_foreground(request, model=scripted())


def test_transparent_background_is_taken_as_white():
    rgba = np.zeros((40, 40, 4), np.uint8)
    rgba[:20, :, :] = (10, 20, 30, 255)
    bg, box = check_inputs(AddForegroundRequest(rgba, Box(0, 0, 100, 100), "x"))
    assert bg.shape == (40, 40, 3) and box == Box(0, 0, 40, 40)
    assert (bg[:20] == (10, 20, 30)).all() and (bg[20:] == 255).all()


def test_regions_grow_around_the_box_and_stay_in_the_image():
    region, window = plan_regions(Box(150, 100, 80, 80), 400, 300, 0.25, 0.5)
    assert region == Box(130, 80, 120, 120)
    assert window == Box(70, 20, 240, 240)
    region, window = plan_regions(Box(0, 0, 50, 40), 400, 300, 0.25, 0.5)
    assert region == Box(0, 0, 62, 52) and window.x == 0 and window.y == 0
    _, window = plan_regions(Box(0, 140, 400, 10), 400, 300, 0.0, 0.0)
    assert window.w <= 2 * window.h  # slivers get context to 2:1


# -- geometry and extraction, with the scripted pipeline -------------------------------------
def test_layer_at_working_scale_one_holds_the_disc_and_its_shadow():
    """The painting is the background with an opaque red disc and a 50 % shadow below it:
    the layer is the disc (opaque) and the shadow (translucent black, its opacity from the
    low-frequency change, so soft at its hard edges); everywhere else the original shows."""
    bg = background()
    request = AddForegroundRequest(bg, Box(150, 100, 80, 80), "a red ball", steps=3,
                                   resolution=240)
    result = add_foreground(request, model=scripted())
    assert result.window == Box(70, 20, 240, 240) and result.working_size == (240, 240)
    cand = result.best
    assert cand.layer.dtype == np.uint8 and cand.layer.shape[2] == 4
    assert cand.recipe["extraction"] == "extract"
    # The painted picture, placed in the window of the original background:
    expected = to_float(bg).copy()
    expected[20:260, 70:310] = to_float(cand.generated)
    error = np.abs(composite_on(bg, result) - expected).max(axis=2) * 255
    r = 119 / 5
    cy, cx = 80 + 60, 130 + 60
    yy, xx = np.mgrid[:300, :400]
    disc_edge = np.abs(np.hypot(yy - cy, xx - cx) - r) <= 2.5
    sy = cy + 1.5 * r
    shadow_and_rim = (np.abs(yy - sy) < r / 3 + 4) & (np.abs(xx - cx) < 1.5 * r + 4)
    assert np.percentile(error[~disc_edge & ~shadow_and_rim], 99.5) <= 1.01
    assert error[~disc_edge & ~shadow_and_rim].max() <= 3.0  # the shadow carried under the rim
    # The disc is opaque red and centred on the region; the shadow is black at about 50%.
    ly, lx = cy - cand.y, cx - cand.x
    assert tuple(cand.layer[ly, lx]) == (255, 0, 0, 255)
    row = cand.layer[int(sy) - cand.y, lx - int(r) + 4:lx + int(r) - 4]
    assert abs(np.median(row[:, 3]) / 255 - 0.5) < 0.1 and row[:, :3].max() <= 8
    # Nothing outside the painted shapes: from the disc's top (cy - r) to the shadow's
    # bottom (cy + 1.5r + r/3), and as wide as the shadow (3r), give or take its soft rim.
    opaque = np.argwhere(cand.layer[..., 3] > 0)
    height, width = (opaque.max(0) - opaque.min(0) + 1)
    assert height <= (1 + 1.5 + 1 / 3) * r + 8 and width <= 3 * r + 8


@pytest.mark.parametrize("resolution", [120, 480])  # the window is enlarged / shrunk back
def test_layer_is_placed_at_full_resolution_when_scaled(resolution):
    bg = background()
    request = AddForegroundRequest(bg, Box(150, 100, 80, 80), "a red ball", steps=2,
                                   resolution=resolution)
    result = add_foreground(request, model=scripted())
    assert result.working_size == (resolution, resolution)
    cand = result.best
    red = (cand.layer[..., 0] > 200) & (cand.layer[..., 1] < 40) & (cand.layer[..., 3] > 250)
    ys, xs = np.nonzero(red)
    # The disc's centre maps back to the region's centre, within a pixel.
    assert abs(cand.y + ys.mean() - 140) < 1.0 and abs(cand.x + xs.mean() - 190) < 1.0
    reddish = (cand.layer[..., 0] > 200) & (cand.layer[..., 1] < 40)
    radius = np.sqrt(cand.layer[..., 3][reddish].sum() / 255 / np.pi)  # soft edges count in part
    assert abs(radius - 120 / 5) < 1.0
    # The layer over the original background matches the painting scaled to full size.
    import cv2

    painted = cv2.resize(cand.generated, (240, 240), interpolation=cv2.INTER_CUBIC
                         if resolution < 240 else cv2.INTER_AREA)
    composite = composite_on(bg, result)[20:260, 70:310]
    inside = np.zeros((240, 240), bool)
    inside[60:180, 60:180] = True
    err = np.abs(composite - to_float(painted))[inside & (cv2.resize(
        cand.generated[..., 0], (240, 240)) > 0)].mean() * 255
    assert err < 12  # resampling differences only, at the edges


def test_nothing_painted_gives_an_empty_layer():
    result = add_foreground(AddForegroundRequest(background(), Box(150, 100, 80, 80), "nothing",
                                                 steps=1, resolution=240),
                            model=scripted(ScriptedPipeline(paint=False)))
    assert result.best.layer.shape == (0, 0, 4)
    assert result.best.figures["coverage"] == 0.0


def test_vae_noise_does_not_become_alpha():
    """Un-blending against the VAE's reproduction leaves unchanged areas clear."""
    pipe = ScriptedPipeline(vae_noise=3 / 255)
    result = add_foreground(AddForegroundRequest(background(), Box(150, 100, 80, 80), "a red ball",
                                                 steps=1, resolution=240), model=scripted(pipe))
    cand = result.best
    assert cand.figures["vae_mae"] > 1.0  # the VAE really changed the background
    # Alpha only on the disc and shadow (as without noise), not across the region.
    assert cand.layer.shape[0] * cand.layer.shape[1] < 0.5 * 120 * 120
    from engine.compose import unblend

    naive = unblend(cand.generated, result_background(result))[..., 3]
    assert (naive > 0).mean() > 0.5  # against the original, noise would have been alpha


class RepaintingPipeline(ScriptedPipeline):
    """Like an inpainting model: the whole masked region comes back re-rendered (texture
    moved by 2 pixels, new grain, a slight colour drift), with the red disc and its shadow."""

    def __call__(self, *, image, mask_image, **kwargs):
        result = super().__call__(image=image, mask_image=mask_image, **kwargs)
        painted = result.images[0]
        original = np.asarray(image, np.float32) / 255
        inside = np.asarray(mask_image) > 127
        rng = np.random.default_rng(1)
        redrawn = np.clip(np.roll(original, (2, -2), axis=(0, 1)) * 1.03 + 0.01
                          + rng.normal(0, 2 / 255, original.shape), 0, 1)
        changed = np.abs(painted - original).max(axis=2) > 1e-6   # the disc and the shadow
        keep = inside & ~changed
        painted[keep] = redrawn[keep]
        shadow = inside & changed & (painted[..., 1] > 0.01)      # not the red disc
        painted[shadow] = redrawn[shadow] * 0.5
        return SimpleNamespace(images=[painted.astype(np.float32)])


def test_candidates_leave_repainted_background_out():
    """The inpaint method's candidates come from the new extraction: the re-rendered
    background around the object stays transparent (a per-pixel un-blend would cover it)."""
    bg = background()
    result = add_foreground(AddForegroundRequest(bg, Box(150, 100, 80, 80), "a red ball",
                                                 steps=1, resolution=240),
                            model=scripted(RepaintingPipeline()))
    cand = result.best
    full = np.zeros(bg.shape[:2], np.float32)
    h, w = cand.layer.shape[:2]
    full[cand.y:cand.y + h, cand.x:cand.x + w] = cand.layer[..., 3] / 255
    r, cy, cx = 119 / 5, 140, 190
    yy, xx = np.mgrid[:300, :400]
    disc = np.hypot(yy - cy, xx - cx) <= r - 2
    shadow = (np.abs(yy - (cy + 1.5 * r)) < r / 3 - 3) & (np.abs(xx - cx) < 1.5 * r - 3)
    objects = (np.hypot(yy - cy, xx - cx) <= r + 6) | (
        (np.abs(yy - (cy + 1.5 * r)) < r / 3 + 6) & (np.abs(xx - cx) < 1.5 * r + 6))
    region = np.zeros_like(disc)
    region[result.region.slices()] = True
    assert (full[disc] == 1.0).mean() > 0.99
    assert 0.35 < np.median(full[shadow]) < 0.65
    assert (full[region & ~objects] > 0.1).mean() < 0.01
    from engine.compose import unblend_alpha

    naive = np.zeros(bg.shape[:2], np.float32)
    window = result.window
    naive[window.slices()] = unblend_alpha(cand.generated, result_background(result))
    assert (naive[region & ~objects] > 0.1).mean() > 0.5   # what a per-pixel un-blend keeps


def result_background(result):
    import cv2

    bg = background()
    w = result.window
    return cv2.resize(bg[w.slices()], result.working_size, interpolation=cv2.INTER_CUBIC)


def test_candidates_use_successive_seeds_and_store_recipes():
    pipe = ScriptedPipeline()
    request = AddForegroundRequest(background(), Box(150, 100, 80, 80), "  a red ball ", seed=41,
                                   steps=2, candidates=3, guidance=5.5, negative_prompt="blur",
                                   resolution=120)
    result = add_foreground(request, model=scripted(pipe))
    assert [c.seed for c in result.candidates] == [41, 42, 43]
    assert [c["generator"].initial_seed() for c in pipe.calls] == [41, 42, 43]
    assert pipe.calls[0]["prompt"] == "a red ball" and pipe.calls[0]["negative_prompt"] == "blur"
    assert pipe.calls[0]["strength"] == 1.0 and pipe.calls[0]["guidance_scale"] == 5.5
    recipe = result.candidates[2].recipe
    assert recipe["method"] == "add_foreground" and recipe["seed"] == 43
    assert recipe["box"] == [150, 100, 80, 80] and recipe["steps"] == 2
    import json

    json.dumps(recipe)  # stored in files as JSON


def test_flux_gets_no_negative_prompt():
    pipe = ScriptedPipeline()
    add_foreground(AddForegroundRequest(background(), Box(150, 100, 80, 80), "x", steps=1,
                                        resolution=128, negative_prompt="blur"),
                   model=scripted(pipe, "flux-fill"))
    assert "negative_prompt" not in pipe.calls[0]
    assert pipe.calls[0]["width"] % 16 == 0


def test_progress_is_monotonic_reaches_total_and_carries_previews():
    seen = []
    request = AddForegroundRequest(background(), Box(150, 100, 80, 80), "x", steps=4,
                                   candidates=2, resolution=120)
    add_foreground(request, lambda s, t, p=None: seen.append((s, t, p)), model=scripted())
    steps = [s for s, _, _ in seen]
    assert steps == sorted(steps) and steps[-1] == seen[-1][1] == 1 + 2 * 5
    assert len({t for _, t, _ in seen}) == 1
    previews = [p for _, _, p in seen if p is not None]
    assert len(previews) == 8 and previews[0].dtype == np.uint8 and previews[0].shape[2] == 3


def test_cancel_stops_within_one_step_and_frees():
    pipe = ScriptedPipeline()
    token = CancelToken()

    def report(step, total, preview=None):
        if step == 3:  # during the second denoising step
            token.cancel()

    request = AddForegroundRequest(background(), Box(150, 100, 80, 80), "x", steps=10,
                                   resolution=120)
    with pytest.raises(Cancelled):
        add_foreground(request, cancellable(token, report), model=scripted(pipe))
    assert pipe.freed == 1


# -- the real diffusers pipelines (tiny random weights, loaded from disk) ----------------------
@pytest.fixture(scope="module", params=tiny.FAMILIES)
def tiny_model(request):
    return load_pipeline(str(tiny.cached_tiny(request.param)))


def photo():
    from skimage import data

    return np.ascontiguousarray(data.astronaut()[::4, ::4])  # 128 x 128


def test_tiny_models_generate_placed_layers(tiny_model):
    seen = []
    request = AddForegroundRequest(photo(), Box(40, 50, 30, 40), "a red ball", steps=2,
                                   resolution=64, candidates=2)
    result = add_foreground(request, lambda s, t, p=None: seen.append((s, t)), model=tiny_model)
    assert result.working_size == (64, 64)
    assert [s for s, _ in seen] == sorted(s for s, _ in seen) and seen[-1][0] == seen[-1][1]
    w = result.window
    for cand in result.candidates:
        h, wd = cand.layer.shape[:2]
        assert cand.layer.dtype == np.uint8 and cand.layer.shape[2] == 4
        assert w.x <= cand.x and cand.x + wd <= w.x1 and w.y <= cand.y and cand.y + h <= w.y1
        assert cand.generated.shape == (64, 64, 3)
        # A random model repaints the whole region; the layer keeps only what it takes
        # for an object (engine.methods.extract), so it does not give back the painting.
        assert np.isfinite(cand.figures["recompose_mae"])
        assert cand.recipe["family"] == tiny_model.family
        assert cand.recipe["extraction"] == "extract"
    assert not np.array_equal(result.candidates[0].generated, result.candidates[1].generated)


def test_tiny_models_are_deterministic_for_a_seed(tiny_model):
    request = AddForegroundRequest(photo(), Box(40, 50, 30, 40), "a red ball", steps=2,
                                   resolution=64, seed=7)
    a = add_foreground(request, model=tiny_model).best
    b = add_foreground(request, model=tiny_model).best
    assert np.array_equal(a.generated, b.generated) and np.array_equal(a.layer, b.layer)
    assert (a.x, a.y) == (b.x, b.y)


def denoiser(model):
    return model.pipeline.transformer if model.family == "flux-fill" else model.pipeline.unet


def test_tiny_model_cancel_within_one_step(tiny_model):
    calls = []
    hook = denoiser(tiny_model).register_forward_pre_hook(lambda m, a: calls.append(1))
    token = CancelToken()

    def report(step, total, preview=None):
        if step == 3:  # "prepare" is step 1; denoising step 2 reports 3
            token.cancel()

    try:
        with pytest.raises(Cancelled):
            add_foreground(AddForegroundRequest(photo(), Box(40, 50, 30, 40), "x", steps=8,
                                                resolution=64),
                           cancellable(token, report), model=tiny_model)
    finally:
        hook.remove()
    assert len(calls) == 2
    # The model is unharmed: the next job runs.
    add_foreground(AddForegroundRequest(photo(), Box(40, 50, 30, 40), "x", steps=1,
                                        resolution=64), model=tiny_model)


@pytest.mark.parametrize("error", [
    torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB"),
    RuntimeError("MPS backend out of memory"),
])
def test_out_of_memory_in_a_model_is_reported(error):
    model = load_pipeline(str(tiny.cached_tiny("sd-inpaint")))

    def fail(module, args):
        raise error

    hook = model.pipeline.unet.register_forward_pre_hook(fail)
    request = AddForegroundRequest(photo(), Box(40, 50, 30, 40), "x", steps=2, resolution=64)
    try:
        with pytest.raises(OutOfMemory) as err:
            add_foreground(request, model=model)
    finally:
        hook.remove()
    assert "ran out of memory on cpu float32" in str(err.value)
    assert "smaller box" in str(err.value)
    assert add_foreground(request, model=model).best.layer.ndim == 3


def test_default_model_comes_from_the_shared_cache(monkeypatch):
    """request.model names a folder; the method loads it through engine.models."""
    from engine.models import loading

    monkeypatch.setattr(loading, "MODELS", loading.ModelCache())
    request = AddForegroundRequest(photo(), Box(40, 50, 30, 40), "x", steps=1, resolution=64,
                                   model=str(tiny.cached_tiny("sd-inpaint")))
    result = add_foreground(request)
    assert result.model == request.model and result.device == "cpu float32"


@pytest.mark.parametrize("family", ["sd-inpaint", "flux-fill"])
def test_latent_preview_reads_the_pipelines_latents(family):
    """The preview undoes the pipeline's latent scaling (and Flux's 2x2 packing) before
    applying the colour map fitted on the background's own latents."""
    import cv2

    from engine.compose import to_uint8
    from engine.methods import inpainting

    pipe = load_pipeline(str(tiny.cached_tiny(family))).pipeline
    image = to_float(cv2.resize(photo(), (64, 64), interpolation=cv2.INTER_AREA))
    _, latents = inpainting.vae_round_trip(pipe, image, "cpu")
    preview = inpainting.LatentPreview(pipe, family, latents, image)
    c, h, w = latents.shape[1:]
    features = np.concatenate([latents[0].numpy().reshape(c, -1).T, np.ones((h * w, 1))], axis=1)
    expected = to_uint8((features @ preview.linear.weights).reshape(h, w, 3))
    config = pipe.vae.config
    step_latents = (latents - (getattr(config, "shift_factor", None) or 0.0)) * config.scaling_factor
    if family == "flux-fill":
        step_latents = type(pipe)._pack_latents(step_latents, 1, c, h, w)
    shown = preview(step_latents)
    assert shown.shape == (8, 8, 3) and shown.dtype == np.uint8
    assert np.abs(shown.astype(int) - expected).max() <= 1
    scrambled = preview(step_latents.flip(1))
    assert np.abs(scrambled.astype(int) - expected).mean() > 1
