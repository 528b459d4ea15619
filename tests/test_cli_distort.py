"""`python main.py filter` runs Filter > Distort's and Render's filters as the menu does."""
from __future__ import annotations

import numpy as np
from PIL import Image

from editor.model import distort_filters as df, render_filters as rf
from engine.box import Box

from test_cli_filter import _run
from ui_helpers import photo


def test_distort_options_run_the_menus_filters_in_order(tmp_path):
    pixels = photo(60, 40)
    src, out = tmp_path / "in.png", tmp_path / "out.png"
    Image.fromarray(pixels).save(src)
    done = _run(str(src), "-o", str(out), "--twirl", "120", "--polar-coordinates", "to_rect",
                "--wave", "3,10,50,5,20,100,100,square,wrap,7", "--zigzag=-30,4,around",
                "--difference-clouds")
    assert done.returncode == 0, done.stderr
    assert "Twirl, Polar Coordinates, Wave, ZigZag, Difference Clouds" in done.stdout
    expected = pixels
    box = Box(0, 0, 60, 40)
    for op in (df.Twirl(120), df.PolarCoordinates("to_rect"),
               df.Wave(3, 10, 50, 5, 20, 100, 100, "square", "wrap", 7),
               df.ZigZag(-30, 4, "around"), rf.DifferenceClouds()):
        expected = op.process(expected, box, box, None)
    np.testing.assert_array_equal(np.asarray(Image.open(out).convert("RGBA")), expected)


def test_a_wrong_word_is_explained_in_one_line(tmp_path):
    src = tmp_path / "in.png"
    Image.fromarray(photo(8, 8)).save(src)
    done = _run(str(src), "-o", str(tmp_path / "o.png"), "--spherize", "50,sideways")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "--spherize" in done.stderr
