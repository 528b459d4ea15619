"""The `layered` verb: generate a picture from a prompt and save it split into layers (PSD).

    python main.py layered --prompt "..." [--box X,Y,W,H] [--model ID_OR_PATH] [--seed N]
                           [--steps N] [--size WxH] -o OUT.psd

The picture comes from a catalogue model (an inpainting model run as
text-to-image, see engine.methods.layered); the object in --box (or, without
a box, the main object found in the picture) becomes a foreground layer over
a background layer. The PSD also holds the recipes. --save-picture keeps the
generated picture itself as an image; --json prints figures and timings. When
no object can be told apart, the picture is saved as the PSD's only layer
and the command exits with status 2 and the reason.
"""
from __future__ import annotations

import json

from editor.cli import add_alpha_as_mask_option
from editor.cli.decompose import add_step_options
from editor.cli.generate import (_terminal_progress, add_device_options, add_model_options,
                                 quiet_libraries)
from editor.model.files import save_document
from editor.model.layered_apply import layered_image
from engine.box import Box


def register(sub) -> None:
    p = sub.add_parser(
        "layered", help="generate a picture from a prompt, split into object and background layers",
        description="Paints PROMPT with a text-to-image model, then splits the picture into a "
                    "foreground layer (the object with soft edges and its shadow) over a "
                    "background layer, and saves the layers as a PSD.")
    p.add_argument("--prompt", required=True, help="what the picture shows")
    p.add_argument("--negative", default="", metavar="TEXT", help="what to avoid")
    p.add_argument("--box", metavar="X,Y,W,H",
                   help="the foreground object in the picture (default: the main object is found)")
    p.add_argument("--objects", type=int, default=1, metavar="N",
                   help="with no --box: split up to N objects found in the picture, one layer "
                        "each (default 1)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.psd")
    add_model_options(p)
    p.add_argument("--size", metavar="WxH", type=_size, default=None,
                   help="picture size (default: the model's resolution, square); sides are "
                        "rounded to the model's multiple")
    add_step_options(p, learned_by_default=True)
    add_alpha_as_mask_option(p)
    p.add_argument("--save-picture", metavar="PNG", help="also save the generated picture")
    add_device_options(p)
    p.set_defaults(run=run_layered)


def _size(text: str) -> tuple[int, int]:
    import argparse

    try:
        w, h = (int(v) for v in text.lower().replace("\u00d7", "x").split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size like 768x512") from None
    return w, h


def run_layered(args) -> int:
    quiet_libraries()
    from engine.methods.layered import LayeredRequest  # loads OpenCV: after quiet_libraries

    request = LayeredRequest(
        args.prompt, args.negative, Box.parse(args.box) if args.box else None, args.size,
        args.seed, args.steps, args.guidance, args.model, not args.no_shadow, args.mask_model,
        args.matting_model, args.background_model, args.device, args.dtype,
        True if args.offload else None)
    request.objects = args.objects
    doc, result = layered_image(request, _terminal_progress(), args.alpha_as_mask)
    save_document(doc, args.output)
    if args.save_picture:
        from PIL import Image

        Image.fromarray(result.picture).save(args.save_picture)
    if result.decomposition is None:
        import sys

        print(f"layered: {result.note} The picture was saved unsplit in {args.output}.",
              file=sys.stderr)
        return 2
    figures = result.decomposition.figures
    background, *objects = list(doc.layers())
    foreground = objects[-1]   # the front object (the top layer)
    if args.json:
        print(json.dumps({
            "output": args.output, "recipe": result.recipe,
            "object_box": list(result.box.as_tuple()), "object_box_found": result.found,
            "layers": [{"name": layer.name, "x": layer.x, "y": layer.y, "width": layer.width,
                        "height": layer.height} for layer in (background, *objects)],
            "decomposition": result.decomposition.recipe["steps"],
            "models": result.decomposition.recipe.get("models", {}),
            **{k: v for k, v in figures.items() if k != "timings"},
            "timings": {**result.timings, "decompose_steps": figures["timings"]},
        }, indent=2))
    else:
        w, h = result.recipe["size"]
        where = "found" if result.found else "given"
        print(f"{args.output}: {w}x{h} picture by {result.recipe['model']}; '{foreground.name}' "
              f"{foreground.width}x{foreground.height} at {foreground.x},{foreground.y} (box "
              f"{where}) over '{background.name}'; recomposition error mean "
              f"{figures['recomposition_error_mean']:.3f} (0-255); painting "
              f"{result.timings['paint_s']:.1f} s, decomposition {result.timings['decompose_s']:.1f} s")
    return 0
