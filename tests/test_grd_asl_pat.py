"""Photoshop's .grd gradients, .pat patterns and .asl styles read by `editor.model.grd`,
`pat` and `asl`: against what other readers found in the same files (zeevallin/gradient's
spec for kiwi.grd, ag-psd's drawings of the patterns), our presets' JSON round trip, and
one readable line for a damaged or foreign file."""
from __future__ import annotations

import os
import struct

import numpy as np
import pytest
from PIL import Image

from _asl_writer import asl_bytes, lfx2_of, pattern_records
from editor.model import asl, gradient_presets, grd, pat, preset_kinds, style_presets
from editor.model.errors import DocumentError

HERE = os.path.join(os.path.dirname(__file__), "photoshop_preset_files")
AG = os.path.join(os.path.dirname(__file__), "ag_psd_files")
PT = os.path.join(os.path.dirname(__file__), "psd_tools_files")
DIAGONAL = "bf565312-67b6-1177-9181-9d5762aa7056"


def test_kiwi_grd_has_the_stops_zeevallin_gradient_reads():
    presets, notes = grd.read(os.path.join(HERE, "kiwi.grd"))
    assert notes == [] and [p.name for p in presets] == ["Kiwi"]
    g = presets[0].gradient
    # zeevallin/gradient's spec: colours, and locations over the last stop's (95.1 %).
    expected = [(0.0, (61, 17, 3)), (0.386, (41, 134, 13)), (0.84, (160, 203, 27)),
                (0.927, (243, 245, 110)), (1.0, (255, 255, 255))]
    last = g.stops[-1][0]
    assert [rgb for _, rgb in g.stops] == [rgb for _, rgb in expected]
    # (ours are in percent to 0.01, as `psd_fills` keeps a 'Lctn' of 4096 steps)
    assert [at / last for at, _ in g.stops] == pytest.approx([at for at, _ in expected],
                                                             abs=1e-3)
    assert last == 95.1
    assert g.opacity_stops == ((0.0, 100.0), (100.0, 100.0))
    assert g.smoothness == 100.0 and g.noise is None and g.method == "classic"


def test_grd_with_hsb_stops_opacity_stops_and_midpoints():
    presets, notes = grd.read(os.path.join(HERE, "30.grd"))
    assert notes == [] and len(presets) == 10
    # The file names all ten "Custom": a preset list keeps each under its own name.
    assert [p.name for p in presets] == ["Custom"] + [f"Custom {n}" for n in range(2, 11)]
    last = presets[-1].gradient
    assert len(last.stops) == 3 and len(last.opacity_stops) == 9
    assert last.opacity_midpoints[-1] == 51.0  # a midpoint off 50 % comes over
    assert last.stops[1] == (49.05, (0, 0, 0))   # an HSB stop (brightness 0)


def test_grd_foreground_and_background_stops_come_in_as_black_and_white():
    presets, notes = grd.read(os.path.join(HERE, "my-custom-gradient-3-rgb.grd"))
    assert [p.name for p in presets] == ["My Custom Gradient 3-RGB"]
    stops = presets[0].gradient.stops
    assert len(stops) == 4  # as ColorPaletteCodable's test counts them
    assert stops[0][1] == (255, 255, 255) and stops[-1][1] == (0, 0, 0)
    assert len(notes) == 1 and "Foreground or Background" in notes[0]


def test_gradient_presets_json_round_trip(tmp_path):
    presets, _ = grd.read(os.path.join(HERE, "30.grd"))
    presets += gradient_presets.default_presets()
    path = str(tmp_path / "gradients.json")
    gradient_presets.save(path, presets)
    assert gradient_presets.load(path) == presets
    (tmp_path / "bad.json").write_text('{"gradients": [{"name": 3}]}')
    with pytest.raises(DocumentError):
        gradient_presets.load(str(tmp_path / "bad.json"))


@pytest.mark.parametrize("data, says", [
    (b"", "not a Photoshop gradient file"),
    (b"8BGR\x00\x03" + bytes(20), "Photoshop 5"),
    (b"8BGR\x00\x05\x00\x00\x00\x10garbage", "damaged"),
])
def test_damaged_grd_is_one_line(tmp_path, data, says):
    path = tmp_path / "bad.grd"
    path.write_bytes(data)
    with pytest.raises(DocumentError) as info:
        preset_kinds.load_file(preset_kinds.GRADIENTS, str(path))
    assert says in str(info.value) and "\n" not in str(info.value)
    assert str(info.value).startswith("Could not read the gradients of bad.grd")


def test_pat_patterns_match_ag_psd_drawings():
    found, notes = pat.read(os.path.join(HERE, "special.pat"))
    assert notes == []
    names = {p.id: p for p in found}
    for pid, png in (("e10cab7c-b898-11d7-b297-b8cf692e46ea", "pat-gray-granite.png"),
                     ("c02fddff-f05a-1172-9a0f-f7bad69dd4b0", "pat-fine-grain.png")):
        expected = np.asarray(Image.open(os.path.join(HERE, png)).convert("RGBA"))
        assert np.array_equal(names[pid].pixels, expected)
    assert sorted(p.name.split("=")[-1] for p in found) == ["Fine Grain", "Gray Granite"]


def test_pat_truncated_or_foreign_is_one_line(tmp_path):
    data = open(os.path.join(HERE, "special.pat"), "rb").read()
    for name, bad in (("cut.pat", data[:5000]), ("other.pat", b"GIMP" + data[4:]),
                      ("v2.pat", data[:4] + struct.pack(">H", 2) + data[6:])):
        path = tmp_path / name
        path.write_bytes(bad)
        with pytest.raises(DocumentError) as info:
            pat.read(str(path))
        assert str(info.value).startswith(f"Could not read the patterns of {name}: ")
        assert "\n" not in str(info.value)


def made_asl(tmp_path) -> str:
    """Three styles whose effects Photoshop wrote (a group's Drop Shadow, a Multiply
    Color Overlay, a Pattern Overlay) and the pattern the last one uses."""
    styles = [("Group Shadow", lfx2_of(os.path.join(AG, "group-drop-shadows.psd"), "Group 1")),
              ("Multiply Overlay", lfx2_of(os.path.join(AG, "2026-blend-modes.psd"), "multiply")),
              ("Diagonal Lines", lfx2_of(os.path.join(PT, "patterns.psd"), "Rectangle 1 copy 6"))]
    path = tmp_path / "made.asl"
    path.write_bytes(asl_bytes(styles, pattern_records(os.path.join(PT, "patterns.psd"),
                                                       {DIAGONAL}),
                               blending=("Multiply Overlay",)))
    return str(path)


def test_asl_styles_effects_and_patterns(tmp_path):
    found = asl.read(made_asl(tmp_path))
    assert [s.name for s in found.styles] == ["Group Shadow", "Multiply Overlay",
                                              "Diagonal Lines"]
    shadow, overlay, lines = (s.effects for s in found.styles)
    assert len(shadow.drop_shadows) == 1 and not shadow.color_overlays
    assert len(overlay.color_overlays) == 1
    assert overlay.color_overlays[0].blend_mode == "multiply"
    assert lines.pattern_overlays[0].pattern.pattern.id == DIAGONAL
    assert lines.pattern_overlays[0].pattern.scale == 200.0
    assert [p.id for p in found.patterns] == [DIAGONAL]
    assert found.notes == ["1 style(s) had blending options, which were not imported: their "
                           "effects were."]
    # As a PSD's effects are kept in styles.json, and back.
    again = style_presets.from_json(style_presets.to_json(found.styles))
    assert again[1].effects.color_overlays == overlay.color_overlays
    assert again[0].effects.drop_shadows == shadow.drop_shadows


def test_asl_damaged_is_one_line(tmp_path):
    data = open(made_asl(tmp_path), "rb").read()
    for name, bad in (("cut.asl", data[:len(data) - 300]), ("other.asl", b"\x00\x02XXXX" + data[6:]),
                      ("empty.asl", b"")):
        path = tmp_path / name
        path.write_bytes(bad)
        with pytest.raises(DocumentError) as info:
            preset_kinds.load_file(preset_kinds.STYLES, str(path))
        assert str(info.value).startswith(f"Could not read the styles of {name}: ")
        assert "\n" not in str(info.value)


def test_import_presets_takes_a_folders_grd_and_asl(tmp_path):
    import shutil

    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(os.path.join(HERE, "kiwi.grd"), folder / "kiwi.grd")
    shutil.copy(made_asl(tmp_path), folder / "made.asl")
    (folder / "broken.grd").write_bytes(b"8BGR\x00\x05nothing")
    found, notes = preset_kinds.import_presets(str(folder), preset_kinds.KINDS)
    assert [e.name for e in found["gradients"]] == ["Kiwi"]
    assert [e.name for e in found["styles"]] == ["Group Shadow", "Multiply Overlay",
                                                 "Diagonal Lines"]
    assert notes[0].startswith("Gradients: Could not read the gradients of broken.grd: ")
    assert len(notes) == 2 and "blending options" in notes[1]
    # Save Set… cannot write Photoshop's formats: one line.
    with pytest.raises(DocumentError, match="reads .grd files but does not write them"):
        preset_kinds.save_set(preset_kinds.GRADIENTS, str(tmp_path / "x.grd"), found["gradients"])
