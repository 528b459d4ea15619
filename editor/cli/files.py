"""Verbs on files: `info`, `convert` and `new`, all through the document model.

    layered info FILE [--json]          canvas size, every layer (top first) and the
                                        title/author/keywords/copyright File Info holds
    layered convert IN OUT [--quality Q] PSD -> PSD/PSB re-saves, -> PNG/JPEG/... flattens,
                                        image -> PSD makes a one-layer document
    layered new OUT.psd --size WxH [--layer FILE[@X,Y]]...
                                        a layered PSD from images (centred without @X,Y)

Warnings about the input (e.g. a text layer that became pixels) go to stderr;
they do not change the exit status. Bad input exits with status 2 and one
line on stderr.
"""
from __future__ import annotations

import json
import os
import re
import sys

from editor.cli import UserError
from editor.model.document import Document
from editor.model.file_info import document_info
from editor.model.files import (PSD_SUFFIXES, check_pixel_limit, open_document, pixel_limit,
                                read_image, save_document, write_document)
from editor.model.layers import LOCK_LABELS, AdjustmentLayer, Layer
from editor.model.smart_object import SmartObjectLayer
from editor.model.text_layer import TextLayer

_POSITION = re.compile(r"^(?P<file>.+)@(?P<x>[+-]?\d+),(?P<y>[+-]?\d+)$")


def register(sub) -> None:
    info = sub.add_parser("info", help="print the canvas size and the layers of an image or PSD",
                          description="Prints the canvas size and each layer, top first: name, "
                                      "kind, offset, size, opacity (0-255), blend mode, "
                                      "visibility, lock, group path, masks, clipping, "
                                      "adjustments (with their settings) and recipe; then "
                                      "the resolution (ppi) and File Info's title, "
                                      "authors, keywords and copyright "
                                      "where the file has them.")
    info.add_argument("file", metavar="FILE")
    info.add_argument("--json", action="store_true", help="print JSON instead of text")
    info.set_defaults(run=run_info)

    convert = sub.add_parser("convert", help="convert between PSD/PSB and PNG/JPEG/WebP/TIFF/BMP",
                             description="PSD/PSB -> PSD/PSB re-saves the layers through the "
                                         "document model; -> PNG, JPEG, WebP, TIFF or BMP "
                                         "exports the flattened picture; an image -> PSD makes "
                                         "a one-layer document. The format follows OUT's suffix.")
    convert.add_argument("input", metavar="IN")
    convert.add_argument("output", metavar="OUT")
    convert.add_argument("--quality", type=int, default=95,
                         help="JPEG/WebP quality 1-100 (default 95; WebP 100 is lossless)")
    convert.set_defaults(run=run_convert)

    new = sub.add_parser("new", help="build a layered PSD from images",
                         description="Builds a PSD of the given size with one layer per "
                                     "--layer image, bottom first. FILE@X,Y puts the image's "
                                     "top-left corner at X,Y (may be negative); without it "
                                     "the image is centred.")
    new.add_argument("output", metavar="OUT.psd")
    new.add_argument("--size", required=True, metavar="WxH", help="canvas size, e.g. 1920x1080")
    new.add_argument("--layer", action="append", default=[], metavar="FILE[@X,Y]",
                     help="an image to add as a layer (repeat for more layers)")
    new.set_defaults(run=run_new)


# -- info --------------------------------------------------------------------------------

def run_info(args) -> int:
    doc = open_document(args.file, pixels=False)  # a description needs no pixels
    report = describe_document(doc, args.file)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0


def describe_document(doc, file: str) -> dict:
    nodes = []
    for node in reversed(list(doc.nodes())):  # top first, as the Layers panel shows them
        entry = {
            "name": node.name, "kind": node.kind, "group_path": node.group_path(),
            "x": None, "y": None, "width": None, "height": None,
            "opacity": node.opacity, "blend_mode": node.blend_mode,
            "visible": node.visible, "locked": node.locked,
            "locks": [kind for kind in ("transparency", "pixels", "position")
                      if getattr(node.locks, kind)],
            "clipping": node.clipping, "mask": None,
        }
        if node.mask is not None:
            m = node.mask
            entry["mask"] = {"x": m.x, "y": m.y, "width": m.width, "height": m.height,
                             "default": m.default, "enabled": m.enabled, "linked": m.linked,
                             "density": m.density, "feather": m.feather}
        if node.vector_mask is not None:
            v, box = node.vector_mask, node.vector_mask.bounds()
            entry["vector_mask"] = {"x": box.x, "y": box.y, "width": box.w, "height": box.h,
                                    "subpaths": len(v.subpaths), "enabled": v.enabled,
                                    "linked": v.linked, "inverted": v.inverted}
        artboard = getattr(node, "artboard", None)
        if artboard is not None:  # Photoshop's artboard: its rectangle and background
            a = artboard.box
            entry["artboard"] = {"x": a.x, "y": a.y, "width": a.w, "height": a.h,
                                 "background": artboard.background,
                                 "color": list(artboard.color)}
        if isinstance(node, AdjustmentLayer):  # a fill layer's settings under "fill"
            entry["fill" if node.settings.fills else "adjustment"] = {
                "kind": node.settings.kind, "label": node.settings.label,
                "settings": node.settings.as_dict(), "description": node.settings.describe()}
        if isinstance(node, TextLayer):  # a type layer's text and how it is set
            entry["text"] = dict(node.type_settings.as_dict(), anchor=list(node.anchor()),
                                 description=node.type_settings.describe(doc.resolution))
        if isinstance(node, SmartObjectLayer):  # its embedded file and where it is placed
            entry["smart_object"] = {"contents": node.contents.filename,
                                     "placement": [list(p) for p in node.placement]}
        if isinstance(node, Layer):
            entry.update(x=node.x, y=node.y, width=node.width, height=node.height,
                         recipe=node.recipe, source_kind=node.source_kind)
        else:
            box = node.bounds()
            entry.update(x=box.x, y=box.y, width=box.w, height=box.h)
        nodes.append(entry)
    report = {"file": file, "width": doc.width, "height": doc.height,
              "resolution": doc.resolution, "layers": nodes, "warnings": list(doc.warnings)}
    metadata = file_metadata(doc)
    if metadata:
        report["metadata"] = metadata
    return report


def file_metadata(doc) -> dict:
    """File Info's title, authors, keywords and copyright, those the document has."""
    info = document_info(doc)
    found = {"title": info.title, "authors": list(info.authors),
             "keywords": list(info.keywords), "copyright_notice": info.copyright_notice,
             "copyright_status": info.copyright_status if info.copyright_status != "unknown"
             else "", "copyright_url": info.copyright_url}
    return {key: value for key, value in found.items() if value}


_METADATA_LABELS = (("title", "title"), ("authors", "author"), ("keywords", "keywords"),
                    ("copyright_notice", "copyright"), ("copyright_status", "copyright status"),
                    ("copyright_url", "copyright info URL"))


def format_report(report: dict) -> str:
    layers = report["layers"]
    pixel = sum(1 for n in layers if n["kind"] == "pixel")
    groups = sum(1 for n in layers if n["kind"] == "group")
    fills = sum(1 for n in layers if n["kind"] == "fill")
    texts = sum(1 for n in layers if n["kind"] == "text")
    smart = sum(1 for n in layers if n["kind"] == "smartobject")
    adjusting = len(layers) - pixel - groups - fills - texts - smart
    lines = [f"{report['file']}: {report['width']}x{report['height']}, "
             f"{pixel} layer{'s' if pixel != 1 else ''}"
             + (f", {groups} group{'s' if groups != 1 else ''}" if groups else "")
             + (f", {adjusting} adjustment layer{'s' if adjusting != 1 else ''}"
                if adjusting else "")
             + (f", {fills} fill layer{'s' if fills != 1 else ''}" if fills else "")
             + (f", {texts} text layer{'s' if texts != 1 else ''}" if texts else "")
             + (f", {smart} smart object{'s' if smart != 1 else ''}" if smart else "")]
    for n in layers:
        indent = "  " * (len(n["group_path"]) + 1)
        flags = [] if n["visible"] else ["hidden"]
        if n["locked"]:
            flags.append("locked")
        for kind in n.get("locks", ()):
            flags.append(f"{LOCK_LABELS[kind].lower()} locked")
        if n.get("source_kind") == "adjustment":
            flags.append("adjustment from another program, kept but not drawn")
        elif n.get("source_kind"):
            flags.append(f"was {n['source_kind']}")
        if n.get("clipping"):
            flags.append("clipped to the layer below")
        mask = n.get("mask")
        if mask:
            flags.append(f"mask {mask['width']}x{mask['height']} at {mask['x']},{mask['y']}"
                         + ("" if mask["enabled"] else " disabled")
                         + ("" if mask["linked"] else " unlinked")
                         + (f" density {round(mask['density'] * 100 / 255)}%"
                            if mask["density"] < 255 else "")
                         + (f" feather {mask['feather']:g}px" if mask["feather"] else ""))
        board = n.get("artboard")
        if board:
            flags.append(f"artboard {board['width']}x{board['height']} at {board['x']},"
                         f"{board['y']}, background {board['background']}"
                         + (" ({}, {}, {})".format(*board["color"])
                            if board["background"] == "other" else ""))
        path = n.get("vector_mask")
        if path:
            flags.append(f"vector mask {path['width']}x{path['height']} at {path['x']},"
                         f"{path['y']}" + ("" if path["enabled"] else " disabled")
                         + ("" if path["linked"] else " unlinked")
                         + (" inverted" if path["inverted"] else ""))
        text = (f"{indent}{n['kind']:5}  {n['name']!r}  at {n['x']},{n['y']}  "
                f"{n['width']}x{n['height']}  opacity {n['opacity']}  {n['blend_mode']}")
        if flags:
            text += "  (" + ", ".join(flags) + ")"
        if n["group_path"]:
            text += "  in " + "/".join(n["group_path"])
        settings = n.get("adjustment") or n.get("fill")
        if settings:
            text += f"  {settings['label']}: {settings['description']}"
        if n.get("text"):
            text += f"  text {n['text']['text']!r}: {n['text']['description']}"
        if n.get("recipe"):
            text += "  recipe " + json.dumps(n["recipe"], ensure_ascii=False, sort_keys=True)
        lines.append(text)
    if report.get("resolution") is not None:  # (Image Size's Resolution, pixels per inch)
        lines.append(f"resolution: {report['resolution']:g} ppi")
    metadata = report.get("metadata") or {}
    for key, label in _METADATA_LABELS:
        if key in metadata:
            value = metadata[key]
            lines.append(f"{label}: {'; '.join(value) if isinstance(value, list) else value}")
    for warning in report["warnings"]:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)


# -- convert -----------------------------------------------------------------------------

def run_convert(args) -> int:
    doc = open_document(args.input)
    _print_warnings("convert", doc.warnings)
    write_document(doc, args.output, quality=args.quality)
    return 0


# -- new ---------------------------------------------------------------------------------

def run_new(args) -> int:
    if os.path.splitext(args.output)[1].lower() not in PSD_SUFFIXES:
        raise UserError(f"{args.output}: 'new' writes a .psd or .psb file.")
    width, height = parse_size(args.size)
    check_pixel_limit(args.output, width, height, pixel_limit(), "the new canvas")
    doc = Document(width, height)
    for spec in args.layer:
        path, x, y = parse_layer(spec)
        pixels = read_image(path)
        stem = os.path.splitext(os.path.basename(path))[0] or "Layer"
        doc.add_image(pixels, stem, x, y)
    save_document(doc, args.output)
    return 0


def parse_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    if not match or int(match[1]) <= 0 or int(match[2]) <= 0:
        raise UserError(f"--size '{text}' is not WIDTHxHEIGHT with positive numbers, e.g. 1920x1080.")
    return int(match[1]), int(match[2])


def parse_layer(spec: str) -> tuple[str, int | None, int | None]:
    """FILE or FILE@X,Y (a file whose own name ends like '@1,2' can be given as FILE@X,Y)."""
    match = _POSITION.match(spec)
    if match and not os.path.exists(spec):
        return match["file"], int(match["x"]), int(match["y"])
    return spec, None, None


def _print_warnings(verb: str, warnings: list[str]) -> None:
    for warning in warnings:
        print(f"layered {verb}: warning: {warning}", file=sys.stderr)
