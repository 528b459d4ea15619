"""Photoshop's own layer comps read from a PSD (resource 1065 and each layer's 'cmls'
metadata), as Photoshop lays them out (the layout of `psd_tools_files/artboard-bgcolor.psd`,
whose layers carry 'cmls' settings); the file is made here: a document of ours re-saved by
psd-tools with Photoshop's blocks and without our XMP packet, as another program's."""
from __future__ import annotations

import numpy as np

from editor.model import layer_comps
from editor.model.document import Document
from editor.model.files import open_document
from editor.model.psd_write import write_psd


def _photoshop_file(tmp_path) -> str:
    from psd_tools import PSDImage
    from psd_tools.constants import Resource, Tag
    from psd_tools.psd.descriptor import (Bool, Descriptor, DescriptorBlock, Enumerated,
                                          Integer, List, String, UnitFloat)
    from psd_tools.psd.image_resources import ImageResource
    from psd_tools.psd.tagged_blocks import MetadataSetting, MetadataSettings
    from psd_tools.terminology import Unit

    doc = Document(40, 30)
    doc.add_image(np.full((10, 10, 4), 255, np.uint8), "A", 0, 0)
    doc.add_image(np.full((10, 10, 4), 90, np.uint8), "B", 20, 10)
    ours = tmp_path / "ours.psd"
    with open(ours, "wb") as f:
        write_psd(doc, f)
    psd = PSDImage.open(ours)
    del psd.image_resources[Resource.XMP_METADATA]  # not ours any more

    def comp(name, comp_id, captured, comment=None):
        d = Descriptor(classID=b"Comp")
        d[b"Nm  "] = String(name)
        d[b"compID"] = Integer(comp_id)
        d[b"capturedInfo"] = Integer(captured)
        if comment:
            d[b"comment"] = String(comment)
        return d

    block = DescriptorBlock(classID=b"CompList")
    block[b"list"] = List([comp("Left", 11, 7, "both on the left"), comp("Spread", 12, 7)])
    psd.image_resources[Resource.LAYER_COMPS] = ImageResource(
        key=Resource.LAYER_COMPS, data=block)

    def setting(ids, visible, dx, dy, opacity=100.0, mode=b"Nrml"):
        s = Descriptor(classID=b"null")
        s[b"compList"] = List([Integer(i) for i in ids])
        s[b"enab"] = Bool(visible)
        offset = Descriptor(classID=b"null")
        offset[b"Hrzn"], offset[b"Vrtc"] = Integer(dx), Integer(dy)
        s[b"Ofst"] = offset
        blend = Descriptor(classID=b"null")
        blend[b"Md  "] = Enumerated(b"BlnM", mode)
        blend[b"Opct"] = UnitFloat(unit=Unit.Percent, value=opacity)
        blend[b"fillOpacity"] = UnitFloat(unit=Unit.Percent, value=100.0)
        s[b"blendOptions"] = blend
        return s

    # In "Left", B sits on A's left edge, half opaque, multiplied; in "Spread" B is
    # hidden. A: the same in both.
    layouts = {"A": [setting([11, 12], True, 0, 0)],
               "B": [setting([11], True, -20, -10, 50.0, b"Mltp"), setting([12], False, 0, 0)]}
    for layer in psd:
        cmls = DescriptorBlock(classID=b"null")
        cmls[b"LyrI"] = Integer(layer.layer_id)
        cmls[b"layerSettings"] = List(layouts[layer.name])
        meta = MetadataSetting(key=b"cmls", data=cmls)
        layer._record.tagged_blocks.set_data(Tag.METADATA_SETTING, MetadataSettings([meta]))
    path = tmp_path / "photoshop.psd"
    psd.save(path)
    return str(path)


def test_photoshop_comps_are_read_and_apply(tmp_path):
    doc = open_document(_photoshop_file(tmp_path))
    a, b = (doc.find_by_name(n) for n in ("A", "B"))
    comps = doc.layer_comps.comps
    assert [c.name for c in comps] == ["Left", "Spread"]
    assert comps[0].comment == "both on the left"
    assert (comps[0].visibility, comps[0].position, comps[0].appearance) == (True,) * 3

    layer_comps.apply_comp(doc, comps[0].uid)
    assert (b.x, b.y, b.visible, b.blend_mode, b.opacity) == (0, 0, True, "multiply", 128)
    assert (a.x, a.y, a.visible) == (0, 0, True)
    layer_comps.apply_comp(doc, comps[1].uid)
    assert not b.visible and (b.x, b.y) == (20, 10) and b.opacity == 255

    # Saved by us, they are kept in our packet and read back from it.
    again = tmp_path / "again.psd"
    with open(again, "wb") as f:
        write_psd(doc, f)
    back = open_document(str(again))
    assert [c.name for c in back.layer_comps.comps] == ["Left", "Spread"]
    layer_comps.apply_comp(back, back.layer_comps.comps[0].uid)
    assert back.find_by_name("B").blend_mode == "multiply"
