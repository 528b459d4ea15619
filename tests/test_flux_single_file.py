"""FLUX.1-Fill from one transformer .safetensors + the other parts from a diffusers folder
(for the inpainting pipeline and for BFS's backbone); missing parts are named."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from bfs_fixtures import tiny_bfs_model_folder  # noqa: E402
from engine.errors import ModelError  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def flux(tmp_path_factory):
    """A tiny BFS model on a Flux-Fill folder; the transformer also saved as one file, and a
    components folder without any transformer weights."""
    from safetensors.torch import save_file

    root = tmp_path_factory.mktemp("flux-single")
    model = tiny_bfs_model_folder(root / "bfs", "flux-fill")
    full = model / "backbone"
    single = root / "flux1-fill-tiny.safetensors"
    from diffusers import FluxTransformer2DModel

    transformer = FluxTransformer2DModel.from_pretrained(full, subfolder="transformer", use_safetensors=True)
    save_file({k: v.contiguous() for k, v in transformer.state_dict().items()}, str(single))
    components = root / "components"
    shutil.copytree(full, components)
    for weights in (components / "transformer").glob("*.safetensors"):
        weights.unlink()
    return {"root": root, "model": model, "full": full, "single": single, "components": components,
            "transformer": transformer}


def test_the_pipeline_takes_the_transformer_from_the_file_and_the_rest_from_the_folder(flux):
    from engine.models.catalogue import info_for_unlisted
    from engine.models.devices import DevicePlan
    from engine.models.loading import load_pipeline
    from engine.models.locate import ModelSource

    source = ModelSource(str(flux["single"]), "single_file", flux["single"], "flux-fill",
                         info_for_unlisted(str(flux["single"]), "flux-fill"), None, str(flux["components"]))
    loaded = load_pipeline(source, DevicePlan())
    pipe = loaded.pipeline
    assert type(pipe).__name__ == "FluxFillPipeline"
    want = flux["transformer"].state_dict()
    got = pipe.transformer.state_dict()
    assert want.keys() == got.keys() and all(torch.equal(want[k], got[k]) for k in want)
    assert pipe.vae is not None and pipe.text_encoder_2 is not None and pipe.tokenizer is not None


@pytest.mark.parametrize("part", ["vae", "text_encoder_2", "tokenizer", "scheduler", "transformer/config.json"])
def test_a_missing_part_is_named(flux, tmp_path, part):
    from engine.models.flux_single_file import load_flux_fill_single_file

    broken = tmp_path / "components"
    shutil.copytree(flux["components"], broken)
    target = broken / part
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    with pytest.raises(ModelError) as err:
        load_flux_fill_single_file(flux["single"], broken)
    assert f"lacks {part}" in str(err.value) and flux["single"].name in str(err.value)


def test_components_that_are_not_on_this_computer_are_explained(flux, tmp_path):
    from engine.models.flux_single_file import load_flux_fill_single_file

    with pytest.raises(ModelError, match="not on this computer"):
        load_flux_fill_single_file(flux["single"], "nobody/not-downloaded", cache_dir=tmp_path)


def test_a_bfs_model_runs_on_the_single_file_backbone_as_on_the_folder(flux, tmp_path):
    from engine.box import Box
    from engine.methods.bfs import BFSRequest, synthesize
    from engine.models.locate import find_model
    from engine.nets.bfs_model import BFSModel

    folder = tmp_path / "bfs-single"
    shutil.copytree(flux["model"], folder, ignore=shutil.ignore_patterns("backbone"))
    settings = json.loads((folder / "bfs.json").read_text())
    settings["backbone"] = {"kind": "flux-fill", "path": str(flux["single"]),
                            "components": str(flux["components"])}
    (folder / "bfs.json").write_text(json.dumps(settings))
    assert find_model(str(folder)).family == "bfs"
    rng = np.random.default_rng(0)
    background = rng.integers(0, 255, (40, 48, 3), np.uint8)
    request = BFSRequest(background, Box(14, 10, 16, 16), "a lamp", seed=4)
    a = synthesize(request, BFSModel.load(folder).eval())
    b = synthesize(request, BFSModel.load(flux["model"]).eval())
    assert np.array_equal(a.foreground, b.foreground)


def test_the_official_file_without_its_components_says_which_folder_is_missing(tmp_path):
    from safetensors.torch import save_file

    from engine.models.loading import load_pipeline

    path = tmp_path / "flux1-fill-dev.safetensors"
    save_file({"img_in.weight": torch.zeros(8, 384)}, str(path))  # the official layout's name and width
    with pytest.raises(ModelError) as err:
        load_pipeline(str(path), cache_dir=tmp_path / "empty-cache")
    assert "black-forest-labs/FLUX.1-Fill-dev" in str(err.value) and "not on this computer" in str(err.value)
