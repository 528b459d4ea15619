"""BFS training: dataset folders, configs, checkpoints, the three trainers, accelerate launch."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from bfs_fixtures import tiny_aux_folders, tiny_flux_fill_folder, tiny_own_backbone_folder  # noqa: E402
from engine.errors import InvalidInput  # noqa: E402
from engine.training.config import config_from_dict  # noqa: E402
from engine.training.data import (  # noqa: E402
    STAGE1_FILES, STAGE2_FILES, RealismOrRegularise, SampleFolders, collate,
)
from engine.training.toy_data import make_toy_dataset  # noqa: E402

torch.set_num_threads(1)
ROOT = Path(__file__).resolve().parents[1]
RESOLUTION = 32


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Toy data + tiny backbones (Flux-Fill pipeline and our own) + RGBA VAE + compositor, on disk."""
    root = tmp_path_factory.mktemp("bfs-train")
    stage1, stage2 = make_toy_dataset(root / "data", count=4, size=40)
    flux = tiny_flux_fill_folder(root / "flux")
    own = tiny_own_backbone_folder(root / "own")
    rgba, compositor = tiny_aux_folders(root / "aux", own)
    return {"root": root, "stage1": stage1, "stage2": stage2, "flux-fill": flux, "tiny": own,
            "rgba_vae": rgba, "compositor": compositor}


def bfs_config(world, out: Path, kind: str, stage: int, **overrides):
    from engine.training.train_bfs import BFSTrainConfig

    settings = dict(output_dir=str(out), backbone_kind=kind, backbone_path=str(world[kind]),
                    rgba_vae_path=str(world["rgba_vae"]), compositor_path=str(world["compositor"]),
                    stage1_data=str(world["stage1"]), stage2_data=str(world["stage2"]), stage=stage,
                    resolution=RESOLUTION, batch_size=2, learning_rate=1e-2, max_steps=20, checkpoint_every=1000,
                    max_sequence_length=16)
    settings.update(overrides)
    return config_from_dict(BFSTrainConfig, settings)


def evaluate(task, kind: str, draws: int = 6) -> dict:
    """The task's loss on all samples of one source, averaged over fixed noise/timestep draws."""
    from engine.training.loop import step_generator

    source = task.batches.sources[kind]
    batch = collate([source.load(i) for i in range(len(source))])
    batch["kind"] = kind
    totals = {}
    with torch.no_grad():
        for draw in range(draws):
            loss, terms = task.loss(task.module, batch, step_generator("cpu", 12345, draw, 0))
            for name, value in {"loss": loss.item(), **terms}.items():
                totals[name] = totals.get(name, 0.0) + value / draws
    return totals


# ---- data and configs

def test_toy_dataset_loads_in_both_layouts(world):
    stage1 = SampleFolders(world["stage1"], STAGE1_FILES, RESOLUTION)
    stage2 = SampleFolders(world["stage2"], STAGE2_FILES, RESOLUTION)
    assert len(stage1) == len(stage2) == 4
    sample = stage1.load(0)
    assert sample["background"].shape == sample["composite"].shape == (3, RESOLUTION, RESOLUTION)
    assert sample["foreground"].shape == (4, RESOLUTION, RESOLUTION)
    assert sample["mask"].shape == (1, RESOLUTION, RESOLUTION)
    assert set(sample["mask"].unique().tolist()) == {0.0, 1.0}
    fg = (sample["foreground"] + 1) / 2
    assert fg.min() >= 0 and fg.max() <= 1 and (fg[:3] <= fg[3:] + 1e-6).all()  # premultiplied
    assert sample["caption"].startswith("a ")
    # Stage 2 without surrogate.png: the composite, opaque inside the box only.
    s2 = stage2.load(1)
    surrogate = (s2["surrogate"] + 1) / 2
    assert torch.equal(surrogate[3:], s2["mask"])
    assert torch.allclose(surrogate[:3], (s2["composite"] + 1) / 2 * s2["mask"], atol=1e-6)


def test_bad_dataset_folders_are_explained(tmp_path, world):
    import shutil

    with pytest.raises(InvalidInput, match="does not exist"):
        SampleFolders(tmp_path / "nope", STAGE1_FILES, RESOLUTION)
    shutil.copytree(world["stage2"], tmp_path / "s2")
    with pytest.raises(InvalidInput, match="lacks foreground.png"):
        SampleFolders(tmp_path / "s2", STAGE1_FILES, RESOLUTION)
    from PIL import Image

    sample = tmp_path / "s2" / "0000"
    Image.new("L", (40, 40), 0).save(sample / "mask.png")
    with pytest.raises(InvalidInput, match="empty"):
        SampleFolders(tmp_path / "s2", STAGE2_FILES, RESOLUTION).load(0)
    Image.new("L", (30, 40), 255).save(sample / "mask.png")
    with pytest.raises(InvalidInput, match="same size"):
        SampleFolders(tmp_path / "s2", STAGE2_FILES, RESOLUTION).load(0)


def test_configs_refuse_unknown_and_missing_settings(world, tmp_path):
    from engine.training.train_bfs import BFSTrainConfig

    with pytest.raises(InvalidInput, match="learnig_rate"):
        bfs_config(world, tmp_path, "tiny", 1, learnig_rate=1e-3)
    with pytest.raises(InvalidInput, match="backbone_path"):
        config_from_dict(BFSTrainConfig, {"output_dir": "x", "rgba_vae_path": "a", "compositor_path": "b",
                                          "stage1_data": "c"})
    with pytest.raises(InvalidInput, match="stage2_data"):
        bfs_config(world, tmp_path, "tiny", 2, stage2_data="")


def test_example_configs_for_flux_fill_are_valid():
    from engine.training.config import load_config
    from engine.training.train_bfs import BFSTrainConfig
    from engine.training.train_compositor import CompositorTrainConfig
    from engine.training.train_rgba_vae import RGBAVAETrainConfig

    examples = ROOT / "engine" / "training" / "examples"
    classes = {"1_rgba_vae.json": RGBAVAETrainConfig, "2_compositor.json": CompositorTrainConfig,
               "3_stage1.json": BFSTrainConfig, "4_stage2.json": BFSTrainConfig}
    assert sorted(p.name for p in examples.glob("*.json")) == sorted(classes)
    for name, cls in classes.items():
        assert load_config(cls, examples / name).output_dir.startswith("runs/")


def test_stage_two_alternates_realism_and_regularisation_80_20():
    choose = RealismOrRegularise(seed=0, realism_probability=0.8)
    kinds = [choose(step) for step in range(1000)]
    assert set(kinds) == {"realism", "regularise"}
    assert 0.77 < kinds.count("realism") / 1000 < 0.83
    assert kinds == [RealismOrRegularise(0, 0.8)(s) for s in range(1000)]  # reproducible


def test_checkpoints_round_trip_parameters_and_optimizer_state(tmp_path):
    from engine.training.checkpoint import load_checkpoint, save_checkpoint

    def make():
        torch.manual_seed(0)
        module = torch.nn.Linear(3, 2)
        return module, torch.optim.AdamW(module.parameters(), lr=0.1)

    module, optimizer = make()
    for _ in range(3):
        module(torch.ones(1, 3)).sum().backward()
        optimizer.step()
    save_checkpoint(tmp_path / "step-00000003", 3, list(module.named_parameters()), optimizer)
    assert sorted(p.name for p in (tmp_path / "step-00000003").iterdir()) == [
        "optimizer.safetensors", "state.json", "trainable.safetensors"]
    other, other_optimizer = make()
    assert load_checkpoint(tmp_path / "step-00000003", list(other.named_parameters()), other_optimizer) == 3
    assert torch.equal(other.weight, module.weight)
    for a, b in zip(optimizer.state.values(), other_optimizer.state.values()):
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    with pytest.raises(ValueError, match="other parameters"):
        load_checkpoint(tmp_path / "step-00000003", [("x", other.weight)], other_optimizer)


def test_checkpoints_keep_the_fp16_grad_scaler_state(tmp_path):
    from engine.training.checkpoint import load_checkpoint, save_checkpoint

    module = torch.nn.Linear(3, 2)
    optimizer = torch.optim.AdamW(module.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=1024.0, growth_interval=3)
    for _ in range(4):  # grows the scale once and leaves the growth tracker at 1
        scaler.scale(module(torch.ones(1, 3)).sum()).backward()
        scaler.step(optimizer)
        scaler.update()
        optimizer.zero_grad()
    saved = scaler.state_dict()
    assert saved["scale"] == 2048.0 and saved["_growth_tracker"] == 1
    save_checkpoint(tmp_path / "ckpt", 4, list(module.named_parameters()), optimizer, scaler)
    fresh = torch.amp.GradScaler("cpu", init_scale=1024.0, growth_interval=3)
    load_checkpoint(tmp_path / "ckpt", list(module.named_parameters()), optimizer, fresh)
    assert fresh.state_dict() == saved


def test_trained_tensors_are_saved_whole_when_the_module_holds_only_shards(tmp_path):
    """As under DeepSpeed ZeRO-3 / FSDP (simulated: no GPUs here): the module's own parameters
    are empty shards, accelerator.get_state_dict gathers the whole tensors, and the checkpoint
    and the finished product are written from those."""
    from safetensors.torch import load_file

    from engine.training.loop import _whole, trainable_state

    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2))
    module[0].requires_grad_(False)
    whole = {k: v.clone() for k, v in module.state_dict().items()}

    class GatheringAccelerator:  # what accelerate does under ZeRO-3: gather shards on every process
        is_main_process = True

        def get_state_dict(self, model):
            return whole

    for p in module[1].parameters():
        p.data = torch.empty(0)  # this process's shard of a 2-process run
    names = ["1.weight", "1.bias"]
    trainable = trainable_state(GatheringAccelerator(), module, names)
    assert trainable.keys() == set(names) and torch.equal(trainable["1.weight"], whole["1.weight"])
    from engine.training.checkpoint import save_checkpoint

    optimizer = torch.optim.AdamW(module[1].parameters(), lr=0.1)
    save_checkpoint(tmp_path / "ckpt", 1, list(trainable.items()), optimizer)
    assert torch.equal(load_file(tmp_path / "ckpt" / "trainable.safetensors")["1.weight"], whole["1.weight"])
    finished = _whole(module, trainable)
    assert torch.equal(finished[1].weight, whole["1.weight"]) and torch.equal(finished[1].bias, whole["1.bias"])


# ---- the trainers reduce their losses

def test_stage_one_on_flux_fill_reduces_both_flow_matching_terms_and_the_composition_loss(world, tmp_path):
    from engine.nets.bfs_model import BFSModel
    from engine.training.launch import train
    from engine.training.loop import make_accelerator
    from engine.training.train_bfs import build_task

    config = bfs_config(world, tmp_path / "run", "flux-fill", 1)
    task = build_task(config, make_accelerator(config))
    before = evaluate(task, "layered")
    records = train(config, build_task)
    assert [r["step"] for r in records] == list(range(1, 21)) and {k for r in records for k in r["kinds"]} == {
        "layered"}
    task.module.load_bridges(tmp_path / "run" / "model" / "bridge.safetensors")
    after = evaluate(task, "layered")
    for term in ("fm_composite", "fm_foreground", "composition", "loss"):
        assert after[term] < 0.9 * before[term], (term, before, after)
    # The run left a loadable model folder behind.
    model = BFSModel.load(tmp_path / "run" / "model")
    assert model.backbone.kind == "flux-fill" and model.settings["resolution"] == RESOLUTION


def test_stage_two_reduces_the_realism_and_regularisation_losses(world, tmp_path):
    from engine.training.launch import train
    from engine.training.loop import make_accelerator
    from engine.training.train_bfs import build_task

    config = bfs_config(world, tmp_path / "run", "tiny", 2)
    task = build_task(config, make_accelerator(config))
    before = {kind: evaluate(task, kind) for kind in ("realism", "regularise")}
    records = train(config, build_task)
    kinds = [k for r in records for k in r["kinds"]]
    assert set(kinds) == {"realism", "regularise"}
    task.module.load_bridges(tmp_path / "run" / "model" / "bridge.safetensors")
    for kind, term in (("realism", "fm_composite"), ("regularise", "fm_foreground")):
        after = evaluate(task, kind)
        assert after["loss"] < 0.9 * before[kind]["loss"], (kind, before[kind], after)
        assert after[term] < before[kind][term]


def test_compositor_and_rgba_vae_trainers_reduce_their_losses(world, tmp_path):
    from engine.training import train_compositor, train_rgba_vae
    from engine.training.launch import train
    from engine.training.loop import make_accelerator

    common = dict(resolution=RESOLUTION, batch_size=2, max_steps=15, checkpoint_every=1000,
                  rgb_vae_path=str(world["tiny"] / "vae"), data=str(world["stage1"]))
    jobs = [
        (train_compositor, train_compositor.CompositorTrainConfig,
         dict(rgba_vae_path=str(world["rgba_vae"]), hidden_channels=16, num_layers=3, learning_rate=3e-3),
         "compositor"),
        (train_rgba_vae, train_rgba_vae.RGBAVAETrainConfig, dict(learning_rate=1e-3), "rgba_vae"),
    ]
    for module, config_cls, extra, product in jobs:
        config = config_from_dict(config_cls, {**common, **extra, "output_dir": str(tmp_path / product)})
        task = module.build_task(config, make_accelerator(config))
        before = evaluate(task, "layered", draws=2)
        train(config, module.build_task)
        trained = type(task.module).from_pretrained(tmp_path / product / product, use_safetensors=True)
        task.module.load_state_dict(trained.state_dict())
        after = evaluate(task, "layered", draws=2)
        assert after["loss"] < 0.9 * before["loss"], (product, before, after)


def test_resumed_training_ends_exactly_where_an_uninterrupted_run_ends(world, tmp_path):
    from safetensors.torch import load_file

    from engine.training.launch import train
    from engine.training.train_bfs import build_task

    straight = bfs_config(world, tmp_path / "straight", "tiny", 2, max_steps=4)
    train(straight, build_task)
    first = bfs_config(world, tmp_path / "resumed", "tiny", 2, max_steps=2, checkpoint_every=1)
    train(first, build_task)
    with pytest.raises(InvalidInput, match="already holds checkpoints"):
        train(bfs_config(world, tmp_path / "resumed", "tiny", 2, max_steps=4), build_task)
    # Resume from the older checkpoint (step 1): step 2 is trained again, and logged once.
    earlier = tmp_path / "resumed" / "checkpoints" / "step-00000001"
    train(bfs_config(world, tmp_path / "resumed", "tiny", 2, max_steps=4), build_task, resume=str(earlier))
    a = load_file(tmp_path / "straight" / "model" / "bridge.safetensors")
    b = load_file(tmp_path / "resumed" / "model" / "bridge.safetensors")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    steps = [json.loads(line)["step"] for line in (tmp_path / "resumed" / "log.jsonl").read_text().splitlines()]
    assert steps == [1, 2, 3, 4]


def test_the_command_line_explains_errors_in_one_line(world, tmp_path, capsys):
    from engine.training import train_bfs
    from engine.training.launch import main

    path = tmp_path / "run.json"
    path.write_text(json.dumps({"output_dir": str(tmp_path / "out"), "backbone_path": "x"}))
    assert main("BFS", train_bfs.BFSTrainConfig, train_bfs.build_task, ["--config", str(path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error:") and "missing required setting" in error and error.count("\n") == 1

    (tmp_path / "out" / "checkpoints" / "step-00000001").mkdir(parents=True)
    (tmp_path / "out" / "checkpoints" / "step-00000001" / "state.json").write_text("{}")
    config = bfs_config(world, tmp_path / "out", "tiny", 1)
    path.write_text(json.dumps(config.__dict__))
    assert main("BFS", train_bfs.BFSTrainConfig, train_bfs.build_task, ["--config", str(path)]) == 2
    assert "--resume" in capsys.readouterr().err


@pytest.mark.slow
def test_accelerate_launch_trains_ddp_on_two_processes_and_resumes(world, tmp_path):
    """DDP on the CPU (two processes, gloo), as `accelerate launch` starts it on GPUs; FSDP and
    DeepSpeed need GPUs and are not run here."""
    from safetensors.torch import load_file

    config = bfs_config(world, tmp_path / "run", "tiny", 1, max_steps=2, checkpoint_every=1, batch_size=1)
    path = tmp_path / "run.json"
    path.write_text(json.dumps(config.__dict__))
    launch = [sys.executable, "-m", "accelerate.commands.launch", "--cpu", "--num_processes", "2",
              "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
              "-m", "engine.training.train_bfs", "--config", str(path)]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}  # a busy shared CPU: one thread is faster
    done = subprocess.run(launch, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "loss=" in done.stderr  # the progress bar shows the loss
    assert (tmp_path / "run" / "checkpoints" / "step-00000002" / "optimizer.safetensors").is_file()
    assert json.loads((tmp_path / "run" / "run_config.json").read_text())["max_steps"] == 2

    config.max_steps = 3
    path.write_text(json.dumps(config.__dict__))
    resumed = subprocess.run(launch + ["--resume"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                             env=env)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resuming from" in resumed.stdout + resumed.stderr
    log = [json.loads(line) for line in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == [1, 2, 3]
    assert np.isfinite([r["loss"] for r in log]).all()
    # The model folder's bridges are the last checkpoint's trainable tensors (one writer).
    bridges = load_file(tmp_path / "run" / "model" / "bridge.safetensors")
    trained = load_file(tmp_path / "run" / "checkpoints" / "step-00000003" / "trainable.safetensors")
    assert {f"bridges.{k}" for k in bridges} == set(trained)
    assert all(torch.equal(v, trained[f"bridges.{k}"]) for k, v in bridges.items())


def test_the_release_conventions_train_and_are_written_into_the_model_folder(world, tmp_path):
    """rgba = "straight" and single_stream_text = true train, and the model folder says so."""
    from engine.nets.bfs_model import BFSModel
    from engine.training.launch import train
    from engine.training.train_bfs import build_task

    with pytest.raises(InvalidInput, match="rgba must be"):
        bfs_config(world, tmp_path / "bad", "tiny", 1, rgba="linear")
    config = bfs_config(world, tmp_path / "run", "tiny", 1, max_steps=2, rgba="straight",
                        single_stream_text=True)
    records = train(config, build_task)
    assert len(records) == 2 and all(np.isfinite(r["loss"]) for r in records)
    settings = json.loads((tmp_path / "run" / "model" / "bfs.json").read_text())
    assert settings["rgba"] == "straight" and settings["single_stream_text"] is True
    model = BFSModel.load(tmp_path / "run" / "model")
    assert model.rgba_convention == "straight" and model.transformer.single_stream_text


def test_the_encode_cache_gives_the_losses_the_encoders_give(world, tmp_path):
    """With "cache": true every (sample, framing) is encoded once before training; a cached batch
    gives exactly the loss terms of the same batch encoded on the fly, and a second fill encodes
    nothing."""
    from engine.training.data import StepBatches
    from engine.training.encode_cache import EncodedSamples
    from engine.training.launch import train
    from engine.training.loop import make_accelerator, step_generator
    from engine.training.train_bfs import build_task

    config = bfs_config(world, tmp_path / "run", "tiny", 1, max_steps=2, cache=True, cache_contexts=2)
    task = build_task(config, make_accelerator(config))
    cached = task.batches.sources["layered"]
    assert isinstance(cached, EncodedSamples) and task.batches.context_grid == [1.5, 3.0]
    files = sorted(p.name for p in cached.folder.iterdir())
    assert len(files) == len(cached) * 3  # two framings + one text file per sample
    assert cached.fill(task.loss.encode, "cpu") == 0

    raw = SampleFolders(world["stage1"], STAGE1_FILES, RESOLUTION)
    for index, context in ((0, 1.5), (3, 3.0)):
        plain = {**collate([raw.load(index, context)]), "kind": "layered"}
        from_cache = {**collate([cached.load(index, context)]), "kind": "layered"}
        with torch.no_grad():
            a = task.loss.terms(task.module, plain, step_generator("cpu", 0, 7, 0))
            b = task.loss.terms(task.module, from_cache, step_generator("cpu", 0, 7, 0))
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a), (a, b)
    # Batches draw their framings from the grid, and training runs on cached tensors.
    batch = StepBatches({"layered": cached}, lambda step: "layered", 2, 0, context_grid=[1.5, 3.0])[5]
    assert "z_c" in batch and "composite" not in batch
    records = train(config, build_task)
    assert len(records) == 2 and all(np.isfinite(r["loss"]) for r in records)
