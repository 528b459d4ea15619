"""The `edit` verb: edit a picture's subject and background by text, as a new layer.

    layered edit IN (--mask M.png | --box X,Y,W,H) --subject "a dog jumping"
                 --background "in a snowy forest" -o OUT.psd
                 [--alpha 0.7] [--seed N] [--embedding-steps 500] [--finetune-steps 250]
                 [--steps 50] [--lora | --full] [--results N] [--model ID_OR_PATH]
                 [--resolution N] [--layer NAME] [--keep-weights FILE.safetensors] [--split]
                 [--json]

IN is an image or a PSD; what it shows is edited (or one layer, with
--layer). The subject is the white (or opaque) part of the mask image, of
the canvas's size, or what the segmenter finds in the box. One combined
prompt (--prompt, or only one of --subject/--background) is split into its
subject and background parts. The method is LayerDiffusion
(engine.methods.edit, through editor.model.text_edit_apply); the result is a
new layer on top with its recipe, and IN's layers are kept under it; with
--split that layer is split into a subject and a background layer (the
decomposition, around the same subject mask), both with the edit's recipe. An
image suffix for OUT writes the flattened result instead. Progress (with
the phase) goes to stderr on a terminal; --json prints the figures.
"""
from __future__ import annotations

import json
import sys

from editor.cli.decompose import _read_mask
from editor.cli.generate import quiet_libraries
from editor.model.errors import DocumentError
from editor.model.files import open_document, write_document
from editor.model.text_edit_apply import TextEditSpec, edit_document
from engine.box import Box
from engine.progress import no_progress


def register(sub) -> None:
    p = sub.add_parser("edit", help="edit the subject and the background by text (new layer)",
                       description="Makes the marked subject match SUBJECT and the scene match "
                                   "BACKGROUND, keeping the subject's identity and the scene's "
                                   "look (LayerDiffusion), and adds the result as a new layer.")
    p.add_argument("input", metavar="IN", help="image or PSD to edit")
    p.add_argument("--mask", metavar="M.png", help="image of the canvas's size, white (or "
                   "opaque) on the subject")
    p.add_argument("--box", metavar="X,Y,W,H", help="the subject's box (segmented inside)")
    p.add_argument("--subject", default="", help="what the subject becomes (T_a)")
    p.add_argument("--background", default="", help="what the background becomes (T_b)")
    p.add_argument("--prompt", default="", help="one combined text, split into the two parts")
    p.add_argument("--alpha", type=float, default=0.7,
                   help="weight of the subject text in the interpolated embedding (default 0.7)")
    p.add_argument("--embedding-steps", type=int, default=500,
                   help="text-embedding optimisation steps (default 500)")
    p.add_argument("--finetune-steps", type=int, default=250,
                   help="model fine-tuning steps (default 250)")
    p.add_argument("--steps", type=int, default=50, help="sampling steps (default 50)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--lora", dest="finetune", action="store_const", const="lora",
                     help="fine-tune a LoRA adapter (default; smaller and faster)")
    how.add_argument("--full", dest="finetune", action="store_const", const="full",
                     help="fine-tune all of the UNet's weights (the paper's way; more memory)")
    p.set_defaults(finetune="lora")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--results", type=int, default=1,
                   help="pictures to make (seeds N, N+1...); each a layer, the first shown")
    p.add_argument("--model", default=None, metavar="ID_OR_PATH",
                   help="a Stable Diffusion model: catalogue id, downloaded repo id, diffusers "
                        "folder (default: the catalogue's first for edit, SD 1.4)")
    p.add_argument("--resolution", type=int, default=None,
                   help="working size in pixels (side of a square of the same area)")
    p.add_argument("--layer", metavar="NAME", help="edit this layer instead of the whole picture")
    p.add_argument("--keep-weights", metavar="FILE.safetensors",
                   help="save the fine-tuned weights (LoRA adapter, or the whole UNet with --full)")
    p.add_argument("--split", action="store_true",
                   help="split the edited picture into subject and background layers")
    p.add_argument("--device", default="auto", help="auto, cuda, cuda:N, mps or cpu")
    p.add_argument("--dtype", default="auto", help="auto, float32, float16 or bfloat16")
    p.add_argument("-o", "--output", required=True, metavar="OUT.psd")
    p.add_argument("--json", action="store_true", help="print figures and timings as JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    quiet_libraries()

    if args.mask is None and args.box is None:
        raise DocumentError("Mark the subject with --mask M.png or --box X,Y,W,H.")
    if args.prompt and (args.subject or args.background):
        raise DocumentError("Give either --prompt or --subject/--background, not both.")
    if args.keep_weights and not args.keep_weights.lower().endswith(".safetensors"):
        raise DocumentError("--keep-weights writes a .safetensors file; name it so.")
    doc = open_document(args.input)
    layer = None
    if args.layer is not None:
        layer = next((n for n in doc.layers() if n.name == args.layer), None)
        if layer is None:
            raise DocumentError(f"{args.input}: no pixel layer named '{args.layer}'.")
    box = Box.parse(args.box) if args.box else None
    mask = _read_mask(args.mask, doc) if args.mask else None
    spec = TextEditSpec(args.subject or args.prompt, args.background, args.alpha,
                        args.embedding_steps, args.finetune_steps, args.steps, args.finetune,
                        args.seed, args.results, args.model, args.resolution, args.device,
                        args.dtype, keep_weights=bool(args.keep_weights), split=args.split)
    layers, result = edit_document(doc, spec, box=box, mask=mask, layer=layer,
                                   progress=_terminal_progress(spec), all_results=True)
    if args.keep_weights:
        _save_weights(result.weights, args.keep_weights, result.recipe)
    write_document(doc, args.output)
    r = result.recipe
    if args.json:
        print(json.dumps({"output": args.output, "layers": [n.name for n in layers],
                          "recipe": r, "timings": result.timings,
                          "final_losses": {k: (v[-1] if v else None)
                                           for k, v in result.losses.items()}}, indent=2))
    else:
        print(f"{args.output}: added '{layers[0].name}' ('{r['subject']}' / "
              f"'{r['background']}', alpha {r['alpha']:g}, seed {r['seed']}) with {r['model']}; "
              + ", ".join(f"{k[:-2]} {v:.1f} s" for k, v in result.timings.items()))
    return 0


def _save_weights(weights: dict, path: str, recipe: dict) -> None:
    """Writes the fine-tuned weights as safetensors, atomically (never half-written)."""
    import os

    from safetensors.torch import save_file

    tmp = f"{path}.part"
    metadata = {k: str(recipe[k]) for k in ("model", "finetune", "subject", "background",
                                             "alpha", "seed")}
    save_file(weights, tmp, metadata=metadata)
    os.replace(tmp, path)


def _terminal_progress(spec):
    """Reports the phase and step on stderr when it is a terminal (one line, rewritten)."""
    if not sys.stderr.isatty():
        return no_progress
    from engine.methods.edit import PHASES, phase_at, phase_weights

    weights = phase_weights(spec)

    def report(step, total, preview=None):
        end = "\n" if step >= total else ""
        phase = PHASES[phase_at(weights, min(step, total - 1))]
        print(f"\r{phase}: step {step}/{total}   ", end=end, file=sys.stderr, flush=True)

    return report
