"""The `filter` verb: the Filter menu and Image > Adjustments on a layer of an image or PSD.

    layered filter IN -o OUT [--layer NAME] [--select X,Y,W,H]
        (--gaussian-blur RADIUS | --motion-blur ANGLE,DISTANCE |
         --unsharp-mask AMOUNT,RADIUS,THRESHOLD | --add-noise AMOUNT[,gaussian][,mono][,SEED] |
         --box-blur RADIUS | --surface-blur RADIUS,THRESHOLD | --median RADIUS |
         --dust-scratches RADIUS,THRESHOLD | --high-pass RADIUS | --maximum RADIUS[,round] |
         --minimum RADIUS[,round] | --offset H,V[,transparent|repeat|wrap] |
         --emboss ANGLE,HEIGHT,AMOUNT | --find-edges | --mosaic CELL |
         --pinch AMOUNT | --polar-coordinates to_polar|to_rect | --ripple AMOUNT[,SIZE] |
         --spherize AMOUNT[,MODE] | --twirl ANGLE | --wave N,WL_MIN,WL_MAX,... |
         --zigzag AMOUNT,RIDGES[,STYLE] | --clouds | --difference-clouds |
         --lens-correction DISTORTION[,RED,GREEN,BLUE,VIGNETTE,MIDPOINT,...][,EDGE] |
         --average | --crystallize CELL | --solarize | --wind wind|blast|stagger[,left] |
         --shear ROW:SHIFT,... | --smart-blur RADIUS,THRESHOLD | --shape-blur RADIUS,SHAPE |
         --fibers VARIANCE,STRENGTH | --hsb-hsl IN,OUT | --de-interlace odd|even | ... |
         --flame TYPE,LENGTH,WIDTH,ANGLE,INTERVAL | --picture-frame KIND[,MARGIN,SIZE] |
         --tree KIND[,LEAVES_AMOUNT,LEAVES_SIZE,HEIGHT,THICKNESS] |
         --filter-gallery KIND[,N...][+KIND[,N...]...] |
         --camera-raw TEMP,TINT,EXPOSURE,CONTRAST,HIGHLIGHTS,SHADOWS,... |
         --invert | --desaturate | --adjust KIND=JSON) ...

The same operations as the editor's (`filter_ops.apply` with `pixel_filters`), in
the order given, each one undo step, inside the box given by --select (else on the
whole layer). The filters of `more_filters` take their settings in the dialog's order
(numbers; a word for a choice), the ones left out at the dialog's defaults; a setting list
that begins with a minus is written after '=': `--offset=-7,9,repeat`. --filter-gallery
takes the Filter Gallery's effect layers bottom first, joined by '+', each a filter of
`gallery_filters.EFFECTS` and its settings in the dialog's order: `cutout,4,4,2+photocopy`. --adjust takes an adjustment layer's settings by kind and JSON, as
`info` reports them: `--adjust 'levels={"rgb": [20, 230, 1.2, 0, 255]}'`.
"""
from __future__ import annotations

import dataclasses
import json

from editor.model import adjustments, filter_ops, more_filters as mf, pixel_filters as pf
from editor.model.errors import DocumentError
from editor.model.files import open_document, write_document
from engine.box import Box

from .transform import _pick, _Step  # (operations kept in the order they are given)


# The Filter menu's other filters: their settings as the option takes them (None: none).
MORE = {"box_blur": "RADIUS", "surface_blur": "RADIUS,THRESHOLD", "median": "RADIUS",
        "dust_scratches": "RADIUS,THRESHOLD", "high_pass": "RADIUS",
        "maximum": "RADIUS[,square|round]", "minimum": "RADIUS[,square|round]",
        "offset": "H,V[,transparent|repeat|wrap]", "emboss": "ANGLE,HEIGHT,AMOUNT",
        "find_edges": None, "mosaic": "CELL"}
# Filter > Distort and Render (Displace's map and Lens Flare's centre are the dialog's only;
# --clouds: black to white, seed 0).
MORE.update({"pinch": "AMOUNT", "polar_coordinates": "to_polar|to_rect",
             "ripple": "AMOUNT[,small|medium|large]",
             "spherize": "AMOUNT[,normal|horizontal|vertical]", "twirl": "ANGLE",
             "wave": "GENERATORS,WL_MIN,WL_MAX,AMP_MIN,AMP_MAX,SCALE_H,SCALE_V"
                     "[,sine|triangle|square][,wrap|repeat][,SEED]",
             "zigzag": "AMOUNT,RIDGES[,around|out|pond]", "clouds": None,
             "difference_clouds": None})
# Filter > Lens Correction: the Custom tab's settings in its dialog's order.
MORE["lens_correction"] = ("DISTORTION[,RED,GREEN,BLUE,VIGNETTE,MIDPOINT,VERTICAL,HORIZONTAL,"
                           "ANGLE,SCALE][,extend|transparent|black|white]")
# Those of extra_filters and cell_filters (Photoshop's Average ... Wind), likewise.
MORE.update({
    "average": None, "blur": None, "blur_more": None,
    "lens_blur": "SIDES,RADIUS[,CURVATURE,ROTATION,BRIGHTNESS,THRESHOLD]",
    "radial_blur": "AMOUNT[,spin|zoom][,draft|good|best][,CX,CY]", "sharpen": None,
    "sharpen_edges": None, "sharpen_more": None,
    "smart_sharpen": "AMOUNT,RADIUS,NOISE[,gaussian|lens|motion][,ANGLE]", "despeckle": None,
    "reduce_noise": "STRENGTH[,DETAILS,COLOR,SHARPEN]", "color_halftone": "RADIUS[,C1,C2,C3,C4]",
    "crystallize": "CELL", "facet": None, "fragment": None, "pointillize": "CELL",
    "diffuse": "normal|darken|lighten",
    "oil_paint": "STYLIZATION,CLEANLINESS,SCALE,BRISTLE[,LIGHTING,ANGLE,SHINE]",
    "solarize": None, "tiles": "NUMBER,OFFSET[,background|foreground|inverse|unaltered]",
    "wind": "wind|blast|stagger[,right|left]"})
# Those of shape_filters and video_filters (--fibers: black to white; --shear: the curve's
# points as ROW:SHIFT, the row 0..1 down the box, the shift -0.5..0.5 of its width).
MORE.update({
    "shear": "ROW:SHIFT,ROW:SHIFT[,...][,wrap|repeat]",
    "smart_blur": "RADIUS,THRESHOLD[,low|medium|high][,normal|edge|overlay]",
    "shape_blur": "RADIUS[,circle|square|ring|star|heart]",
    "fibers": "VARIANCE,STRENGTH[,SEED]", "hsb_hsl": "rgb|hsb|hsl,rgb|hsb|hsl",
    "de_interlace": "odd|even[,duplication|interpolation]", "ntsc_colors": None})
# Render > Flame (along the file's chosen or Work Path), Picture Frame, Tree: round the
# canvas or at its bottom centre (`render_pictures`; the colours are the dialog's defaults).
MORE.update({
    "flame": "one|multiple|directed|various|angle_one|angle_multiple,LENGTH,WIDTH,ANGLE,"
             "INTERVAL[,normal|violent|flat][,parallel|center|spread|oval|pointed]",
    "picture_frame": "simple|stripes|waves|ribbon|vines[,MARGIN,SIZE,ARRANGEMENT,SEED]",
    "tree": "oak|maple|pine|palm|cherry[,LEAVES_AMOUNT,LEAVES_SIZE,HEIGHT,THICKNESS]"})
# Camera Raw Filter's Basic panel, in its order (those left out stay at 0).
MORE["camera_raw"] = ("TEMP,TINT,EXPOSURE,CONTRAST,HIGHLIGHTS,SHADOWS,WHITES,BLACKS,TEXTURE,"
                      "CLARITY,DEHAZE,VIBRANCE,SATURATION")


def _settings(kind: str, parts: list[str]) -> pf.Operation:
    """`mf.FILTERS[kind]` from its numbers in field order and a word for its choice."""
    cls = mf.FILTERS[kind]
    words = [p for p in parts if p.replace("_", "").isalpha()]  # (to_polar is a word)
    numbers = [p for p in parts if p not in words]
    values = {}
    for field in dataclasses.fields(cls):
        if isinstance(field.default, tuple):
            continue  # (colours, curves: not numbers in a row)
        if isinstance(field.default, str):
            if words:
                values[field.name] = words.pop(0)
        elif numbers:
            number = float(numbers.pop(0))
            values[field.name] = int(round(number)) if isinstance(field.default, int) \
                else number
    if numbers or words:
        raise ValueError(f"too many settings: {MORE.get(kind) or 'none'}")
    return cls(**values)


def _shear(parts: list[str]) -> pf.Operation:
    """Shear from ROW:SHIFT points and a word for Undefined Areas."""
    from editor.model.shape_filters import Shear

    words = [p for p in parts if p.isalpha()]
    points = tuple(tuple(float(v) for v in p.split(":")) for p in parts if p not in words)
    if not points or any(len(p) != 2 for p in points) or len(words) > 1:
        raise ValueError(f"give the curve's points: {MORE['shear']}")
    return Shear(points, *words)


def _gallery(value: str) -> pf.Operation:
    """The Filter Gallery's stack from `KIND,N,...+KIND,...` (`_settings` for each)."""
    from editor.model import gallery_filters as gf

    ops = []
    for layer in (value or "").split("+"):
        kind, *parts = [p.strip() for p in layer.split(",") if p.strip()] or [""]
        if kind not in gf.EFFECTS:
            raise ValueError(f"no filter {kind!r} in the gallery: one of "
                             f"{', '.join(gf.EFFECTS)}")
        ops.append(_settings(kind, parts))
    return gf.FilterGallery.of(ops)


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
    for kind, metavar in MORE.items():
        option = "--" + kind.replace("_", "-")
        if metavar is None:
            p.add_argument(option, dest=kind, nargs=0, action=_Step)
        else:
            p.add_argument(option, dest=kind, metavar=metavar, action=_Step)
    p.add_argument("--filter-gallery", dest="filter_gallery", metavar="KIND[,N...][+KIND...]",
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
        parts = [v.strip() for v in (value or "").split(",") if v.strip()] \
            if isinstance(value, str) else []
        if kind == "shear":
            return _shear(parts)
        if kind == "filter_gallery":
            return _gallery(value)
        if kind in MORE:
            return _settings(kind, parts)
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
                            "--add-noise A, --motion-blur A,D, --box-blur R, --median R, "
                            "--high-pass R, --emboss A,H,N, --find-edges, --mosaic C (and the "
                            "others of --help), --invert, --desaturate or --adjust KIND=JSON.")
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
        if hasattr(op, "for_document"):  # (Render > Flame, Tree: the path; their canvas)
            op = op.for_document(doc)
        filter_ops.apply(doc, op, node)
    write_document(doc, args.output)
    print(f"{args.output}: {', '.join(doc.history.names())} on '{node.name}'")
    return 0
