"""The `decompose` verb: split a picture into an object layer and a background layer, saved as PSD.

    python main.py decompose IN --box X,Y,W,H [--box ...] [--mask MASK.png] -o OUT.psd [--json]
        [--objects N] [--mask-model auto|grabcut|ID] [--matting-model auto|closed_form|ID]
        [--background-model auto|patchmatch|pyramid|telea|ID]

IN is any picture or PSD the editor opens. The object is marked by a box
and/or a mask image of the canvas's size (white or opaque where the object
is). Each `--box` marks one object; several give one layer per object,
front to back, over one background. A single box around the whole picture
marks no object in particular: the main object found in it is split, and
the line printed says so (as the editor's status line does). With `--objects N` and no mark, up to
N objects are found in the picture. A document with several layers needs `--layer NAME`, which also serves
to peel a further object off a background made by an earlier run. The
command line uses the classical CPU steps unless told otherwise, so that a
script gives the same layers on every computer; `auto` takes the installed
models (see engine.methods.decompose_steps.choose).
"""
from __future__ import annotations

import json

import numpy as np

from editor.cli import add_alpha_as_mask_option
from editor.cli.generate import quiet_libraries
from editor.model import decompose_apply
from editor.model.decompose_apply import StepChoices, found_objects, split_status
from editor.model.errors import DocumentError
from editor.model.files import open_document, read_image, save_document
from engine.box import Box


def register(sub) -> None:
    p = sub.add_parser(
        "decompose", help="split a picture into object (with its shadow) and background layers",
        description="Split a picture into a foreground layer (the marked object with soft edges "
                    "and its shadow) over a background layer with the object removed, and save "
                    "the layers as a PSD.")
    p.add_argument("input", metavar="IN", help="picture or PSD to split")
    p.add_argument("--box", action="append", metavar="X,Y,W,H",
                   help="around an object, in canvas pixels; repeat for several objects")
    p.add_argument("--objects", type=int, default=None, metavar="N",
                   help="with no --box or --mask: split up to N objects found in the picture")
    p.add_argument("--mask", metavar="MASK", help="image of the canvas's size painted over the "
                   "object (white or opaque = object)")
    p.add_argument("--layer", metavar="NAME", help="the layer to split (needed when IN has several)")
    add_step_options(p, learned_by_default=False)
    add_alpha_as_mask_option(p)
    p.add_argument("--seed", type=int, default=0, help="seed of an inpainting model's fill")
    p.add_argument("--device", default="auto", help="for models: auto, cuda, cuda:N, mps or cpu")
    p.add_argument("-o", "--output", required=True, metavar="OUT.psd", help="PSD to write")
    p.add_argument("--json", action="store_true",
                   help="print the figures (recomposition error, timings) as JSON")
    p.set_defaults(run=run)


def add_step_options(p, learned_by_default: bool) -> None:
    """--no-shadow and the component of each decomposition step. `decompose` defaults to
    the classical CPU steps (quick, repeatable); `layered`, which needs a model anyway,
    to the installed models ("auto")."""
    p.add_argument("--no-shadow", action="store_true",
                   help="leave the object's shadow in the background")
    steps = (("mask", "grabcut", "object mask", "SAM", "grabcut"),
             ("matting", "closed_form", "alpha matte", "ViTMatte", "closed_form"),
             ("background", "patchmatch", "background fill", "inpainting model on a GPU",
              "patchmatch, pyramid, telea"))
    for step, classical, what, model, choices in steps:
        default = "auto" if learned_by_default else classical
        p.add_argument(f"--{step}-model", default=default, metavar="NAME",
                       help=f"{what}: {choices}, auto (an installed {model}, else {classical}) "
                            f"or a model (default: {default})")


def run(args) -> int:
    if args.box is None and args.mask is None and not args.objects:
        raise DocumentError("Mark the object with --box X,Y,W,H or --mask MASK.png "
                            "(or ask for --objects N to be found).")
    if args.objects is not None and not 1 <= args.objects <= 20:
        raise DocumentError(f"--objects must be between 1 and 20, not {args.objects}.")
    doc = open_document(args.input)
    layer = _pick_layer(doc, args.layer, args.input)
    boxes = [Box.parse(b) for b in args.box or []]
    mask = _read_mask(args.mask, doc) if args.mask else None
    if not boxes and mask is None:
        boxes = found_objects(layer, args.objects)
    box, more = (boxes[0], boxes[1:]) if boxes else (None, [])
    choices = StepChoices(not args.no_shadow, args.mask_model, args.matting_model,
                          args.background_model, args.device, args.seed,
                          alpha_as_mask=args.alpha_as_mask)
    if not choices.is_classical():
        quiet_libraries()  # a model may load
    source = layer.name
    # The operation's three parts (as `decompose_layer` runs them), to tell how the object
    # was chosen when no object in particular was marked (a box around everything).
    prepared = decompose_apply.prepare(doc, layer, box, mask, choices, boxes=more)
    result = decompose_apply.run(prepared)
    background, objects = decompose_apply.apply_layers(doc, prepared, result)
    foreground = objects[0]
    save_document(doc, args.output)
    figures = result.figures
    if args.json:
        print(json.dumps({
            "input": args.input, "output": args.output, "layer": background.name,
            "foreground": _describe(foreground), "background": _describe(background),
            "objects": [_describe(o) for o in objects], "object_found": prepared.found,
            **{k: v for k, v in figures.items() if k != "timings"},
            "timings": figures["timings"],
        }, indent=2))
    else:
        print(f"{args.output}: {prepared.note}"
              f"{split_status(source, [o.name for o in objects], result)} "
              f"({figures['timings']['total']:.1f} s; --json gives the figures)")
    return 0


def _pick_layer(doc, name, path):
    layers = [layer for layer in doc.layers() if not layer.is_empty()]
    if name is not None:
        chosen = [layer for layer in layers if layer.name == name]
        if not chosen:
            names = ", ".join(f"'{layer.name}'" for layer in layers)
            raise DocumentError(f"{path}: no pixel layer named '{name}' (layers: {names}).")
        return chosen[-1]
    if len(layers) == 1:
        return layers[0]
    if not layers:
        raise DocumentError(f"{path}: the document has no pixels to split.")
    names = ", ".join(f"'{layer.name}'" for layer in layers)
    raise DocumentError(f"{path} has {len(layers)} layers ({names}); choose one with --layer NAME.")


def _read_mask(path, doc):
    pixels = np.asarray(read_image(path))
    if pixels.ndim == 3 and pixels.shape[2] == 4 and (pixels[..., 3] < 255).any():
        mask = pixels[..., 3]
    elif pixels.ndim == 3:
        mask = pixels[..., :3].max(axis=2)
    else:
        mask = pixels
    if mask.shape != (doc.height, doc.width):
        raise DocumentError(f"{path}: the mask is {mask.shape[1]}x{mask.shape[0]} but the canvas is "
                            f"{doc.width}x{doc.height}.")
    return mask > 127


def _describe(layer) -> dict:
    return {"name": layer.name, "x": layer.x, "y": layer.y, "width": layer.width,
            "height": layer.height}
