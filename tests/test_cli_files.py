"""The file verbs run as a user runs them: `python main.py VERB ...` in a subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from editor.model import Document, Group, Layer
from editor.model.layers import Locks
from editor.model.files import open_document, save_document
from editor.model.render import composite_document

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args, check_rc=None):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    if check_rc is not None:
        assert result.returncode == check_rc, result.stderr
    return result


@pytest.fixture
def psd(tmp_path):
    rng = np.random.default_rng(5)
    doc = Document(50, 40)
    background = Layer("Background", rng.integers(0, 256, (40, 50, 4), dtype=np.uint8))
    background.pixels[..., 3] = 255
    fg = Layer("猫の層", rng.integers(0, 256, (10, 12, 4), dtype=np.uint8), x=-3, y=30,
               opacity=128, blend_mode="screen", recipe={"method": "bfs", "seed": 9})
    fg.locks = Locks(transparency=True, position=True)
    group = Group("Props", [Layer("hat", rng.integers(0, 256, (5, 5, 4), dtype=np.uint8), x=4, y=6,
                                  visible=False, locked=True)])
    for node in (background, group, fg):
        node.parent = doc.root
        doc.root.children.append(node)
    path = tmp_path / "scene.psd"
    save_document(doc, path)
    return path, doc


def test_info_json_lists_every_layer_top_first(psd):
    path, doc = psd
    result = run("info", path, "--json", check_rc=0)
    report = json.loads(result.stdout)
    assert (report["width"], report["height"]) == (50, 40) and report["warnings"] == []
    names = [n["name"] for n in report["layers"]]
    assert names == ["猫の層", "hat", "Props", "Background"]
    fg = report["layers"][0]
    assert fg == {"name": "猫の層", "kind": "pixel", "group_path": [], "x": -3, "y": 30,
                  "width": 12, "height": 10, "opacity": 128, "blend_mode": "screen",
                  "visible": True, "locked": False, "locks": ["transparency", "position"],
                  "recipe": {"method": "bfs", "seed": 9},
                  "source_kind": None, "clipping": False, "mask": None}
    hat = report["layers"][1]
    assert hat["group_path"] == ["Props"] and hat["visible"] is False and hat["locked"] is True
    assert report["layers"][2]["kind"] == "group" and report["layers"][2]["blend_mode"] == "pass_through"


def test_info_text(psd):
    path, _ = psd
    out = run("info", path, check_rc=0).stdout
    assert out.splitlines()[0] == f"{path}: 50x40, 3 layers, 1 group"
    assert "'猫の層'  at -3,30  12x10  opacity 128  screen" in out
    assert "(transparent pixels locked, position locked)" in out
    assert "(hidden, locked)  in Props" in out and '"seed": 9' in out


def test_info_lists_masks_and_clipping(tmp_path):
    from editor.model import LayerMask

    doc = Document(30, 20)
    base = Layer("base", np.full((20, 30, 4), 255, np.uint8))
    base.mask = LayerMask(np.zeros((8, 9), np.uint8), 2, 3, default=255, enabled=False,
                          density=128, feather=2.5)
    clipped = Layer("clipped", np.full((5, 5, 4), 200, np.uint8))
    clipped.clipping = True
    doc.add_layer(base)
    doc.add_layer(clipped)
    save_document(doc, tmp_path / "m.psd")
    report = json.loads(run("info", tmp_path / "m.psd", "--json", check_rc=0).stdout)
    top, bottom = report["layers"]
    assert top["clipping"] is True and top["mask"] is None
    assert bottom["mask"] == {"x": 2, "y": 3, "width": 9, "height": 8, "default": 255,
                              "enabled": False, "linked": True, "density": 128, "feather": 2.5}
    out = run("info", tmp_path / "m.psd", check_rc=0).stdout
    assert "clipped to the layer below" in out
    assert "mask 9x8 at 2,3 disabled density 50% feather 2.5px" in out


def test_info_imports_no_torch_and_no_qt(psd):
    """`info` is for scripts: it must not pay for torch (or Qt) at start-up."""
    path, _ = psd
    code = ("import sys, runpy; sys.argv = ['main.py', 'info', %r]; "
            "rc = __import__('main').main(); "
            "print('LOADED', 'torch' in sys.modules, 'PySide6' in sys.modules, "
            "'diffusers' in sys.modules, rc)" % str(path))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "LOADED False False False 0"


@pytest.mark.parametrize("args,reason", [
    (["info", "missing.psd"], "no such file"),
    (["convert", "missing.png", "out.psd"], "no such file"),
    (["new", "x.psd", "--size", "0x5"], "WIDTHxHEIGHT"),
    (["new", "x.png", "--size", "5x5"], ".psd or .psb"),
    (["new", "x.psd", "--size", "5x5", "--layer", "missing.png@1,2"], "missing.png: no such file"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, args, reason):
    args = [str(tmp_path / a) if a.endswith((".psd", ".png", ".png@1,2")) else a for a in args]
    result = run(*args)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"layered {args[0]}: ") and reason in lines[0]


def test_info_on_a_non_image_exits_2(tmp_path):
    bad = tmp_path / "notes.png"
    bad.write_text("not an image")
    result = run("info", bad)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert str(bad) in result.stderr and "not an image" in result.stderr


def test_convert_psd_to_psd_resaves_through_the_model(psd, tmp_path):
    path, doc = psd
    run("convert", path, tmp_path / "copy.psd", check_rc=0)
    back = open_document(tmp_path / "copy.psd")
    assert [(l.name, l.x, l.y, l.opacity, l.blend_mode, l.visible, l.locked, l.recipe)
            for l in back.layers()] == [
        (l.name, l.x, l.y, l.opacity, l.blend_mode, l.visible, l.locked, l.recipe)
        for l in doc.layers()]
    for a, b in zip(back.layers(), doc.layers()):
        np.testing.assert_array_equal(a.pixels, b.pixels)


def test_convert_psd_to_png_flattens_and_png_to_psd_makes_one_layer(psd, tmp_path):
    path, doc = psd
    run("convert", path, tmp_path / "flat.png", check_rc=0)
    flat = np.asarray(Image.open(tmp_path / "flat.png").convert("RGBA"))
    np.testing.assert_array_equal(flat, composite_document(doc))
    run("convert", tmp_path / "flat.png", tmp_path / "one.psd", check_rc=0)
    one = open_document(tmp_path / "one.psd")
    (layer,) = one.layers()
    # (an opaque PNG: Photoshop's Background, named so; one with transparency: "flat")
    opaque = bool((flat[..., 3] == 255).all())
    assert layer.name == ("Background" if opaque else "flat") and one.size == (50, 40)
    assert layer.is_background == opaque
    np.testing.assert_array_equal(layer.pixels, flat)
    run("convert", path, tmp_path / "flat.jpg", "--quality", "80", check_rc=0)
    assert Image.open(tmp_path / "flat.jpg").format == "JPEG"


def test_new_builds_a_layered_psd_from_images(tmp_path):
    red = np.zeros((10, 20, 4), np.uint8)
    red[...] = (255, 0, 0, 255)
    blue = np.zeros((4, 6, 4), np.uint8)
    blue[...] = (0, 0, 255, 200)
    Image.fromarray(red).save(tmp_path / "red.png")
    Image.fromarray(blue).save(tmp_path / "blue.png")
    out = tmp_path / "made.psd"
    run("new", out, "--size", "30x20", "--layer", tmp_path / "red.png",
        "--layer", f"{tmp_path / 'blue.png'}@-2,15", check_rc=0)
    doc = open_document(out)
    assert doc.size == (30, 20)
    assert [(l.name, l.x, l.y, l.width, l.height) for l in doc.layers()] == [
        ("red", 5, 5, 20, 10), ("blue", -2, 15, 6, 4)]
    np.testing.assert_array_equal(list(doc.layers())[1].pixels, blue)
    run("new", tmp_path / "blank.psd", "--size", "8x4", check_rc=0)
    assert open_document(tmp_path / "blank.psd").size == (8, 4)


def test_help_lists_the_verbs():
    out = run("--help", check_rc=0).stdout
    for verb in ("info", "convert", "new"):
        assert verb in out


def test_an_unknown_command_is_one_line_and_exit_2_without_opening_the_editor():
    for word in ("edit", "frobnicate"):
        result = run(word, "--help")
        if word in result.stdout:  # a real verb of that name exists now: its help is fine
            continue
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and f"'{word}' is neither a command nor a file" \
            in result.stderr


def test_a_broken_editor_import_is_reported_as_it_is(monkeypatch, capsys):
    from editor import cli

    monkeypatch.setitem(sys.modules, "editor.app", None)  # import editor.app -> ImportError
    assert cli.open_editor([]) == 2
    err = capsys.readouterr().err
    assert "the editor cannot start (ModuleNotFoundError: import of editor.app" in err
    assert "not built yet" not in err
