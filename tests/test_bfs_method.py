"""The BFS inference method: placement, recomposition, determinism, progress, cancel, bad input."""
from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from bfs_fixtures import tiny_bfs_model_folder  # noqa: E402
from engine.box import Box  # noqa: E402
from engine.compose import over, to_float, to_uint8  # noqa: E402
from engine.errors import Cancelled, InvalidInput, ModelError  # noqa: E402
from engine.methods.bfs import BFSRequest, synthesize, context_window, model_size  # noqa: E402
from engine.progress import CancelToken, cancellable  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    from engine.nets.bfs_model import BFSModel

    root = tmp_path_factory.mktemp("bfs-models")
    own = tiny_bfs_model_folder(root / "own", "tiny")
    flux = tiny_bfs_model_folder(root / "flux", "flux-fill")
    return {"own": BFSModel.load(own).eval(), "own_path": own, "flux_path": flux}


def photo(height=60, width=90, seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    image = np.stack([xx / width, yy / height, 0.5 + 0.2 * np.sin(xx / 5)], axis=-1)
    return to_uint8(np.clip(image + 0.05 * rng.random((height, width, 3)), 0, 1))


def test_layer_is_placed_around_the_box_and_recomposites_over_the_background(models):
    background = photo()
    box = Box(30, 20, 20, 16)
    calls = []
    result = synthesize(BFSRequest(background, box, "a red ball", seed=1), models["own"],
                            progress=lambda step, total, preview=None: calls.append((step, total)))
    window = context_window(90, 60, box, 2.0)
    h, w = result.foreground.shape[:2]
    assert (result.x, result.y, w, h) == window.as_tuple() == (20, 8, 40, 40)
    assert result.foreground.dtype == np.uint8 and result.foreground.shape[2] == 4
    assert result.composite_branch.shape == (h, w, 3)
    # The recomposition is the layer over the background in the window, and nothing else changes.
    expected = background.copy()
    expected[8:48, 20:60] = to_uint8(over(to_float(result.foreground), to_float(background[8:48, 20:60])))
    assert np.array_equal(result.recomposed, expected)
    outside = np.ones((60, 90), bool)
    outside[8:48, 20:60] = False
    assert np.array_equal(result.recomposed[outside], background[outside])
    # Progress: monotonic, one report per denoising step plus encode/decode, ends at the total.
    steps = [s for s, _ in calls]
    assert steps == sorted(steps) and calls[-1][0] == calls[-1][1] == 3 + 2
    assert result.recipe == {"method": "bfs", "prompt": "a red ball", "seed": 1, "steps": 3,
                             "guidance_scale": 2.0, "box": [30, 20, 20, 16], "context": 2.0}


def test_same_seed_same_layer_other_seed_other_layer(models):
    request = dict(background=photo(), box=Box(10, 10, 24, 24), prompt="a green box")
    a = synthesize(BFSRequest(**request, seed=5), models["own"])
    b = synthesize(BFSRequest(**request, seed=5), models["own"])
    c = synthesize(BFSRequest(**request, seed=6), models["own"])
    assert np.array_equal(a.foreground, b.foreground) and np.array_equal(a.composite_branch, b.composite_branch)
    assert not np.array_equal(a.foreground, c.foreground)


def test_flux_fill_model_loads_from_its_folder_and_runs(models):
    background = photo(48, 40)
    result = synthesize(BFSRequest(background, Box(5, 8, 30, 30), "a cat", steps=2), models["flux_path"])
    assert result.foreground.shape[2] == 4 and result.recomposed.shape == background.shape
    assert result.recipe["guidance_scale"] == 30.0 and result.recipe["steps"] == 2


def test_rgba_background_keeps_its_alpha_in_the_recomposition(models):
    background = np.dstack([photo(), np.full((60, 90), 200, np.uint8)])
    result = synthesize(BFSRequest(background, Box(0, 0, 20, 20), "a ball"), models["own"])
    assert result.recomposed.shape == (60, 90, 4)
    assert (result.recomposed[..., 3] >= 200).all()


def test_cancel_stops_within_one_step(models):
    token = CancelToken()
    seen = []

    def report(step, total, preview=None):
        seen.append(step)
        if step == 2:
            token.cancel()

    with pytest.raises(Cancelled):
        synthesize(BFSRequest(photo(), Box(30, 20, 20, 16), "a ball", steps=10), models["own"],
                       progress=cancellable(token, report))
    assert seen == [1, 2]


@pytest.mark.parametrize("change, message", [
    ({"prompt": "  "}, "prompt is empty"),
    ({"box": Box(200, 200, 10, 10)}, "outside"),
    ({"box": Box(5, 5, 0, 10)}, "empty"),
    ({"background": np.zeros((2, 50, 3), np.uint8)}, "too small"),
    ({"background": np.zeros((40, 40, 3), np.float32)}, "8-bit"),
    ({"steps": 0}, "Steps"),
    ({"context": 0.5}, "Context"),
    ({"box": (1, 2, 3, 4)}, "Box"),
])
def test_bad_requests_are_explained(models, change, message):
    request = {"background": photo(), "box": Box(30, 20, 20, 16), "prompt": "a ball", **change}
    with pytest.raises(InvalidInput, match=message):
        synthesize(BFSRequest(**request), models["own"])


def test_unloadable_model_folders_are_explained(tmp_path, models):
    import shutil

    from engine.errors import UnsafeWeights

    request = BFSRequest(photo(), Box(30, 20, 20, 16), "a ball")
    with pytest.raises(ModelError, match="bfs.json"):
        synthesize(request, tmp_path)
    broken = tmp_path / "broken"
    shutil.copytree(models["own_path"], broken, ignore=shutil.ignore_patterns("backbone", "aux"))
    settings = json.loads((broken / "bfs.json").read_text())
    settings["backbone"]["path"] = str(models["own_path"] / "backbone")
    (broken / "bfs.json").write_text(json.dumps(settings))
    from engine.nets.bfs_model import BFSModel

    BFSModel.load(broken)  # the copy is loadable before it is broken
    (broken / "bridge.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ModelError, match="Could not load"):
        synthesize(request, broken)
    (broken / "bridge.bin").write_bytes(b"pickle")
    with pytest.raises(UnsafeWeights, match="bridge.bin is a pickle-based weights file"):
        synthesize(request, broken)


def test_resolution_shift_matches_flux():
    from diffusers.pipelines.flux.pipeline_flux import calculate_shift

    from engine.methods.bfs import _scheduler
    from engine.nets.fill_backbone import FillBackbone

    class Flux(FillBackbone):
        def __init__(self):
            from diffusers import FlowMatchEulerDiscreteScheduler

            self.scheduler = FlowMatchEulerDiscreteScheduler(use_dynamic_shifting=True, base_shift=0.5,
                                                             max_shift=1.15)

    ours = _scheduler(Flux(), 10, 1024, "cpu")
    reference = Flux().scheduler
    reference.set_timesteps(sigmas=np.linspace(1.0, 0.1, 10), mu=calculate_shift(1024), device="cpu")
    assert torch.allclose(ours.sigmas, reference.sigmas)


def test_window_and_model_size_rules():
    # Box near a corner: the window shifts inside the image and keeps the box.
    window = context_window(100, 80, Box(90, 70, 10, 10), 3.0)
    assert window == Box(70, 50, 30, 30)
    # A box longer than the image is tall: the window spans the image height.
    assert context_window(200, 50, Box(10, 5, 120, 20), 2.0) == Box(0, 0, 200, 50)
    assert model_size(Box(0, 0, 300, 200), 512, 16) == (768, 512)
    assert model_size(Box(0, 0, 10, 10), 512, 16) == (512, 512)


def test_a_catalogue_bfs_model_is_found_in_the_hub_cache_and_offered_as_bfs(models, tmp_path):
    """A BFS model published as a Hugging Face repo and listed in the catalogue: found in the
    hub cache like any other model, loaded through the shared loader, served by the "bfs"
    method, and it makes the same layer as the folder it came from."""
    from editor.ui.model_list import method_of_family
    from engine.models.catalogue import load_catalogue
    from engine.models.loading import load_pipeline
    from engine.models.locate import find_model
    from engine.testing import tiny

    hub = tmp_path / "hub"
    snapshot = tiny.install_in_hub_cache(models["own_path"], "tiny-org/tiny-bfs", hub)
    entry = dict(id="tiny-org/tiny-bfs", name="Tiny BFS", family="bfs", methods=["bfs"],
                 resolution=64, default_steps=3, default_guidance=2.0, download_gb=0.01,
                 min_vram_gb=0, licence="test only")
    path = tmp_path / "models.json"
    path.write_text(json.dumps({"models": [entry]}))
    catalogue = load_catalogue(path)
    assert catalogue.default_for("bfs").id == "tiny-org/tiny-bfs"
    source = find_model("tiny-org/tiny-bfs", cache_dir=hub, catalogue=catalogue)
    assert (source.kind, source.path, source.family) == ("hub_cache", snapshot, "bfs")
    assert source.info.name == "Tiny BFS" and method_of_family(source.family) == "bfs"

    loaded = load_pipeline(source, device="cpu")
    request = dict(background=photo(), box=Box(12, 10, 24, 24), prompt="a lamp", seed=2)
    from_cache = synthesize(BFSRequest(**request), loaded.pipeline)
    from_folder = synthesize(BFSRequest(**request), models["own"])
    assert np.array_equal(from_cache.foreground, from_folder.foreground)


def test_each_denoising_step_shows_the_composite_branchs_estimate(models):
    background = photo()
    box = Box(30, 20, 20, 16)
    reports = []
    synthesize(BFSRequest(background, box, "a red ball", seed=1), models["own"],
                   progress=lambda step, total, preview=None: reports.append((step, preview)))
    shown = [preview for _, preview in reports if preview is not None]
    model = models["own"]
    window = context_window(90, 60, box, 2.0)
    width, height = model_size(window, model.resolution, model.backbone.size_multiple)
    factor = model.backbone.vae_scale_factor
    assert len(shown) == 3  # one per step
    assert all(p.dtype == np.uint8 and p.shape == (height // factor, width // factor, 3) for p in shown)
    assert not np.array_equal(shown[0], shown[-1])  # the estimate changes as it denoises
    quiet = []
    synthesize(BFSRequest(background, box, "a red ball", seed=1, previews=False), models["own"],
                   progress=lambda step, total, preview=None: quiet.append(preview))
    assert quiet and all(p is None for p in quiet)


def test_model_folder_options_run_the_weights_as_they_were_trained(models, tmp_path):
    """bfs.json's single_stream_text and rgba change how the same weights run; bad values are explained."""
    import shutil

    from engine.nets.bfs_model import BFSModel

    request = BFSRequest(photo(), Box(30, 20, 20, 16), "a red ball", seed=1)
    default = synthesize(request, models["own"])
    results = {}
    for key, value in (("single_stream_text", True), ("rgba", "straight")):
        folder = tmp_path / key
        shutil.copytree(models["own_path"], folder)
        settings = json.loads((folder / "bfs.json").read_text())
        (folder / "bfs.json").write_text(json.dumps({**settings, key: value}))
        model = BFSModel.load(folder).eval()
        results[key] = synthesize(request, model)
        assert not np.array_equal(results[key].foreground, default.foreground), key
    # Straight decoding multiplies colour by alpha: the same alpha as premultiplied decoding of
    # the same latents would give, colour differs.
    a, b = default.foreground, results["rgba"].foreground
    assert np.abs(a[..., 3].astype(int) - b[..., 3].astype(int)).max() <= 1
    # The text option only changes the bridge arithmetic: the parameters are the same file.
    assert results["single_stream_text"].recipe == default.recipe
    folder = tmp_path / "bad"
    shutil.copytree(models["own_path"], folder)
    settings = json.loads((folder / "bfs.json").read_text())
    (folder / "bfs.json").write_text(json.dumps({**settings, "rgba": "linear"}))
    with pytest.raises(ValueError, match="'rgba' must be"):
        BFSModel.load(folder)
