"""brush_tip: a tip survives brushes.json, a white selection makes no brush, Spacing is
kept within Photoshop's 1-1000 %, and the plain round tip takes the stroke's fast path."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import brush_tip
from editor.model.brush_tip import BrushPreset, BrushTip
from editor.model.errors import DocumentError


def test_presets_round_trip_through_the_file(tmp_path):
    presets = brush_tip.default_presets()
    presets.append(BrushPreset("Flat", 12, 0.5, BrushTip(angle=30, roundness=0.25,
                                                          spacing=2.0, scatter=1.5,
                                                          both_axes=True, count=3)))
    path = str(tmp_path / "brushes.json")
    brush_tip.save(path, presets)
    back = brush_tip.load(path)
    assert [p.name for p in back] == [p.name for p in presets]
    assert back[-1] == presets[-1]
    star = next(p for p in back if p.name == "Star")
    assert np.array_equal(star.tip.sample, presets[2].tip.sample)
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(DocumentError):
        brush_tip.load(str(tmp_path / "bad.json"))


def test_define_brush_reads_dark_as_paint_and_refuses_white():
    rgba = np.full((20, 30, 4), 255, np.uint8)
    with pytest.raises(DocumentError, match="no paint"):
        brush_tip.sample_of_pixels(rgba)
    rgba[5:9, 10:22, :3] = 0
    rgba[:, 25:, 3] = 0   # transparent: no paint, whatever its colour
    rgba[:, 25:, :3] = 0
    sample = brush_tip.sample_of_pixels(rgba)
    assert sample.shape == (4, 12) and (sample == 255).all()


def test_spacing_is_clamped_and_plain_is_the_round_tip():
    assert BrushTip(spacing=50).clamped().spacing == 10.0
    assert BrushTip(spacing=0).clamped().spacing == 0.01
    assert BrushTip(angle=40).plain  # (a round tip turned is the same dab)
    assert not BrushTip(roundness=0.5).plain and not BrushTip(scatter=0.1).plain
