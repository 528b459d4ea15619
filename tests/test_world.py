"""The synthetic layered world: deterministic, exact layers, the data layout the trainers read."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from engine.training.data import STAGE1_FILES, STAGE2_FILES, SampleFolders
from engine.training.world import (COLOURS, SHAPE_WORDS, SHAPES, make_scene, recomposite, vocabulary,
                                   write_world)

ROOT = Path(__file__).resolve().parents[1]


def test_scenes_are_deterministic_and_differ_between_indices_and_splits():
    a, b = make_scene(3, "stage1", 5, 64), make_scene(3, "stage1", 5, 64)
    for name in ("background", "foreground", "composite", "mask", "object_alpha"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.meta == b.meta
    assert not np.array_equal(a.composite, make_scene(3, "stage1", 6, 64).composite)
    assert not np.array_equal(a.composite, make_scene(4, "stage1", 5, 64).composite)


def test_world_covers_its_shapes_colours_and_both_shadow_styles():
    scenes = [make_scene(0, "heldout", i, 64) for i in range(60)]
    assert {s.meta.shape for s in scenes} == set(SHAPES) and len(SHAPES) >= 6
    assert len({s.meta.colour for s in scenes}) >= 8 and len(COLOURS) >= 8
    assert {s.meta.background.split(":")[0] for s in scenes} >= {"photo", "room", "outdoor", "studio"}
    for scene in scenes:
        words = scene.meta.caption.split()
        assert words[0] == "a" and words[-1] in SHAPE_WORDS[scene.meta.shape] and scene.meta.colour in words
        assert set(words) <= set(vocabulary())
        # The layer holds more than the object: its shadow (translucent, dark).
        alpha = scene.foreground[..., 3].astype(int)
        effects = (alpha > 10) & (scene.object_alpha < 5)
        assert effects.sum() > 10
        assert scene.foreground[effects][:, :3].mean() < 200


def test_stage2_shadow_falls_away_from_the_light_and_stage1_shadow_does_not_care():
    sides = {"stage1": [], "heldout": []}
    for split in sides:
        for i in range(40):
            scene = make_scene(1, split, i, 64)
            shadow = (scene.foreground[..., 3] > 20) & (scene.object_alpha < 5)
            obj = scene.object_alpha > 128
            if shadow.sum() < 5:
                continue
            dx = np.nonzero(shadow)[1].mean() - np.nonzero(obj)[1].mean()
            sides[split].append(np.sign(dx) == -np.sign(scene.meta.light[0]))
    assert np.mean(sides["heldout"]) > 0.9
    assert np.mean(sides["stage1"]) < 0.75  # fixed offset: right on whichever side the light is


def test_written_samples_load_and_recomposite_exactly(tmp_path):
    folders = write_world(tmp_path, count=3, heldout=2, size=64, seed=7)
    stage1 = SampleFolders(folders["stage1"], STAGE1_FILES, 32)
    SampleFolders(folders["stage2"], STAGE2_FILES, 32)
    SampleFolders(folders["heldout"], STAGE1_FILES, 32)
    assert len(stage1) == 3
    for split in ("stage1", "heldout"):
        for sample in sorted(folders[split].iterdir()):
            fg = np.asarray(Image.open(sample / "foreground.png"))
            bg = np.asarray(Image.open(sample / "background.png"))
            composite = np.asarray(Image.open(sample / "composite.png"))
            assert fg.shape == (64, 64, 4) and bg.shape == composite.shape == (64, 64, 3)
            assert np.array_equal(recomposite(fg, bg), composite)
    meta = json.loads((folders["heldout"] / "00000" / "meta.json").read_text())
    scene = make_scene(7, "heldout", 0, 64)
    assert meta["caption"] == scene.meta.caption
    assert np.array_equal(np.asarray(Image.open(folders["heldout"] / "00000" / "composite.png")), scene.composite)
    # Writing again keeps what is there (resumable) and adds nothing half-written.
    write_world(tmp_path, count=3, heldout=2, size=64, seed=7)
    assert not list(tmp_path.rglob("*.tmp"))


def test_command_writes_samples_and_a_contact_sheet(tmp_path):
    run = subprocess.run([sys.executable, "-m", "engine.training.world", str(tmp_path / "w"), "--count", "2",
                          "--heldout", "1", "--size", "48"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    sheet = Image.open(tmp_path / "w" / "contact_sheet.png")
    assert sheet.width >= 2 * 4 * 48 and sheet.height >= 8 * 48
    assert len(list((tmp_path / "w" / "stage2").iterdir())) == 2
    bad = subprocess.run([sys.executable, "-m", "engine.training.world", str(tmp_path / "x"), "--count", "0"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and not (tmp_path / "x").exists()
