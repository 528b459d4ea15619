"""The `models` verb: list the catalogue, download a model, convert pickle weights.

    layered models list [--json]             every catalogue model: size, GPU memory,
                                             licence, and whether it is on this computer
    layered models download ID               fetch a catalogue model into the HF cache
    layered models convert PATH [-o OUT]     pickle weights (.ckpt/.pt/.bin...) -> .safetensors,
                                             a file or every pickle in a model folder
    layered models import-bfs CHECKPOINT [--rgba-vae FILE] [--backbone FLUX_FILL] -o FOLDER
                                             the authors' BFS release (.pt, read with
                                             weights_only=True) -> a BFS model folder

Nothing is downloaded except by `models download`.
"""
from __future__ import annotations

import json
import sys

from editor.cli.generate import quiet_libraries
from engine.errors import ModelError


def register(sub) -> None:
    p = sub.add_parser("models", help="list, download or convert models",
                       description="Lists the model catalogue, downloads a model into the "
                                   "Hugging Face cache, or converts pickle weights to "
                                   "safetensors (the only format Layered loads).")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="the catalogue and what is on this computer")
    listing.add_argument("--json", action="store_true")
    download = actions.add_parser("download", help="download a catalogue model")
    download.add_argument("model", metavar="ID")
    convert = actions.add_parser("convert", help="convert pickle weights you trust to safetensors")
    convert.add_argument("path", metavar="PATH", help="a .ckpt/.pt/.pth/.bin/.pkl file or a folder")
    convert.add_argument("-o", "--output", default=None, metavar="OUT.safetensors")
    convert.add_argument("--overwrite", action="store_true")
    bfs = actions.add_parser("import-bfs", help="turn the BFS release checkpoint into a BFS model folder")
    bfs.add_argument("checkpoint", metavar="CHECKPOINT", help="the release's .pt (tensors only)")
    bfs.add_argument("--rgba-vae", default=None, metavar="FILE",
                     help="the release's transparency VAE weights (.pt or .safetensors)")
    bfs.add_argument("--backbone", default="black-forest-labs/FLUX.1-Fill-dev", metavar="FLUX_FILL",
                     help="FLUX.1-Fill diffusers folder or downloaded repo id (default: %(default)s)")
    bfs.add_argument("-o", "--output", required=True, metavar="FOLDER")
    p.set_defaults(run=run_models, action="list", json=False)


def run_models(args) -> int:
    quiet_libraries()
    if args.action == "download":
        return _download(args.model)
    if args.action == "import-bfs":
        return _import_bfs(args)
    if args.action == "convert":
        from engine.models.convert import convert_to_safetensors

        for path in convert_to_safetensors(args.path, args.output, overwrite=args.overwrite):
            print(path)
        return 0
    return _list(args.json)


def _list(as_json: bool) -> int:
    from engine.models.catalogue import load_catalogue
    from engine.models.locate import find_model

    rows = []
    for info in load_catalogue():
        try:
            where = str(find_model(info.id).path)
        except ModelError:
            where = None
        rows.append({"id": info.id, "name": info.name, "family": info.family,
                     "methods": list(info.methods), "download_gb": info.download_gb,
                     "min_vram_gb": info.min_vram_gb, "licence": info.licence,
                     "gated": info.gated, "built_in": info.built_in, "path": where})
    if as_json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        state = f"on this computer: {row['path']}" if row["path"] else "not downloaded"
        size = f"{row['download_gb']:g} GB, GPU {row['min_vram_gb']:g} GB+ without offload"
        if row["built_in"]:
            state = f"installed, built in: {row['path']}" if row["path"] else "missing (built in)"
            size = f"built in, {row['download_gb'] * 1024:.0f} MB, runs on the CPU"
        print(f"{row['id']}\n    {row['name']} ({row['family']}), {size}\n    licence: {row['licence']}\n"
              f"    {state}")
    return 0


def _download(model_id: str) -> int:
    from engine.models.download import download_model

    def report(done, total, preview=None):
        if sys.stderr.isatty():
            print(f"\rdownloading: {done / 2**30:.2f} of {total / 2**30:.2f} GB", end="",
                  file=sys.stderr, flush=True)

    folder = download_model(model_id, report)
    print(folder)
    return 0


def _import_bfs(args) -> int:
    from engine.models.locate import find_model
    from engine.nets.bfs_release import import_release

    backbone = find_model(args.backbone)
    if backbone.family != "flux-fill" or backbone.kind == "single_file":
        raise ModelError(f"{args.backbone} is not a FLUX.1-Fill diffusers folder.",
                         "BFS runs on FLUX.1-Fill-dev: give its folder with --backbone.")
    print(import_release(args.checkpoint, args.output, backbone.path, args.rgba_vae))
    return 0
