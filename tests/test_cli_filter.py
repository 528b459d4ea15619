"""`python main.py filter` runs the editor's filters and adjustments on a layer of a file."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
from PIL import Image

from editor.model import pixel_filters as pf
from editor.model.adjustments import Levels
from engine.box import Box

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(*args):
    return subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), "filter", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_filter_verb_runs_the_operations_in_order_inside_the_box(tmp_path):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (40, 50, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    src, out = tmp_path / "in.png", tmp_path / "out.png"
    Image.fromarray(pixels).save(src)
    done = _run(str(src), "-o", str(out), "--select", "10,5,20,15", "--invert",
                "--adjust", 'levels={"rgb": [20, 230, 1.0, 0, 255]}', "--gaussian-blur", "1.5")
    assert done.returncode == 0, done.stderr
    assert "Invert, Levels, Gaussian Blur" in done.stdout
    result = np.asarray(Image.open(out).convert("RGBA"))
    expected = pixels.copy()
    box = Box(0, 0, 50, 40)
    inside = np.zeros((40, 50), np.uint8)
    inside[5:20, 10:30] = 255
    for op in (pf.invert(), pf.Adjust(Levels(rgb=(20, 230, 1.0, 0, 255))), pf.GaussianBlur(1.5)):
        expected = op.process(expected, box, box, inside)
    np.testing.assert_array_equal(result, expected)
    np.testing.assert_array_equal(result[inside == 0], pixels[inside == 0])


def test_filter_verb_explains_a_bad_option_in_one_line(tmp_path):
    src = tmp_path / "in.png"
    Image.fromarray(np.full((8, 8, 4), 200, np.uint8)).save(src)
    done = _run(str(src), "-o", str(tmp_path / "o.png"), "--motion-blur", "30")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "--motion-blur" in done.stderr


def test_filter_verb_runs_the_other_filters_with_their_settings(tmp_path):
    """--offset, --emboss, --find-edges, --mosaic, --maximum: the settings in the dialog's
    order, a word for a choice; the same pixels as the editor's operations."""
    from editor.model import more_filters as mf

    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, (40, 50, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    src, out = tmp_path / "in.png", tmp_path / "out.png"
    Image.fromarray(pixels).save(src)
    done = _run(str(src), "-o", str(out), "--offset=-7,9,repeat", "--emboss", "120,2,150",
                "--find-edges", "--mosaic", "6", "--maximum", "2,round")
    assert done.returncode == 0, done.stderr
    assert "Offset, Emboss, Find Edges, Mosaic, Maximum" in done.stdout
    expected = pixels.copy()
    box = Box(0, 0, 50, 40)
    for op in (mf.Offset(-7, 9, "repeat"), mf.Emboss(120, 2, 150), mf.FindEdges(), mf.Mosaic(6),
               mf.Maximum(2, "round")):
        expected = op.process(expected, box, box, None)
    np.testing.assert_array_equal(np.asarray(Image.open(out).convert("RGBA")), expected)
    done = _run(str(src), "-o", str(out), "--median", "2,3")
    assert done.returncode == 2 and "--median" in done.stderr
