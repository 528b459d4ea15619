"""Every Warp style (Edit > Transform > Warp and Type > Warp Text share them) maps a wide
text-like box onto the canvas without folding over itself at Photoshop's default +/-50 %
bend: the map's Jacobian keeps its sign everywhere inside the box. (Twist, turned in pixel
units, folded a wide box and drew torn text.)"""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import warp

BOX = (0.0, 0.0, 280.0, 40.0)  # a line of 36 pt text


@pytest.mark.parametrize("bend", [0.5, -0.5])
@pytest.mark.parametrize("vertical", [False, True])
@pytest.mark.parametrize("name", [n for n in warp.PRESETS if n not in ("None", "Custom")])
def test_the_style_does_not_fold_a_wide_box(name, bend, vertical):
    grid = warp.preset(name, bend, BOX, vertical=vertical)
    n = 120
    u = np.linspace(0.0, 1.0, n + 1)
    p = warp.evaluate(grid, u, u)  # (t, s, 2)
    ds = np.diff(p, axis=1)[:-1]  # along s
    dt = np.diff(p, axis=0)[:, :-1]  # along t
    jacobian = ds[..., 0] * dt[..., 1] - ds[..., 1] * dt[..., 0]
    assert (jacobian > 0).all() or (jacobian < 0).all(), \
        f"{name} folds: {(jacobian > 0).mean():.3f} of the box keeps its orientation"
