"""engine.models: catalogue, finding models, safety, conversion, downloads, devices, loading."""
import json
import os
import threading
import time

import numpy as np
import pytest
import torch

from engine.errors import Cancelled, InvalidInput, ModelError, OutOfMemory, UnsafeWeights
from engine.models import catalogue as cat
from engine.models.convert import convert_to_safetensors
from engine.models.devices import (DevicePlan, choose_device, is_out_of_memory,
                                   out_of_memory_guard, plan_device)
from engine.models.download import _progress_bar_class, download_model
from engine.models.loading import LoadedModel, ModelCache, load_pipeline
from engine.models.locate import detect_single_file_kind, find_model
from engine.progress import CancelToken
from engine.testing import tiny


@pytest.fixture(scope="module")
def sd_dir():
    return tiny.cached_tiny("sd-inpaint")


# -- catalogue -------------------------------------------------------------------------
def test_shipped_catalogue_lists_the_three_families_with_their_facts():
    catalogue = cat.load_catalogue()
    assert len(catalogue) >= 4
    # The one BFS model listed is the built-in one, shipped in resources/builtin.
    assert {m.family for m in catalogue} == set(cat.DIFFUSION_FAMILIES + cat.VISION_FAMILIES + (cat.BFS_FAMILY,))
    built_in = [m for m in catalogue if m.built_in]
    assert [m.family for m in built_in] == [cat.BFS_FAMILY] and built_in[0].serves("bfs")
    assert not built_in[0].files and 0 < built_in[0].download_gb <= 0.02 and built_in[0].licence
    for m in catalogue:
        if m.built_in:
            continue
        generative = m.family in cat.DIFFUSION_FAMILIES
        # Generative models add foregrounds (inpainting) or edit by text (text-to-image).
        assert (m.serves("add_foreground") or m.serves("edit")) == generative
        assert m.download_gb > 0 and m.min_vram_gb > 0
        assert m.licence and m.files and m.resolution in (512, 1024)
    assert catalogue.default_for("add_foreground").family == "sd-inpaint"
    assert catalogue.get("black-forest-labs/FLUX.1-Fill-dev").gated
    assert catalogue.get("nope/nope") is None


def test_the_text_to_image_models_of_the_text_edit_are_listed():
    catalogue = cat.load_catalogue()
    ids = [m.id for m in catalogue.for_method("edit")]
    assert ids == ["CompVis/stable-diffusion-v1-4", "stable-diffusion-v1-5/stable-diffusion-v1-5",
                   "stabilityai/stable-diffusion-2-1-base"]
    for model_id in ids:
        m = catalogue.get(model_id)
        assert m.family == "sd-inpaint" and not m.serves("add_foreground") and m.resolution == 512
        assert "RAIL" in m.licence and 2 <= m.download_gb <= 3
    assert catalogue.default_for("edit").id == "CompVis/stable-diffusion-v1-4"  # the paper's
    # The inpainting models stay the defaults of the other methods.
    assert catalogue.default_for("layered").id == "stable-diffusion-v1-5/stable-diffusion-inpainting"


def test_bad_catalogue_is_reported(tmp_path):
    path = tmp_path / "models.json"
    path.write_text("{not json")
    with pytest.raises(ModelError, match="cannot be read"):
        cat.load_catalogue(path)
    path.write_text(json.dumps({"models": [{"id": "a/b"}]}))
    with pytest.raises(ModelError, match="incomplete"):
        cat.load_catalogue(path)
    entry = dict(id="a/b", family="unet-magic", methods=["x"], resolution=1, default_steps=1,
                 default_guidance=1, download_gb=1, min_vram_gb=1, licence="x")
    path.write_text(json.dumps({"models": [entry]}))
    with pytest.raises(ModelError, match="unknown family"):
        cat.load_catalogue(path)
    with pytest.raises(ModelError, match="no model for"):
        cat.Catalogue([]).default_for("add_foreground")


# -- finding models ----------------------------------------------------------------------
def test_find_local_folder(sd_dir):
    source = find_model(str(sd_dir))
    assert source.kind == "folder" and source.family == "sd-inpaint"
    assert source.path == sd_dir and source.variant is None
    assert source.info.resolution == 512  # family defaults for a model the catalogue lacks


def test_find_in_fake_hub_cache(sd_dir, tmp_path):
    snapshot = tiny.install_in_hub_cache(sd_dir, "tiny-org/tiny-sd", tmp_path)
    repo = tmp_path / "models--tiny-org--tiny-sd"
    assert (repo / "refs" / "main").read_text() == snapshot.name
    assert (snapshot / "unet" / "diffusion_pytorch_model.safetensors").is_symlink()
    source = find_model("tiny-org/tiny-sd", cache_dir=tmp_path)
    assert source.kind == "hub_cache" and source.path == snapshot
    assert source.family == "sd-inpaint"


def test_catalogue_model_missing_from_cache_says_how_to_get_it(tmp_path):
    with pytest.raises(ModelError) as err:
        find_model("stable-diffusion-v1-5/stable-diffusion-inpainting", cache_dir=tmp_path)
    text = str(err.value)
    assert "not on this computer" in text and "models download" in text


@pytest.mark.parametrize("ref, message", [
    ("", "No model was given"),
    ("/no/such/model.safetensors", "no such model file or folder"),
    ("not a repo id!", "no such model file or folder"),
])
def test_bad_references(ref, message):
    with pytest.raises(ModelError, match=message):
        find_model(ref)


def test_folder_without_model_index(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"x")
    with pytest.raises(ModelError, match="no model_index.json") as err:
        find_model(str(tmp_path))
    assert "model.safetensors" in str(err.value)


def test_folder_of_another_pipeline(tmp_path):
    (tmp_path / "model_index.json").write_text(json.dumps({"_class_name": "AudioLDMPipeline"}))
    with pytest.raises(ModelError, match="AudioLDMPipeline, which cannot add layers"):
        find_model(str(tmp_path))


# -- refusing pickles, converting them ---------------------------------------------------
@pytest.mark.parametrize("suffix", [".ckpt", ".pt", ".pth", ".bin", ".pkl"])
def test_pickle_files_are_refused_without_being_opened(tmp_path, suffix):
    path = tmp_path / f"model{suffix}"
    path.write_bytes(b"this is not even a pickle")  # opening it would fail loudly
    with pytest.raises(UnsafeWeights) as err:
        find_model(str(path))
    assert "only loads .safetensors" in str(err.value) and "models convert" in str(err.value)


def test_folder_with_pickle_weights_is_refused_then_converted_and_loaded(sd_dir, tmp_path):
    folder = tiny.copy_model(sd_dir, tmp_path / "m")
    weights = folder / "unet" / "diffusion_pytorch_model.safetensors"
    from safetensors.torch import load_file

    torch.save(load_file(weights), folder / "unet" / "diffusion_pytorch_model.bin")
    weights.unlink()
    with pytest.raises(UnsafeWeights, match="diffusion_pytorch_model.bin"):
        find_model(str(folder))
    written = convert_to_safetensors(folder)
    assert written == [weights]
    model = load_pipeline(str(folder))
    reference = load_pipeline(str(sd_dir))
    for (name, a), (_, b) in zip(model.pipeline.unet.state_dict().items(),
                                 reference.pipeline.unet.state_dict().items()):
        assert torch.equal(a, b), name


def test_converter_writes_safetensors_and_refuses_code(tmp_path):
    from safetensors.torch import load_file

    ckpt = tmp_path / "model.ckpt"
    torch.save({"state_dict": {"a": torch.arange(4.0), "b": torch.ones(2, 2)}, "epoch": 3}, ckpt)
    [out] = convert_to_safetensors(ckpt)
    assert out == tmp_path / "model.safetensors"
    assert torch.equal(load_file(out)["a"], torch.arange(4.0))
    with pytest.raises(InvalidInput, match="already exists"):
        convert_to_safetensors(ckpt)
    evil = tmp_path / "evil.pt"
    torch.save({"w": torch.ones(1), "payload": Exploit()}, evil)
    with pytest.raises(ModelError, match="more than tensors"):
        convert_to_safetensors(evil)
    assert not (tmp_path / "evil.safetensors").exists()
    with pytest.raises(InvalidInput, match="not a pickle weights file"):
        convert_to_safetensors(out)


class Exploit:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


# -- single files ----------------------------------------------------------------------------
def _fake_checkpoint(path, tensors):
    from safetensors.numpy import save_file

    save_file({k: np.zeros(shape, np.float16) for k, shape in tensors.items()}, str(path))
    return path


@pytest.mark.parametrize("tensors, kind", [
    ({"model.diffusion_model.input_blocks.0.0.weight": (8, 9, 3, 3),
      "cond_stage_model.transformer.text_model.final_layer_norm.weight": (8,)}, "sd1-inpaint"),
    ({"model.diffusion_model.input_blocks.0.0.weight": (8, 9, 3, 3),
      "cond_stage_model.model.ln_final.weight": (8,)}, "sd2-inpaint"),
    ({"model.diffusion_model.input_blocks.0.0.weight": (8, 9, 3, 3),
      "conditioner.embedders.1.model.ln_final.weight": (8,)}, "sdxl-inpaint"),
    ({"img_in.weight": (8, 384), "double_blocks.0.img_attn.qkv.weight": (8, 8)}, "flux-fill"),
])
def test_single_file_kind_from_tensor_names(tmp_path, tensors, kind):
    path = _fake_checkpoint(tmp_path / "m.safetensors", tensors)
    assert detect_single_file_kind(path) == kind
    source = find_model(str(path))
    assert source.kind == "single_file" and source.config is not None


@pytest.mark.parametrize("tensors, message", [
    ({"model.diffusion_model.input_blocks.0.0.weight": (8, 4, 3, 3)}, "not an inpainting one"),
    ({"img_in.weight": (8, 64)}, "not FLUX.1-Fill"),
    ({"something.else": (2,)}, "not a Stable Diffusion or FLUX.1-Fill checkpoint"),
])
def test_single_files_that_cannot_add_layers(tmp_path, tensors, message):
    path = _fake_checkpoint(tmp_path / "m.safetensors", tensors)
    with pytest.raises(ModelError, match=message):
        find_model(str(path))


def test_damaged_safetensors_file(tmp_path):
    path = tmp_path / "broken.safetensors"
    path.write_bytes(b"\x00" * 64)
    with pytest.raises(ModelError, match="cannot be read as safetensors"):
        find_model(str(path))


def test_single_file_without_its_config_says_what_is_missing(tmp_path):
    path = _fake_checkpoint(tmp_path / "m.safetensors",
                            {"model.diffusion_model.input_blocks.0.0.weight": (8, 9, 3, 3)})
    with pytest.raises(ModelError, match="configuration files of 'stable-diffusion-v1-5"):
        load_pipeline(str(path), cache_dir=tmp_path / "empty-cache")


def _same_weights(a, b):
    for name in ("unet", "vae", "text_encoder"):
        sa, sb = getattr(a, name).state_dict(), getattr(b, name).state_dict()
        assert sa.keys() == sb.keys(), name
        assert all(torch.equal(sa[k], sb[k]) for k in sa), name


def test_single_file_checkpoint_loads_like_the_folder(sd_dir, tmp_path):
    """A checkpoint in the original SD layout, read with the folder's config."""
    path = tiny.save_tiny_single_file(tmp_path / "tiny-sd-inpainting.safetensors")
    source = find_model(str(path), config=str(sd_dir))
    assert source.kind == "single_file" and source.family == "sd-inpaint"
    model = load_pipeline(source)
    assert type(model.pipeline).__name__ == "StableDiffusionInpaintPipeline"
    _same_weights(model.pipeline, load_pipeline(str(sd_dir)).pipeline)


def test_single_file_config_comes_from_the_hub_cache(sd_dir, tmp_path):
    """Without --config, an SD 1.x inpainting file is read with the config of the SD 1.5
    inpainting repo, found (offline) in the cache."""
    path = tiny.save_tiny_single_file(tmp_path / "m.safetensors")
    cache = tmp_path / "hub"
    tiny.install_in_hub_cache(sd_dir, "stable-diffusion-v1-5/stable-diffusion-inpainting", cache)
    model = load_pipeline(str(path), cache_dir=cache)
    assert model.source.config == "stable-diffusion-v1-5/stable-diffusion-inpainting"
    _same_weights(model.pipeline, load_pipeline(str(sd_dir)).pipeline)


# -- loading ---------------------------------------------------------------------------
def test_load_from_folder_hub_cache_and_fp16_variant(sd_dir, tmp_path):
    model = load_pipeline(str(sd_dir))
    assert type(model.pipeline).__name__ == "StableDiffusionInpaintPipeline"
    assert model.plan == DevicePlan("cpu", "float32")
    assert model.pipeline.unet.config.in_channels == 9
    tiny.install_in_hub_cache(sd_dir, "tiny-org/tiny-sd", tmp_path / "hub")
    cached = load_pipeline("tiny-org/tiny-sd", cache_dir=tmp_path / "hub")
    assert cached.source.kind == "hub_cache"
    a, b = model.pipeline.unet.conv_in.weight, cached.pipeline.unet.conv_in.weight
    assert torch.equal(a, b)
    # A folder that only has fp16 variant files loads that variant.
    folder = tiny.copy_model(sd_dir, tmp_path / "variant")
    for path in list(folder.rglob("*.safetensors")):
        path.rename(path.with_name(path.name.replace(".safetensors", ".fp16.safetensors")))
    source = find_model(str(folder))
    assert source.variant == "fp16"
    assert torch.equal(load_pipeline(source).pipeline.unet.conv_in.weight, a)


def test_truncated_weights_are_reported(sd_dir, tmp_path):
    folder = tiny.copy_model(sd_dir, tmp_path / "m")
    weights = folder / "vae" / "diffusion_pytorch_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:200])
    with pytest.raises(ModelError, match="could not be loaded") as err:
        load_pipeline(str(folder))
    assert "download the model again" in str(err.value)


def test_component_without_weights(sd_dir, tmp_path):
    folder = tiny.copy_model(sd_dir, tmp_path / "m")
    (folder / "vae" / "diffusion_pytorch_model.safetensors").unlink()
    with pytest.raises(ModelError, match="has no weights file"):
        find_model(str(folder))


def test_model_cache_keeps_the_last_model(sd_dir):
    cache = ModelCache()
    first = cache.get(str(sd_dir))
    assert cache.get(str(sd_dir)) is first
    assert cache.get(str(sd_dir), dtype="bfloat16") is not first
    cache.clear()
    assert cache.get(str(sd_dir)) is not first


def test_a_second_caller_waits_for_the_model_being_loaded_and_reuses_it(sd_dir):
    """The editor's background warm-up and a user's job ask on different threads: the model
    the warm-up is loading is loaded once, and the job gets that one."""
    entered, release = threading.Event(), threading.Event()
    loads = []

    def slow_load(source, plan, **kwargs):  # stands in for load_pipeline, held by the test
        loads.append(source.path)
        entered.set()
        release.wait(30)
        return LoadedModel(object(), source, plan)

    cache = ModelCache(load=slow_load)
    got = {}

    def ask(who):
        got[who] = cache.get(str(sd_dir), device="cpu")

    warm_up = threading.Thread(target=ask, args=("warm-up",))
    warm_up.start()
    assert entered.wait(30)
    job = threading.Thread(target=ask, args=("job",))
    job.start()
    time.sleep(0.3)  # the job's thread has asked by now
    assert "job" not in got  # it waits for the load under way
    release.set()
    warm_up.join(30)
    job.join(30)
    assert len(loads) == 1 and got["job"] is got["warm-up"]


# -- downloads (there is no network here) ---------------------------------------------------
def test_download_refused_offline_explains_manual_placement(monkeypatch, tmp_path):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(ModelError) as err:
        download_model("stable-diffusion-v1-5/stable-diffusion-inpainting", cache_dir=tmp_path)
    text = str(err.value)
    assert "HF_HUB_OFFLINE" in text and "place the files by hand" in text
    assert "hf download stable-diffusion-v1-5/stable-diffusion-inpainting" in text
    assert "models--stable-diffusion-v1-5--stable-diffusion-inpainting" in text
    assert str(tmp_path) in text


def test_download_without_network_explains_manual_placement(monkeypatch, tmp_path):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    with pytest.raises(ModelError) as err:  # nothing listens on port 9: the connection fails
        download_model("black-forest-labs/FLUX.1-Fill-dev", cache_dir=tmp_path,
                       endpoint="http://127.0.0.1:9")
    text = str(err.value)
    assert "cannot be reached" in text and "place the files by hand" in text
    assert "Accept its licence" in text  # FLUX.1-Fill-dev is gated


def test_download_only_catalogue_models(tmp_path):
    with pytest.raises(ModelError, match="not in the model catalogue"):
        download_model("someone/something", cache_dir=tmp_path)


def test_download_progress_reports_bytes_and_cancels():
    seen = []
    token = CancelToken()
    bar = _progress_bar_class(lambda done, total, preview=None: seen.append((done, total)),
                              token)(total=100, unit="B")
    bar.update(30)
    bar.update(30)
    assert seen == [(30, 100), (60, 100)]
    token.cancel()
    with pytest.raises(Cancelled):
        bar.update(10)


# -- devices and memory ------------------------------------------------------------------
def test_device_choice_on_this_cpu_machine(monkeypatch):
    monkeypatch.delenv("LAYERED_DEVICE", raising=False)
    monkeypatch.delenv("LAYERED_DTYPE", raising=False)
    assert choose_device() == ("cpu", "float32")
    assert choose_device("cpu", "bfloat16") == ("cpu", "bfloat16")
    monkeypatch.setenv("LAYERED_DTYPE", "float16")
    assert choose_device() == ("cpu", "float16")
    with pytest.raises(InvalidInput, match="No CUDA GPU"):
        choose_device("cuda")
    with pytest.raises(InvalidInput, match="Unknown device 'tpu'"):
        choose_device("tpu")
    with pytest.raises(InvalidInput, match="Unknown dtype"):
        choose_device("cpu", "int8")


def test_plan_never_offloads_on_cpu_and_honours_overrides():
    assert plan_device("cpu", min_vram_gb=1000) == DevicePlan("cpu", "float32")
    assert not plan_device("cpu", cpu_offload=True).cpu_offload
    assert plan_device("cpu", vae_tiling=True).vae_tiling
    assert "VAE tiling" in DevicePlan("cuda", "float16", True, True).describe()


@pytest.mark.parametrize("exc, oom", [
    (torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"), True),
    (RuntimeError("MPS backend out of memory (MPS allocated: 8 GB)"), True),
    (RuntimeError("[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: can't allocate memory"), True),
    (MemoryError(), True),
    (RuntimeError("shape mismatch"), False),
    (ValueError("out of memory"), False),
])
def test_out_of_memory_is_recognised(exc, oom):
    assert is_out_of_memory(exc) is oom


def test_out_of_memory_guard_says_what_to_change():
    plan = DevicePlan("cuda", "float16")
    with pytest.raises(OutOfMemory) as err:
        with out_of_memory_guard(plan, "The generation"):
            raise torch.cuda.OutOfMemoryError("CUDA out of memory")
    text = str(err.value)
    assert text.startswith("The generation ran out of memory on cuda float16")
    assert "CPU offload" in text and "smaller box" in text
    offloaded = DevicePlan("cuda", "float16", cpu_offload=True)
    with pytest.raises(OutOfMemory, match="smaller model"):
        with out_of_memory_guard(offloaded):
            raise RuntimeError("CUDA error: out of memory")
    with pytest.raises(RuntimeError, match="shape"):
        with out_of_memory_guard(plan):
            raise RuntimeError("shape mismatch")


def test_engine_and_job_modules_import_without_torch():
    """torch loads only when a model is used, so the editor and `--help` start fast."""
    import subprocess
    import sys

    code = ("import sys, engine.models.catalogue, engine.models.locate, engine.models.loading, "
            "engine.models.devices, engine.models.download, engine.models.convert, "
            "engine.methods.add_foreground, editor.jobs, editor.cli; "
            "editor.cli.build_parser(); "
            "print(sorted(m for m in ('torch', 'diffusers', 'transformers') if m in sys.modules))")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
