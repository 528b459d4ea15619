"""Clean edges: no fringe of the ground on the object's edge, none of the object in the ground's
ring, and a contact shadow that goes with the object standing on it."""
import numpy as np
import pytest

from _decompose_scenes import furry, standing
from engine.methods.decompose import DecomposeRequest, decompose
from engine.methods.decompose_steps.edges import refine_alpha


def fringe(result, truth):
    """(object edge colour error 0-255, share of the object's colour in the ground's ring)."""
    alpha, colour, true_bg = truth["alpha"], truth["colour"], truth["background"]
    fg = result.foreground_full().astype(np.float32) / 255
    bg = result.background[..., :3].astype(np.float32) / 255
    edge = (alpha > 0.05) & (alpha < 0.95)
    f_err = float(np.abs(fg[..., :3][edge] - colour).mean() * 255)
    ring = (alpha > 0) & (alpha < 0.98)
    d = colour - true_bg
    share = ((bg - true_bg) * d).sum(axis=2) / (d * d).sum(axis=2)
    return f_err, float(np.abs(share[ring]).mean())


@pytest.mark.parametrize("strands", [True, False])
def test_the_objects_edge_is_its_own_colour_and_the_ring_keeps_none_of_it(strands):
    image, box, truth = furry(200, strands=strands)
    clean = decompose(DecomposeRequest(image, box=box))
    f_err, share = fringe(clean, truth)
    # Edge pixels of the object layer are A, not a mix of A and B.
    assert f_err < 6
    # The ground's ring holds no trace of A (share of A in it, 0..1).
    assert share < 0.02
    # Alpha at the edge is the truth's (the fringe came from an overrated alpha).
    edge = (truth["alpha"] > 0.05) & (truth["alpha"] < 0.95)
    assert np.abs(clean.alpha - truth["alpha"])[edge].mean() * 255 < 6
    assert clean.figures["recomposition_error_mean"] < 1
    # Without the step the same split has a fringe: the test can tell.
    old_f_err, _ = fringe(decompose(DecomposeRequest(image, box=box, clean_edges=False)), truth)
    assert old_f_err > 2 * f_err and old_f_err > 15


def test_the_hole_covers_every_pixel_the_object_touches():
    image, box, truth = furry(200)
    result = decompose(DecomposeRequest(image, box=box))
    assert not ((result.alpha > 0) & ~result.filled).any()
    assert not ((truth["alpha"] > 0.02) & ~result.filled).any()


def test_refine_alpha_changes_only_the_region_it_is_given():
    rng = np.random.default_rng(0)
    image = rng.uniform(0, 1, (40, 40, 3)).astype(np.float32)
    alpha = np.zeros((40, 40), np.float32)
    alpha[10:30, 10:30] = 1.0
    alpha[9, 10:30] = 0.5
    region = np.zeros((40, 40), bool)
    region[5:9, :] = True
    out = refine_alpha(image, alpha, image[::-1].copy(), region, ~region & (alpha == 0), 3)
    assert np.array_equal(out[~region], alpha[~region])


def test_a_contact_shadow_goes_with_the_object_standing_on_it():
    image, box, truth = standing(160)
    result = decompose(DecomposeRequest(image, box=box))
    fg = result.foreground_full()
    bg = result.background[..., :3].astype(np.float32) / 255
    contact = (truth["shadow"] > 0.25) & (truth["alpha"] < 0.01)
    assert contact.sum() > 50
    # The ground under the contact shadow is lit again in the background layer...
    assert np.abs(bg - truth["background"])[contact].mean() * 255 < 10
    # ...and the shadow moves with the object: its layer covers the shadow at least as
    # strongly as the shadow darkens the ground, in dark colours.
    assert fg[contact][:, 3].mean() / 255 > truth["shadow"][contact].mean() - 0.05
    assert fg[contact][:, :3].mean() < 110
    # And the two layers still give back the picture.
    assert result.figures["recomposition_error_mean"] < 1


def test_the_ground_under_the_hole_keeps_no_ghost_of_the_objects_rim():
    """keep_ground: a background pixel the layers' solve pushed out of the ground's colours
    (a yellow rim on brown wood) goes back to the fill and the object takes it; grain within
    the ground's own variation stays; the composite is unchanged either way."""
    from engine.methods.decompose_steps.layers import keep_ground

    rng = np.random.default_rng(1)
    h, w = 60, 60
    # Wood: light and dark of one hue (the grain varies along the colour's own axis).
    shade = 1.0 + 0.25 * rng.standard_normal((h, w, 1)).astype(np.float32)
    fill = np.clip(np.array([0.7, 0.45, 0.3], np.float32) * shade, 0, 1)
    hole = np.zeros((h, w), bool)
    hole[20:40, 20:40] = True
    ground = np.clip(np.array([0.7, 0.45, 0.3], np.float32)
                     * (1.0 + 0.25 * rng.standard_normal((h, w, 1)).astype(np.float32)), 0, 1)
    background = np.where(hole[..., None], ground, fill).astype(np.float32)
    rim = np.zeros((h, w), bool)
    rim[30, 22:38] = True
    background[rim] = (0.95, 0.85, 0.2)          # the ghost: yellow, off the wood's axis
    alpha = np.where(hole, 0.3, 0.0).astype(np.float32)
    foreground = np.zeros((h, w, 3), np.float32)
    foreground[:] = (0.4, 0.05, 0.03)
    image = alpha[..., None] * foreground + (1 - alpha[..., None]) * background
    a, f, b = keep_ground(image, alpha, foreground, background, fill, hole, ~hole, 8)
    # The ghost is gone from the ground: back to the fill, the object holds it.
    assert np.abs(b[rim] - fill[rim]).max() < 1e-5
    assert (a[rim] > alpha[rim]).all()
    # The ground's own grain under the soft edge is left as it was (but for its rare
    # far tails: two samples of the grain differ by 2 sigma in about 1 pixel in 20).
    grain = hole & ~rim
    grain[29:32] = False
    kept = (np.abs(b - background).max(axis=2) < 1e-6) & (a == alpha)
    assert kept[grain].mean() > 0.9
    # Nothing outside the hole changes, and the composite is the picture.
    assert np.array_equal(b[~hole], background[~hole])
    again = a[..., None] * f + (1 - a[..., None]) * b
    assert np.abs(again - image).max() < 1e-5


def test_the_ground_under_a_thin_leg_keeps_no_ghost_even_within_the_grounds_colours():
    """keep_ground with the object's alpha: a leg whose alpha the matting underrated (0.4)
    left its colour in B - dark brown on brown wood, within the wood's own variation, so
    the ground's colour test alone lets it through. Under the object's edge B goes back to
    the fill and the object takes the difference; the composite stays the picture, and
    B outside the object's alpha is untouched."""
    from engine.methods.decompose_steps.layers import keep_ground

    rng = np.random.default_rng(2)
    h, w = 60, 60
    wood = np.array([0.7, 0.45, 0.3], np.float32)
    fill = np.clip(wood * (1.0 + 0.25 * rng.standard_normal((h, w, 1)).astype(np.float32)), 0, 1)
    ground = np.clip(wood * (1.0 + 0.25 * rng.standard_normal((h, w, 1)).astype(np.float32)), 0, 1)
    hole = np.zeros((h, w), bool)
    hole[10:50, 10:50] = True
    body = np.zeros((h, w), bool)
    body[10:30, 10:50] = True                    # the solid body above
    leg = np.zeros((h, w), bool)
    leg[30:50, 28:31] = True                     # a thin leg below it, 3 px wide
    alpha = np.where(body, 1.0, np.where(leg, 0.4, 0.0)).astype(np.float32)
    foreground = np.zeros((h, w, 3), np.float32)
    foreground[:] = wood * 0.6                   # dark brown: the wood's own hue, darker
    background = np.where(hole[..., None], ground, fill).astype(np.float32)
    background[leg] = wood * 0.6                 # the ghost: the leg's colour left in B
    image = alpha[..., None] * foreground + (1 - alpha[..., None]) * background
    args = (image, alpha, foreground, background, fill, hole, ~hole, 8)
    # The ground's colour test alone keeps the ghost (it lies within the wood's variation).
    _, _, b_old = keep_ground(*args)
    assert np.array_equal(keep_ground(*args, object_alpha=np.zeros_like(alpha))[2], b_old)
    assert np.abs(b_old[leg] - background[leg]).max() < 1e-6
    a, f, b = keep_ground(*args, object_alpha=alpha)
    # The leg's colour is mostly gone from the ground: B has come at least 3/4 of the way
    # back to the fill (in proportion to the leg's alpha), the object holds the rest; a
    # ghost within the noise floor's reach of the fill is not worth moving.
    left = np.linalg.norm(b[leg] - fill[leg], axis=1)
    ghost = np.linalg.norm(wood * 0.6 - fill[leg], axis=1)
    assert (left <= np.maximum(0.25 * ghost, 0.15)).all()
    assert left.mean() < 0.3 * ghost.mean()
    assert (a[leg] >= alpha[leg]).all()
    # The ground beside the leg (no object alpha) is treated as before, and the composite
    # is the picture.
    beside = hole & ~body & ~leg
    assert np.array_equal(b[beside], b_old[beside])
    again = a[..., None] * f + (1 - a[..., None]) * b
    assert np.abs(again - image).max() < 1e-5
