"""Type layers in PSD files: Photoshop's point text in one style as our text layer
(`read_type`, from the engine data in 'TySh'), and our own text layers, written as pixels,
brought back from the settings our XMP entry keeps (`_make_text_layer`).
"""
from __future__ import annotations

import re

from .errors import DocumentError
from .layers import Layer
from .text_layer import TextLayer, TextSettings


# The character styles Photoshop's text engine may set that decide how text is drawn:
# a text layer is ours only when one style holds for all its characters and we draw it.
_TYPE_STYLE_KEYS = ("Font", "FontSize", "FillColor", "FauxBold", "FauxItalic", "Tracking",
                    "AutoLeading", "HorizontalScale", "VerticalScale", "BaselineShift",
                    "Underline", "Strikethrough", "FontCaps")
# Photoshop's paragraph Justification: 0 left, 1 right, 2 centre (3..6: justified lines,
# the same as left for the last, and only, line of point text).
_JUSTIFICATION = {0: "left", 1: "right", 2: "center"}


def read_type(item):
    """A Photoshop type layer as our text: (TextSettings, anchor) when it is point text in
    one style we draw (font, size, colour, faux bold and italic, tracking, alignment; not
    rotated, skewed or warped); otherwise the reason it is not, in a few words. Its text
    is in the engine data ('TySh'), the size scaled by the layer's transform; the anchor
    is the transform's origin (the first baseline's start, middle or end)."""

    def value(v):
        return getattr(v, "value", v)

    try:
        engine, resources = item.engine_dict, item.resource_dict
        xx, xy, yx, yy, tx, ty = (float(v) for v in item.transform)
        text = str(item.text).replace("\r", "\n")
        shapes = engine["Rendered"]["Shapes"]["Children"]
        if any(int(value(c["ShapeType"])) != 0 for c in shapes):
            return "paragraph text in a box"
        if abs(xy) > 1e-6 or abs(yx) > 1e-6 or abs(xx - yy) > 1e-6 or yy <= 0:
            return "rotated or scaled type"
        normal = resources["StyleSheetSet"][int(value(resources["TheNormalStyleSheet"]))]
        defaults = dict(normal["StyleSheetData"])
        styles = []
        lengths = [int(value(n)) for n in engine["StyleRun"]["RunLengthArray"]]
        for length, run in zip(lengths, engine["StyleRun"]["RunArray"]):
            style = {**defaults, **dict(run["StyleSheet"]["StyleSheetData"])}
            if length:
                styles.append(tuple(repr(style.get(k)) for k in _TYPE_STYLE_KEYS))
        if len(set(styles)) > 1:
            return "several styles in one text"
        style = {**defaults, **dict(engine["StyleRun"]["RunArray"][0]["StyleSheet"]
                                    ["StyleSheetData"])}
        for key, plain in (("HorizontalScale", 1.0), ("VerticalScale", 1.0),
                           ("BaselineShift", 0.0), ("FontCaps", 0)):
            if key in style and abs(float(value(style[key])) - plain) > 1e-6:
                return "character scaling, baseline shift or caps"
        if any(bool(value(style.get(k, False))) for k in ("Underline", "Strikethrough")):
            return "underlined or struck-through text"
        if not bool(value(style.get("AutoLeading", True))) and "\n" in text.rstrip("\n"):
            return "set leading"
        paragraph = engine["ParagraphRun"]["RunArray"][0]["ParagraphSheet"]["Properties"]
        align = _JUSTIFICATION.get(int(value(paragraph.get("Justification", 0))), "left")
        color = style.get("FillColor")
        argb = [float(value(v)) for v in color["Values"]] if color is not None else [1, 0, 0, 0]
        postscript = str(value(resources["FontSet"][int(value(style["Font"]))]["Name"]))
        family, bold, italic = font_family(postscript)
        settings = TextSettings(
            text=text[:-1] if text.endswith("\n") else text, font=family,
            size=round(float(value(style["FontSize"])) * yy, 3),
            color=tuple(round(min(1.0, max(0.0, c)) * 255) for c in argb[1:4]),
            bold=bold or bool(value(style.get("FauxBold", False))),
            italic=italic or bool(value(style.get("FauxItalic", False))),
            align=align, tracking=int(value(style.get("Tracking", 0))), postscript=postscript)
        return settings, (round(tx), round(ty))
    except DocumentError as exc:  # (a size beyond ours)
        return str(exc).rstrip(".")
    except Exception:
        return "its type data could not be read"


def font_family(postscript: str) -> tuple[str, bool, bool]:
    """A font family name, bold and italic from a PostScript font name (Photoshop's):
    "ArialMT" -> Arial, "TimesNewRomanPS-BoldItalicMT" -> Times New Roman bold italic,
    "MyriadPro-Regular" -> Myriad Pro. Qt finds the family or its nearest substitute."""
    base, _, style = postscript.partition("-")
    for suffix in ("PSMT", "MT", "PS"):
        if base.endswith(suffix) and len(base) > len(suffix):
            base = base[:-len(suffix)]
            break
    family = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", base)
    style = style.lower()
    return (family, any(w in style for w in ("bold", "black", "heavy")),
            any(w in style for w in ("italic", "oblique")))


def _make_text_layer(node: Layer, entry: dict) -> None:
    """Puts a text layer in the place of pixel layer `node` (its pixels as stored, drawn
    anew only when edited) from the settings our XMP entry keeps; a malformed entry
    leaves the pixel layer."""
    try:
        settings = TextSettings.from_dict(entry)
        ox, oy = (int(v) for v in entry.get("origin", (0, 0)))
    except (TypeError, ValueError, DocumentError):
        return
    text = TextLayer(node.name, settings, None, node.x, node.y, (ox, oy),
                     visible=node.visible, opacity=node.opacity, blend_mode=node.blend_mode,
                     locked=node.locked, recipe=node.recipe)
    text.pixels = node.pixels  # as read (a placeholder when not decoded: kept as it is)
    node._copy_extras(text, share=True)
    parent = node.parent
    parent.children[parent.children.index(node)] = text
    text.parent, node.parent = parent, None
