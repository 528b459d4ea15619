"""Our text layers in a PSD are type layers ('TySh', as Photoshop writes point text): psd-tools
reads their text, font, size, colour, style, tracking, alignment and anchor; Layered reads
them back from that block alone (our XMP entry removed, as a program that drops unknown
metadata would), and when both are there, which of the two wins."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import Document
from editor.model.files import open_document, write_document
from editor.model.text_layer import TextLayer, TextSettings, add_text

# (settings, anchor): several lines, accents, CJK, each alignment, the styles, tracking,
# a size in fractions, a family Qt substitutes (Arial: drawn as Liberation Sans here).
TEXTS = [
    (TextSettings("Héllo wörld\nÇa va?", "DejaVu Sans", 24.5, (200, 30, 60), bold=True,
                  align="left", tracking=50), (20, 40)),
    (TextSettings("日本語のテキスト\n中文", "DejaVu Sans", 18.0, (0, 128, 255),
                  align="center"), (200, 120)),
    (TextSettings("Right\naligned\nthree", "Liberation Serif", 30.0, (10, 20, 30),
                  italic=True, align="right", tracking=-20), (380, 160)),
    (TextSettings("Both (styles) \\ here", "DejaVu Sans", 12.25, (255, 255, 255), bold=True,
                  italic=True), (30, 260)),
    (TextSettings("Substituted", "Arial", 20.0, (0, 0, 0), bold=True, align="center"),
     (200, 280)),
    # characters whose UTF-16 bytes are the engine data's own brackets, slash and line
    # breaks (U+4E0A, U+4E0D, U+4E28, U+4E29, U+4E5C, U+4E2F), and one beyond 16 bits
    (TextSettings("\u4e0a\u4e0d\u4e28\u4e29\u4e5c\u4e2f \U0001f600 <</x>>", "DejaVu Sans",
                  16.0, (9, 99, 199)), (20, 200)),
]
# The PostScript names written: the face Qt draws with, or (a family Qt substitutes) the
# family's name without spaces, its style faux.
POSTSCRIPT = ["DejaVuSans-Bold", "DejaVuSans", "LiberationSerif-Italic",
              "DejaVuSans-BoldOblique", "Arial", "DejaVuSans"]
FAUX = [(False, False)] * 4 + [(True, False), (False, False)]


def units(text: str) -> int:
    """Its length as Photoshop's engine counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def saved(tmp_path, texts=TEXTS):
    doc = Document(400, 300)
    layers = [add_text(doc, settings, anchor) for settings, anchor in texts]
    path = str(tmp_path / "type.psd")
    write_document(doc, path)
    return doc, layers, path


def without_our_xmp(path, out):
    """The file as psd-tools writes it back without our XMP packet (its 'TySh' blocks
    parsed and written again by psd-tools)."""
    from psd_tools import PSDImage
    from psd_tools.constants import Resource

    psd = PSDImage.open(path)
    del psd.image_resources[Resource.XMP_METADATA]
    psd.save(out)
    return out


def text_layers(doc):
    return [n for n in doc.layers() if isinstance(n, TextLayer)]


def test_psd_tools_sees_type_layers(qapp, tmp_path):
    from psd_tools import PSDImage

    _, layers, path = saved(tmp_path)
    items = list(PSDImage.open(path).descendants())
    assert [i.kind for i in items] == ["type"] * len(TEXTS)
    for item, layer, (settings, anchor), name, faux in zip(items, layers, TEXTS, POSTSCRIPT,
                                                             FAUX):
        assert item.text == settings.text.replace("\n", "\r")
        assert item.transform == (1.0, 0.0, 0.0, 1.0, *map(float, anchor))
        box = layer.bounds()
        assert item.bbox == (box.x, box.y, box.x1, box.y1)
        # the pixels are ours, as drawn
        assert np.array_equal(np.asarray(item.topil().convert("RGBA")), layer.pixels)
        engine = item.engine_dict
        assert engine["Editor"]["Text"] == settings.text.replace("\n", "\r") + "\r"
        (run,) = engine["StyleRun"]["RunArray"]
        style = run["StyleSheet"]["StyleSheetData"]
        assert style["FontSize"] == settings.size
        assert [round(float(v) * 255) for v in style["FillColor"]["Values"]] == \
            [255, *settings.color]
        assert (style["FauxBold"], style["FauxItalic"]) == faux
        assert style["Tracking"] == settings.tracking
        assert item.resource_dict["FontSet"][int(style["Font"])]["Name"] == name
        assert item.document_resources["FontSet"][int(style["Font"])]["Name"] == name
        # one paragraph per line, the runs' lengths covering the text and its final return
        lengths = [int(n) for n in engine["ParagraphRun"]["RunLengthArray"]]
        assert lengths == [units(line) + 1 for line in settings.lines()]
        assert [int(n) for n in engine["StyleRun"]["RunLengthArray"]] == \
            [units(settings.text) + 1]
        justification = {"left": 0, "right": 1, "center": 2}[settings.align]
        for paragraph in engine["ParagraphRun"]["RunArray"]:
            assert paragraph["ParagraphSheet"]["Properties"]["Justification"] == justification
        shape = engine["Rendered"]["Shapes"]["Children"][0]
        assert shape["ShapeType"] == 0  # point text, not text in a box
        assert item.warp[b"warpStyle"].enum == b"warpNone"
        # psd-tools' structured view of the same: a paragraph per line, one style
        typesetting = item.typesetting
        assert [p.text.rstrip("\r") for p in typesetting.paragraphs] == settings.lines()
        assert {p.style.justification.name.lower() for p in typesetting.paragraphs} == \
            {settings.align}
        styles = {(r.style.font_name, r.style.font_size, r.style.faux_bold,
                   r.style.faux_italic, r.style.tracking)
                  for p in typesetting.paragraphs for r in p.runs}
        assert styles == {(name, settings.size, *faux, settings.tracking)}


def test_text_comes_back_from_tysh_alone(qapp, tmp_path):
    """Without our XMP entry the file opens with the same text layers: text, family, size,
    colour, style, alignment, tracking and anchor from the 'TySh' blocks, pixels as
    saved."""
    _, layers, path = saved(tmp_path)
    bare = without_our_xmp(path, str(tmp_path / "bare.psd"))
    doc = open_document(bare)
    again = text_layers(doc)
    assert len(again) == len(layers)
    for layer, other in zip(layers, again):
        assert other.type_settings == layer.type_settings, other.type_settings
        assert other.anchor() == layer.anchor()
        assert (other.x, other.y) == (layer.x, layer.y)
        assert np.array_equal(other.pixels, layer.pixels)
    assert not any("text" in w for w in doc.warnings), doc.warnings
    # with the packet, the same
    assert [t.type_settings for t in text_layers(open_document(path))] == \
        [t.type_settings for t in layers]


def test_which_wins_our_entry_or_the_type_block(qapp, tmp_path):
    """Both agree: our entry gives the family's name as chosen (the engine data holds a
    PostScript name only). The type edited elsewhere (our packet kept as it was, as
    Photoshop keeps it): the 'TySh' wins."""
    from psd_tools import PSDImage
    from psd_tools.constants import Tag
    from psd_tools.psd.descriptor import String
    from psd_tools.psd.engine_data import Float

    settings = TextSettings("Noto text", "Noto Sans CJK JP", 20.0, (1, 2, 3))
    _, (layer,), path = saved(tmp_path, [(settings, (50, 60))])
    assert text_layers(open_document(path))[0].type_settings.font == "Noto Sans CJK JP"
    # TySh alone: the family from the PostScript name (not installed here: words split)
    bare = without_our_xmp(path, str(tmp_path / "bare.psd"))
    (alone,) = text_layers(open_document(bare))
    assert alone.type_settings.font != "Noto Sans CJK JP"
    assert alone.type_settings == settings.replace(font=alone.type_settings.font)
    # edited in "another program": new text and size in its type block, our packet as was
    psd = PSDImage.open(path)
    (item,) = list(psd.descendants())
    block = item.tagged_blocks.get_data(Tag.TYPE_TOOL_OBJECT_SETTING)
    block.text_data[b"Txt "] = String("Edited\x00")
    item.engine_dict["StyleRun"]["RunArray"][0]["StyleSheet"]["StyleSheetData"][
        "FontSize"] = Float(30.0)
    psd.save(str(tmp_path / "edited.psd"))
    (edited,) = text_layers(open_document(str(tmp_path / "edited.psd")))
    assert edited.type_settings.text == "Edited" and edited.type_settings.size == 30.0


@pytest.mark.parametrize("align", ["left", "center", "right"])
def test_anchor_and_bounds_about_it(qapp, tmp_path, align):
    """The transform's origin is the anchor (first baseline's start, middle or end); the
    'bounds' box (the line's advance) lies about it as the alignment says, the
    'boundingBox' is the pixels' box about it."""
    from psd_tools import PSDImage
    from psd_tools.constants import Tag

    settings = TextSettings("Wide line\nx", size=40.0, align=align)
    _, (layer,), path = saved(tmp_path, [(settings, (200, 100))])
    (item,) = list(PSDImage.open(path).descendants())
    data = item.tagged_blocks.get_data(Tag.TYPE_TOOL_OBJECT_SETTING).text_data
    bounds = {k: float(v) for k, v in data[b"bounds"].items()}
    left, right = bounds[b"Left"], bounds[b"Rght"]
    assert right - left > 100
    expected = {"left": (0.0, None), "center": (None, None), "right": (None, 0.0)}[align]
    if align == "center":
        assert abs(left + right) < 1e-6
    elif align == "left":
        assert left == expected[0]
    else:
        assert right == expected[1]
    assert -50 < bounds[b"Top "] < -30 and bounds[b"Btom"] > 40  # ascent; 2nd line below
    ink = {k: float(v) for k, v in data[b"boundingBox"].items()}
    assert (ink[b"Left"] + 200, ink[b"Top "] + 100, ink[b"Rght"] + 200, ink[b"Btom"] + 100) == \
        (layer.x, layer.y, layer.x + layer.width, layer.y + layer.height)


def test_opening_and_saving_make_no_qt_application(qapp, tmp_path):
    """A verb that opens and saves a PSD with type (no text drawn) neither imports PySide6
    to read it nor makes a Qt application to write it (one made there would stand in the
    way of a QApplication made later in the process); the file it writes names the same
    fonts, and opens with the same text layers."""
    import os
    import subprocess
    import sys

    from psd_tools import PSDImage

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    _, layers, path = saved(tmp_path)
    again = str(tmp_path / "again.psd")
    code = (
        "import sys\n"
        "from editor.model.files import open_document, write_document\n"
        "doc = open_document(sys.argv[1])\n"
        "assert 'PySide6.QtGui' not in sys.modules\n"
        "write_document(doc, sys.argv[2])\n"
        "from PySide6 import QtGui\n"
        "assert QtGui.QGuiApplication.instance() is None\n")
    out = subprocess.run([sys.executable, "-c", code, path, again], cwd=root,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    items = list(PSDImage.open(again).descendants())
    names = []
    for item in items:
        style = item.engine_dict["StyleRun"]["RunArray"][0]["StyleSheet"]["StyleSheetData"]
        names.append(item.resource_dict["FontSet"][int(style["Font"])]["Name"].value)
    assert names == POSTSCRIPT
    assert [t.type_settings for t in text_layers(open_document(again))] == \
        [t.type_settings for t in layers]
