"""Build the built-in model from nothing: world data, VAE, backbone, RGBA VAE, compositor, BFS stages 1-2.

    python -m engine.training.build_builtin OUT [--steps-scale 1.0] [--install resources/builtin]
    python -m engine.training.build_builtin OUT --ablation no_composition   # after the main build
    python -m engine.training.build_builtin OUT --ablation no_sharing

Every part is trained here, on this computer's CPU, by the project's own
trainers (the same code `accelerate launch -m engine.training.<trainer>`
runs), in order:

    world        engine.training.world           layered scenes: stage 1, stage 2, held-out
    vae          engine.training.train_vae       the backbone's RGB VAE (from scratch)
    backbone     engine.training.train_backbone  TinyFillTransformer, Flux-Fill-style inpainting
    rgba_vae     engine.training.train_rgba_vae  the foreground branch's RGBA VAE
    compositor   engine.training.train_compositor the latent compositor of the composition loss
    bfs_stage1   engine.training.train_bfs       bridges on layered data (flow matching + composition)
    bfs_stage2   engine.training.train_bfs       realism on unlayered composites, 80/20 regularisation
    package      the model folder: backbone + bridges + RGBA VAE + vocabulary, safetensors only

Each phase shows its progress bar and writes its result under OUT; a phase
whose result is there is skipped, and a phase that was interrupted resumes
from its last checkpoint, so running the command again continues the build.
`--install FOLDER` copies the finished model there (the shipped one lives in
resources/builtin/). The settings of every phase are in `PHASES` below and
are written to OUT/<phase>/run_config.json.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from engine.errors import EngineError
from engine.nets.bfs_folder import MODEL_FILE

from .config import config_from_dict
from .launch import train
from .world import vocabulary, write_world

RESOLUTION = 48        # the model's working side (a multiple of 8: VAE 4x, then 2x2 packing)
WORLD = dict(count=1500, heldout=250, size=128, seed=0)

# Steps are for the 2-core CPU this was built on; --steps-scale multiplies them.
PHASES = {
    "vae": dict(max_steps=500, batch_size=8, learning_rate=2e-3, lr_warmup_steps=20,
                block_out_channels=[16, 16, 32], norm_num_groups=4, latent_channels=8),  # 4+ channels a group
    "backbone": dict(max_steps=500, batch_size=12, learning_rate=1e-3, lr_warmup_steps=50,
                     num_layers=2, num_single_layers=4, attention_head_dim=32, num_attention_heads=4,
                     vocab_size=1024, text_dim=64, max_prompt_words=8, axes_dims_rope=[8, 12, 12]),
    "rgba_vae": dict(max_steps=250, batch_size=8, learning_rate=1e-3, lr_warmup_steps=10, latent_weight=0.1),
    "compositor": dict(max_steps=250, batch_size=12, learning_rate=2e-3, hidden_channels=48, num_layers=3),
    "bfs_stage1": dict(max_steps=240, batch_size=8, learning_rate=2e-3, lr_warmup_steps=20, rank=8,
                       composition_weight=1.0),
    "bfs_stage2": dict(max_steps=120, batch_size=8, learning_rate=1e-3, rank=8, composition_weight=1.0,
                       realism_probability=0.8),
}
INFERENCE = dict(steps=16, guidance_scale=3.0)
PHASE_ORDER = ("world", "vae", "backbone", "rgba_vae", "compositor", "bfs_stage1", "bfs_stage2", "package")


def phase_configs(out: Path, steps_scale: float = 1.0, overrides: dict | None = None) -> dict[str, dict]:
    """The settings of every training phase, as the trainers' config dicts."""
    world = out / "world"
    common = dict(resolution=RESOLUTION, checkpoint_every=50, keep_checkpoints=1, seed=0)

    def settings(name: str, **extra) -> dict:
        values = {**common, **PHASES[name], **extra, **(overrides or {}).get(name, {})}
        values["max_steps"] = max(1, int(round(values["max_steps"] * steps_scale)))
        values["output_dir"] = str(out / name)
        return values

    backbone = out / "backbone" / "backbone"
    bfs = dict(backbone_kind="tiny", backbone_path=str(backbone), rgba_vae_path=str(out / "rgba_vae" / "rgba_vae"),
               compositor_path=str(out / "compositor" / "compositor"), stage1_data=str(world / "stage1"),
               stage2_data=str(world / "stage2"), guidance_scale=0.0, max_sequence_length=8,
               inference_steps=INFERENCE["steps"], inference_guidance=INFERENCE["guidance_scale"])
    return {
        "vae": settings("vae", data=str(world / "stage1")),
        "backbone": settings("backbone", vae_path=str(out / "vae" / "vae"), data=str(world / "stage2")),
        # The backbone keeps a copy of this same VAE; reading it from the vae phase lets
        # rgba_vae and compositor run while the backbone trains.
        "rgba_vae": settings("rgba_vae", rgb_vae_path=str(out / "vae" / "vae"), data=str(world / "stage1")),
        "compositor": settings("compositor", rgb_vae_path=str(out / "vae" / "vae"),
                               rgba_vae_path=str(out / "rgba_vae" / "rgba_vae"), data=str(world / "stage1")),
        "bfs_stage1": settings("bfs_stage1", stage=1, **bfs),
        "bfs_stage2": settings("bfs_stage2", stage=2, init_bridge=str(out / "bfs_stage1" / "model" / "bridge.safetensors"),
                               **bfs),
    }


def trainer(phase: str):
    """(config class, build_task) of the trainer a phase runs."""
    from . import train_backbone, train_bfs, train_compositor, train_rgba_vae, train_vae

    return {"vae": (train_vae.VAETrainConfig, train_vae.build_task),
            "backbone": (train_backbone.BackboneTrainConfig, train_backbone.build_task),
            "rgba_vae": (train_rgba_vae.RGBAVAETrainConfig, train_rgba_vae.build_task),
            "compositor": (train_compositor.CompositorTrainConfig, train_compositor.build_task),
            "bfs_stage1": (train_bfs.BFSTrainConfig, train_bfs.build_task),
            "bfs_stage2": (train_bfs.BFSTrainConfig, train_bfs.build_task)}[phase]


# The file or folder each phase leaves when it is complete.
RESULTS = {"world": "world/heldout", "vae": "vae/vae", "backbone": "backbone/backbone",
           "rgba_vae": "rgba_vae/rgba_vae", "compositor": "compositor/compositor",
           "bfs_stage1": "bfs_stage1/model", "bfs_stage2": "bfs_stage2/model", "package": "model"}


def run_phase(phase: str, out: Path, configs: dict, world: dict) -> None:
    from .checkpoint import list_checkpoints

    if phase == "world":
        from tqdm.auto import tqdm

        bar = tqdm(total=2 * world["count"] + world["heldout"], desc="world")

        def progress(split, done, total):
            bar.update(1)

        write_world(out / "world", world["count"], world["heldout"], world["size"], world["seed"], progress)
        bar.close()
        return
    if phase == "package":
        package(out / "bfs_stage2" / "model", out / "model", out)
        return
    cls, build_task = trainer(phase)
    config = config_from_dict(cls, configs[phase], source=phase)
    resume = "latest" if list_checkpoints(config.output_dir) else None
    train(config, build_task, resume=resume)


def package(trained: Path, dest: Path, out: Path) -> None:
    """A self-contained model folder: bfs.json (backbone inside), bridges, RGBA VAE, backbone, vocabulary."""
    tmp = dest.with_name(dest.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(trained, tmp)
    shutil.copytree(out / "backbone" / "backbone", tmp / "backbone")
    settings = json.loads((tmp / MODEL_FILE).read_text())
    settings["backbone"]["path"] = "backbone"
    settings["vocabulary"] = vocabulary()
    (tmp / MODEL_FILE).write_text(json.dumps(settings, indent=2) + "\n")
    if dest.exists():
        shutil.rmtree(dest)
    tmp.rename(dest)


def build(out: Path, steps_scale: float = 1.0, world: dict | None = None, phases=PHASE_ORDER,
          overrides: dict | None = None) -> Path:
    world = {**WORLD, **(world or {})}
    configs = phase_configs(out, steps_scale, overrides)
    for number, phase in enumerate(phases, 1):
        if (out / RESULTS[phase]).exists():
            print(f"[{number}/{len(phases)}] {phase}: done already", flush=True)
            continue
        print(f"[{number}/{len(phases)}] {phase}", flush=True)
        start = time.time()
        run_phase(phase, out, configs, world)
        timings = _read_timings(out)  # phases may run in parallel processes: merge, do not overwrite
        timings[phase] = timings.get(phase, 0.0) + time.time() - start
        _write_timings(out, timings)
    return out / "model"


# The paper's ablations (sec. 5.3) that need training runs of their own: the BFS stages again
# with one thing changed, everything before them shared with the main build.
ABLATIONS = {
    "no_composition": {"bfs_stage1": {"composition_weight": 0.0}, "bfs_stage2": {"composition_weight": 0.0}},
    # The two branches alone: the same bridge parameters, each attending to its own branch.
    "no_sharing": {"bfs_stage1": {"information_sharing": False}, "bfs_stage2": {"information_sharing": False}},
}


def build_ablation(out: Path, name: str, steps_scale: float = 1.0, overrides: dict | None = None) -> Path:
    """Trains BFS stages 1-2 of ablation `name` in OUT/ablation_<name>/, sharing the main build's
    world, backbone, RGBA VAE and compositor (linked); returns its stage-2 model folder."""
    folder = out / f"ablation_{name}"
    folder.mkdir(parents=True, exist_ok=True)
    for shared in ("world", "backbone", "rgba_vae", "compositor"):
        if not (out / RESULTS[shared]).exists():
            raise FileNotFoundError(f"the ablation needs the main build's {shared} phase first ({out / RESULTS[shared]})")
        link = folder / shared
        if not link.exists():
            link.symlink_to((out / shared).resolve(), target_is_directory=True)
    changed = {phase: {**(overrides or {}).get(phase, {}), **change} for phase, change in ABLATIONS[name].items()}
    build(folder, steps_scale, phases=("bfs_stage1", "bfs_stage2"), overrides=changed)
    return folder / RESULTS["bfs_stage2"]


def _read_timings(out: Path) -> dict:
    path = out / "timings.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def _write_timings(out: Path, timings: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "timings.json").write_text(json.dumps(timings, indent=1) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="build folder (resumable)")
    parser.add_argument("--steps-scale", type=float, default=1.0, help="multiply every phase's steps")
    parser.add_argument("--count", type=int, default=WORLD["count"], help="world samples per stage")
    parser.add_argument("--heldout", type=int, default=WORLD["heldout"])
    parser.add_argument("--until", choices=PHASE_ORDER, default="package", help="stop after this phase")
    parser.add_argument("--install", default="", help="copy the finished model folder here")
    parser.add_argument("--ablation", choices=sorted(ABLATIONS), default=None,
                        help="instead: train this ablation's BFS stages on a finished build's parts")
    args = parser.parse_args(argv)
    if args.steps_scale <= 0 or args.count < 1:
        print("error: --steps-scale must be positive and --count at least 1", file=sys.stderr)
        return 2

    phases = PHASE_ORDER[:PHASE_ORDER.index(args.until) + 1]
    try:
        if args.ablation:
            print(f"done: {build_ablation(Path(args.out), args.ablation, args.steps_scale)}")
            return 0
        model = build(Path(args.out), args.steps_scale, dict(count=args.count, heldout=args.heldout), phases)
    except (EngineError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.install and model.exists():
        dest = Path(args.install)
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(model, dest)
        print(f"installed {dest}")
    print(f"done: {model if model.exists() else Path(args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
