"""Select and Mask's model (`editor.model.refine_edge`): the edge of a rough selection of an
object in a real photograph comes much closer to the object's true matte; each slider does
what it says; the operation on a document is one undo step for every output."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from editor.model import Document, DocumentError, Layer, LayerMask
from editor.model import refine_edge as re_
from editor.model.refine_edge import RefineSettings, refine_mask
from editor.model.selection_ops import current_mask, feathered, select_mask
from tests._refine_scenes import PAIRS, brushed, composite, furry, mae, rough, true_alpha

SMALL = (300, 246)  # the scenes at half size: quick, the edge still a real photo's


@pytest.fixture(scope="module")
def scenes():
    return {pair: composite(pair, SMALL) for pair in PAIRS}


@pytest.mark.parametrize("pair", PAIRS)
def test_radius_brings_rough_selections_close_to_the_true_matte(scenes, pair):
    image, alpha = scenes[pair]
    for kind in ("grown", "shrunk", "blocky"):
        r = rough(alpha, kind, 3)
        before = mae(r, alpha)
        after = mae(refine_mask(image, r, RefineSettings(radius=5)), alpha)
        assert after < 0.6 * before, (kind, before, after)


def test_smart_radius_also_improves_and_narrows_the_band_on_a_crisp_edge(scenes):
    image, alpha = scenes[PAIRS[1]]
    r = rough(alpha, "blocky", 3)
    before = mae(r, alpha)
    after = mae(refine_mask(image, r, RefineSettings(radius=5, smart_radius=True)), alpha)
    assert after < 0.6 * before
    # A selection lying on the picture's edge: the smart band is narrower than the radius.
    exact = alpha >= 0.5
    fixed = re_.edge_band(image, exact, 8)
    smart = re_.edge_band(image, exact, 8, smart=True)
    assert (smart & ~fixed).sum() == 0
    assert smart.sum() < 0.85 * fixed.sum()
    # ... and still holds the true soft edge.
    soft = (alpha > 0.05) & (alpha < 0.95)
    assert smart[soft].mean() > 0.95
    # On a crisp edge between flat colours it is a few pixels wide instead of 2 x 8.
    d = disc() >= 128
    flat = np.where(d[..., None], (200, 60, 40), (30, 90, 160)).astype(np.uint8)
    assert re_.edge_band(flat, d, 8, smart=True).sum() < 0.5 * re_.edge_band(flat, d, 8).sum()


def disc(size: int = 80, r: float = 20.0) -> np.ndarray:
    yy, xx = np.mgrid[:size, :size]
    return np.where((yy - size / 2) ** 2 + (xx - size / 2) ** 2 <= r * r, 255, 0).astype(np.uint8)


GREY = np.full((80, 80, 3), 128, np.uint8)


def test_without_settings_the_mask_is_kept():
    m = disc()
    assert np.array_equal(np.rint(refine_mask(GREY, m, RefineSettings()) * 255), m)


def test_feather_is_select_feather_and_contrast_hardens():
    m = disc()
    soft = refine_mask(GREY, m, RefineSettings(feather=4))
    assert np.allclose(soft, feathered(m.astype(np.float32) / 255, 4), atol=1e-5)
    assert ((soft > 0.05) & (soft < 0.95)).sum() > 200
    hard = refine_mask(GREY, m, RefineSettings(feather=4, contrast=100))
    assert ((hard > 0.05) & (hard < 0.95)).sum() < 0.2 * ((soft > 0.05) & (soft < 0.95)).sum()


def test_shift_edge_moves_the_edge_out_and_in():
    m = disc()
    area = (m > 127).sum()
    grown = (refine_mask(GREY, m, RefineSettings(shift_edge=50)) > 0.5).sum()
    shrunk = (refine_mask(GREY, m, RefineSettings(shift_edge=-50)) > 0.5).sum()
    d = re_.SHIFT_REACH * 0.5
    assert grown == pytest.approx(np.pi * (20 + d) ** 2, rel=0.08)
    assert shrunk == pytest.approx(np.pi * (20 - d) ** 2, rel=0.08)
    assert shrunk < area < grown


def test_smooth_rounds_the_jags_of_a_staircase():
    # A disc drawn on a grid of 6 px cells: its outline is a staircase.
    m = cv2.resize(cv2.resize(disc(), (13, 13), interpolation=cv2.INTER_AREA), (78, 78),
                   interpolation=cv2.INTER_NEAREST)
    m = np.where(np.pad(m, 1) >= 128, 255, 0).astype(np.uint8)

    def perimeter(a):
        contours, _ = cv2.findContours((a > 0.5).astype(np.uint8), cv2.RETR_EXTERNAL,
                                       cv2.CHAIN_APPROX_NONE)
        return sum(cv2.arcLength(c, True) for c in contours)

    smooth = refine_mask(GREY, m, RefineSettings(smooth=80))
    assert perimeter(smooth) < 0.9 * perimeter(m / 255)
    assert abs((smooth > 0.5).sum() - (m > 127).sum()) < 0.05 * (m > 127).sum()
    # Smooth does not soften the edge: it stays about a pixel wide.
    assert ((smooth > 0.05) & (smooth < 0.95)).sum() < 2.5 * perimeter(smooth)


def test_decontaminate_takes_the_old_ground_out_of_the_edge(scenes):
    image, alpha = scenes[PAIRS[1]]
    fg = re_.decontaminate(image, alpha)
    truth = cv2.resize(__import__("skimage.data").data.astronaut(), SMALL,
                       interpolation=cv2.INTER_AREA).astype(np.float32)
    edge = (alpha > 0.2) & (alpha < 0.8)
    before = np.abs(image[edge].astype(np.float32) - truth[edge]).mean()
    after = np.abs(fg[edge].astype(np.float32) - truth[edge]).mean()
    assert after < 0.7 * before
    solid = alpha >= 0.98
    assert np.array_equal(fg[solid], image[solid])


def test_decontaminate_amount_blends_the_pictures_colours_toward_the_objects(scenes):
    """Amount 0 keeps the picture's colours, 100 % gives the object's own, 50 % halfway."""
    image, alpha = scenes[PAIRS[1]]
    full = re_.decontaminate(image, alpha).astype(np.float32)
    assert np.array_equal(re_.decontaminate(image, alpha, 0.0), image)
    half = re_.decontaminate(image, alpha, 0.5).astype(np.float32)
    edge = (alpha > 0.2) & (alpha < 0.8)
    assert np.abs(full[edge] - image[edge]).mean() > 5  # there is something to blend
    assert np.abs(half - (full + image) / 2).max() <= 1.0
    assert np.array_equal(re_.decontaminate(image, alpha, 1.0), full.astype(np.uint8))


# -- the operation on a document ------------------------------------------------------------
@pytest.fixture
def photo_doc(scenes):
    image, alpha = scenes[PAIRS[0]]
    h, w = alpha.shape
    doc = Document(w, h)
    rgba = np.dstack([image, np.full((h, w), 255, np.uint8)])
    layer = doc.add_image(rgba, "Photo", 0, 0)
    return doc, layer, alpha


def test_output_to_selection_is_one_undo_step(photo_doc):
    doc, layer, alpha = photo_doc
    select_mask(doc, rough(alpha, "blocky", 3))
    before = current_mask(doc)
    steps = doc.history.count
    job = re_.prepare(doc, RefineSettings(radius=5))
    re_.apply(doc, job, re_.run(job))
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Select and Mask"
    assert mae(current_mask(doc), alpha) < 0.6 * mae(before, alpha)
    doc.history.undo()
    assert np.array_equal(current_mask(doc), before)


def test_output_to_layer_mask_and_refining_a_targeted_mask(photo_doc):
    doc, layer, alpha = photo_doc
    select_mask(doc, rough(alpha, "grown", 3))
    job = re_.prepare(doc, RefineSettings(radius=5), "layer_mask")
    re_.apply(doc, job, re_.run(job))
    assert layer.mask is not None and doc.mask_targeted
    assert mae(layer.mask.raw_crop(doc.canvas), alpha) < 0.6 * mae(job.mask, alpha)
    doc.history.undo()
    assert layer.mask is None
    # A targeted mask is the source: its values are refined in place, box and flags kept.
    values = np.zeros((doc.height + 20, doc.width + 20), np.uint8)
    values[10:-10, 10:-10] = rough(alpha, "shrunk", 3)
    doc.history.push(re_.cmds.SetMask(layer, LayerMask(values, -10, -10, default=0,
                                                       density=200)))
    doc.set_mask_targeted(True)
    doc.set_selection(None)
    job = re_.prepare(doc, RefineSettings(radius=5), "layer_mask")
    assert job.from_mask
    re_.apply(doc, job, re_.run(job))
    assert (layer.mask.x, layer.mask.y, layer.mask.density) == (-10, -10, 200)
    assert mae(layer.mask.raw_crop(doc.canvas), alpha) < 0.6 * mae(job.mask, alpha)
    assert current_mask(doc) is None
    doc.history.undo()
    assert np.array_equal(layer.mask.pixels, values)


def test_output_to_new_layer_with_mask_hides_the_original(photo_doc):
    doc, layer, alpha = photo_doc
    select_mask(doc, rough(alpha, "blocky", 3))
    job = re_.prepare(doc, RefineSettings(radius=5, decontaminate=True), "new_layer")
    result = re_.run(job)
    assert result.recoloured.any()
    names = [n.name for n in doc.root.children]
    re_.apply(doc, job, result)
    assert doc.history.undo_name() == "Select and Mask"
    new = doc.active
    assert new is not layer and new.name == "Photo copy" and new.mask is not None
    assert not layer.visible and new.visible
    assert doc.root.children.index(new) == doc.root.children.index(layer) + 1
    doc.history.undo()
    assert [n.name for n in doc.root.children] == names and layer.visible


def test_nothing_to_refine_or_nowhere_to_put_it_says_why():
    doc = Document(20, 20)
    doc.add_image(np.zeros((20, 20, 4), np.uint8), "Empty")
    with pytest.raises(DocumentError, match="Select an area first"):
        re_.prepare(doc)
    doc.set_selection(doc.canvas.expand(-5))
    doc.set_active(None)
    with pytest.raises(DocumentError):
        re_.prepare(doc, output="layer_mask")
    job = re_.prepare(doc)  # to a selection: fine without a layer
    assert isinstance(job, re_.RefineJob)


def test_isinstance_layer_is_kept(photo_doc):
    doc, layer, _ = photo_doc
    assert isinstance(layer, Layer)


# -- the Refine Edge Brush --------------------------------------------------------------------
@pytest.fixture(scope="module")
def fur():
    """A real photo through the horse matte with fur along its back, the body alone selected
    (the fur left out), and the longest stroke a user would paint over the fur."""
    image, alpha, strokes = furry(PAIRS[1], SMALL)
    body = np.where(true_alpha(SMALL) >= 0.5, 255, 0).astype(np.uint8)
    return image, alpha, body, max(strokes, key=len)


BRUSH = 20  # px: the fur grows up to 14 px out of the outline at this size
NARROW = RefineSettings(radius=2)


def near(zone: np.ndarray, px: int) -> np.ndarray:
    return cv2.dilate(zone.astype(np.uint8), np.ones((2 * px + 1,) * 2, np.uint8)) > 0


def test_refine_edge_brush_puts_the_painted_fur_in_the_band(fur):
    """A radius of 2 px misses the strands; where the brush went the alpha follows the
    colours (the strands come out), elsewhere the refinement stays as it was."""
    image, alpha, body, stroke = fur
    plain = refine_mask(image, body, NARROW)
    painted = brushed(np.zeros(body.shape, np.uint8), [stroke], BRUSH)
    zone = painted >= re_.PAINTED
    assert zone.sum() > 3000
    refined = refine_mask(image, body, NARROW, painted=painted)
    assert mae(refined[zone], alpha[zone]) < 0.35 * mae(plain[zone], alpha[zone])
    strands = zone & (alpha > 0.6) & (body == 0)  # fur off the body, under the stroke
    assert strands.sum() > 300
    assert (plain[strands] > 0.5).mean() < 0.1 and (refined[strands] > 0.5).mean() > 0.7
    # Away from the stroke the mask is the plain refinement's.
    far = ~near(zone, 6)
    assert np.abs(refined - plain)[far].max() < 0.05
    # On the document the same: the work box takes in the painted fur too.
    job = re_.RefineJob(None, False, image, body, NARROW, painted=painted)
    out = re_.run(job).mask.astype(np.float32) / 255
    assert np.abs(out - refined).max() <= 1 / 255 + 1e-6
    assert mae(out, alpha) < 0.6 * mae(plain, alpha)


def test_alt_painting_restores_the_plain_band(fur):
    image, alpha, body, stroke = fur
    plain = refine_mask(image, body, NARROW)
    painted = brushed(np.zeros(body.shape, np.uint8), [stroke], BRUSH)
    # Alt over the whole stroke: nothing painted is left, the refinement is the plain one.
    restored = brushed(painted.copy(), [stroke], BRUSH, remove=True)
    assert (restored < re_.PAINTED).all()
    assert np.abs(refine_mask(image, body, NARROW, painted=restored) - plain).max() < 1e-4
    # Alt over the first half: there the strands are lost again, the second half keeps them.
    half = len(stroke) // 2
    partly = brushed(painted.copy(), [stroke[:half]], BRUSH, remove=True)
    refined = refine_mask(image, body, NARROW, painted=partly)
    first = (painted >= re_.PAINTED) & (partly < re_.PAINTED)
    second = partly >= re_.PAINTED
    strands = (alpha > 0.6) & (body == 0)
    assert (first & strands).sum() > 100 and (second & strands).sum() > 100
    assert (refined[first & strands] > 0.5).mean() < 0.1
    assert (refined[second & strands] > 0.5).mean() > 0.7
