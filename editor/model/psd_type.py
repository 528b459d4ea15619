"""Type layers in PSD files, both ways.

Reading: Photoshop's point text and paragraph text (text in a box: its one shape's
ShapeType 1 and BoxBounds) in one style become our text layer (`read_type`, from
the engine data in 'TySh'); so does Photoshop's path type, which 'TySh' calls a box, its
path and markers in the document's 'Txt2' text frame (`text_frame`); so does our own, which we write the same way, and whose
settings our XMP entry also keeps (`_make_text_layer` for a file whose 'TySh' is gone,
`_prefer_entry` for the exact family name when the two still agree).

Writing (`type_block`): each of our text layers gets a 'TySh' block (TypeToolObjectSetting)
as Photoshop writes for point or paragraph text, so Photoshop, Photopea and psd-tools see
a type layer: the transform is a translation to the anchor (point text: the first
baseline's start, middle or end, as `read_type` takes it; paragraph text: the box's
top-left corner, its box [0, 0, width, height] in the shape's BoxBounds and the layout
box 'bounds', as Photoshop writes them); the text descriptor holds 'Txt ', gridding, orientation,
anti-aliasing, the layout box ('bounds') and ink box ('boundingBox') about the anchor, the
layer's index among the type layers and the engine data: one paragraph run per line with
the alignment, indents and paragraph spaces (StartIndent, EndIndent, FirstLineIndent,
SpaceBefore, SpaceAfter), one style run (PostScript font name, size, colour, faux bold and
italic, tracking, leading or AutoLeading, kerning or AutoKerning, BaselineShift, the
scales, FontCaps, Underline, Strikethrough), Photoshop's grid and kinsoku defaults, the point-text shape and
the document resources with the font set; the warp descriptor holds Warp Text's style,
bend, distortions and orientation (text_warp.py), which `read_type` reads back. The layer's
pixels stay what we drew, which Photoshop shows until it renders the type itself. Our type
on a path is written as point text at its anchor (no 'Txt2'): its path lives in our XMP
entry only (`_prefer_entry` keeps it while the rest agrees).

Sizes: Photoshop's engine data keeps FontSize, Leading, BaselineShift and the paragraph
indents and spaces in pixels, the points times the document's resolution over 72, the
transform's scale applied on top (psd-tools' layer_effects.psd at 150 ppi: 62.5 for
30 pt, its ink 47-48 px tall in Photoshop's pixels, 49 in ours drawn anew; artboard.psd
at 300 ppi: 266.67 for 64 pt, 525 px and 527), which is what our settings keep: read and
written as they are, whatever the resolution (ResolutionInfo, `resolution.py`).
"""
from __future__ import annotations

import re

from . import text_warp
from .errors import DocumentError
from .layers import Layer
from .text_layer import (TextLayer, TextSettings, font_face, fonts_ready, installed_family,
                         layout)
from .text_path import TypePath, track


# The character styles Photoshop's text engine may set that decide how text is drawn:
# a text layer is ours only when one style holds for all its characters and we draw it.
_TYPE_STYLE_KEYS = ("Font", "FontSize", "FillColor", "FauxBold", "FauxItalic", "Tracking",
                    "AutoLeading", "Leading", "AutoKerning", "Kerning", "HorizontalScale",
                    "VerticalScale", "BaselineShift", "Underline", "Strikethrough",
                    "FontCaps")
# Photoshop's paragraph Justification: 0 left, 1 right, 2 centre, 3 justified with the
# last line left, 4 its last line right, 5 centred, 6 justified too (for point text,
# whose lines are each the last of a paragraph, 3..6 are all the same as left).
_JUSTIFICATION = {0: "left", 1: "right", 2: "center", 3: "justify", 4: "justify_right",
                  5: "justify_center", 6: "justify_all"}
# The paragraph run's indents and spaces (points) and our settings for them.
_PARAGRAPH_KEYS = {"StartIndent": "indent_left", "EndIndent": "indent_right",
                   "FirstLineIndent": "indent_first", "SpaceBefore": "space_before",
                   "SpaceAfter": "space_after"}
_CAPS = {0: "normal", 1: "small", 2: "all"}  # Photoshop's FontCaps


def read_type(item):
    """A Photoshop type layer as our text: (TextSettings, anchor) when it is point or
    paragraph text in one style and one paragraph setting we draw (font, size, colour,
    faux bold and italic, tracking, leading, kerning, baseline shift, scales, caps,
    underline, strikethrough, alignment, indents and paragraph spaces, Warp Text's
    styles (`read_warp`); not rotated or skewed); otherwise the reason it is not, in a few words. An Auto leading
    other than 120 % comes as the leading it makes. Its text
    is in the engine data ('TySh'), the size scaled by the layer's transform; the anchor
    is the transform's origin (the first baseline's start, middle or end)."""

    def value(v):
        return getattr(v, "value", v)

    try:
        engine, resources = item.engine_dict, item.resource_dict
        xx, xy, yx, yy, tx, ty = (float(v) for v in item.transform)
        text = str(item.text).replace("\r", "\n")
        shapes = engine["Rendered"]["Shapes"]["Children"]
        box = None
        if any(int(value(c["ShapeType"])) != 0 for c in shapes):
            cookie = shapes[0]["Cookie"]["Photoshop"] if len(shapes) == 1 else {}
            if int(value(cookie.get("ShapeType", -1))) != 1 or "BoxBounds" not in cookie:
                return "type on a path or in a shape"
            left, top, right, bottom = (float(value(v)) for v in cookie["BoxBounds"])
            box = (left, top, right, bottom)
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
        caps = int(value(style.get("FontCaps", 0)))
        if caps not in _CAPS:
            return "caps we do not draw"
        auto_leading = bool(value(style.get("AutoLeading", True)))
        runs = [dict(r["ParagraphSheet"]["Properties"])
                for r in engine["ParagraphRun"]["RunArray"]]
        paragraph = runs[0]
        justification = int(value(paragraph.get("Justification", 0)))
        align = _JUSTIFICATION.get(justification, "left")
        if len({tuple(repr(r.get(k)) for k in ("Justification", *_PARAGRAPH_KEYS))
                for r in runs}) > 1:
            return "several paragraph settings in one text"
        spaces = {ours: float(value(paragraph.get(key, 0.0))) * yy
                  for key, ours in _PARAGRAPH_KEYS.items()}
        leading = None if auto_leading else float(value(style["Leading"]))
        auto = float(value(paragraph.get("AutoLeading", 1.2)))
        if auto_leading and abs(auto - 1.2) > 1e-6:
            # An Auto leading other than our 120 % (Photoshop's Justification dialog): its
            # distance, set (drawn the same; written back as a set leading).
            leading = auto * float(value(style["FontSize"]))
        if box is not None:
            if justification not in _JUSTIFICATION:
                return "justified lines we do not draw"
        else:
            if align not in ("left", "center", "right"):
                align = "left"
            # (point text: indents and spaces are kept, drawn only once it is in a box)
        kerning = None if bool(value(style.get("AutoKerning", True))) else \
            int(value(style.get("Kerning", 0)))
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
            align=align, tracking=int(value(style.get("Tracking", 0))), postscript=postscript,
            box=None if box is None else ((box[2] - box[0]) * xx, (box[3] - box[1]) * yy),
            leading=None if leading is None else round(leading * yy, 3),
            kerning=kerning,
            baseline_shift=round(float(value(style.get("BaselineShift", 0.0))) * yy, 3),
            h_scale=round(float(value(style.get("HorizontalScale", 1.0))) * 100, 3),
            v_scale=round(float(value(style.get("VerticalScale", 1.0))) * 100, 3),
            caps=_CAPS[caps], underline=bool(value(style.get("Underline", False))),
            strikethrough=bool(value(style.get("Strikethrough", False))),
            **{k: round(v, 3) for k, v in spaces.items()})
        warp = read_warp(item)
        if isinstance(warp, str):
            return warp
        settings = settings.replace(**warp)
        frame = text_frame(item)
        if frame is not None:
            # Type on a path: Photoshop's engine data calls it a box; its path is the
            # document's 'Txt2' text frame's (`text_frame`), about the transform's origin.
            points, closed, start, end = frame
            ax, ay = round(tx), round(ty)
            path = TypePath.from_knots(points * (xx, yy) + (tx - ax, ty - ay), closed)
            length = track(path).length
            return settings.replace(box=None, path=path, path_start=start * length,
                                    path_end=end * length), (ax, ay)
        if box is not None:  # (the anchor: the box's top-left corner)
            return settings, (round(tx + box[0] * xx), round(ty + box[1] * yy))
        return settings, (round(tx), round(ty))
    except DocumentError as exc:  # (a size beyond ours)
        return str(exc).rstrip(".")
    except Exception:
        return "its type data could not be read"


def text_frame(item):
    """Photoshop's path for path type (CC's): the document's 'Txt2' engine data holds a
    text frame per type layer (ResourceDict 8, TextFrameSet, by the layer's TextIndex, as
    ag-psd reads it); a path type's (frame type 2) has a bezier curve (8 numbers per cubic: start, two
    handles, end, about the type's transform origin) and the text's range along it in
    fractions of its length: its start and end markers (glyphs beyond the end are not
    drawn: in ag-psd's text-path.psd, "some text" on a range to 0.33 shows "so"). Returns
    ((n, 3, 2) knots, whether it is closed, start and end fractions), or None (not path
    type, or no such data)."""
    import numpy as np

    try:
        blocks = item._psd._record.layer_and_mask_information.tagged_blocks
        from psd_tools.constants import Tag

        data = blocks.get_data(Tag.TEXT_ENGINE_DATA) if blocks is not None else None
        if data is None:
            return None
        index = int(getattr(item, "_data").text_data[b"TextIndex"])
        frame = data["0"]["8"]["0"][index]["0"]
        if int(frame["2"]["0"]) != 2:
            return None  # (1: a paragraph box's frame, its rectangle; point text has none)
        values = [float(v) for v in frame["1"]["0"]]
        start, end = (float(v) for v in frame["2"]["6"][:2])
    except Exception:  # (no frame, another layout of the data: not path type for us)
        return None
    if len(values) < 8 or len(values) % 8:
        return None
    curves = np.array(values, np.float64).reshape(-1, 4, 2)
    knots = [[curves[0, 0], curves[0, 0], curves[0, 1]]]
    for i, curve in enumerate(curves):
        after = curves[i + 1, 1] if i + 1 < len(curves) else curve[3]
        knots.append([curve[2], curve[3], after])
    knots = np.array(knots)
    closed = len(knots) > 2 and np.hypot(*(knots[-1, 1] - knots[0, 1])) < 1e-3
    if closed:
        # (back where it began: its first knot's incoming handle is the last curve's)
        knots[0, 0] = knots[-1, 0]
        knots = knots[:-1]
    return knots, bool(closed), max(0.0, min(1.0, start)), max(0.0, min(1.0, end))


def read_warp(item):
    """A type layer's Warp Text from its 'TySh' warp descriptor as our settings' warp_*
    values (bend and distortions in percent, as Photoshop stores them); a style we do
    not draw (Photoshop's Cylinder, a custom warp) as its reason, in a few words."""
    warp = getattr(item, "warp", None)
    if not warp:
        return {}

    def value(key, default=0.0):
        v = warp.get(key, default)
        return float(getattr(v, "value", v))

    style = warp.get(b"warpStyle")
    code = getattr(style, "enum", style)
    code = code.decode("latin-1") if isinstance(code, bytes) else str(code or "warpNone")
    names = {v: k for k, v in text_warp.PSD_STYLES.items()}
    if code not in names:
        return f"a {code} warp"
    rotate = warp.get(b"warpRotate")
    rotate = getattr(rotate, "enum", rotate)
    return {"warp_style": names[code], "warp_bend": round(value(b"warpValue"), 3),
            "warp_h": round(value(b"warpPerspective"), 3),
            "warp_v": round(value(b"warpPerspectiveOther"), 3),
            "warp_vertical": rotate in (b"Vrtc", "Vrtc")}


def font_family(postscript: str) -> tuple[str, bool, bool]:
    """A font family name, bold and italic from a PostScript font name (Photoshop's):
    "ArialMT" -> Arial, "TimesNewRomanPS-BoldItalicMT" -> Times New Roman bold italic,
    "MyriadPro-Regular" -> Myriad Pro, "DejaVuSans" -> DejaVu Sans (an installed family,
    when there is an application to ask: `fonts_ready`). Qt finds the family or its
    nearest substitute."""
    base = postscript.partition("-")[0]
    for suffix in ("PSMT", "MT", "PS"):
        if base.endswith(suffix) and len(base) > len(suffix):
            base = base[:-len(suffix)]
            break
    # An installed family with that name but spaces ("DejaVuSans" -> "DejaVu Sans"), or
    # spaces between words ("TimesNewRoman" -> "Times New Roman") for Qt to substitute.
    family = installed_family(base) or re.sub(r"(?<=[a-z])(?=[A-Z])", " ", base)
    return (family, *_name_style(postscript))


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


def _prefer_entry(node: TextLayer, entry: dict) -> None:
    """Our XMP entry's settings for a text layer read from its 'TySh' when the two agree
    on all the engine data holds (text, size, colour, style, alignment, tracking, box): the
    entry keeps the family name as chosen, the engine data a PostScript name. When they
    disagree the type was edited in another program, which kept our packet as it was:
    its 'TySh' wins. The anchor is the 'TySh' transform's either way."""
    try:
        ours = TextSettings.from_dict(entry)
    except (TypeError, ValueError, DocumentError):
        return
    theirs = node.type_settings
    # (the size as read is the engine's times the transform's scale, rounded)
    same_size = abs(ours.size - theirs.size) <= 1e-3
    # (a paragraph box likewise: the engine data's numbers are rounded)
    same_box = (ours.box is None) == (theirs.box is None) and (
        ours.box is None or max(abs(a - b) for a, b in zip(ours.box, theirs.box)) <= 1e-2)
    # (type on a path: the engine data we write holds its text as point text at the same
    # anchor; the path, our entry's alone, is kept while the rest agrees)
    if same_size and same_box and ours.replace(size=theirs.size, font=theirs.font,
                                               postscript=theirs.postscript,
                                               box=theirs.box, path=None,
                                               path_start=0.0) == theirs:
        # (the PostScript name kept: the one we wrote for that family, written again)
        node.type_settings = ours.replace(postscript=theirs.postscript)


# -- writing ------------------------------------------------------------------------------

# Photoshop's kinsoku (line-breaking) sets for Japanese, as it writes them in every file.
_KINSOKU = (
    ("PhotoshopKinsokuHard",
     "\u3001\u3002\uff0c\uff0e\u30fb\uff1a\uff1b\uff1f\uff01\u30fc\u2015\u2019\u201d"
     "\uff09\u3015\uff3d\uff5d\u3009\u300b\u300d\u300f\u3011\u30fd\u30fe\u309d\u309e"
     "\u3005\u3041\u3043\u3045\u3047\u3049\u3063\u3083\u3085\u3087\u308e\u30a1\u30a3"
     "\u30a5\u30a7\u30a9\u30c3\u30e3\u30e5\u30e7\u30ee\u30f5\u30f6\u309b\u309c?!)]},.:;"
     "\u2103\u2109\u00a2\uff05\u2030",
     "\u2018\u201c\uff08\u3014\uff3b\uff5b\u3008\u300a\u300c\u300e\u3010([{\uffe5\uff04"
     "\u00a3\uff20\u00a7\u3012\uff03"),
    ("PhotoshopKinsokuSoft",
     "\u3001\u3002\uff0c\uff0e\u30fb\uff1a\uff1b\uff1f\uff01\u2019\u201d\uff09\u3015"
     "\uff3d\uff5d\u3009\u300b\u300d\u300f\u3011\u30fd\u30fe\u309d\u309e\u3005",
     "\u2018\u201c\uff08\u3014\uff3b\uff5b\u3008\u300a\u300c\u300e\u3010"),
)
_JUSTIFICATION_CODES = {v: k for k, v in _JUSTIFICATION.items()}
_SMOOTH = 3  # Photoshop's anti-aliasing Smooth ('AnSm'): 0 none, 1 crisp, 2 strong, 4 sharp


def type_block(layer: TextLayer, index: int):
    """The 'TySh' tagged block that makes `layer` a type layer for Photoshop and the
    programs that read its type (psd-tools, Photopea): point text at the layer's anchor.
    `index` is its place among the document's type layers, bottom first ('TextIndex')."""
    from psd_tools.constants import Tag
    from psd_tools.terminology import Unit
    from psd_tools.psd.descriptor import (Descriptor, DescriptorBlock, Double, Enumerated,
                                          Integer, RawData, String, UnitFloat)
    from psd_tools.psd.tagged_blocks import TaggedBlock, TypeToolObjectSetting

    settings = layer.type_settings
    text = settings.text.replace("\n", "\r")
    data = DescriptorBlock(classID=b"TxLr", name="\x00")
    data[b"Txt "] = String(text + "\x00")  # (Photoshop's strings end in a null)
    data[b"textGridding"] = Enumerated(b"textGridding", b"None")
    data[b"Ornt"] = Enumerated(b"Ornt", b"Hrzn")
    data[b"AntA"] = Enumerated(b"Annt", b"AnSm")

    def box(class_id: bytes, left: float, top: float, right: float, bottom: float):
        out = Descriptor(classID=class_id, name="\x00")
        for key, value in ((b"Left", left), (b"Top ", top), (b"Rght", right), (b"Btom", bottom)):
            out[key] = UnitFloat(unit=Unit.Pixels, value=float(value))
        return out

    ox, oy = layer.origin  # the ink box: the pixels we drew, cropped to their ink
    ink = (-ox, -oy, layer.width - ox, layer.height - oy)
    if settings.box is not None:  # paragraph text: its box (Photoshop's)
        data[b"bounds"] = box(b"bounds", 0.0, 0.0, *settings.box)
    elif fonts_ready():  # the advance box, about the anchor (Photoshop's own lays it out anew)
        lines = layout(settings)
        data[b"bounds"] = box(b"bounds", min(line.x for line in lines),
                              -lines[0].ascent, max(line.x + line.width for line in lines),
                              lines[-1].baseline + lines[-1].descent)
    else:  # (no application to ask for the font's metrics: the ink's box)
        data[b"bounds"] = box(b"bounds", *ink)
    data[b"boundingBox"] = box(b"boundingBox", *ink)
    data[b"TextIndex"] = Integer(index)
    data[b"EngineData"] = RawData(_engine_data(settings, text))
    warp = DescriptorBlock(classID=b"warp", name="\x00")  # Warp Text's (text_warp.py)
    warp[b"warpStyle"] = Enumerated(b"warpStyle",
                                    text_warp.PSD_STYLES[settings.warp_style].encode())
    for key, value in ((b"warpValue", settings.warp_bend), (b"warpPerspective", settings.warp_h),
                       (b"warpPerspectiveOther", settings.warp_v)):
        warp[key] = Double(float(value))
    warp[b"warpRotate"] = Enumerated(b"Ornt", b"Vrtc" if settings.warp_vertical else b"Hrzn")
    ax, ay = layer.anchor()
    setting = TypeToolObjectSetting(
        version=1, transform=(1.0, 0.0, 0.0, 1.0, float(ax), float(ay)), text_version=50,
        text_data=data, warp_version=1, warp=warp)  # (its edges: 0, as Photoshop's are)
    return TaggedBlock(key=Tag.TYPE_TOOL_OBJECT_SETTING, data=setting)


def _postscript(settings: TextSettings) -> tuple[str, bool, bool]:
    """The PostScript name to write and the faux bold and italic beside it: the name read
    from the file while it still fits; else the name of the face Qt draws with; else (a
    family Qt substitutes, or no application to ask) the family's name without spaces,
    the style faux."""
    def fits(name: str):
        """`name` and the faux styles beside it; None if it names a style not asked for."""
        bold, italic = _name_style(name)
        if not name or bold > settings.bold or italic > settings.italic:
            return None
        return name, settings.bold and not bold, settings.italic and not italic

    found = fits(settings.postscript or "")
    if found is None and fonts_ready():  # (without an application: the family's name)
        found = fits(font_face(settings)[0] or "")
    return found or (settings.font.replace(" ", ""), settings.bold, settings.italic)


def _name_style(postscript: str) -> tuple[bool, bool]:
    """Bold and italic as a PostScript name's style part says ("Arial-BoldItalicMT")."""
    style = postscript.partition("-")[2].lower()
    return (any(w in style for w in ("bold", "black", "heavy")),
            any(w in style for w in ("italic", "oblique")))


def _engine_data(settings: TextSettings, text: str):
    """Photoshop's engine data for point or paragraph text in one style (what `read_type`
    reads)."""
    from psd_tools.psd.engine_data import EngineData

    def units(s: str) -> int:  # the engine counts UTF-16 code units
        return len(s.encode("utf-16-le")) // 2

    postscript, faux_bold, faux_italic = _postscript(settings)
    paragraph = {
        "Justification": _JUSTIFICATION_CODES[settings.align],
        "FirstLineIndent": settings.indent_first, "StartIndent": settings.indent_left,
        "EndIndent": settings.indent_right, "SpaceBefore": settings.space_before,
        "SpaceAfter": settings.space_after,
        "AutoHyphenate": False, "HyphenatedWordSize": 6, "PreHyphen": 2, "PostHyphen": 2,
        "ConsecutiveHyphens": 8, "Zone": 36.0, "WordSpacing": [0.8, 1.0, 1.33],
        "LetterSpacing": [0.0, 0.0, 0.0], "GlyphSpacing": [1.0, 1.0, 1.0],
        "AutoLeading": 1.2, "LeadingType": 0, "Hanging": False, "Burasagari": False,
        "KinsokuOrder": 0, "EveryLineComposer": False}
    adjustments = {"Axis": [1.0, 0.0, 1.0], "XY": [0.0, 0.0]}
    style = {
        "Font": 0, "FontSize": float(settings.size), "FauxBold": faux_bold,
        "FauxItalic": faux_italic, "AutoLeading": settings.leading is None,
        "Leading": float(settings.leading or 0.0),
        "HorizontalScale": settings.h_scale / 100.0, "VerticalScale": settings.v_scale / 100.0,
        "Tracking": settings.tracking, "AutoKerning": settings.kerning is None,
        "Kerning": int(settings.kerning or 0), "BaselineShift": float(settings.baseline_shift),
        "FontCaps": {v: k for k, v in _CAPS.items()}[settings.caps], "FontBaseline": 0,
        "Underline": settings.underline, "Strikethrough": settings.strikethrough,
        "Ligatures": True,
        "DLigatures": False, "BaselineDirection": 2, "Tsume": 0.0, "StyleRunAlignment": 2,
        "Language": 0, "NoBreak": False,
        "FillColor": {"Type": 1, "Values": [1.0] + [c / 255.0 for c in settings.color]},
        "StrokeColor": {"Type": 1, "Values": [1.0, 0.0, 0.0, 0.0]},
        "FillFlag": True, "StrokeFlag": False, "FillFirst": True, "YUnderline": 1,
        "OutlineWidth": 1.0, "CharacterDirection": 0, "HindiNumbers": False, "Kashida": 1,
        "DiacriticPos": 2}
    # The engine's text ends in a carriage return, which the last run counts; each line
    # is a paragraph, with its own run (as Photoshop writes them).
    paragraphs = [units(line) + 1 for line in text.split("\r")]
    shape = 0 if settings.box is None else 1  # point text, or text in a box
    cookie = {"ShapeType": shape}
    if settings.box is None:
        cookie["PointBase"] = [0.0, 0.0]
    else:
        cookie["BoxBounds"] = [0.0, 0.0, float(settings.box[0]), float(settings.box[1])]
    cookie["Base"] = {"ShapeType": shape, "TransformPoint0": [1.0, 0.0],
                      "TransformPoint1": [0.0, 1.0], "TransformPoint2": [0.0, 0.0]}
    grid_colour = {"Type": 1, "Values": [0.0, 0.0, 0.0, 1.0]}
    resources = {
        "KinsokuSet": [{"Name": name, "NoStart": start, "NoEnd": end,
                        "Keep": "\u2015\u2025", "Hanging": "\u3001\u3002.,"}
                       for name, start, end in _KINSOKU],
        "MojiKumiSet": [{"InternalName": f"Photoshop6MojiKumiSet{i}"} for i in range(1, 5)],
        "TheNormalStyleSheet": 0, "TheNormalParagraphSheet": 0,
        "ParagraphSheetSet": [{"Name": "Normal RGB", "DefaultStyleSheet": 0,
                               "Properties": dict(paragraph, Justification=0,
                                                  **{k: 0.0 for k in _PARAGRAPH_KEYS})}],
        "StyleSheetSet": [{"Name": "Normal RGB", "StyleSheetData": dict(
            style, FontSize=12.0, FauxBold=False, FauxItalic=False, Tracking=0,
            AutoLeading=True, Leading=0.0, HorizontalScale=1.0, VerticalScale=1.0,
            AutoKerning=True, Kerning=0, BaselineShift=0.0, FontCaps=0, Underline=False,
            Strikethrough=False, FillColor={"Type": 1, "Values": [1.0, 0.0, 0.0, 0.0]})}],
        "FontSet": [{"Name": postscript, "Script": 0, "FontType": 1, "Synthetic": 0},
                    {"Name": "AdobeInvisFont", "Script": 0, "FontType": 0, "Synthetic": 0}],
        "SuperscriptSize": 0.583, "SuperscriptPosition": 0.333, "SubscriptSize": 0.583,
        "SubscriptPosition": 0.333, "SmallCapSize": 0.7}
    engine = {
        "EngineDict": {
            "Editor": {"Text": text + "\r"},
            "ParagraphRun": {
                "DefaultRunData": {"ParagraphSheet": {"DefaultStyleSheet": 0, "Properties": {}},
                                   "Adjustments": adjustments},
                "RunArray": [{"ParagraphSheet": {"DefaultStyleSheet": 0,
                                                 "Properties": paragraph},
                              "Adjustments": adjustments} for _ in paragraphs],
                "RunLengthArray": paragraphs, "IsJoinable": 1},
            "StyleRun": {
                "DefaultRunData": {"StyleSheet": {"StyleSheetData": {}}},
                "RunArray": [{"StyleSheet": {"StyleSheetData": style}}],
                "RunLengthArray": [units(text) + 1], "IsJoinable": 2},
            "GridInfo": {"GridIsOn": False, "ShowGrid": False, "GridSize": 18.0,
                         "GridLeading": 22.0, "GridColor": grid_colour,
                         "GridLeadingFillColor": grid_colour,
                         "AlignLineHeightToGridFlags": False},
            "AntiAlias": _SMOOTH, "UseFractionalGlyphWidths": True,
            "Rendered": {"Version": 1, "Shapes": {"WritingDirection": 0, "Children": [{
                "ShapeType": shape, "Procession": 0,
                "Lines": {"WritingDirection": 0, "Children": []},
                "Cookie": {"Photoshop": cookie}}]}}},
        "ResourceDict": resources,
        "DocumentResources": resources}
    return _engine_value(engine, EngineData)


def _engine_value(value, dict_type=None):
    """psd-tools' engine data elements for plain Python values (dicts keep their order)."""
    from psd_tools.psd import engine_data as ed

    if isinstance(value, dict):
        out = (dict_type or ed.Dict)()
        for key, item in value.items():
            out[key] = _engine_value(item)
        return out
    if isinstance(value, list):
        return ed.List([_engine_value(item) for item in value])
    if isinstance(value, bool):  # (before int: a bool is an int)
        return ed.Bool(value)
    if isinstance(value, int):
        return ed.Integer(value)
    if isinstance(value, float):
        return ed.Float(value)
    return ed.String(str(value))
