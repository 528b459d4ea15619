"""Content-Aware Fill's adaptations (Photoshop's Rotation Adaptation, Scale, Mirror and Color
Adaptation's gain and bias; engine/methods/decompose_steps/patch_transforms.py): each one
lets the fill copy what a translation alone cannot, from a sampling area that holds the
texture only turned, flipped or lit differently."""
import numpy as np
import pytest

from engine.errors import Cancelled
from engine.methods.decompose_steps.patch_transforms import transform_table
from engine.methods.decompose_steps.patchmatch_fill import content_aware_fill

H, W = 96, 160
YY, XX = np.mgrid[:H, :W].astype(np.float32)


def stripes(angle, period=8.0):
    t = np.deg2rad(angle)
    return 0.5 + 0.4 * np.sin(2 * np.pi * (np.cos(t) * YY + np.sin(t) * XX) / period)


def rgb(v):
    return np.dstack([v, 0.8 * v + 0.1, 1.0 - v]).astype(np.float32)


def fill_error(image, hole, sampling, seed=1, **options):
    out = content_aware_fill(image, hole, seed=seed, sampling=sampling, **options)
    assert np.array_equal(out[~hole], image[~hole])     # every known pixel kept
    return float(np.abs(out - image)[hole].mean())


def hole_at(y0, y1, x0, x1):
    hole = np.zeros((H, W), bool)
    hole[y0:y1, x0:x1] = True
    return hole


def test_rotation_adaptation_copies_stripes_turned_from_another_angle():
    # Horizontal stripes on the left (the only place to copy from), stripes at 45 degrees
    # around the hole on the right.
    image = rgb(np.where(XX < 64, stripes(0), stripes(45)))
    hole, sampling = hole_at(32, 64, 100, 132), XX < 56
    plain = fill_error(image, hole, sampling)
    turned = fill_error(image, hole, sampling, rotation="medium")
    assert plain > 0.25                  # horizontal stripes in a diagonal ground
    assert turned < 0.4 * plain
    # Low turns at most 15 degrees: not enough for 45.
    assert fill_error(image, hole, sampling, rotation="low") > 0.6 * plain


def test_mirror_copies_a_pattern_flipped_left_to_right():
    # A herringbone: stripes at +30 degrees on the left, their mirror image on the right.
    image = rgb(np.where(XX < 64, stripes(30, 9), stripes(-30, 9)))
    hole, sampling = hole_at(32, 64, 100, 132), XX < 56
    plain = fill_error(image, hole, sampling)
    assert plain > 0.2
    assert fill_error(image, hole, sampling, mirror=True) < 0.4 * plain


def test_color_adaptation_fits_contrast_and_brightness_along_a_gradient():
    # Stripes whose brightness and contrast grow from left to right: the sampling area
    # (left half) holds them dimmer and flatter than around the hole.
    v = stripes(20, 9) * (0.3 + 0.7 * XX / W)
    image = np.dstack([v, 0.9 * v, 0.7 * v + 0.05]).astype(np.float32)
    hole, sampling = hole_at(32, 64, 112, 144), XX < 80
    as_found = fill_error(image, hole, sampling, color_adaptation="none")
    seams_only = fill_error(image, hole, sampling)      # Default: the seam blend alone
    fitted = fill_error(image, hole, sampling, color_adaptation="very high")
    assert seams_only < as_found
    assert fitted < 0.6 * seams_only
    assert fill_error(image, hole, sampling, color_adaptation="high") < seams_only


def test_with_every_option_deterministic_for_a_seed_and_cancellable():
    image = rgb(np.where(XX < 64, stripes(0), stripes(45)))
    hole = hole_at(32, 64, 100, 132)
    options = dict(rotation="full", scale=True, mirror=True, color_adaptation="very high")
    a = content_aware_fill(image, hole, seed=3, **options)
    b = content_aware_fill(image, hole, seed=3, **options)
    assert np.array_equal(a, b) and np.array_equal(a[~hole], image[~hole])
    assert not np.array_equal(a, content_aware_fill(image, hole, seed=4, **options))
    calls = []

    def progress(done, total):
        calls.append(done)
        if done == 2:
            raise Cancelled()

    with pytest.raises(Cancelled):
        content_aware_fill(image, hole, progress=progress, **options)
    assert calls == [1, 2]


def test_the_transform_table_and_bad_options():
    offs, rad = transform_table(3, "full", scale=True, mirror=True)
    assert (offs[0].reshape(7, 7, 2) == np.stack(np.mgrid[-3:4, -3:4], -1)).all()  # identity
    assert len(offs) == 48 * 5 * 2 and rad.max() > 3
    assert (offs[:, 24] == 0).all()                    # the centre stays where it is
    image = rgb(stripes(0))
    with pytest.raises(ValueError, match="Rotation Adaptation is one of"):
        content_aware_fill(image, hole_at(10, 20, 10, 20), rotation="sideways")
