"""Photoshop's .abr brushes and .csh custom shapes read against ag-psd's expected outputs
(tests/ag_psd_files: its data.json per file and the sampled tips' PNGs): every brush's
name, tip class, size, angle, roundness, hardness and spacing, the dynamics' jitter and
control, each sample's bounds and pixels; every shape's name, id, bounds and knots. Then
what our presets get (sizes, the sampled tip's image, the jitters mapped; what is left out
named), and malformed files refused in one line."""
from __future__ import annotations

import json
import os

import cv2
import numpy as np
import pytest

from editor.model import abr, csh, custom_shapes, preset_kinds
from editor.model.errors import DocumentError

HERE = os.path.join(os.path.dirname(__file__), "ag_psd_files")
ABR = ("simple", "tilt", "special", "sample")


def data(name: str) -> bytes:
    with open(os.path.join(HERE, name), "rb") as f:
        return f.read()


def expected(name: str) -> dict:
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return json.load(f)


def same_jitter(ours, theirs) -> None:
    assert ours is not None
    assert (ours.control.lower(), ours.steps) == (theirs["control"], theirs["steps"])
    assert ours.jitter == pytest.approx(theirs["jitter"])
    assert ours.minimum == pytest.approx(theirs["minimum"])


@pytest.mark.parametrize("name", ABR)
def test_abr_brushes_and_samples_match_ag_psd(name):
    got = abr.parse(data(f"abr-{name}.abr"))
    want = expected(f"abr-{name}.json")
    assert [b.name for b in got.brushes] == [b["name"] for b in want["brushes"]]
    for ours, theirs in zip(got.brushes, want["brushes"]):
        shape = theirs["shape"]
        assert ours.shape == shape["type"]
        assert ours.size == pytest.approx(shape["size"])
        assert ours.angle == pytest.approx(shape["angle"])
        assert (ours.spacing, ours.spacing_on) == (pytest.approx(shape["spacing"]),
                                                   shape["spacingOn"])
        assert (ours.flip_x, ours.flip_y) == (shape["flipX"], shape["flipY"])
        if "roundness" in shape:
            assert ours.roundness == pytest.approx(shape["roundness"])
        if "hardness" in shape:
            assert ours.hardness == pytest.approx(shape["hardness"])
        if shape["type"] == "sampled":
            assert ours.sample_id == shape["sampledData"]
        dynamics = theirs.get("shapeDynamics")
        assert (ours.size_dynamics is None) == (dynamics is None)
        if dynamics:
            same_jitter(ours.size_dynamics, dynamics["sizeDynamics"])
            same_jitter(ours.angle_dynamics, dynamics["angleDynamics"])
            same_jitter(ours.roundness_dynamics, dynamics["roundnessDynamics"])
        scatter = theirs.get("scatter")
        assert (ours.scatter is None) == (scatter is None)
        if scatter:
            same_jitter(ours.scatter, scatter["scatterDynamics"])
            same_jitter(ours.count_dynamics, scatter["countDynamics"])
            assert (ours.count, ours.both_axes) == (scatter["count"], scatter["bothAxes"])
        transfer = theirs.get("transfer")
        assert (ours.opacity_dynamics is None) == (transfer is None)
        if transfer:
            same_jitter(ours.opacity_dynamics, transfer["opacityDynamics"])
            same_jitter(ours.flow_dynamics, transfer["flowDynamics"])
        assert ("Texture" in ours.other) == ("texture" in theirs)
        assert ("Dual Brush" in ours.other) == ("dualBrush" in theirs)
        assert ("Brush Pose" in ours.other) == ("brushPose" in theirs)
    assert list(got.samples) == [s["id"] for s in want["samples"]]
    for sample in want["samples"]:
        b = sample["bounds"]
        assert got.bounds[sample["id"]] == (b["x"], b["y"], b["w"], b["h"])
        png = cv2.imread(os.path.join(HERE, f"abr-{name}-tip.png"), cv2.IMREAD_UNCHANGED)
        # (ag-psd draws a tip white with its coverage as alpha)
        assert np.array_equal(got.samples[sample["id"]], png[..., 3])


def test_abr_into_our_presets():
    round_, notes = abr.presets(abr.parse(data("abr-simple.abr")))
    (soft,) = round_
    assert (soft.name, soft.size, soft.hardness, soft.tip.spacing, soft.tip.sample) == \
        ("Soft Round", 30, 0.0, 0.25, None) and notes == []

    (sampled,), notes = abr.read(os.path.join(HERE, "abr-sample.abr"))
    png = cv2.imread(os.path.join(HERE, "abr-sample-tip.png"), cv2.IMREAD_UNCHANGED)
    assert sampled.name == "Bobbys Brush 743" and sampled.size == 112
    assert np.array_equal(sampled.tip.sample, png[..., 3])
    assert sampled.tip.spacing == pytest.approx(0.02)
    assert sampled.tip.scatter == pytest.approx(0.44) and sampled.tip.count == 1
    (note,) = notes
    assert "Texture (1)" in note and "Pen Pressure" in note and "\n" not in note

    special, notes = abr.read(os.path.join(HERE, "abr-special.abr"))
    assert [p.name for p in special] == ["Round Point Stiff", "Flat Blunt Short Stiff",
                                         "Square Charcoal", "Watercolor Wash",
                                         "Watercolor Brush on Dry", "Pencil"]
    assert all(p.tip.sample is None for p in special)  # bristle / erodible: round tips
    assert [p.size for p in special] == [25, 36, 25, 71, 36, 9]
    assert notes[0] == "6 bristle or erodible tips came in as round tips."
    assert "Dual Brush (2)" in notes[1]


def test_abr_flips_repeated_names_and_a_file_of_samples_only():
    brush = abr.AbrBrush("Flipped", "sampled", 4, sample_id="a", flip_x=True, flip_y=True)
    tip = np.arange(6, dtype=np.uint8).reshape(2, 3)
    preset, _ = abr.preset_of(brush, {"a": tip})
    assert np.array_equal(preset.tip.sample, tip[::-1, ::-1])
    twice = abr.Abr(6, {}, {}, [abr.AbrBrush("Chalk", "computed", 9),
                                 abr.AbrBrush("Chalk", "computed", 12)])
    assert [p.name for p in abr.presets(twice)[0]] == ["Chalk", "Chalk 2"]
    only = abr.Abr(6, {"x": np.full((4, 5), 255, np.uint8)}, {"x": (0, 0, 5, 4)}, [])
    found, _ = abr.presets(only, "Leaves")
    assert [(p.name, p.size, p.tip.sample.shape) for p in found] == [("Leaves 1", 5, (4, 5))]


@pytest.mark.parametrize("payload, why", [
    (b"", "it is empty"),
    (b"\x00\x02\x00\x05", "Photoshop 6 or older"),
    (b"GIF89a....", "not a Photoshop brush file"),
    (None, "its 'samp' section runs past the end"),   # the sample file cut in half
    (b"\x00\x06\x00\x02XXXXdesc\x00\x00\x00\x04", "does not start with '8BIM'"),
])
def test_malformed_abr_is_one_line(tmp_path, payload, why):
    if payload is None:
        whole = data("abr-sample.abr")
        payload = whole[:len(whole) // 2]
    path = tmp_path / "broken.abr"
    path.write_bytes(payload)
    with pytest.raises(DocumentError) as err:
        abr.read(str(path))
    message = str(err.value)
    assert message.startswith("broken.abr") and why in message and "\n" not in message


def test_csh_shapes_match_ag_psd():
    got = csh.parse(data("csh-animals.csh"))
    want = expected("csh-animals.json")["shapes"]
    assert [s.name for s in got] == [s["name"] for s in want] == \
        ["Bone", "Fish", "Cat", "Dog", "Snail", "Rabbit", "Bird 1", "Bird 2", "Dog Print",
         "Cat Print"]
    for ours, theirs in zip(got, want):
        assert (ours.id, ours.width, ours.height) == (theirs["id"], theirs["width"],
                                                      theirs["height"])
        assert len(ours.subpaths) == len(theirs["paths"])
        for sub, path in zip(ours.subpaths, theirs["paths"]):
            assert sub.closed == (not path["open"])
            assert (sub.operation == 1) == (path.get("operation") == "combine")
            points = np.array([k["points"] for k in path["knots"]]).reshape(-1, 3, 2)
            np.testing.assert_allclose(sub.knots, points, atol=1e-9)


def test_csh_into_our_shapes_fitted_with_their_proportions(tmp_path):
    shapes, notes = csh.read(os.path.join(HERE, "csh-animals.csh"), {"Cat"})
    assert notes == []
    by_name = {s.name: s for s in shapes}
    assert "Cat" not in by_name and "Cat 2" in by_name   # a taken name gets a number
    assert by_name["Bone"].aspect == pytest.approx(194 / 90)
    for shape in shapes:
        x0, y0, x1, y1 = custom_shapes.curve_bounds(shape.subpaths)
        assert (x0, y0, x1, y1) == pytest.approx((0, 0, 1, 1), abs=1e-9)
    assert len(by_name["Dog Print"].subpaths) == 5
    # Kept as the other custom shapes are: saved and read back the same.
    path = str(tmp_path / "custom_shapes.json")
    custom_shapes.save_library(path, shapes)
    again = custom_shapes.load(path)
    assert [s.name for s in again] == [s.name for s in shapes]
    np.testing.assert_allclose(again[0].subpaths[0].knots, shapes[0].subpaths[0].knots,
                               atol=1e-5)


@pytest.mark.parametrize("cut, why", [(3, "not a Photoshop custom shapes file"),
                                      (14, "the file ends too early"),
                                      (200, "the shape 'Bone' runs past the end"),
                                      (None, "the outline of 'Bone' could not be read")])
def test_malformed_csh_is_one_line(tmp_path, cut, why):
    path = tmp_path / "broken.csh"
    whole = data("csh-animals.csh")
    if cut is None:   # Bone's first path record given a selector no record has
        first = whole.index(b"26a9b56b-d040-11d5-a39c-fd27718ef272") + 36 + 16
        whole = whole[:first] + b"\x00\x63" + whole[first + 2:]
    path.write_bytes(whole if cut is None else whole[:cut])
    with pytest.raises(DocumentError) as err:
        csh.read(str(path))
    assert str(err.value).startswith("broken.csh") and why in str(err.value)
    assert "\n" not in str(err.value)


def test_the_kinds_load_photoshop_files_and_do_not_write_them(tmp_path):
    entries, _ = preset_kinds.load_file(preset_kinds.BRUSHES, os.path.join(HERE, "abr-tilt.abr"))
    assert [e.name for e in entries] == ["test2"]
    entries, _ = preset_kinds.load_file(preset_kinds.CUSTOM_SHAPES,
                                        os.path.join(HERE, "csh-animals.csh"))
    assert len(entries) == 10
    with pytest.raises(DocumentError, match="does not write"):
        preset_kinds.save_set(preset_kinds.CUSTOM_SHAPES, str(tmp_path / "x.csh"), entries)
    assert not (tmp_path / "x.csh").exists()


def test_a_shapes_non_zero_fill_rule_is_kept(tmp_path):
    """A subpath record flagged non-zero (Photoshop's newer paths) stays non-zero through
    the shape, its drawing and custom_shapes.json; the others stay even-odd."""
    whole = data("csh-animals.csh")
    first = whole.index(b"26a9b56b-d040-11d5-a39c-fd27718ef272") + 36 + 16
    record = first + 2 * 26   # after Bone's fill-rule and initial-fill records
    assert whole[record:record + 8] == bytes.fromhex("0000000800010001")
    path = tmp_path / "nonzero.csh"
    path.write_bytes(whole[:record + 6] + b"\x00\x02" + whole[record + 8:])
    shapes, _ = csh.read(str(path))
    assert [s.subpaths[0].non_zero for s in shapes[:2]] == [True, False]
    assert shapes[0].fitted(0, 0, 50, 20)[0].non_zero
    library = str(tmp_path / "custom_shapes.json")
    custom_shapes.save_library(library, shapes)
    assert [s.subpaths[0].non_zero for s in custom_shapes.load(library)[:2]] == [True, False]
