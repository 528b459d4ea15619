"""`python main.py decompose ...` run as a user runs it: a subprocess, then the saved PSD reopened."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from _decompose_scenes import scene
from editor.model import files

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args):
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    image, box, truth = scene(144, shadow=0.5)
    folder = tmp_path_factory.mktemp("decompose")
    path = folder / "ball.png"
    Image.fromarray(image).save(path)
    return path, image, box, truth


def test_decompose_writes_a_two_layer_psd_and_prints_figures(photo, tmp_path):
    path, image, box, truth = photo
    out = tmp_path / "ball.psd"
    proc = run("decompose", path, "--box", ",".join(map(str, box.as_tuple())), "-o", out, "--json")
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(proc.stdout)
    assert figures["recomposition_error_mean"] < 1 and figures["recomposition_error_p99"] < 3
    assert figures["timings"]["total"] > 0 and figures["foreground"]["name"] == "Object"
    doc = files.open_document(out)
    layers = list(doc.layers())
    assert len(layers) == 2 and layers[1].name == "Object"
    assert layers[1].recipe["method"] == "decompose" and layers[1].recipe["role"] == "foreground"
    from editor.model.render import composite_document

    err = np.abs(composite_document(doc)[..., :3].astype(int) - image)
    assert err.mean() < 1 and np.percentile(err, 99) < 3


def test_mask_file_and_peel_again(photo, tmp_path):
    path, image, box, truth = photo
    image = image.copy()
    image[100:130, 10:40] = (200, 40, 40)      # a second object: a red block
    path = tmp_path / "two.png"
    Image.fromarray(image).save(path)
    mask = tmp_path / "mask.png"
    Image.fromarray(((truth["alpha"] > 0.3) * 255).astype(np.uint8)).save(mask)
    out = tmp_path / "ball.psd"
    proc = run("decompose", path, "--mask", mask, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "layers give back the picture exactly" in proc.stdout
    assert ": took" not in proc.stdout   # the object was marked: nothing to explain
    background = list(files.open_document(out).layers())[0].name
    again = tmp_path / "again.psd"
    proc = run("decompose", out, "--layer", background, "--box", "4,94,42,42", "-o", again,
               "--no-shadow")
    assert proc.returncode == 0, proc.stderr
    assert len(list(files.open_document(again).layers())) == 3


def test_a_box_around_the_whole_picture_takes_the_main_object(photo, tmp_path):
    """A box around everything leaves no background to tell the object from: the main
    object found is split, as with nothing marked in the editor."""
    path, image, box, truth = photo
    out = tmp_path / "whole.psd"
    proc = run("decompose", path, "--box", "0,0,144,144", "-o", out)
    assert proc.returncode == 0, proc.stderr
    # It says so, in the words of the editor's status line, on its one line.
    (line,) = proc.stdout.splitlines()
    assert line.startswith(f"{out}: Box around all: took the main object. Split ")
    obj = list(files.open_document(out).layers())[1]
    ball = truth["alpha"] > 0.5
    found = np.zeros(ball.shape, bool)
    found[obj.y:obj.y + obj.height, obj.x:obj.x + obj.width] = obj.pixels[..., 3] > 127
    assert (found & ball).sum() > 0.9 * ball.sum() and (found & ~ball).sum() < 0.3 * ball.sum()


@pytest.mark.parametrize("args, words", [
    (["--box", "1,2,3"], "four numbers"),
    ([], "Mark the object"),
])
def test_bad_input_is_one_line_and_writes_nothing(photo, tmp_path, args, words):
    path = photo[0]
    out = tmp_path / "never.psd"
    proc = run("decompose", path, *args, "-o", out)
    assert proc.returncode == 2
    assert words in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_several_layers_need_a_name(photo, tmp_path):
    path, image, box, truth = photo
    out = tmp_path / "ball.psd"
    assert run("decompose", path, "--box", ",".join(map(str, box.as_tuple())), "-o", out).returncode == 0
    proc = run("decompose", out, "--box", "10,10,30,30", "-o", tmp_path / "x.psd")
    assert proc.returncode == 2 and "--layer" in proc.stderr


def test_two_boxes_give_two_object_layers_over_one_background(photo, tmp_path):
    path, image, box, truth = photo
    image = image.copy()
    image[100:130, 100:130] = (200, 40, 40)    # a second object: a red block, lower right
    path = tmp_path / "two.png"
    Image.fromarray(image).save(path)
    out = tmp_path / "two.psd"
    proc = run("decompose", path, "--box", ",".join(map(str, box.as_tuple())),
               "--box", "92,92,46,46", "-o", out, "--json")
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["objects"]) == 2
    layers = list(files.open_document(out).layers())
    # (the opaque PNG opened as Photoshop's Background: its decomposed background keeps the name)
    assert [layer.name for layer in layers] == ["Background", "Object 2", "Object"]
    # The block's base is lower in the picture: it is the front (top) layer.
    top = layers[-1]
    assert top.x >= 90 and top.pixels[..., 0][top.pixels[..., 3] > 250].mean() > 150
