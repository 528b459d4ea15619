"""Smart filters in PSD files as Photoshop keeps them ('filterFX' in a smart object's 'SoLd',
`psd_smart_filters`): a Photoshop-saved file's Gaussian Blur read and drawn as Photoshop drew
it; ours written so that psd-tools reads Photoshop's keys and read back from them alone; a
filter with no Photoshop form here writes none; a Photoshop filter we do not read keeps the
object as pixels, saying why."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from psd_tools import PSDImage

from editor.model import Document
from editor.model import more_filters as mf
from editor.model import smart_object as so
from editor.model.files import open_document, save_document
from editor.model.smart_filters import SmartFilter, shown
from editor.model.smart_object import SmartContents, SmartObjectLayer

from _documents import on_canvas, photoshop_form_only

PHOTOSHOP_FILE = Path(__file__).parent / "ag_psd_files" / "smart-filter-blur.psd"


def test_photoshops_gaussian_blur_is_read_and_drawn_as_photoshop_drew_it():
    doc = open_document(str(PHOTOSHOP_FILE))
    (layer,) = doc.layers()
    assert isinstance(layer, SmartObjectLayer) and not doc.warnings
    blur, curves = layer.filters
    assert blur.op == mf.FILTERS["gaussian_blur"](3.5) and blur.visible and blur.opacity == 1.0
    assert curves.op.settings.is_identity()
    stored = on_canvas(layer.pixels.astype(float), layer.x, layer.y, doc.width, doc.height)

    def error(filters) -> float:
        pixels, x, y = shown(layer, layer.contents, layer.placement, filters, None, doc.canvas)
        return np.abs(on_canvas(pixels.astype(float), x, y, doc.width, doc.height)
                      - stored).max()

    assert error(layer.filters) <= 4  # Photoshop's own pixels, within 4 levels
    assert error(()) > 50  # (the unfiltered contents are far from them)


def _smart_doc(filters) -> Document:
    doc = Document(80, 60)
    rng = np.random.default_rng(5)
    contents = np.zeros((30, 40, 4), np.uint8)
    contents[..., :3] = rng.integers(0, 255, (30, 40, 3))
    contents[..., 3] = 255
    png = cv2.imencode(".png", cv2.cvtColor(contents, cv2.COLOR_RGBA2BGRA))[1].tobytes()
    layer = SmartObjectLayer.placed("Smart", SmartContents(contents, "c.png", png, "png"),
                                    so.rect_quad(10, 12, 40, 30))
    layer.filters = tuple(filters)
    layer.pixels, layer.x, layer.y = shown(layer, layer.contents, layer.placement,
                                           layer.filters, None, doc.canvas)
    doc.add_layer(layer)
    return doc


FILTERS = (SmartFilter(mf.FILTERS["gaussian_blur"](2.5)),
           SmartFilter(mf.FILTERS["motion_blur"](30.0, 12.0), "multiply", 0.5),
           SmartFilter(mf.FILTERS["unsharp_mask"](150.0, 1.5, 3), visible=False),
           SmartFilter(mf.FILTERS["add_noise"](8.0, "gaussian", True, 7)),
           SmartFilter(mf.FILTERS["high_pass"](4.0), "overlay"),
           SmartFilter(mf.FILTERS["median"](2)), SmartFilter(mf.FILTERS["box_blur"](3)),
           SmartFilter(mf.FILTERS["blur"]()))


def test_our_filters_are_written_in_photoshops_form_and_read_back_from_it(tmp_path):
    path = str(tmp_path / "smart.psd")
    save_document(_smart_doc(FILTERS), path)
    (item,) = PSDImage.open(path).descendants()
    fx = item.smart_object._config.data[b"filterFX"]
    entries = list(fx[b"filterFXList"])
    assert [bytes(e[b"Fltr"].classID) if b"Fltr" in e else int(e[b"filterID"])
            for e in entries] == [b"GsnB", b"MtnB", b"UnsM", b"AdNs", b"HghP", b"Mdn ",
                                  b"boxblur", int.from_bytes(b"Blr ", "big")]
    assert float(entries[0][b"Fltr"][b"Rds "].value) == 2.5
    assert entries[1][b"blendOptions"][b"Md  "].enum == b"Mltp"
    assert float(entries[1][b"blendOptions"][b"Opct"].value) == 50.0
    assert bool(entries[2][b"enab"]) is False
    photoshop_form_only(path)
    (back,) = open_document(path).layers()
    assert back.filters == FILTERS


def test_a_filter_without_photoshops_form_writes_no_filter_list(tmp_path):
    path = str(tmp_path / "smart.psd")
    filters = (SmartFilter(mf.FILTERS["gaussian_blur"](2.0)), SmartFilter(mf.FILTERS["twirl"](50.0)))
    save_document(_smart_doc(filters), path)
    (item,) = PSDImage.open(path).descendants()
    assert b"filterFX" not in item.smart_object._config.data
    (back,) = open_document(path).layers()  # ours, from our XMP entry
    assert back.filters == filters


def test_a_photoshop_filter_we_do_not_read_keeps_the_object_as_pixels(tmp_path):
    path = str(tmp_path / "smart.psd")
    save_document(_smart_doc(FILTERS[:1]), path)
    photoshop_form_only(path)
    psd = PSDImage.open(path)
    (item,) = psd.descendants()
    entry = item.smart_object._config.data[b"filterFX"][b"filterFXList"][0]
    entry[b"filterID"].value = int.from_bytes(b"Twrl", "big")  # Twirl: not read here
    entry[b"Nm  "].value = "Twirl...\x00"
    psd.save(path)
    doc = open_document(path)
    (layer,) = doc.layers()
    assert not isinstance(layer, SmartObjectLayer)
    assert any("Twirl is not one Layered reads" in w for w in doc.warnings), doc.warnings
