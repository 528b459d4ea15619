"""Content-Aware Scale without the window: seam carving keeps objects and protected areas
whole while the ground shrinks or grows; Amount 0 is ordinary scaling; one undo step."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import Document, channels
from editor.model.content_scale import ScaleOptions, content_aware_scale, resampled
from editor.model.errors import DocumentError
from engine.box import Box
from engine.seam_carving import REDUCE_ABOVE, skin_mask

GROUND = (90, 150, 210, 255)


def two_objects(h=120, w=200):
    """A flat ground with a textured block at x 20..60 and a textured disc at x 140..180."""
    rng = np.random.default_rng(3)
    img = np.empty((h, w, 4), np.uint8)
    img[:] = GROUND
    block = rng.integers(0, 256, (60, 40, 4), dtype=np.uint8)
    block[..., 3] = 255
    img[30:90, 20:60] = block
    yy, xx = np.mgrid[:h, :w]
    disc = (xx - 160) ** 2 + (yy - 60) ** 2 <= 20 ** 2
    img[disc, :3] = rng.integers(0, 256, (disc.sum(), 3), dtype=np.uint8)
    return img, disc


def found(out: np.ndarray, patch: np.ndarray, rows: slice) -> list[int]:
    """The columns where `patch` lies exactly in `out`'s `rows`."""
    pw = patch.shape[1]
    return [x for x in range(out.shape[1] - pw + 1) if np.array_equal(out[rows, x:x + pw], patch)]


def test_narrowing_keeps_both_objects_and_shrinks_the_ground_between():
    img, disc = two_objects()
    doc = Document(200, 120)
    layer = doc.add_image(img, "Photo", 0, 0)
    before = doc.history.count
    content_aware_scale(doc, ScaleOptions(width_pct=75))
    out = layer.pixels
    assert out.shape == (120, 150, 4)
    assert doc.history.count == before + 1 and doc.history.undo_name() == "Content-Aware Scale"
    block_at = found(out, img[30:90, 20:60], slice(30, 90))
    disc_box = img[40:81, 140:181]
    disc_at = found(out, disc_box, slice(40, 81))
    assert len(block_at) == 1 and len(disc_at) == 1  # both whole, pixel for pixel
    gap = disc_at[0] - (block_at[0] + 40)
    assert gap < 80 - 10          # the ground between them gave up columns
    # Ordinary scaling would have squeezed the block to 30 columns: not found whole.
    plain = resampled(img, 150, 120)
    assert found(plain, img[30:90, 20:60], slice(30, 90)) == []
    doc.history.undo()
    assert np.array_equal(layer.pixels, img)


def test_enlarging_doubles_seams_of_the_ground_and_keeps_the_objects():
    img, _ = two_objects()
    doc = Document(200, 120)
    layer = doc.add_image(img, "Photo", 0, 0)
    content_aware_scale(doc, ScaleOptions(width_pct=130))
    out = layer.pixels
    assert out.shape == (120, 260, 4)
    assert len(found(out, img[30:90, 20:60], slice(30, 90))) == 1
    assert len(found(out, img[40:81, 140:181], slice(40, 81))) == 1
    # the new columns are ground, not copies of the objects
    assert (np.all(out == GROUND, axis=-1).sum() - np.all(img == GROUND, axis=-1).sum()
            == 60 * 120)


def test_protecting_an_alpha_channel_keeps_that_region_exact():
    rng = np.random.default_rng(5)
    img = rng.integers(0, 256, (100, 160, 4), dtype=np.uint8)
    img[..., 3] = 255
    img[30:70, 60:100, :3] = (200, 40, 40)    # flat: where seams go when unprotected
    img[45:55, 75:85, :3] = (20, 20, 20)
    region = img[30:70, 60:100].copy()
    doc = Document(160, 100)
    layer = doc.add_image(img, "Photo", 0, 0)
    unprotected = content_aware_scale(doc, ScaleOptions(width_pct=70)).pixels.copy()
    assert found(unprotected, region, slice(30, 70)) == []   # the flat square was carved
    doc.history.undo()
    doc.set_selection(Box(60, 30, 40, 40))
    channel = channels.save_selection(doc)
    doc.set_selection(None)
    content_aware_scale(doc, ScaleOptions(width_pct=70, protect=channel.uid))
    assert layer.pixels.shape == (100, 112, 4)
    assert len(found(layer.pixels, region, slice(30, 70))) == 1


def test_protect_skin_tones_keeps_a_skin_coloured_patch():
    rng = np.random.default_rng(7)
    img = rng.integers(0, 256, (80, 120, 4), dtype=np.uint8)
    img[..., 3] = 255
    img[20:60, 40:80, :3] = (224, 172, 140)  # a flat patch of skin tone
    img[35:45, 55:65, :3] = (180, 120, 100)
    assert skin_mask(img)[20:60, 40:80].all()
    patch = img[20:60, 40:80].copy()
    doc = Document(120, 80)
    layer = doc.add_image(img, "Face", 0, 0)
    content_aware_scale(doc, ScaleOptions(width_pct=70))
    assert found(layer.pixels, patch, slice(20, 60)) == []
    doc.history.undo()
    content_aware_scale(doc, ScaleOptions(width_pct=70, skin=True))
    assert len(found(layer.pixels, patch, slice(20, 60))) == 1


def test_amount_zero_is_ordinary_scaling_and_half_is_between():
    img, _ = two_objects()
    doc = Document(200, 120)
    layer = doc.add_image(img, "Photo", 0, 0)
    content_aware_scale(doc, ScaleOptions(width_pct=75, height_pct=90, amount=0))
    assert np.array_equal(layer.pixels, resampled(img, 150, 108))
    doc.history.undo()
    content_aware_scale(doc, ScaleOptions(width_pct=75, height_pct=90, amount=50))
    half = layer.pixels.astype(int)
    assert half.shape == (108, 150, 4)
    assert not np.array_equal(half, resampled(img, 150, 108))
    doc.history.undo()
    content_aware_scale(doc, ScaleOptions(width_pct=75, height_pct=90, amount=100))
    assert not np.array_equal(layer.pixels, half)


def test_heights_scale_too_and_refusals_say_why():
    img, _ = two_objects()
    doc = Document(200, 120)
    layer = doc.add_image(img, "Photo", 0, 0)
    content_aware_scale(doc, ScaleOptions(height_pct=50))
    assert layer.pixels.shape == (60, 200, 4)
    layer.locked = True
    with pytest.raises(DocumentError):
        content_aware_scale(doc, ScaleOptions(width_pct=50))
    layer.locked = False
    doc.active = doc.group([layer])
    with pytest.raises(DocumentError, match="group"):
        content_aware_scale(doc, ScaleOptions(width_pct=50))


def test_a_large_picture_found_at_half_size_keeps_its_objects_too():
    """From 300 000 pixels the seams are found on a half-size copy (and taken two columns
    wide): objects at odd columns still come out whole."""
    rng = np.random.default_rng(11)
    img = np.empty((500, 800, 4), np.uint8)
    img[:] = GROUND
    img[:, :, 2] = np.linspace(150, 250, 800).astype(np.uint8)  # a gentle sky, not flat
    block = rng.integers(0, 256, (201, 161, 4), dtype=np.uint8)
    block[..., 3] = 255
    img[151:352, 101:262] = block
    img[71:430, 531:693] = rng.integers(0, 256, (359, 162, 4), dtype=np.uint8)
    img[..., 3] = 255
    person = img[71:430, 531:693].copy()
    doc = Document(800, 500)
    layer = doc.add_image(img, "Big", 0, 0)
    assert 800 * 500 >= REDUCE_ABOVE
    content_aware_scale(doc, ScaleOptions(width_pct=75))
    out = layer.pixels
    assert out.shape == (500, 600, 4)
    a = found(out, block, slice(151, 352))
    b = found(out, person, slice(71, 430))
    assert len(a) == 1 and len(b) == 1
    assert b[0] - (a[0] + 161) < 531 - 262   # the ground between shrank


def test_a_selection_scales_only_its_content_and_the_outside_stays():
    img, _ = two_objects()
    doc = Document(200, 120)
    layer = doc.add_image(img, "Photo", 0, 0)
    doc.set_selection(Box(0, 0, 100, 120))        # the block's half of the picture
    before = doc.history.count
    content_aware_scale(doc, ScaleOptions(width_pct=70))
    assert doc.history.count == before + 1 and doc.history.undo_name() == "Content-Aware Scale"
    out = layer.pixels
    assert out.shape == (120, 200, 4) and (layer.x, layer.y) == (0, 0)
    assert np.array_equal(out[:, 100:], img[:, 100:])        # outside: untouched
    assert len(found(out[:, :70], img[30:90, 20:60], slice(30, 90))) == 1   # block whole
    assert (out[:, 70:100, 3] == 0).all()                    # where the content was: cleared
    assert doc.selection == Box(0, 0, 70, 120)               # the selection follows
    doc.history.undo()
    assert np.array_equal(layer.pixels, img) and doc.selection == Box(0, 0, 100, 120)


def test_carving_in_runs_with_progress_finds_the_very_seams_and_can_be_cancelled(monkeypatch):
    """The job's progress steps cut the carving into runs: the pixels are those of carving
    at once, progress rises to its end, and a cancel raised there stops it."""
    from engine import seam_carving
    from engine.errors import Cancelled

    img, _ = two_objects()
    at_once = seam_carving.content_aware_resize(img, 150, 100)
    monkeypatch.setattr(seam_carving, "STEP_WORK", 120 * 200 * 7)  # runs of 7 seams
    steps = []
    in_runs = seam_carving.content_aware_resize(img, 150, 100,
                                                progress=lambda s, t, p=None: steps.append(s))
    assert np.array_equal(in_runs, at_once)
    assert len(steps) > 5 and steps == sorted(steps) and steps[-1] == 100

    def cancel_at_third(step, total, preview=None):
        steps.append(step)
        if len(steps) == 3:
            raise Cancelled()

    steps.clear()
    with pytest.raises(Cancelled):
        seam_carving.content_aware_resize(img, 150, 100, progress=cancel_at_third)
    assert len(steps) == 3


def test_a_result_refuses_a_layer_changed_while_it_was_computed():
    """The editor's job: `prepare` on the document, `run` on the worker, `land` back. A
    layer painted meanwhile is not overwritten by pixels scaled from what it was."""
    from editor.model import content_scale as cs

    img, _ = two_objects()
    doc = Document(200, 120)
    layer = doc.add_image(img, "Photo", 0, 0)
    doc.set_active(layer)
    prepared = cs.prepare(doc, ScaleOptions(width_pct=75))
    out = cs.run(prepared)
    edit = doc.begin_pixel_edit(layer, "Brush", cover=Box(0, 0, 4, 4))
    edit.apply(doc, Box(0, 0, 4, 4), lambda view: view.__setitem__(Ellipsis, 7))
    doc.end_pixel_edit(edit)
    painted, count = layer.pixels.copy(), doc.history.count
    with pytest.raises(DocumentError, match="changed meanwhile"):
        cs.land(doc, prepared, out)
    assert np.array_equal(layer.pixels, painted) and doc.history.count == count
    fresh = cs.prepare(doc, ScaleOptions(width_pct=75))
    cs.land(doc, fresh, cs.run(fresh))
    assert layer.pixels.shape == (120, 150, 4) and doc.history.count == count + 1
