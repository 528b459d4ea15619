"""The shipped built-in model (resources/builtin): small, strict safetensors, makes a layer on a photo."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from engine.box import Box
from engine.errors import InvalidInput
from engine.models.builtin import BUILTIN_DIR, check_prompt, unknown_words
from engine.training.world import vocabulary

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def model():
    from engine.nets.bfs_model import BFSModel

    return BFSModel.load(BUILTIN_DIR).eval()


def test_shipped_files_are_safetensors_and_json_within_20_mb():
    files = [p for p in BUILTIN_DIR.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} <= {".json", ".safetensors", ".md", ".png"}
    assert sum(p.stat().st_size for p in files) <= 20 * 2 ** 20


def test_shipped_weights_match_the_model_exactly(model):
    from safetensors.torch import load_file

    def weights(folder: Path) -> dict:
        return load_file(str(next(folder.glob("*.safetensors"))))

    # strict=True: every saved tensor is a parameter of the built model and none is missing.
    model.backbone.transformer.load_state_dict(weights(BUILTIN_DIR / "backbone" / "transformer"), strict=True)
    model.backbone.vae.load_state_dict(weights(BUILTIN_DIR / "backbone" / "vae"), strict=True)
    model.rgba_vae.load_state_dict(weights(BUILTIN_DIR / "rgba_vae"), strict=True)
    model.transformer.load_bridges(BUILTIN_DIR / "bridge.safetensors")  # strict inside
    assert model.settings["vocabulary"] == vocabulary()
    # Every word of the world has its own row in the word table (no hash collisions).
    ids = model.backbone.transformer.tokenize(vocabulary())[:, 0]
    assert len(set(ids.tolist())) == len(vocabulary())


def test_builtin_model_adds_a_foreground_to_a_real_photo(model):
    import skimage.data
    from PIL import Image

    from engine.methods.bfs import BFSRequest, synthesize

    photo = np.asarray(Image.fromarray(skimage.data.coffee()).resize((300, 200)))
    box = Box(120, 90, 50, 50)
    result = synthesize(BFSRequest(photo, box, "a red ball", seed=0), model)
    alpha = result.foreground[..., 3].astype(np.float32) / 255
    inner = box.translate(-result.x, -result.y)
    inside = alpha[inner.slices()]
    outside_far = alpha.copy()
    grown = Box(inner.x - inner.w // 2, inner.y - inner.h // 2, 2 * inner.w, 2 * inner.h)
    outside_far[max(0, grown.y):grown.y1, max(0, grown.x):grown.x1] = 0
    assert inside.mean() > 0.15 and (inside > 0.8).mean() > 0.05  # something solid in the box
    assert outside_far.mean() < 0.5 * inside.mean()  # and the layer is not the whole window
    assert result.recomposed.shape == photo.shape


def test_prompts_outside_the_vocabulary_are_refused_with_what_the_model_knows(model):
    from engine.methods.bfs import BFSRequest, synthesize

    assert unknown_words("A Red ball, please", vocabulary()) == ["please"]
    check_prompt("a small blue cube", vocabulary())
    check_prompt("anything at all", None)
    photo = np.zeros((64, 64, 3), np.uint8)
    with pytest.raises(InvalidInput) as error:
        synthesize(BFSRequest(photo, Box(20, 20, 20, 20), "a green dragon"), model)
    message = str(error.value)
    assert "'dragon'" in message and "sphere" in message and "red" in message and "green" not in message.split(".")[0]


# ---- as a user runs it: the command line, no model configured, nothing downloaded

def _layered(*args, tmp_path, timeout=600):
    import os
    import subprocess
    import sys

    env = dict(os.environ, HF_HOME=str(tmp_path / "empty-hf"), HF_HUB_OFFLINE="1")
    return subprocess.run([sys.executable, "main.py", *args], cwd=Path(__file__).resolve().parents[1],
                          capture_output=True, text=True, env=env, timeout=timeout)


def test_generate_command_uses_the_built_in_model_when_none_is_configured(tmp_path):
    import skimage.data
    from PIL import Image

    from editor.model.files import open_document
    from engine.models.builtin import BUILTIN_ID

    photo = tmp_path / "photo.png"
    Image.fromarray(skimage.data.coffee()).resize((240, 160)).save(photo)
    run = _layered("generate", str(photo), "--box", "100,60,50,50", "--prompt", "a red ball",
                   "-o", str(tmp_path / "out.psd"), tmp_path=tmp_path)
    assert run.returncode == 0, run.stderr
    assert BUILTIN_ID in run.stdout
    doc = open_document(str(tmp_path / "out.psd"))
    added = [layer for layer in doc.layers() if layer.name == "a red ball"]
    assert len(added) == 1 and added[0].pixels[..., 3].max() > 0
    run = _layered("generate", str(photo), "--box", "100,60,50,50", "--prompt", "a purple dragon",
                   "-o", str(tmp_path / "no.psd"), tmp_path=tmp_path)
    assert run.returncode == 2 and "'dragon'" in run.stderr and "It knows only" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and not (tmp_path / "no.psd").exists()


def test_models_list_shows_the_built_in_model_as_installed(tmp_path):
    from engine.models.builtin import BUILTIN_ID

    run = _layered("models", "list", tmp_path=tmp_path)
    assert run.returncode == 0, run.stderr
    entry = "\n".join(run.stdout.split(BUILTIN_ID, 1)[1].splitlines()[1:4])
    assert "installed, built in" in entry and " MB" in entry and "Apache-2.0" in entry
