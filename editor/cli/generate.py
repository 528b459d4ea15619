"""The `generate` verb: add a generated foreground layer to an image or PSD.

    layered generate IN --box X,Y,W,H --prompt "..." [--model ID_OR_PATH] [--seed N]
                     [--steps N] [--candidates N] -o OUT.psd

IN is an image or a PSD; what it shows is the background. The new layer
(the object with its shadow, from engine.methods.add_foreground) goes on
top, with its recipe; with several candidates each becomes a layer and only
the first is visible. OUT is a PSD/PSB (an image suffix writes the flattened
result instead). Progress goes to stderr; --json prints the figures.
"""
from __future__ import annotations

import json
import sys


def register(sub) -> None:
    p = sub.add_parser("generate", help="add a generated foreground layer (object + shadow)",
                       description="Paints PROMPT into the box with an inpainting model and "
                                   "lifts it off as a new RGBA layer over IN, shadows included.")
    p.add_argument("input", metavar="IN", help="image or PSD to add the layer to")
    p.add_argument("--box", required=True, metavar="X,Y,W,H", help="where the object goes")
    p.add_argument("--prompt", required=True, help="what to add")
    p.add_argument("--negative", default="", metavar="TEXT", help="what to avoid")
    p.add_argument("-o", "--output", required=True, metavar="OUT.psd")
    add_model_options(p)
    p.add_argument("--candidates", type=int, default=1, help="versions to make (seeds N, N+1...)")
    p.add_argument("--grow", type=float, default=0.25,
                   help="room for shadows around the box, x its larger side (default 0.25)")
    p.add_argument("--margin", type=float, default=0.5,
                   help="context the model sees around that, x its size (default 0.5)")
    p.add_argument("--resolution", type=int, default=None,
                   help="working size in pixels (side of a square of the same area)")
    add_device_options(p)
    p.set_defaults(run=run_generate)


def add_model_options(p) -> None:
    """--model, --seed, --steps and --guidance, shared by the verbs that run a diffusion model."""
    p.add_argument("--model", default=None, metavar="ID_OR_PATH",
                   help="catalogue id, Hugging Face repo id already downloaded, diffusers "
                        "folder or .safetensors file (default: the catalogue's first)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=None, help="denoising steps (model default)")
    p.add_argument("--guidance", type=float, default=None, help="guidance scale (model default)")


def add_device_options(p) -> None:
    """--device, --dtype, --offload and --json, shared by the verbs that run a diffusion model."""
    p.add_argument("--device", default="auto", help="auto, cuda, cuda:N, mps or cpu")
    p.add_argument("--dtype", default="auto", help="auto, float32, float16 or bfloat16")
    p.add_argument("--offload", action="store_true", help="CPU offload (for small GPUs)")
    p.add_argument("--json", action="store_true", help="print figures and timings as JSON")


def run_generate(args) -> int:
    quiet_libraries()
    from editor.model.files import export_image, open_document, save_document
    from editor.model.generate_apply import layer_name
    from editor.model.render import composite_document
    from engine.box import Box
    from engine.methods.add_foreground import AddForegroundRequest, add_foreground

    doc = open_document(args.input)
    request = AddForegroundRequest(
        composite_document(doc), Box.parse(args.box), args.prompt, args.negative, args.seed,
        args.steps, args.guidance, args.candidates, args.model, args.grow, args.margin,
        args.resolution, previews=False, device=args.device, dtype=args.dtype,
        cpu_offload=True if args.offload else None)
    result = add_foreground(request, _terminal_progress())

    several = len(result.candidates) > 1
    for i, candidate in enumerate(result.candidates):
        name = layer_name(candidate.recipe) + (f" (seed {candidate.seed})" if several else "")
        add_generated_layer(doc, candidate, visible=i == 0, name=name)
    if args.output.lower().endswith((".psd", ".psb")):
        save_document(doc, args.output)
    else:
        export_image(doc, args.output)
    best = result.best
    if args.json:
        print(json.dumps({"output": args.output, "model": result.model, "device": result.device,
                          "window": list(result.window.as_tuple()),
                          "working_size": list(result.working_size), "timings": result.timings,
                          "candidates": [{"seed": c.seed, "x": c.x, "y": c.y,
                                          "width": c.layer.shape[1], "height": c.layer.shape[0],
                                          "figures": c.figures} for c in result.candidates]},
                         indent=2))
    else:
        print(f"{args.output}: added '{layer_name(best.recipe)}' at {best.x},{best.y} "
              f"({best.layer.shape[1]}x{best.layer.shape[0]}) with {result.model} on "
              f"{result.device}")
    return 0


def quiet_libraries() -> None:
    """Keeps the libraries' own notices off the terminal (only errors stay); must run before
    torch/diffusers are imported, which is why verbs import them inside their handlers."""
    import os

    for name in ("TRANSFORMERS_VERBOSITY", "DIFFUSERS_VERBOSITY"):
        os.environ.setdefault(name, "error")


def add_generated_layer(doc, candidate, *, visible: bool = True, name: str | None = None):
    """Adds a candidate as a new layer (one undo step) carrying its recipe."""
    from editor.model.generate_apply import layer_name

    with doc.history.macro("Generate Layer"):
        layer = doc.add_image(candidate.layer, name or layer_name(candidate.recipe),
                              candidate.x, candidate.y, history_name="Generate Layer",
                              recipe=candidate.recipe)
        if not visible:
            doc.set_visible(layer, False)
    return layer


def _terminal_progress():
    """Reports steps on stderr when it is a terminal (one line, rewritten)."""
    if not sys.stderr.isatty():
        from engine.progress import no_progress

        return no_progress

    def report(step, total, preview=None):
        end = "\n" if step >= total else ""
        print(f"\rgenerating: step {step}/{total}", end=end, file=sys.stderr, flush=True)

    return report
