"""Each classical step of the decomposition on small synthetic cases with known answers."""
import cv2
import numpy as np
import pytest

from _decompose_scenes import disc_alpha, ground, scene
from engine.box import Box
from engine.methods.decompose_steps.fill import PyramidInpainter, pyramid_fill, synthesise_detail
from engine.methods.decompose_steps.layers import (align, layer_alpha, recomposition_error,
                                                   solve_foreground, to_uint8_layers)
from engine.methods.decompose_steps.matting import UNKNOWN, ClosedFormMatter, make_trimap
from engine.methods.decompose_steps.segment import GrabCutSegmenter, clean_mask, shading_damped
from engine.methods.decompose_steps.shadow import contact_shadow, detect_shadow


def iou(a, b):
    return (a & b).sum() / max(1, (a | b).sum())


def disc_picture(size=128, seed=0):
    bg = ground(size, size, seed, grain=0.05)
    alpha = disc_alpha(size, size, size * 0.5, size * 0.45, size * 0.25, soft=1.0)
    img = alpha[..., None] * np.array([0.8, 0.15, 0.1], np.float32) + (1 - alpha[..., None]) * bg
    return np.clip(np.rint(img * 255), 0, 255).astype(np.uint8), alpha


# -- step 1: segmentation -------------------------------------------------------------------
def test_grabcut_finds_a_clear_object_from_its_box():
    img, alpha = disc_picture()
    valid = np.ones(alpha.shape, bool)
    mask = GrabCutSegmenter()(img, Box(20, 24, 74, 80), None, valid)
    assert iou(mask, alpha > 0.5) > 0.9  # the edge itself is the matting's job


@pytest.mark.parametrize("brightness", [0.3, 0.85])
def test_grabcut_finds_an_object_that_differs_from_the_ground_only_in_brightness(brightness):
    size = 128
    bg = ground(size, size, 0, grain=0.05)
    alpha = disc_alpha(size, size, size * 0.5, size * 0.45, size * 0.25, soft=1.0)
    grey = bg[64, 64] * (brightness / bg[64, 64].mean())  # the ground's hue, lighter or darker
    img = alpha[..., None] * grey + (1 - alpha[..., None]) * bg
    img = np.clip(np.rint(img * 255), 0, 255).astype(np.uint8)
    mask = GrabCutSegmenter()(img, Box(20, 24, 74, 80), None, np.ones(alpha.shape, bool))
    assert iou(mask, alpha > 0.5) > 0.9


def test_damped_lightness_puts_a_shadow_nearer_its_ground_than_the_object():
    ground_rgb, object_rgb = (150, 140, 120), (40, 80, 200)
    shadowed = tuple(round(c * 0.5) for c in ground_rgb)
    pixels = np.array([[ground_rgb, shadowed, object_rgb]], np.uint8)

    def shadow_vs_object(colours):
        g, s, o = colours[0].astype(np.float32)
        return np.linalg.norm(g - s) / np.linalg.norm(g - o)

    full = shadow_vs_object(shading_damped(pixels, 1.0))
    damped = shadow_vs_object(shading_damped(pixels, 0.4))
    assert damped < 0.6 * full
    assert shading_damped(pixels, 0.4).dtype == np.uint8


def test_grabcut_refines_a_rough_brush_mask():
    img, alpha = disc_picture()
    painted = cv2.dilate((alpha > 0.5).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    painted[:, :50] &= alpha[:, :50] > 0.9  # one side painted short of the edge
    mask = GrabCutSegmenter()(img, None, painted, np.ones(alpha.shape, bool))
    assert iou(mask, alpha > 0.5) > 0.88


def test_grabcut_never_marks_transparent_pixels():
    img, alpha = disc_picture()
    valid = np.ones(alpha.shape, bool)
    valid[:, 64:] = False
    mask = GrabCutSegmenter()(img, Box(20, 24, 74, 80), None, valid)
    assert not mask[:, 64:].any() and mask[:, :64].sum() > 500


def test_clean_mask_drops_specks_and_pinholes_but_keeps_real_holes():
    mask = np.zeros((100, 100), bool)
    mask[20:80, 20:80] = True
    mask[50, 50] = False                 # pinhole
    mask[30:45, 30:45] = False           # a real hole (a handle's opening)
    mask[5:7, 90:92] = True              # speck
    out = clean_mask(mask)
    assert out[50, 50] and not out[35, 35] and not out[5, 90]


def test_clean_mask_keeps_a_small_part_near_a_kept_one_when_asked():
    mask = np.zeros((100, 100), bool)
    mask[20:60, 20:80] = True
    mask[64:80, 30:33] = True            # a lower leg, 4 px below the body
    mask[90:92, 90:92] = True            # a speck, far away
    assert not clean_mask(mask)[70, 31]
    out = clean_mask(mask, near=5)
    assert out[70, 31] and not out[90, 90]


def legged_picture(seed=0, size=900):
    """A red body on four 10-px legs over a mottled green ground; each leg's knee (8 px of
    it) shows the ground's colours, as a dark hoof on dark ground or a leg the colour of
    the grass behind it. Returns (picture, object, lower legs, box)."""
    rng = np.random.default_rng(seed)
    blotches = cv2.resize(rng.uniform(0, 1, (size // 24, size // 24, 3)).astype(np.float32),
                          (size, size), interpolation=cv2.INTER_CUBIC)
    ground_rgb = np.array([70, 110, 60]) + 70 * (blotches - 0.5) + rng.normal(0, 8, (size, size, 3))
    obj = np.zeros((size, size), np.uint8)
    knees, lower = np.zeros((size, size), bool), np.zeros((size, size), bool)
    cy = size // 2 - 80
    cv2.ellipse(obj, (size // 2, cy), (220, 120), 0, 0, 360, 1, -1)
    for x in (size // 2 - 160, size // 2 - 110, size // 2 + 110, size // 2 + 160):
        cv2.line(obj, (x, cy + 90), (x, cy + 320), 1, 10)
        knees[cy + 210:cy + 218, x - 10:x + 11] = True
        lower[cy + 218:cy + 330, x - 10:x + 11] = True
    obj = obj > 0
    colour = np.array([190, 80, 60]) + rng.normal(0, 8, (size, size, 3))
    img = np.clip(np.where((obj & ~knees)[..., None], colour, ground_rgb), 0, 255).astype(np.uint8)
    ys, xs = np.nonzero(obj)
    box = Box.from_corners(int(xs.min()) - 20, int(ys.min()) - 20, int(xs.max()) + 20,
                           int(ys.max()) + 20)
    return img, obj, lower & obj, box


@pytest.mark.parametrize("seed", [0, 1])
def test_grabcut_keeps_the_legs_it_pinched_off_at_the_knees(seed):
    # GrabCut works on a reduced crop, where a leg is a few pixels wide: it cuts each leg at
    # its ground-coloured knee, and the lower legs, each far smaller than the body, used to
    # be dropped as specks (and left in the background layer as ghosts).
    img, obj, lower, box = legged_picture(seed)
    mask = GrabCutSegmenter()(img, box, None, np.ones(obj.shape, bool))
    assert (mask & lower).sum() > 0.85 * lower.sum()
    assert (mask & ~obj).sum() < 0.01 * obj.sum()   # and nothing of the ground between them


# -- step 2: matting ------------------------------------------------------------------------
def test_trimap_has_a_narrow_inner_and_wide_outer_band():
    mask = disc_alpha(100, 100, 50, 50, 30, soft=0.01) > 0.5
    tri = make_trimap(mask, 12)
    assert set(np.unique(tri)) == {0, UNKNOWN, 255}
    row = tri[50]
    # From the disc's right edge at x=80: 4 px unknown inside, 12 outside.
    assert row[75] == 255 and row[77] == UNKNOWN and row[91] == UNKNOWN and row[93] == 0


def test_trimap_keeps_a_core_for_thin_objects():
    mask = np.zeros((60, 60), bool)
    mask[10:50, 29:32] = True            # a 3-pixel pole
    tri = make_trimap(mask, 9)
    assert (tri == 255).any()


def test_closed_form_matting_recovers_a_known_soft_edge():
    size = 96
    alpha = np.tile(np.clip((np.arange(size) - 40) / 16, 0, 1).astype(np.float32), (size, 1))
    rng = np.random.default_rng(1)
    fg = np.array([0.9, 0.8, 0.2], np.float32) + 0.02 * rng.standard_normal((size, size, 3))
    bg = np.array([0.1, 0.2, 0.6], np.float32) + 0.02 * rng.standard_normal((size, size, 3))
    img = np.clip(alpha[..., None] * fg + (1 - alpha[..., None]) * bg, 0, 1)
    tri = np.zeros((size, size), np.uint8)
    tri[:, 34:62] = UNKNOWN
    tri[:, 62:] = 255
    est = ClosedFormMatter()((img * 255).astype(np.uint8), tri)
    band = tri == UNKNOWN
    assert np.abs(est - alpha)[band].mean() < 0.03


# -- step 3: shadow and background ----------------------------------------------------------
def test_shadow_attached_to_the_base_is_found_with_its_opacity():
    image, box, truth = scene(160, shadow=0.5)
    shadow = detect_shadow(image.astype(np.float32) / 255, truth["alpha"], np.ones((160, 160), bool))
    core = (truth["shadow"] > 0.45) & (truth["alpha"] < 0.01)
    assert abs(float(shadow.opacity[core].mean()) - 0.5) < 0.06
    far = cv2.dilate((truth["shadow"] > 0.01).astype(np.uint8), np.ones((9, 9))) == 0
    far &= truth["alpha"] < 0.01
    assert shadow.opacity[far].max() < 0.05
    assert shadow.colour[core].max() < 0.1   # a grey shadow is black at some opacity


def test_no_shadow_is_invented_on_plain_ground():
    image, box, truth = scene(160, shadow=0.0)
    shadow = detect_shadow(image.astype(np.float32) / 255, truth["alpha"], np.ones((160, 160), bool))
    assert shadow.opacity.max() < 0.02


def test_a_dark_thing_beside_the_object_is_not_a_shadow():
    image, box, truth = scene(160, shadow=0.0)
    img = image.astype(np.float32) / 255
    # A dark-red mat under the ball: darker than the floor, but another material.
    img[100:120, 50:110] = (0.35, 0.12, 0.1)
    shadow = detect_shadow(img, truth["alpha"], np.ones((160, 160), bool))
    assert shadow.opacity[100:120, 50:110].max() < 0.05


def test_contact_line_darker_than_the_filled_ground_joins_the_shadow():
    image = np.full((40, 40, 3), 0.6, np.float32)
    image[20, 5:35] = 0.3                       # a dark line along the object's edge
    band = np.zeros((40, 40), bool)
    band[17:24, :] = True
    image[17:24, 36:40] = 0.1                   # a dark area filling the band: not a line
    opacity = contact_shadow(image, np.full((40, 40, 3), 0.6, np.float32),
                             np.zeros((40, 40), np.float32), band, 6)
    assert opacity[20, 20] > 0.4 and opacity[5, 20] == 0 and opacity[30, 20] == 0
    assert opacity[20, 38] == 0


def test_pyramid_fill_keeps_known_pixels_and_fills_smoothly():
    h, w = 64, 80
    grad = np.dstack([np.tile(np.linspace(0, 1, w, dtype=np.float32), (h, 1))] * 3)
    known = np.ones((h, w), np.float32)
    known[20:44, 25:55] = 0
    out = pyramid_fill(grad, known)
    assert np.array_equal(out[known > 0], grad[known > 0])
    assert np.abs(out - grad)[known == 0].max() < 0.12
    flat = pyramid_fill(np.full((h, w, 3), 0.3, np.float32), known)
    assert np.allclose(flat, 0.3, atol=1e-5)


def test_synthesised_detail_has_the_grain_of_the_surroundings():
    rng = np.random.default_rng(0)
    img = (0.5 + 0.08 * rng.standard_normal((96, 96, 1))).repeat(3, axis=2).astype(np.float32)
    hole = np.zeros((96, 96), bool)
    hole[30:66, 30:66] = True
    detail = synthesise_detail(img, hole, ~hole, patch=12, sigma=3.0)
    assert not detail[~hole].any()
    known_grain = (img - cv2.GaussianBlur(img, (0, 0), 3.0))[~hole].std()
    ratio = detail[hole].std() / known_grain
    assert 0.5 < ratio < 1.5


def test_inpainter_fills_only_the_hole():
    img = ground(64, 64)
    hole = np.zeros((64, 64), bool)
    hole[20:40, 20:40] = True
    out = PyramidInpainter()(img, hole, ~hole)
    assert np.array_equal(out[~hole], np.clip(img, 0, 1)[~hole])
    assert np.abs(out[hole].mean(axis=0) - img[~hole].mean(axis=0)).max() < 0.05


# -- steps 4 and 5: foreground colours, HFA, 8-bit layers ---------------------------------
def random_layers(h=48, w=48, seed=0):
    rng = np.random.default_rng(seed)
    alpha = np.clip(rng.uniform(-0.3, 1.3, (h, w)), 0, 1).astype(np.float32)
    fg = rng.uniform(0, 1, (h, w, 3)).astype(np.float32)
    bg = rng.uniform(0, 1, (h, w, 3)).astype(np.float32)
    return alpha, fg, bg


def test_foreground_solve_recovers_colours_with_the_background_known():
    alpha, fg, bg = random_layers()
    alpha = np.where(alpha > 0.2, alpha, 0).astype(np.float32)
    comp = alpha[..., None] * fg + (1 - alpha[..., None]) * bg
    zero = np.zeros_like(alpha)
    est = solve_foreground(comp, alpha, zero, np.zeros_like(fg), bg)
    solid = alpha >= 0.6
    assert np.abs(est - fg)[solid].max() < 1e-4


def test_foreground_solve_makes_a_shadow_of_its_colour():
    h, w = 32, 32
    bg = np.full((h, w, 3), 0.8, np.float32)
    shadow = np.full((h, w), 0.4, np.float32)
    comp = (1 - shadow[..., None]) * bg          # a grey shadow: black at 40 %
    f = solve_foreground(comp, np.zeros((h, w), np.float32), shadow, np.zeros((h, w, 3), np.float32), bg)
    assert np.abs(f).max() < 1e-6
    assert np.allclose(layer_alpha(np.zeros((h, w)), shadow), 0.4)


def test_hfa_puts_the_residual_where_it_is_seen_and_recomposes_in_8_bits():
    alpha, fg, bg = random_layers(seed=3)
    comp = alpha[..., None] * fg + (1 - alpha[..., None]) * bg
    image8 = np.clip(np.rint(comp * 255), 0, 255).astype(np.uint8)
    # Smooth estimates of both layers, as the earlier steps give.
    f0 = cv2.GaussianBlur(fg, (0, 0), 2)
    b0 = cv2.GaussianBlur(bg, (0, 0), 2)
    share = np.ones_like(alpha)
    f1, b1 = align(image8.astype(np.float32) / 255, alpha, share, f0, b0)
    fg8, bg8 = to_uint8_layers(image8, alpha, share, f1, b1, np.full(alpha.shape, 255, np.uint8))
    err = recomposition_error(np.dstack([image8, np.full(alpha.shape, 255, np.uint8)]), fg8, bg8)
    assert err.mean() < 0.5 and err.max() <= 1.0
    opaque, clear = fg8[..., 3] == 255, fg8[..., 3] == 0
    assert np.array_equal(fg8[opaque][:, :3], image8[opaque])
    assert np.array_equal(bg8[clear][:, :3], image8[clear])


def test_hfa_leaves_a_shadows_residual_to_the_ground():
    h, w = 32, 32
    rng = np.random.default_rng(0)
    ground_ = np.clip(0.6 + 0.05 * rng.standard_normal((h, w, 3)), 0, 1).astype(np.float32)
    a = np.full((h, w), 0.4, np.float32)
    comp = (1 - a[..., None]) * ground_
    f, b = align(comp, a, np.zeros_like(a), np.zeros((h, w, 3), np.float32),
                 np.full((h, w, 3), 0.6, np.float32))
    # The grain belongs to the ground: the shadow stays (nearly) black.
    assert np.abs(f).max() < 0.05
    assert np.abs(b - ground_).mean() < 0.01


@pytest.mark.parametrize("source_alpha", [255, 128])
def test_8bit_layers_keep_a_translucent_sources_alpha(source_alpha):
    alpha, fg, bg = random_layers(seed=5)
    comp = alpha[..., None] * fg + (1 - alpha[..., None]) * bg
    image8 = np.clip(np.rint(comp * 255), 0, 255).astype(np.uint8)
    src_a = np.full(alpha.shape, source_alpha, np.uint8)
    fg8, bg8 = to_uint8_layers(image8, alpha, np.ones_like(alpha), fg, bg, src_a)
    uncovered = fg8[..., 3] == 0
    assert np.array_equal(bg8[..., 3][uncovered], src_a[uncovered])
    out = fg8[..., 3] / 255 + bg8[..., 3] / 255 * (1 - fg8[..., 3] / 255)
    assert np.abs(out * 255 - source_alpha).max() <= 1.0   # the composite keeps the source's alpha
    err = recomposition_error(np.dstack([image8, src_a]), fg8, bg8)
    assert err.mean() < 0.6 and err.max() <= 1.5
