"""editor.model.liquify without the window: a field painted on a reduced grid gives nearly
what the full-size grid gives (upsampled smoothly), a flat colour pushed over transparency
keeps its colour (premultiplied reads: no dark fringe, opaque layer or not), and a field
that moves nothing is the identity."""
from __future__ import annotations

import numpy as np

from editor.model import filter_ops, liquify
from engine.box import Box

W, H = 160, 120


def target(pixels: np.ndarray) -> filter_ops.Target:
    h, w = pixels.shape[:2]
    return filter_ops.Target(None, pixels, (0, 0), Box(0, 0, w, h), None, None, False)


def photo_like() -> np.ndarray:
    y, x = np.mgrid[:H, :W]
    pixels = np.empty((H, W, 4), np.uint8)
    pixels[..., 0] = (x * 255 // W)
    pixels[..., 1] = (y * 255 // H)
    pixels[..., 2] = ((x // 8 + y // 8) % 2) * 200  # checks: edges to move
    pixels[..., 3] = 255
    return pixels


def paint(mesh: liquify.Mesh) -> liquify.Liquify:
    mesh.stroke("warp", (50, 60), (90, 45), 60, 100, 50)
    for _ in range(5):
        mesh.dab("bloat", (110, 80), 50, 100, 50)
    return mesh.frozen()


def test_a_reduced_grid_gives_nearly_the_full_grids_warp():
    pixels = photo_like()
    full = filter_ops.run(target(pixels), paint(liquify.Mesh(Box(0, 0, W, H)))).pixels
    small = filter_ops.run(target(pixels),
                           paint(liquify.Mesh(Box(0, 0, W, H), (W // 2, H // 2)))).pixels
    assert (full != pixels).any(axis=-1).mean() > 0.1
    diff = np.abs(full[..., :3].astype(int) - small[..., :3])
    assert np.median(diff) <= 2 and np.percentile(diff, 95) <= 40


def test_a_colour_pushed_over_transparency_keeps_its_colour():
    for alpha in (255, 200):  # (an opaque layer is read in 8 bits, the rest in float)
        pixels = np.zeros((H, W, 4), np.uint8)
        pixels[..., :3] = 255  # white hidden under alpha 0: it must not come in either
        pixels[30:90, 0:80] = (220, 40, 30, alpha)
        if alpha == 255:  # opaque where the layer is: its edge is the canvas's
            pixels = np.ascontiguousarray(pixels[30:90, 0:80])
        mesh = liquify.Mesh(Box(0, 0, pixels.shape[1], pixels.shape[0]))
        mesh.stroke("warp", (6, 30), (40, 30), 40, 100, 50)  # the left edge pushed inwards
        out = filter_ops.run(target(pixels), mesh.frozen()).pixels
        seen = out[..., 3] > 64  # (8-bit premultiplied colour: coarser where fainter)
        assert (out[..., 3] < min(alpha, 255) - 8).any()  # transparency pushed in
        assert np.abs(out[seen][:, :3].astype(int) - (220, 40, 30)).max() <= 3


def test_nothing_painted_or_everything_restored_is_the_identity():
    mesh = liquify.Mesh(Box(0, 0, W, H), (80, 60))
    assert mesh.frozen().is_identity()
    paint(mesh)
    assert not mesh.frozen().is_identity()
    mesh.restore_all()
    assert mesh.frozen().is_identity()


def test_a_half_frozen_field_moves_half_as_far_and_a_frozen_one_not_at_all():
    free, half, frozen = (liquify.Mesh(Box(0, 0, W, H)) for _ in range(3))
    half.freeze[...] = 0.5
    frozen.mask_all()
    for mesh in (free, half, frozen):
        mesh.warp((80, 60), (6, -3), 30, 100, 50)
        mesh.dab("twirl", (80, 60), 60, 100, 50)
    assert np.abs(free.field).max() > 3
    np.testing.assert_allclose(half.field, 0.5 * free.field, atol=0.6)
    assert frozen.is_identity()
    frozen.invert_all()  # now nothing is frozen: it moves as the free one did
    frozen.warp((80, 60), (6, -3), 30, 100, 50)
    frozen.dab("twirl", (80, 60), 60, 100, 50)
    np.testing.assert_allclose(frozen.field, free.field, atol=1e-5)


def test_smooth_evens_out_a_ripple_and_keeps_a_uniform_push():
    mesh = liquify.Mesh(Box(0, 0, W, H))
    x = np.arange(W, dtype=np.float32)
    mesh.field[..., 0] = 3.0 + 2.0 * np.sin(x / 2.0)[None, :]  # a push with a fine ripple
    before = mesh.field.copy()
    for _ in range(6):
        mesh.dab("smooth", (80, 60), 60, 100, 100)
    inner = (slice(52, 68), slice(62, 98))  # well inside the brush's full-strength core
    ripple_before = np.abs(before[inner][..., 0] - 3.0).mean()
    ripple_after = np.abs(mesh.field[inner][..., 0] - 3.0).mean()
    assert ripple_after < 0.2 * ripple_before, (ripple_before, ripple_after)
    assert abs(mesh.field[inner][..., 0].mean() - 3.0) < 0.1  # the push itself stays
    far = (slice(0, 20), slice(0, 40))
    np.testing.assert_array_equal(mesh.field[far], before[far])  # beyond the brush
    flat = liquify.Mesh(Box(0, 0, W, H))
    flat.field[..., 1] = -4.0
    flat.dab("smooth", (80, 60), 60, 100, 50)
    np.testing.assert_allclose(flat.field[..., 1], -4.0, atol=1e-5)


def test_push_left_pushes_to_the_left_of_the_drag_and_reverse_to_the_right():
    for reverse, sign in ((False, -1.0), (True, 1.0)):
        mesh = liquify.Mesh(Box(0, 0, W, H))
        mesh.stroke("push_left", (80, 70), (80, 50), 40, 100, 50, reverse)  # dragged up
        d = mesh.field[60, 80]  # the output reads from where the pixels came from
        assert sign * -d[0] > 10 and abs(d[1]) < 1, (reverse, d)
    down = liquify.Mesh(Box(0, 0, W, H))
    down.stroke("push_left", (80, 50), (80, 70), 40, 100, 50)
    assert -down.field[60, 80, 0] > 10  # dragged down: to the right
