"""The `extract` verb: the object an edit added, lifted off the edited picture, saved as a PSD.

    python main.py extract ORIGINAL EDITED [--box X,Y,W,H] [--mask MASK.png] -o OUT.psd [--json]

ORIGINAL and EDITED are the same picture before and after an edit made
anywhere (an inpainting model, another editor's generative fill). OUT.psd
holds ORIGINAL as its background and, above it, the object with its shadow
(the re-rendered background around it left out), with its recipe. The box
or mask (white or opaque over the object, the pictures' size) says where the
object is; without them the changed area is used. Runs on the CPU
(engine.methods.extract); the document work is editor.model.extract_apply,
the same as Layer > New Layer from Difference.
"""
from __future__ import annotations

import json

from editor.cli import add_alpha_as_mask_option
from editor.model.errors import DocumentError
from editor.model.extract_apply import document_from_difference
from editor.model.files import read_image, save_document
from engine.box import Box


def register(sub) -> None:
    p = sub.add_parser(
        "extract", help="lift the object an edit added off the edited picture, as a layer",
        description="Compare ORIGINAL with EDITED (the same picture after an edit) and save a "
                    "PSD with ORIGINAL as the background and the added object, with its shadow, "
                    "as a layer above it; the background the edit merely re-rendered is left out.")
    p.add_argument("original", metavar="ORIGINAL", help="the picture before the edit")
    p.add_argument("edited", metavar="EDITED", help="the same picture after the edit")
    p.add_argument("--box", help="X,Y,W,H around the new object (default: the changed area)")
    p.add_argument("--mask", metavar="MASK", help="image of the pictures' size painted over the "
                   "object (white or opaque = object)")
    p.add_argument("--no-shadow", action="store_true", help="leave the object's shadow out")
    add_alpha_as_mask_option(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT.psd", help="PSD to write")
    p.add_argument("--json", action="store_true", help="print the layer and figures as JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    import os

    if os.path.splitext(args.output)[1].lower() not in (".psd", ".psb"):
        raise DocumentError(f"{args.output}: the layers are saved as .psd or .psb.")
    original, edited = read_image(args.original), read_image(args.edited)
    if original.shape[:2] != edited.shape[:2]:
        raise DocumentError(f"{args.original} is {original.shape[1]}x{original.shape[0]} but "
                            f"{args.edited} is {edited.shape[1]}x{edited.shape[0]}; both must "
                            "have the same size.")
    box = Box.parse(args.box) if args.box else None
    mask = _read_mask(args.mask, original.shape[:2]) if args.mask else None
    doc, layer, result = document_from_difference(
        original, edited, box, mask,
        names=(_stem(args.original), _stem(args.edited)), shadow=not args.no_shadow,
        alpha_as_mask=args.alpha_as_mask)
    save_document(doc, args.output)
    if args.json:
        print(json.dumps({"output": args.output, "layer": layer.name, "x": layer.x, "y": layer.y,
                          "width": layer.width, "height": layer.height,
                          "box": list(result.box.as_tuple()),
                          "region": list(result.region.as_tuple()), **result.figures}, indent=2))
    else:
        print(f"{args.output}: '{layer.name}' {layer.width}x{layer.height} at {layer.x},{layer.y} "
              f"over '{_stem(args.original)}' ({result.figures['seconds']:.1f} s)")
    return 0


def _read_mask(path, shape):
    import numpy as np

    pixels = np.asarray(read_image(path))
    if (pixels[..., 3] < 255).any():
        mask = pixels[..., 3]
    else:
        mask = pixels[..., :3].max(axis=2)
    if mask.shape != tuple(shape):
        raise DocumentError(f"{path}: the mask is {mask.shape[1]}x{mask.shape[0]} but the "
                            f"pictures are {shape[1]}x{shape[0]}.")
    return mask > 127


def _stem(path) -> str:
    import os

    return os.path.splitext(os.path.basename(path))[0] or "Background"
