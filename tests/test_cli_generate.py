"""`python main.py generate` and `python main.py models`, run as a user runs them."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from editor.model import files
from engine.testing import tiny

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def layered(*args, env=None, timeout=300):
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                          text=True, env=full_env, timeout=timeout)


@pytest.fixture(scope="module")
def hf_home(tmp_path_factory):
    """A Hugging Face home whose hub cache holds the tiny SD model as tiny-org/tiny-sd."""
    home = tmp_path_factory.mktemp("hf")
    tiny.install_in_hub_cache(tiny.cached_tiny("sd-inpaint"), "tiny-org/tiny-sd", home / "hub")
    return home


@pytest.fixture
def picture(tmp_path):
    from skimage import data

    path = tmp_path / "in.png"
    Image.fromarray(np.ascontiguousarray(data.astronaut()[::4, ::4])).save(path)  # 128 x 128
    return path


def test_generate_writes_a_psd_with_background_and_new_layers(hf_home, picture, tmp_path):
    out = tmp_path / "out.psd"
    run = layered("generate", str(picture), "--box", "40,50,30,40", "--prompt", "a red ball",
                  "--model", "tiny-org/tiny-sd", "--steps", "2", "--seed", "5",
                  "--candidates", "2", "--resolution", "64", "--json", "-o", str(out),
                  env={"HF_HOME": str(hf_home), "HF_HUB_OFFLINE": "1"})
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["model"] == "tiny-org/tiny-sd" and report["device"] == "cpu float32"
    assert [c["seed"] for c in report["candidates"]] == [5, 6]
    doc = files.open_document(out)
    assert (doc.width, doc.height) == (128, 128)
    background, first, second = list(doc.layers())
    assert background.pixels.shape == (128, 128, 4)
    np.testing.assert_array_equal(background.pixels[..., :3], np.asarray(Image.open(picture)))
    for layer, cand in ((first, report["candidates"][0]), (second, report["candidates"][1])):
        assert (layer.x, layer.y) == (cand["x"], cand["y"])
        assert layer.pixels.shape[:2] == (cand["height"], cand["width"])
        assert layer.name == f"a red ball (seed {cand['seed']})"
    assert first.visible and not second.visible
    assert first.recipe["seed"] == 5 and first.recipe["box"] == [40, 50, 30, 40]


def test_bad_box_is_one_line_and_writes_nothing(picture, tmp_path):
    out = tmp_path / "out.psd"
    run = layered("generate", str(picture), "--box", "500,500,10,10", "--prompt", "x",
                  "-o", str(out))
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "outside the 128x128 image" in run.stderr
    assert not out.exists()


def test_missing_and_unsafe_models_are_explained(picture, tmp_path):
    run = layered("generate", str(picture), "--box", "10,10,40,40", "--prompt", "x",
                  "--model", "tiny-org/not-here", "-o", str(tmp_path / "o.psd"),
                  env={"HF_HOME": str(tmp_path / "empty")})
    assert run.returncode == 2 and "not on this computer" in run.stderr
    ckpt = tmp_path / "model.ckpt"
    ckpt.write_bytes(b"pickle")
    run = layered("generate", str(picture), "--box", "10,10,40,40", "--prompt", "x",
                  "--model", str(ckpt), "-o", str(tmp_path / "o.psd"))
    assert run.returncode == 2 and "only loads .safetensors" in run.stderr
    assert "Traceback" not in run.stderr


def test_models_list_and_offline_download(hf_home):
    run = layered("models", "list", "--json", env={"HF_HOME": str(hf_home)})
    assert run.returncode == 0, run.stderr
    rows = json.loads(run.stdout)
    downloadable = [r for r in rows if not r["built_in"]]
    assert {r["family"] for r in downloadable} == {"sd-inpaint", "sdxl-inpaint", "flux-fill", "sam", "vitmatte"}
    assert all(r["path"] is None for r in downloadable)  # none of the real models is here
    assert [r["family"] for r in rows if r["built_in"]] == ["bfs"]  # shipped in resources/builtin
    run = layered("models", "download", rows[0]["id"],
                  env={"HF_HOME": str(hf_home), "HF_HUB_OFFLINE": "1"})
    assert run.returncode == 2
    assert "place the files by hand" in run.stderr and str(hf_home / "hub") in run.stderr


def test_models_convert(tmp_path):
    import torch
    from safetensors.torch import load_file

    src = tmp_path / "w.pt"
    torch.save({"x": torch.ones(3)}, src)
    run = layered("models", "convert", str(src))
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(tmp_path / "w.safetensors")
    assert torch.equal(load_file(tmp_path / "w.safetensors")["x"], torch.ones(3))


def test_a_generated_layer_is_one_undo_step_with_its_recipe():
    from editor.model import Document
    from editor.model.generate_apply import GeneratedCandidate, apply_candidate, placement_for

    doc = Document(64, 64)
    candidate = GeneratedCandidate(4, np.full((10, 12, 4), 200, np.uint8), 5, -3,
                                   {"prompt": "a  very long prompt " * 4, "seed": 4},
                                   np.zeros((8, 8, 3), np.uint8))
    layer = apply_candidate(doc, placement_for(doc), candidate, visible=False)
    assert (layer.x, layer.y, layer.visible) == (5, -3, False)
    assert layer.recipe == candidate.recipe and len(layer.name) <= 40
    assert layer.name.startswith("a very long prompt")
    doc.history.undo()
    assert list(doc.layers()) == []
