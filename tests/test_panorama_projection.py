"""Photomerge's Cylindrical and Spherical layouts (`panorama_projection`): views rendered from
a cylinder of known radius round the camera (skimage photos side by side on it) give back
that radius as the focal length, are reprojected so that the centre keeps its scale, and
merge into the cylinder's picture itself; one plane (Auto) cannot hold the same row."""
from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
from PIL import Image
from skimage import data

from editor.model import panorama_projection as pp
from editor.model import photomerge
from editor.model.errors import DocumentError
from editor.model.files import read_image
from editor.model.render import composite_document

F = 300.0  # the cylinder's radius = the views' focal length (px)
X0 = 150.0  # where the first view's centre lies on the unrolled scene


def scene() -> np.ndarray:
    """The unrolled cylinder: coffee, astronaut and chelsea side by side, 240 px high."""
    parts = [data.coffee(), data.astronaut(), data.chelsea()]
    return np.hstack([cv2.resize(p, (round(p.shape[1] * 240 / p.shape[0]), 240),
                                 interpolation=cv2.INTER_AREA) for p in parts])


def view(tex: np.ndarray, yaw: float, w: int = 320, h: int = 240) -> np.ndarray:
    """What a w x h camera of focal length F at the cylinder's axis sees, turned by `yaw`."""
    cx, cy = (w - 1) / 2, (h - 1) / 2
    u, v = np.meshgrid(np.arange(w) - cx, np.arange(h) - cy)
    theta = yaw + np.arctan(u / F)
    height = v / np.sqrt(u ** 2 + F ** 2)
    return cv2.remap(tex, (X0 + F * theta).astype(np.float32),
                     ((tex.shape[0] - 1) / 2 + F * height).astype(np.float32),
                     cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)


@pytest.fixture(scope="module")
def views(tmp_path_factory):
    tex = scene()
    folder = tmp_path_factory.mktemp("views")
    paths = []
    for i, yaw in enumerate((0.0, 0.5, 1.0, 1.5)):  # four views over 150°
        paths.append(str(folder / f"view{i}.png"))
        Image.fromarray(view(tex, yaw)).save(paths[-1])
    return tex, paths


def test_the_focal_length_comes_from_the_overlaps(views):
    _tex, paths = views
    focal = pp.focal_from_photos([read_image(p) for p in paths])
    assert abs(focal - F) < 0.03 * F, focal


def test_projection_keeps_the_centre_and_bends_straight_lines(views):
    _tex, paths = views
    pixels = read_image(paths[0])
    for kind in pp.KINDS:
        out = pp.project(pixels, F, kind)
        h, w = out.shape[:2]
        assert h % 2 == 1 and w % 2 == 1 and w < pixels.shape[1]  # (narrower on a cylinder)
        # The centre pixel keeps its colour; the corners beyond the photo are transparent.
        assert np.abs(out[h // 2, w // 2, :3].astype(int)
                      - pixels[119:121, 159:161, :3].astype(int).mean((0, 1))).max() < 12
        assert out[0, 0, 3] == 0 if kind == "spherical" else True
    with pytest.raises(ValueError, match="projections"):
        pp.project(pixels, F, "conical")


def test_cylindrical_photomerge_gives_back_the_scene_where_auto_cannot(views):
    tex, paths = views
    doc = photomerge.photomerge(paths, "cylindrical")
    comp = composite_document(doc)
    first = list(doc.layers())[0]
    oh, ow = first.pixels.shape[:2]
    # The first view's projected centre is the scene's X0; one pixel per pixel round it.
    jj, ii = np.meshgrid(np.arange(doc.width) - first.x - (ow - 1) / 2,
                         np.arange(doc.height) - first.y - (oh - 1) / 2)
    truth = cv2.remap(tex, (X0 + jj).astype(np.float32),
                      ((tex.shape[0] - 1) / 2 + ii).astype(np.float32), cv2.INTER_LINEAR)
    shown = comp[..., 3] == 255
    assert shown.mean() > 0.9
    error = np.abs(comp[..., :3].astype(int) - truth.astype(int))[shown].mean()
    assert error < 3.0, error
    # 150° of view plus the views' width: about F * (1.5 + 2 atan(160 / F)) px wide.
    assert abs(doc.width - F * (1.5 + 2 * math.atan(160 / F))) < 8
    with pytest.raises(DocumentError):
        photomerge.photomerge(paths, "auto")  # (one plane cannot hold 150° and more)
