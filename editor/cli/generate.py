"""The `generate` verb: add a generated foreground layer to an image or PSD.

    layered generate IN --box X,Y,W,H --prompt "..." [--method add_foreground|bfs]
                     [--model ID_OR_PATH] [--seed N] [--steps N] [--candidates N] -o OUT.psd

IN is an image or a PSD; what lies below the new layer's place (above the
active layer) is the background. The verb runs the editor's own generate
operation (`editor.model.generate_apply`: the method's context window, the
same engine call, the same apply), so the same request gives the same layer
here and in the Generate panel. With several candidates each becomes a layer
and only the first is visible. OUT is a PSD/PSB (an image suffix writes the
flattened result instead). Progress goes to stderr; --json prints the figures.
"""
from __future__ import annotations

import json
import sys

from editor.cli import add_alpha_as_mask_option
from editor.model.errors import DocumentError
from editor.model.files import open_document, write_document
from editor.model.generate_apply import GenerateSpec, generate_layers, layer_name
from engine.box import Box
from engine.methods import registry
from engine.progress import no_progress


def register(sub) -> None:
    p = sub.add_parser("generate", help="add a generated foreground layer (object + shadow)",
                       description="Paints PROMPT into the box with an inpainting model and "
                                   "lifts it off as a new RGBA layer over IN, shadows included.")
    p.add_argument("input", metavar="IN", help="image or PSD to add the layer to")
    p.add_argument("--box", required=True, metavar="X,Y,W,H", help="where the object goes")
    p.add_argument("--prompt", required=True, help="what to add")
    p.add_argument("--negative", default="", metavar="TEXT", help="what to avoid")
    p.add_argument("-o", "--output", required=True, metavar="OUT.psd")
    methods = registry.layer_methods()
    p.add_argument("--method", default=None, choices=[m.id for m in methods],
                   help="; ".join(f"{m.id}: {m.label}" for m in methods)
                        + " (default: the one --model serves; without --model, "
                          f"{methods[0].id} if an inpainting model is on this computer, else bfs "
                          "with the built-in model)")
    add_model_options(p)
    p.add_argument("--candidates", type=int, default=1, help="versions to make (seeds N, N+1...)")
    p.add_argument("--grow", type=float, default=None,
                   help="add_foreground: room for shadows around the box, x its larger side "
                        f"(default {registry.INPAINT_GROW})")
    p.add_argument("--margin", type=float, default=None,
                   help="add_foreground: context the model sees around that, x its size "
                        f"(default {registry.INPAINT_MARGIN})")
    p.add_argument("--resolution", type=int, default=None,
                   help="working size in pixels (side of a square of the same area)")
    add_device_options(p)
    add_alpha_as_mask_option(p)
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
    doc = open_document(args.input)
    method, model = (args.method, args.model) if args.method else registry.default_layer_choice(args.model)
    spec = GenerateSpec(
        method=method, model=model, prompt=args.prompt, negative_prompt=args.negative,
        seed=args.seed, steps=args.steps, guidance=args.guidance, candidates=args.candidates,
        resolution=args.resolution, device=args.device, dtype=args.dtype,
        cpu_offload=True if args.offload else None, grow=args.grow, margin=args.margin,
        figures=True, previews=False)
    generation, layers = generate_layers(doc, spec, Box.parse(args.box), _terminal_progress(),
                                         alpha_as_mask=args.alpha_as_mask)
    if not layers:
        raise DocumentError("The model added nothing in the box; try another seed or prompt.")
    write_document(doc, args.output)
    if args.json:
        print(json.dumps({"output": args.output, "method": method,
                          "model": generation.model, "device": generation.device,
                          "window": list(generation.window.as_tuple()),
                          "working_size": list(generation.working_size or ()),
                          "timings": generation.timings,
                          "candidates": [{"seed": c.seed, "x": c.x, "y": c.y,
                                          "width": c.pixels.shape[1], "height": c.pixels.shape[0],
                                          "figures": c.figures}
                                         for c in generation.candidates]},
                         indent=2))
    else:
        best, layer = generation.candidates[0], layers[0]
        error = best.figures.get("recompose_mae")
        print(f"{args.output}: added '{layer_name(best.recipe)}' at {layer.x},{layer.y} "
              f"({layer.width}x{layer.height}"
              + (f", recomposition error {error:.2f}/255" if error is not None else "")
              + f") with {generation.model} on {generation.device}")
    return 0


def quiet_libraries() -> None:
    """Keeps the libraries' own notices off the terminal (only errors stay); must run before
    torch/diffusers are imported, which is why verbs import them inside their handlers."""
    import os

    for name in ("TRANSFORMERS_VERBOSITY", "DIFFUSERS_VERBOSITY"):
        os.environ.setdefault(name, "error")


def _terminal_progress():
    """Reports steps on stderr when it is a terminal (one line, rewritten)."""
    if not sys.stderr.isatty():
        return no_progress

    def report(step, total, preview=None):
        end = "\n" if step >= total else ""
        print(f"\rgenerating: step {step}/{total}", end=end, file=sys.stderr, flush=True)

    return report
