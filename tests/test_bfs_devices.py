"""BFS honours the device plan: resident / model offload / sequential offload, text encoders on the
device only while encoding, VAE tiling, memory freed after every job, MPS out-of-memory reported."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from bfs_fixtures import tiny_bfs_model_folder  # noqa: E402
from engine.box import Box  # noqa: E402
from engine.errors import Cancelled, OutOfMemory  # noqa: E402
from engine.methods.bfs import BFSRequest, synthesize  # noqa: E402
from engine.models.devices import DevicePlan  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tiny_bfs_model_folder(tmp_path_factory.mktemp("bfs-devices") / "flux", "flux-fill")


def request() -> BFSRequest:
    rng = np.random.default_rng(0)
    return BFSRequest(rng.integers(0, 255, (40, 48, 3), np.uint8), Box(14, 10, 16, 16), "a lamp", seed=2)


@pytest.fixture(scope="module")
def resident(folder):
    from engine.models.loading import load_bfs_model

    return synthesize(request(), load_bfs_model(folder, DevicePlan()))


@pytest.mark.parametrize("switch", ["cpu_offload", "sequential_offload"])
def test_offloaded_models_make_the_same_layer(folder, resident, switch):
    """The offload hooks run for real here, with the CPU as the execution device: sequential
    offload keeps the weights on the meta device between calls and brings them in per layer."""
    from engine.models.loading import load_bfs_model

    model = load_bfs_model(folder, DevicePlan(**{switch: True}))
    assert model.placement.mode == ("sequential" if switch == "sequential_offload" else "model")
    for part in model.placement.parts() + model.placement.text_encoders():
        assert hasattr(part, "_hf_hook"), type(part).__name__
    result = synthesize(request(), model)
    assert np.abs(result.foreground.astype(int) - resident.foreground.astype(int)).max() <= 1
    if switch == "sequential_offload":
        weight = model.backbone.transformer.transformer_blocks[0].attn.to_q.weight
        assert weight.device.type == "meta"  # waiting off the device between calls
    result2 = synthesize(request(), model)  # a second job after release() runs the same
    assert np.array_equal(result.foreground, result2.foreground)


class Recorder:
    def __init__(self):
        self.calls = []

    def wrap(self, module, name):
        def to(*args, **kwargs):
            self.calls.append((name, str(args[0] if args else kwargs.get("device"))))
            return module
        return to


def test_resident_placement_moves_text_encoders_only_while_encoding(folder, monkeypatch):
    """A fake CUDA device (the modules' .to is recorded, nothing moves): the big parts go to the
    device once; the text encoders go there for the prompt and come back, and memory is freed."""
    import engine.models.devices as devices
    from engine.nets.bfs_devices import BFSPlacement
    from engine.nets.bfs_model import BFSModel

    model = BFSModel.load(folder)
    rec = Recorder()
    names = {"transformer": model.transformer, "vae": model.backbone.vae, "rgba_vae": model.rgba_vae,
             "clip": model.backbone.pipeline.text_encoder, "t5": model.backbone.pipeline.text_encoder_2}
    for name, module in names.items():
        monkeypatch.setattr(module, "to", rec.wrap(module, name))
    freed = []
    monkeypatch.setattr(devices, "free_memory", lambda device="cpu": freed.append(device))
    placement = BFSPlacement(model, DevicePlan("cuda", "bfloat16", vae_tiling=True)).apply()
    assert rec.calls == [("transformer", "cuda"), ("vae", "cuda"), ("rgba_vae", "cuda")]
    assert model.backbone.vae.use_tiling and model.rgba_vae.use_tiling and model.rgba_vae.use_slicing
    rec.calls.clear()
    with placement.encoding():
        assert rec.calls == [("clip", "cuda"), ("t5", "cuda")] and not freed
    assert rec.calls[2:] == [("clip", "cpu"), ("t5", "cpu")] and freed == ["cuda"]
    placement.release()
    assert freed == ["cuda", "cuda"]


def test_memory_is_freed_after_failure_and_cancel_and_mps_oom_is_reported(folder, monkeypatch):
    import engine.models.devices as devices
    from engine.models.loading import load_bfs_model

    model = load_bfs_model(folder, DevicePlan())
    freed = []
    monkeypatch.setattr(devices, "free_memory", lambda device="cpu": freed.append(device))

    def mps_oom(*args, **kwargs):
        raise RuntimeError("MPS backend out of memory (MPS allocated: 17.00 GB, other allocations: 1.2 GB)")

    real_predict = model.backbone.predict
    monkeypatch.setattr(model.backbone, "predict", mps_oom)
    with pytest.raises(OutOfMemory, match="ran out of memory"):
        synthesize(request(), model)
    assert len(freed) == 2
    monkeypatch.setattr(model.backbone, "predict", real_predict)

    freed.clear()

    def cancel(step, total, preview=None):
        if step >= 2:
            raise Cancelled("stopped")

    with pytest.raises(Cancelled):
        synthesize(request(), model, progress=cancel)
    assert freed == ["cpu"]
