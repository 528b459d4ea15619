"""Content-aware fill (engine/methods/decompose_steps/patchmatch_fill.py) on small pictures."""
import cv2
import numpy as np
import pytest

from engine.errors import Cancelled
from engine.methods.decompose_steps.fill import pyramid_fill
from engine.methods.decompose_steps.patchmatch_fill import PatchMatchInpainter, content_aware_fill

SENTINEL = np.array([1.0, 0.0, 1.0], np.float32)


def tiles(h=96, w=112):
    """A periodic pattern (a grid of soft tiles in two colours), float RGB 0..1."""
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    t = 0.5 + 0.4 * np.sin(xx * 2 * np.pi / 11) * np.sin(yy * 2 * np.pi / 13)
    return np.dstack([t, 0.8 * t, 1.0 - t]).astype(np.float32)


def with_hole(image, y0, y1, x0, x1):
    hole = np.zeros(image.shape[:2], bool)
    hole[y0:y1, x0:x1] = True
    damaged = image.copy()
    damaged[hole] = SENTINEL  # what was there must not matter
    return damaged, hole


def test_keeps_every_known_pixel_and_fills_every_hole_pixel():
    image = tiles()
    damaged, hole = with_hole(image, 30, 70, 35, 80)
    out = content_aware_fill(damaged, hole)
    assert out.shape == image.shape and out.dtype == np.float32
    assert np.array_equal(out[~hole], damaged[~hole])
    assert np.isfinite(out).all()
    assert not np.isclose(out[hole], SENTINEL, atol=0.05).all(axis=1).any()


def test_continues_a_periodic_texture_far_better_than_a_smooth_fill():
    image = tiles()
    damaged, hole = with_hole(image, 30, 70, 35, 80)
    smooth = pyramid_fill(damaged, (~hole).astype(np.float32))
    out = content_aware_fill(damaged, hole)
    smooth_err = np.abs(smooth - image)[hole].mean()
    fill_err = np.abs(out - image)[hole].mean()
    assert smooth_err > 0.1
    assert fill_err < 0.2 * smooth_err


def grain_energy(image, hole):
    """Fine grain inside the hole (3 px in from its rim) over the same in a ring around it."""
    import cv2

    grey = image.mean(axis=2)
    hf = (grey - cv2.GaussianBlur(grey, (0, 0), 2.0)) ** 2
    inner = cv2.erode(hole.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    ring = (cv2.dilate(hole.astype(np.uint8), np.ones((25, 25), np.uint8)) > 0) & ~hole
    return hf[inner].mean() / hf[ring].mean()


def test_keeps_the_grain_of_an_irregular_ground_where_a_smooth_fill_leaves_a_blob():
    # Random grain (no period to lock onto) over a slow change of brightness, like
    # gravel or grass; the hole is a large disc.
    import cv2

    rng = np.random.default_rng(3)
    grain = cv2.GaussianBlur(rng.standard_normal((160, 160)).astype(np.float32), (0, 0), 1.2)
    ramp = np.linspace(0.35, 0.65, 160, dtype=np.float32)[None, :]
    grey = np.clip(ramp + 0.25 * grain / grain.std(), 0, 1)
    image = np.dstack([grey, 0.9 * grey, 0.8 * grey]).astype(np.float32)
    yy, xx = np.mgrid[:160, :160]
    hole = (yy - 80) ** 2 + (xx - 80) ** 2 < 38 ** 2
    damaged = image.copy()
    damaged[hole] = SENTINEL
    smooth = pyramid_fill(damaged, (~hole).astype(np.float32))
    out = content_aware_fill(damaged, hole)
    assert grain_energy(smooth, hole) < 0.3
    assert 0.7 < grain_energy(out, hole) < 1.3
    # ... and its brightness follows the ramp rather than settling on one part of the ground.
    left, right = hole & (xx < 70), hole & (xx > 90)
    assert out[right].mean() - out[left].mean() > 0.01


def test_copies_only_from_the_pixels_it_is_allowed_to():
    image = tiles()
    damaged, hole = with_hole(image, 30, 60, 30, 60)
    known = ~hole
    damaged[:, 80:] = (0.0, 1.0, 0.0)   # a green strip it must not copy from
    known[:, 80:] = False
    out = content_aware_fill(damaged, hole, known)
    assert (out[hole][:, 1] < 0.95).all()
    assert np.array_equal(out[:, 80:], damaged[:, 80:])


def test_same_seed_same_fill_other_seed_other_fill():
    rng = np.random.default_rng(1)
    image = np.clip(tiles() + 0.05 * rng.standard_normal((96, 112, 1)), 0, 1).astype(np.float32)
    damaged, hole = with_hole(image, 20, 75, 25, 90)
    a = content_aware_fill(damaged, hole, seed=3)
    b = content_aware_fill(damaged, hole, seed=3)
    c = content_aware_fill(damaged, hole, seed=4)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_reports_progress_and_cancels():
    damaged, hole = with_hole(tiles(), 30, 70, 35, 80)
    calls = []

    def progress(step, total, preview=None):
        calls.append((step, total))

    content_aware_fill(damaged, hole, progress=progress)
    steps = [s for s, _ in calls]
    assert len(calls) >= 3 and steps == sorted(steps) and calls[-1][0] == calls[-1][1]

    def cancel(step, total, preview=None):
        raise Cancelled()

    with pytest.raises(Cancelled):
        content_aware_fill(damaged, hole, progress=cancel)


def test_inpainter_protocol_clips_and_leaves_the_rest():
    image = tiles()
    damaged, hole = with_hole(image, 10, 40, 10, 40)
    out = PatchMatchInpainter(seed=0)(damaged, hole, ~hole)
    assert out.min() >= 0 and out.max() <= 1
    assert np.array_equal(out[~hole], damaged[~hole])


def grain_with_smooth_islands(seed, n=160):
    """Grain over most of the ground and a few smooth islands of the same brightness (a
    table's worn spots, a wall's plastered patches), with a disc-shaped hole in the
    middle: the hidden ground has 0.8-1.0 of the grain around it."""
    rng = np.random.default_rng(seed)
    grain = cv2.GaussianBlur(rng.standard_normal((n, n)).astype(np.float32), (0, 0), 1.0)
    islands = cv2.GaussianBlur(rng.standard_normal((n, n)).astype(np.float32), (0, 0), 8.0)
    amount = np.clip(2 * (islands / islands.std() + 0.8), 0, 1)
    grey = 0.5 + 0.15 * amount * grain / grain.std()
    image = np.dstack([grey, 0.9 * grey, 0.8 * grey]).clip(0, 1).astype(np.float32)
    yy, xx = np.mgrid[:n, :n]
    hole = (yy - n // 2) ** 2 + (xx - n // 2) ** 2 < 34 ** 2
    return image, hole


def test_a_grainy_ground_with_smooth_islands_keeps_its_grain_in_the_hole():
    # Matched exactly against the voted hole (a mean of patches, smoother than any one
    # of them), the fill drifted onto the smooth islands from level to level and kept
    # under half the grain around the hole (0.37-0.49 on these three grounds); compared
    # under a slight blur, the texture feature weighed twice, it keeps about what the
    # hidden ground has (0.85-0.97).
    energies = []
    for seed in (3, 4, 6):
        image, hole = grain_with_smooth_islands(seed)
        assert 0.8 < grain_energy(image, hole) < 1.05   # the hidden truth's own
        damaged = image.copy()
        damaged[hole] = SENTINEL
        energies.append(grain_energy(content_aware_fill(damaged, hole), hole))
    assert 0.7 < np.mean(energies) < 1.3
    assert min(energies) > 0.6


def test_a_hole_in_a_smooth_gradient_next_to_grain_stays_smooth():
    # A smooth ramp (sky, a wall in shadow) with a grainy ground beside it, inside the
    # crop the fill samples: the grain must not be copied into the smooth part.
    import cv2

    rng = np.random.default_rng(5)
    n = 240
    grain = cv2.GaussianBlur(rng.standard_normal((n, n)).astype(np.float32), (0, 0), 1.0)
    ramp = np.linspace(0.3, 0.7, n, dtype=np.float32)[:, None] * np.ones((1, n), np.float32)
    grey = ramp + np.where(np.arange(n)[None, :] >= 150, 0.15 * grain / grain.std(), 0.0)
    image = np.dstack([grey, 0.9 * grey, 0.8 * grey]).clip(0, 1).astype(np.float32)
    yy, xx = np.mgrid[:n, :n]
    hole = (yy - 120) ** 2 + (xx - 90) ** 2 < 40 ** 2
    damaged = image.copy()
    damaged[hole] = SENTINEL
    out = content_aware_fill(damaged, hole)

    def fine(a):
        g = a.mean(axis=2)
        return (g - cv2.GaussianBlur(g, (0, 0), 2.0)) ** 2

    assert fine(out)[hole].mean() < 0.02 * fine(image)[:, 155:].mean()
    # ... and it follows the ramp.
    assert out[hole & (yy > 140)].mean() - out[hole & (yy < 100)].mean() > 0.05


def test_a_distinctive_feature_beside_a_hole_larger_than_its_surroundings_is_not_multiplied():
    # A plain wall (a slow gradient) with one small chequered badge beside a hole that
    # takes two thirds of the picture (the hole left by a portrait's sitter): there are
    # more patches to fill than to copy from, so sources must be shared. Sharing the
    # plain wall is invisible; a patch-usage cost that pushes the sharers apart pushes
    # them onto the badge, copied into the hole several times over.
    n = 256
    yy, xx = np.mgrid[:n, :n].astype(np.float32)
    grey = 0.74 + 0.08 * yy / n
    image = np.dstack([grey, grey, 0.97 * grey]).astype(np.float32)
    badge = (slice(40, 70), slice(8, 26))
    chequer = ((yy // 3 + xx // 3) % 2) * 2 - 1
    image[badge] += 0.08 * chequer[badge][..., None]
    hole = ((yy - n / 2) / (0.5 * n)) ** 2 + ((xx - n / 2) / (0.42 * n)) ** 2 < 1
    assert not hole[badge].any() and hole.mean() > 0.6
    damaged = image.copy()
    damaged[hole] = SENTINEL
    out = content_aware_fill(damaged, hole)
    grey_out = out.mean(axis=2)
    chequered = np.abs(grey_out - cv2.blur(grey_out, (3, 3))) > 0.02
    badge_area = 30 * 18
    # The badge may be continued into the hole (1.1-1.4 badges' area over seeds 0-3,
    # none since 2026-12-02: the texture feature weighed twice tells it from the wall);
    # with the full reuse cost per sharer it came out about 4 times.
    assert (chequered & hole).sum() < 2.5 * badge_area
    # ... and the rest of the hole is the plain wall, following its gradient.
    plain = hole & ~cv2.dilate(chequered.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    assert np.abs(out - image)[plain].mean() < 0.02


def test_a_fill_copied_from_differently_lit_places_has_no_seam():
    """blend_seams: two halves of a hole copied from a lit and a shaded stretch of one
    texture meet without a step of brightness; the texture itself stays."""
    from engine.methods.decompose_steps.patchmatch_fill import blend_seams

    rng = np.random.default_rng(0)
    h, w = 80, 120
    grain = 0.08 * rng.standard_normal((h, w, 1)).astype(np.float32)
    light = np.linspace(0.35, 0.65, w, dtype=np.float32)[None, :, None]   # lit from the right
    img = np.clip(light + grain, 0, 1) * np.ones(3, np.float32)
    hole = np.zeros((h, w), bool)
    hole[20:60, 40:80] = True
    ys, xs = np.mgrid[:h, :w].astype(np.int32)
    nny, nnx = ys.copy(), xs.copy()
    # The left half of the hole copies from the bright right side, the right half from the
    # dark left side: a step where they meet, and at both rims.
    left = hole & (xs < 60)
    right = hole & (xs >= 60)
    nnx[left] = xs[left] + 60
    nnx[right] = xs[right] - 60
    copied = img.copy()
    copied[hole] = img[nny[hole], nnx[hole]]

    out = blend_seams(copied, hole, nny, nnx)

    def step(a):   # mean brightness jump across the seam (column 59 to 60) and the rims
        rows = slice(25, 55)
        return (abs(a[rows, 60].mean() - a[rows, 59].mean())
                + abs(a[rows, 40].mean() - a[rows, 39].mean())
                + abs(a[rows, 80].mean() - a[rows, 79].mean()))

    assert step(copied) > 0.5
    assert step(out) < 0.25 * step(copied)
    # The grain is the sources' own: the fill minus its smooth part keeps its strength.
    def detail(a):
        return float(np.std((a - cv2.GaussianBlur(a, (0, 0), 2))[hole]))
    assert detail(out) > 0.8 * detail(copied)
    assert np.array_equal(out[~hole], copied[~hole])


# -- Edit > Content-Aware Fill…'s options: Sampling Area, Color Adaptation, Output To ---------
def two_colour_rgba(h=80, w=96):
    """Red on the left half, blue on the right, a little grain (uint8 RGBA)."""
    rng = np.random.default_rng(1)
    rgb = np.zeros((h, w, 3), np.float32)
    rgb[:, : w // 2] = (0.85, 0.15, 0.1)
    rgb[:, w // 2:] = (0.1, 0.2, 0.85)
    rgb += rng.normal(0, 0.03, (h, w, 1)).astype(np.float32)
    return np.dstack([np.clip(np.rint(rgb * 255), 0, 255), np.full((h, w), 255)]).astype(np.uint8)


@pytest.mark.parametrize("side", ["red", "blue"])
def test_the_sampling_area_decides_where_the_fill_comes_from(side):
    from engine.methods.decompose_steps.patchmatch_fill import content_aware_fill

    rgba = two_colour_rgba()
    img = rgba[..., :3].astype(np.float32) / 255
    hole = np.zeros((80, 96), bool)
    hole[24:56, 32:64] = True                      # straddles the boundary at x = 48
    sampling = np.zeros_like(hole)
    if side == "red":
        sampling[:, :48] = True
    else:
        sampling[:, 48:] = True
    # Color Adaptation None: the copy as found (the default blend would shade the fill
    # toward the other colour where the hole's rim is of it, as Photoshop's does).
    out = content_aware_fill(img, hole, seed=2, sampling=sampling, color_adaptation="none")
    inner = out[24:56, 32:64]
    red, blue = inner[..., 0].mean(), inner[..., 2].mean()
    if side == "red":
        assert red > 0.75 and blue < 0.2
    else:
        assert blue > 0.75 and red < 0.2
    assert np.array_equal(out[~hole], img[~hole])


def test_the_defaults_of_the_new_options_are_the_fill_as_it_was():
    """Not given, the Sampling Area and Color Adaptation are the whole picture and the
    default seam blend (checked bit for bit against the fill before they were added, on
    this input and seed, when they were merged; a digest here would break on another
    numba or OpenCV build)."""
    from engine.methods.decompose_steps.patchmatch_fill import content_aware_fill

    rng = np.random.default_rng(5)
    yy, xx = np.mgrid[:80, :96].astype(np.float32)
    img = np.dstack([0.5 + 0.4 * np.sin(xx / 3), 0.5 + 0.3 * np.cos(yy / 4),
                     rng.random((80, 96), dtype=np.float32) * 0.3]).astype(np.float32)
    hole = np.zeros((80, 96), bool)
    hole[25:55, 30:70] = True
    out = content_aware_fill(img, hole, seed=7)
    np.testing.assert_array_equal(
        out, content_aware_fill(img, hole, seed=7, sampling=np.ones((80, 96), bool),
                                color_adaptation="default"))
    # Color Adaptation None keeps the copy as found: it differs from the default's blend.
    plain = content_aware_fill(img, hole, seed=7, color_adaptation="none")
    assert not np.array_equal(plain, out)
    with pytest.raises(ValueError, match="Color Adaptation"):
        content_aware_fill(img, hole, color_adaptation="extreme")


@pytest.mark.parametrize("output", ["new", "duplicate"])
def test_output_to_a_new_or_duplicate_layer_leaves_the_layer_unchanged(output):
    from editor.model import Document
    from editor.model.content_fill import (apply_content_fill, prepare_content_fill,
                                           run_content_fill, sampling_area)
    from engine.box import Box

    rgba = two_colour_rgba()
    doc = Document(96, 80)
    layer = doc.add_image(rgba, "Photo", 0, 0)
    doc.set_selection(Box(20, 24, 16, 32))          # on the red half
    job = prepare_content_fill(doc, layer)
    job.sampling = sampling_area(job, "auto")
    assert job.sampling.any() and not (job.sampling & job.hole).any()
    count = doc.history.count
    target = apply_content_fill(doc, job, run_content_fill(job), output=output)
    assert doc.history.count == count + 1 and doc.history.undo_name() == "Content-Aware Fill"
    assert np.array_equal(layer.pixels, rgba)
    assert list(doc.layers()) == [layer, target] and target is not layer
    a = np.zeros((80, 96), np.uint8)
    a[target.y:target.y + target.height, target.x:target.x + target.width] = target.pixels[..., 3]
    if output == "new":   # only the fill: opaque over the selection, clear elsewhere
        assert (a[24:56, 20:36] == 255).all() and a[:, 48:].max() == 0
    else:
        assert (a == 255).all()
    full = np.zeros((80, 96, 4), np.uint8)
    full[target.y:target.y + target.height, target.x:target.x + target.width] = target.pixels
    assert full[26:54, 22:34, 0].mean() > 180       # red, from around it
    doc.history.undo()
    assert list(doc.layers()) == [layer]
