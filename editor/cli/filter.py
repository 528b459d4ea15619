"""The `filter` verb: the Filter menu and Image > Adjustments on a layer of an image or PSD.

    layered filter IN -o OUT [--layer NAME] [--select X,Y,W,H]
        (--gaussian-blur RADIUS | --motion-blur ANGLE,DISTANCE |
         --unsharp-mask AMOUNT,RADIUS,THRESHOLD | --add-noise AMOUNT[,gaussian][,mono][,SEED] |
         --invert | --desaturate | --adjust KIND=JSON) ...

The same operations as the editor's (`filter_ops.apply` with `pixel_filters`), in
the order given, each one undo step, inside the box given by --select (else on the
whole layer). --adjust takes an adjustment layer's settings by kind and JSON, as
`info` reports them: `--adjust 'levels={"rgb": [20, 230, 1.2, 0, 255]}'`.
"""
from __future__ import annotations

import json

from editor.model import adjustments, filter_ops, pixel_filters as pf
from editor.model.errors import DocumentError
from editor.model.files import open_document, write_document
from engine.box import Box

from .transform import _pick, _Step  # (operations kept in the order they are given)


def register(sub) -> None:
    p = sub.add_parser("filter", help="blur, sharpen, add noise or adjust a layer's pixels",
                       description="Runs the editor's filters and Image > Adjustments on a "
                                   "layer, in the order given, each one undo step.")
    p.add_argument("input", metavar="IN", help="image or PSD")
    p.add_argument("-o", "--output", required=True, metavar="OUT")
    p.add_argument("--layer", metavar="NAME", help="the pixel layer to change")
    p.add_argument("--select", metavar="X,Y,W,H", help="change only this canvas box")
    p.add_argument("--gaussian-blur", dest="gaussian_blur", metavar="RADIUS", action=_Step)
    p.add_argument("--motion-blur", dest="motion_blur", metavar="ANGLE,DISTANCE", action=_Step)
    p.add_argument("--unsharp-mask", dest="unsharp_mask", metavar="AMOUNT,RADIUS,THRESHOLD",
                   action=_Step)
    p.add_argument("--add-noise", dest="add_noise", metavar="AMOUNT[,gaussian][,mono][,SEED]",
                   action=_Step)
    p.add_argument("--invert", dest="invert", nargs=0, action=_Step)
    p.add_argument("--desaturate", dest="desaturate", nargs=0, action=_Step)
    p.add_argument("--adjust", dest="adjust", metavar="KIND=JSON", action=_Step,
                   help=f"one of {', '.join(adjustments.KINDS)} with its settings")
    p.set_defaults(run=run, steps=[])


def operation(kind: str, value) -> pf.Operation:
    """The operation an option names, or a DocumentError saying how to write it."""
    try:
        if kind == "invert":
            return pf.invert()
        if kind == "desaturate":
            return pf.Desaturate()
        if kind == "adjust":
            name, _, settings = value.partition("=")
            return pf.Adjust(adjustments.make(name.strip(), json.loads(settings or "{}")))
        parts = [v.strip() for v in value.split(",") if v.strip()]
        if kind == "gaussian_blur":
            return pf.GaussianBlur(float(parts[0]))
        if kind == "motion_blur":
            return pf.MotionBlur(float(parts[0]), float(parts[1]))
        if kind == "unsharp_mask":
            return pf.UnsharpMask(float(parts[0]), float(parts[1]), int(parts[2]))
        seed = [int(p) for p in parts[1:] if p.isdigit()]
        return pf.AddNoise(float(parts[0]), "gaussian" if "gaussian" in parts else "uniform",
                           "mono" in parts, seed[0] if seed else 0)
    except (ValueError, IndexError, json.JSONDecodeError) as exc:
        raise DocumentError(f"--{kind.replace('_', '-')} {value or ''}: {exc}".strip()) from None


def run(args) -> int:
    if not args.steps:
        raise DocumentError("Say what to do: --gaussian-blur R, --unsharp-mask A,R,T, "
                            "--add-noise A, --motion-blur A,D, --invert, --desaturate or "
                            "--adjust KIND=JSON.")
    ops = [operation(kind, value) for kind, value in args.steps]
    doc = open_document(args.input)
    node = _pick(doc, args.layer, args.input)
    if args.select:
        try:
            x, y, w, h = (int(v) for v in args.select.split(","))
        except ValueError:
            raise DocumentError(f"--select {args.select}: give X,Y,W,H in pixels.") from None
        doc.set_selection(Box(x, y, w, h))
    for op in ops:
        filter_ops.apply(doc, op, node)
    write_document(doc, args.output)
    print(f"{args.output}: {', '.join(doc.history.names())} on '{node.name}'")
    return 0
