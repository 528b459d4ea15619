"""Invert, Posterize, Threshold and Gradient Map adjustment layers in the model: each
composite (the 16-bit path of files and merges, the 8-bit screen) against a numpy
reference of its formula written here on the integer pixels; alpha kept; the PSD round
trip through our writer and reader and psd-tools' reader; a Gradient Map Photoshop wrote;
Image > Adjustments' pass on pixels (the same settings); the command line's info."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from editor.model import AdjustmentLayer, Document, LayerMask, filter_ops
from editor.model import adjustments as adj, pixel_filters as pf
from editor.model.files import open_document, save_document
from editor.model.render import composite_document
from _documents import noise, stacked

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = os.path.join(ROOT, "tests", "psd_tools_files")
W, H = 64, 48


def photo(seed: int = 3, alpha: bool = False) -> np.ndarray:
    return noise(H, W, seed, alpha)


def document(*nodes, background=None) -> Document:
    return stacked(W, H, photo() if background is None else background, *nodes)


def reference(settings, pixels: np.ndarray) -> np.ndarray:
    """The adjusted RGB (0..255, float) of opaque uint8 `pixels`, from the formulas as
    adjustments.py states them."""
    v = pixels[..., :3].astype(np.int64)
    if isinstance(settings, adj.Invert):
        return (255 - v).astype(float)
    if isinstance(settings, adj.Posterize):
        n = settings.levels
        return ((v * n // 256) * 255 // (n - 1)).astype(float)
    weighted = 30 * v[..., 0] + 59 * v[..., 1] + 11 * v[..., 2]  # luminance x 100, in levels
    if isinstance(settings, adj.Threshold):
        # Rounded half down, then compared: 114.5 is under 115.
        white = weighted > 100 * settings.level - 50
        return np.repeat(np.where(white, 255.0, 0.0)[..., None], 3, axis=-1)
    # Gradient Map with straight stretches (smoothness 0, Classic): the stops' colours
    # interpolated at the luminance, read backwards when reversed.
    t = weighted / 25500.0
    if settings.reverse:
        t = 1 - t
    locations = [at / 100 for at, _ in settings.stops]
    return np.stack([np.interp(t, locations, [c[i] for _, c in settings.stops])
                     for i in range(3)], axis=-1)


MAP = adj.GradientMap(stops=((0.0, (20, 0, 90)), (40.0, (230, 60, 20)), (100.0, (255, 250, 200))),
                      smoothness=0)
CASES = [adj.Invert(), adj.Posterize(4), adj.Posterize(2), adj.Posterize(200), adj.Threshold(),
         adj.Threshold(60), adj.Threshold(250), MAP, adj.changed(MAP, reverse=True)]


@pytest.mark.parametrize("settings", CASES, ids=lambda s: s.describe())
def test_composite_matches_the_formula_on_both_paths(settings):
    background = photo()
    doc = document(AdjustmentLayer("adjust", settings), background=background)
    expected = reference(settings, background)
    exact = not isinstance(settings, adj.GradientMap)
    for precise in (True, False):
        shown = composite_document(doc, precise=precise)
        assert (shown[..., 3] == 255).all()
        error = np.abs(shown[..., :3] - expected)
        # Invert, Posterize, Threshold: exact on both paths. A Gradient Map goes through the
        # gradient's 4096-entry table of 8-bit colours: within a level and a half.
        assert error.max() <= (0 if exact else 1.5), (precise, error.max())
    assert np.abs(shown[..., :3].astype(int) - background[..., :3]).mean() > 0.5  # it changed


def test_the_luminance_is_photoshops_and_a_half_rounds_down():
    """Threshold's luminance is 0.30 R + 0.59 G + 0.11 B in levels, rounded half down
    (Photoshop's pixels: threshold_rgb.psd): (255, 0, 94) is 86.84, (100, 120, 150) 117.3,
    (50, 150, 100) 114.5 (under 115), (0, 195, 0) 115.05."""
    pixels = np.full((H, W, 4), 255, np.uint8)
    colours = [(255, 0, 94), (100, 120, 150), (50, 150, 100), (0, 195, 0)]
    for i, rgb in enumerate(colours):
        pixels[:, i, :3] = rgb
    for level, white in ((87, (True, True, True, True)), (88, (False, True, True, True)),
                         (115, (False, True, False, True)), (117, (False, True, False, False)),
                         (118, (False, False, False, False))):
        doc = document(AdjustmentLayer("t", adj.Threshold(level)), background=pixels)
        for precise in (True, False):
            row = composite_document(doc, precise=precise)[0, :4, 0]
            assert tuple(row == 255) == white, (level, precise, row)


def test_posterize_keeps_photoshops_levels_and_checks_its_range():
    t = np.arange(256) / 255.0
    out = np.rint(adj.Posterize(3).transfer(t, 0) * 255)
    assert sorted(set(out)) == [0, 127, 255]  # 255 / 2 rounded down, as Photoshop shows it
    assert out[85] == 0 and out[86] == 127 and out[170] == 127 and out[171] == 255
    with pytest.raises(ValueError):
        adj.Posterize(1)
    with pytest.raises(ValueError):
        adj.Threshold(0)


def test_alpha_mask_and_opacity_are_kept():
    background = photo(alpha=True)
    layer = AdjustmentLayer("t", adj.Threshold(100), opacity=255)
    values = np.zeros((H, W), np.uint8)
    values[:, W // 2:] = 255
    layer.mask = LayerMask(values)
    doc = document(layer, background=background)
    for precise in (True, False):
        shown = composite_document(doc, precise=precise)
        np.testing.assert_array_equal(shown[..., 3], background[..., 3])
        plain = composite_document(document(background=background), precise=precise)
        np.testing.assert_array_equal(shown[:, : W // 2], plain[:, : W // 2])
        solid = background[:, W // 2:, 3] > 64
        assert set(np.unique(shown[:, W // 2:, :3][solid])) <= {0, 255}


def test_gradient_map_leaves_the_opacity_stops_out_and_checks_its_gradient():
    """Photoshop draws only a gradient map's colours: a transparent stop changes nothing."""
    clear = adj.changed(MAP, opacity_stops=((0.0, 0.0), (100.0, 100.0)))
    a = composite_document(document(AdjustmentLayer("a", MAP)))
    b = composite_document(document(AdjustmentLayer("b", clear)))
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError):
        adj.GradientMap(stops=())
    with pytest.raises(ValueError):
        adj.GradientMap(method="smooth")
    # Stops are sorted as a gradient fill's, their midpoints with them.
    mixed = adj.GradientMap(stops=((80.0, (1, 2, 3)), (10.0, (4, 5, 6))), midpoints=(30, 70))
    assert mixed.stops == ((10.0, (4, 5, 6)), (80.0, (1, 2, 3))) and mixed.midpoints == (70, 30)


def test_saved_and_reopened_and_read_by_psd_tools(tmp_path):
    from psd_tools import PSDImage

    gradient = adj.GradientMap(stops=((0.0, (10, 20, 30)), (35.5, (200, 40, 10)),
                                      (100.0, (250, 240, 230))),
                               opacity_stops=((0.0, 100.0), (60.0, 40.0)), smoothness=70,
                               method="linear", midpoints=(50, 30, 65), reverse=True, dither=True)
    settings = [adj.Invert(), adj.Posterize(9), adj.Threshold(77), gradient]
    nodes = [AdjustmentLayer(f"adjust {i}", s, opacity=255 - 20 * i) for i, s in enumerate(settings)]
    nodes[1].blend_mode = "multiply"
    doc = document(*nodes)
    save_document(doc, tmp_path / "tonal.psd")
    again = open_document(tmp_path / "tonal.psd")
    assert again.warnings == []
    read = [n for n in again.nodes() if isinstance(n, AdjustmentLayer)]
    assert [(n.name, n.settings, n.opacity, n.blend_mode) for n in read] == \
        [(n.name, n.settings, n.opacity, n.blend_mode) for n in nodes]
    np.testing.assert_array_equal(composite_document(again), composite_document(doc))
    # Saved again, the file's blocks are the same (nothing drifts).
    save_document(again, tmp_path / "again.psd")
    assert [n.settings for n in open_document(tmp_path / "again.psd").nodes()
            if isinstance(n, AdjustmentLayer)] == settings
    theirs = {layer.name: layer for layer in PSDImage.open(tmp_path / "tonal.psd").descendants()}
    assert [theirs[f"adjust {i}"].kind for i in range(4)] == \
        ["invert", "posterize", "threshold", "gradientmap"]
    assert theirs["adjust 1"].posterize == 9 and theirs["adjust 2"].threshold == 77
    grdm = theirs["adjust 3"]
    assert grdm.reversed and grdm.dithered and grdm.interpolation == pytest.approx(0.7, abs=1e-3)
    data = grdm._data
    assert data.version == 3 and data.method == b"Lnr "
    assert [(s.location, s.midpoint, tuple(s.color[:3])) for s in data.color_stops] == \
        [(0, 50, (2570, 5140, 7710)), (1454, 30, (51400, 10280, 2570)),
         (4096, 65, (64250, 61680, 59110))]
    assert [(s.location, s.opacity) for s in data.transparency_stops] == [(0, 255), (2458, 102)]


def test_a_gradient_map_photoshop_wrote_is_read_and_saved_back():
    """psd-tools' gradient-map-v3-linear.psd: Photoshop 23's Gradient Map in its Linear
    method, from red to white; drawn as ours and written back with its name and seed."""
    import tempfile

    from psd_tools import PSDImage

    doc = open_document(os.path.join(FILES, "gradient-map-v3-linear.psd"))
    (layer,) = [n for n in doc.nodes() if isinstance(n, AdjustmentLayer)]
    assert layer.settings == adj.GradientMap(stops=((0.0, (255, 0, 0)), (100.0, (255, 255, 255))),
                                             method="linear")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "back.psd")
        save_document(doc, path)
        (theirs,) = [l for l in PSDImage.open(path).descendants() if l.kind == "gradientmap"]
        original = layer.settings.source
        assert theirs.gradient_name == "Foreground to Background"
        assert theirs._data.random_seed == original.random_seed
        assert theirs._data.method == b"Lnr "


@pytest.mark.parametrize("settings", [adj.Posterize(5), adj.Threshold(140), MAP],
                         ids=lambda s: s.kind)
def test_image_adjustments_change_the_pixels_as_the_layer_draws_them(settings):
    """Image > Adjustments' pass on a layer's own pixels (inside a selection) gives what the
    adjustment layer composites: the same settings through the same pass."""
    background = photo()
    doc = document(background=background.copy())  # (changed in place)
    layer = doc.root.children[0]
    doc.active = layer
    from engine.box import Box

    doc.set_selection(Box(8, 4, 30, 20))
    filter_ops.apply(doc, pf.Adjust(settings), layer)
    drawn = composite_document(document(AdjustmentLayer("a", settings), background=background),
                               precise=False)
    inside = layer.pixels[4:24, 8:38]
    np.testing.assert_array_equal(inside, drawn[4:24, 8:38])
    np.testing.assert_array_equal(layer.pixels[:4], background[:4])


def test_cli_info_lists_the_four(tmp_path):
    doc = document(AdjustmentLayer("Inv", adj.Invert()), AdjustmentLayer("Post", adj.Posterize(6)),
                   AdjustmentLayer("Thr", adj.Threshold(90)), AdjustmentLayer("Map", MAP))
    save_document(doc, tmp_path / "a.psd")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = lambda *args: subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, env=env,  # noqa: E731
                                       capture_output=True, text=True, timeout=300)
    info = run("info", str(tmp_path / "a.psd"))
    assert info.returncode == 0, info.stderr
    for text in ("Invert: inverts", "Posterize: levels=6", "Threshold: level=90",
                 "Gradient Map: stops=#14005a@0,#e63c14@40,#fffac8@100"):
        assert text in info.stdout, text
    described = json.loads(run("info", "--json", str(tmp_path / "a.psd")).stdout)
    kinds = {n["name"]: n["adjustment"] for n in described["layers"] if n["kind"] == "adjustment"}
    assert kinds["Post"]["kind"] == "posterize" and kinds["Post"]["settings"] == {"levels": 6}
    assert kinds["Map"]["settings"]["stops"][1] == [40.0, [230, 60, 20]]


def test_photoshops_fill_adjustments_file_holds_the_four(tmp_path):
    """psd-tools' fill_adjustments.psd (Photoshop: every adjustment kind, the four hidden):
    read as ours with Photoshop's numbers, and psd-tools reads them back from our save."""
    from psd_tools import PSDImage

    doc = open_document(os.path.join(FILES, "fill_adjustments.psd"))
    ours = {n.name: n.settings for n in doc.nodes() if isinstance(n, AdjustmentLayer)}
    assert ours["Invert 1"] == adj.Invert()
    assert ours["Posterize 1"] == adj.Posterize(4)
    assert ours["Threshold 1"] == adj.Threshold(128)
    # Its first stop is 16-bit (31610, 23304, 23304): (123, 91, 91) in 8 bits.
    assert ours["Gradient Map 1"] == adj.GradientMap(
        stops=((0.0, (123, 91, 91)), (100.0, (255, 255, 255))))
    save_document(doc, tmp_path / "back.psd")
    theirs = {l.name: l for l in PSDImage.open(tmp_path / "back.psd").descendants()}
    assert theirs["Posterize 1"].posterize == 4 and theirs["Threshold 1"].threshold == 128
    stops = theirs["Gradient Map 1"].color_stops
    assert [tuple(s.color[:3]) for s in stops] == [(31610, 23304, 23304), (65535, 65535, 65535)]
    assert theirs["Gradient Map 1"].gradient_name == "Foreground to Background"
