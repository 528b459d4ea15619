"""Filter > Render > Flame, Picture Frame and Tree (`editor.model.render_pictures`): each
draws where it belongs (along the path, round the border, at the bottom centre), the same
for the same seed, and Flame needs a path; the `filter` verb draws them too."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from editor.model import paths, replay
from editor.model.document import Document
from editor.model.errors import DocumentError
from editor.model.render_pictures import FLAME_TYPES, FRAMES, TREES, Flame, PictureFrame, Tree
from engine.box import Box

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
W, H = 120, 90
BOX = Box(0, 0, W, H)
LINE = (((20.0, 70.0), (100.0, 70.0)),)  # a horizontal path 70 px down


def empty() -> np.ndarray:
    return np.zeros((H, W, 4), np.uint8)


def drawn(op, src=None) -> np.ndarray:
    """The alpha `op` gives an empty layer (or what it makes of `src`)."""
    out = op.process(empty() if src is None else src, BOX, BOX, None)
    return out


@pytest.mark.parametrize("flame_type", FLAME_TYPES)
def test_flame_draws_only_near_the_path(flame_type):
    op = Flame(flame_type=flame_type, length=30, width=12, interval=10, path=LINE,
               frame=BOX.as_tuple(), seed=3)
    alpha = drawn(op)[..., 3]
    assert (alpha > 128).sum() > 60  # flames, not a speck
    ys, xs = np.nonzero(alpha)
    # A tongue's length (Normal's spread, sway) and width, and the glow's blur (4 sigma).
    reach = 30 * 1.5 + 12 * 1.5
    assert ys.min() >= 70 - reach and ys.max() <= 70 + 12 * 1.5 + 1
    assert xs.min() >= 20 - reach and xs.max() <= 100 + reach
    assert not alpha[:10].any()  # far above: untouched


def test_flames_rise_from_the_path_and_follow_style_and_colour():
    op = Flame(length=40, width=14, interval=12, path=LINE, frame=BOX.as_tuple())
    out = drawn(op)
    above, below = out[30:68, 20:100, 3], out[74:, :, 3]
    assert (above > 60).mean() > 0.2 and (below > 60).mean() < 0.05  # up off the path
    assert out[..., 0].max() > 200 and out[..., 0][out[..., 3] > 200].mean() > \
        out[..., 2][out[..., 3] > 200].mean() + 60  # fire: red over blue
    blue = drawn(Flame(length=40, width=14, interval=12, path=LINE, frame=BOX.as_tuple(),
                       custom_colour=True, colour=(0, 60, 255)))
    solid = blue[..., 3] > 200
    assert blue[..., 2][solid].mean() > blue[..., 0][solid].mean() + 60
    flat = drawn(Flame(length=40, width=14, interval=12, path=LINE, style="flat"))
    violent = drawn(Flame(length=40, width=14, interval=12, path=LINE, style="violent"))
    assert not np.array_equal(flat, violent)


def test_same_seed_same_picture_another_seed_another():
    for cls, settings in ((Flame, {"path": LINE}), (PictureFrame, {"frame_kind": "vines"}),
                          (Tree, {})):
        a = drawn(cls(seed=5, frame=BOX.as_tuple(), **settings))
        np.testing.assert_array_equal(a, drawn(cls(seed=5, frame=BOX.as_tuple(), **settings)))
        assert not np.array_equal(a, drawn(cls(seed=6, frame=BOX.as_tuple(), **settings)))


@pytest.mark.parametrize("kind", FRAMES)
def test_picture_frame_stays_in_its_band(kind):
    margin, size = 6, 14
    alpha = drawn(PictureFrame(frame_kind=kind, margin=margin, size=size,
                               frame=BOX.as_tuple()))[..., 3]
    inner = margin + size + 4  # (a vine's leaves and a wave's swing reach a little past)
    assert not alpha[inner:H - inner, inner:W - inner].any()
    band = np.zeros((H, W), bool)
    band[margin:H - margin, margin:W - margin] = True
    band[margin + size:H - margin - size, margin + size:W - margin - size] = False
    assert (alpha[band] > 0).mean() > 0.15


@pytest.mark.parametrize("tree", TREES)
def test_tree_stands_at_the_bottom_centre(tree):
    alpha = drawn(Tree(tree=tree, frame=BOX.as_tuple(), seed=1))[..., 3]
    assert alpha[H - 3:, W // 2 - 4:W // 2 + 4].max() > 200  # the trunk's foot
    top = H - int(0.7 * H)  # its height: 0.7 of the canvas (beyond: a trace of anti-aliasing)
    assert not (alpha[:top - 2] > 8).any() and alpha[:top + 3].any()
    assert not alpha[H - 6:, :10].any() and not alpha[H - 6:, -10:].any()  # nor the corners
    bare = drawn(Tree(tree=tree, frame=BOX.as_tuple(), seed=1, default_leaves=False))
    assert (bare[..., 3] > 0).sum() < (alpha > 0).sum()


def test_drawn_over_the_layer_keeps_it_elsewhere():
    rng = np.random.default_rng(0)
    src = rng.integers(0, 256, (H, W, 4), dtype=np.uint8)
    src[..., 3] = 255
    out = drawn(Tree(frame=BOX.as_tuple()), src)
    np.testing.assert_array_equal(out[:5], src[:5])
    np.testing.assert_array_equal(out[..., 3], 255)
    assert not np.array_equal(out, src)


def test_flame_takes_the_documents_path_or_says_it_needs_one():
    doc = Document(W, H)
    with pytest.raises(DocumentError, match="path"):
        Flame().for_document(doc)
    knots = np.array([[[20, 70], [20, 70], [20, 70]], [[100, 70], [100, 70], [100, 70]]],
                     np.float64)
    paths.add_subpath(doc, knots, False)
    op = Flame().for_document(doc)
    assert op.frame == (0, 0, W, H) and op.path == LINE
    # Recorded in an action and played back: the same operation.
    assert replay.operation(replay.operation_settings(op)) == op
    tree = Tree().for_document(doc)
    assert tree.path == LINE


def test_filter_verb_draws_a_picture_frame(tmp_path):
    pixels = np.full((H, W, 4), 200, np.uint8)
    src, out = tmp_path / "in.png", tmp_path / "out.png"
    Image.fromarray(pixels).save(src)
    done = subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), "filter", str(src),
                           "-o", str(out), "--picture-frame", "stripes,4,10"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Picture Frame" in done.stdout
    result = np.asarray(Image.open(out).convert("RGBA"))
    expected = PictureFrame("stripes", 4, 10, frame=BOX.as_tuple()).process(pixels, BOX, BOX,
                                                                              None)
    np.testing.assert_array_equal(result, expected)
    np.testing.assert_array_equal(result[20:H - 20, 20:W - 20], pixels[20:H - 20, 20:W - 20])
