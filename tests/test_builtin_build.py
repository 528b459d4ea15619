"""The built-in model's build: every phase runs on a handful of samples, learns, resumes, and packages."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from engine.training import build_builtin

torch.set_num_threads(1)
ROOT = Path(__file__).resolve().parents[1]
SMALL = {"batch_size": 2}


def _losses(run: Path, key: str = "loss") -> list[float]:
    return [json.loads(line)[key] for line in (run / "log.jsonl").read_text().splitlines()]


def smoke_overrides() -> dict:
    overrides = {name: {**SMALL, "checkpoint_every": 4, "keep_checkpoints": 2} for name in build_builtin.PHASES}
    overrides["vae"].update(max_steps=40, learning_rate=3e-3)
    overrides["backbone"].update(max_steps=30, num_layers=1, num_single_layers=1)
    for name in ("rgba_vae", "compositor", "bfs_stage1", "bfs_stage2"):
        overrides[name]["max_steps"] = 6
    return overrides


@pytest.fixture(scope="module")
def smoke_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("builtin-build")
    overrides = smoke_overrides()
    build_builtin.build(out, world=dict(count=6, heldout=2, size=64), overrides=overrides)
    return out


def test_smoke_build_trains_every_phase_and_the_losses_fall(smoke_build):
    out = smoke_build
    for phase in build_builtin.PHASE_ORDER:
        assert (out / build_builtin.RESULTS[phase]).exists(), phase
    vae = _losses(out / "vae", "l1")
    assert np.mean(vae[-5:]) < 0.8 * np.mean(vae[:5])
    backbone = _losses(out / "backbone")
    assert np.mean(backbone[-8:]) < np.mean(backbone[:8])
    timings = json.loads((out / "timings.json").read_text())
    assert set(timings) == set(build_builtin.PHASE_ORDER)


def test_packaged_model_is_self_contained_and_knows_its_vocabulary(smoke_build, tmp_path):
    import shutil

    from engine.nets.bfs_model import BFSModel
    from engine.training.world import vocabulary

    moved = Path(shutil.copytree(smoke_build / "model", tmp_path / "elsewhere"))
    settings = json.loads((moved / "bfs.json").read_text())
    assert settings["backbone"]["path"] == "backbone" and settings["vocabulary"] == vocabulary()
    model = BFSModel.load(moved)
    assert model.resolution == build_builtin.RESOLUTION
    files = [p for p in moved.rglob("*") if p.is_file()]
    assert all(p.suffix in (".json", ".safetensors") for p in files)


def test_build_resumes_a_phase_from_its_checkpoint_and_skips_finished_ones(smoke_build, tmp_path, capsys):
    import shutil

    from engine.training.checkpoint import list_checkpoints

    out = tmp_path / "b"
    shutil.copytree(smoke_build, out)
    # As if the backbone phase had been interrupted after step 28: its last checkpoint,
    # result and later phases gone.
    shutil.rmtree(list_checkpoints(out / "backbone")[-1])
    shutil.rmtree(out / "backbone" / "backbone")
    for later in ("rgba_vae", "compositor", "bfs_stage1", "bfs_stage2", "model"):
        shutil.rmtree(out / later)
    before = _losses(out / "backbone")[:28]
    capsys.readouterr()
    build_builtin.build(out, world=dict(count=6, heldout=2, size=64), overrides=smoke_overrides(),
                        phases=build_builtin.PHASE_ORDER[:3])
    printed = capsys.readouterr()
    assert "world: done already" in printed.out and "vae: done already" in printed.out
    assert "resuming from" in printed.out + printed.err and "step-00000028" in printed.out + printed.err
    after = _losses(out / "backbone")
    assert len(after) == 30 and after[:28] == before
    assert (out / "backbone" / "backbone" / "transformer").is_dir()


def test_command_refuses_bad_options_in_one_line(tmp_path):
    run = subprocess.run([sys.executable, "-m", "engine.training.build_builtin", str(tmp_path / "x"),
                          "--steps-scale", "0"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and run.stderr.strip().count("\n") == 0 and "error:" in run.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("name, setting, value", [("no_composition", "composition_weight", 0.0),
                                                   ("no_sharing", "information_sharing", False)])
def test_an_ablation_trains_its_bfs_stages_on_the_shared_parts(smoke_build, tmp_path, name, setting, value):
    import shutil

    from engine.nets.bfs_folder import BRIDGE_FILE
    from engine.nets.dual_branch import read_bridge_file

    out = tmp_path / "c"
    shutil.copytree(smoke_build, out, symlinks=True)
    model = build_builtin.build_ablation(out, name, overrides=smoke_overrides())
    assert (model / "bfs.json").is_file()
    folder = out / f"ablation_{name}"
    assert (folder / "backbone").is_symlink() and (folder / "world").resolve() == (out / "world").resolve()
    for stage in ("bfs_stage1", "bfs_stage2"):
        config = json.loads((folder / stage / "run_config.json").read_text())
        assert config[setting] == value and config["max_steps"] == 6
    # The trained bridges say whether the branches share (so the model runs as it was trained).
    assert read_bridge_file(model / BRIDGE_FILE)[1].share == (name != "no_sharing")
