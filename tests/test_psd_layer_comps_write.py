"""Layer comps written for Photoshop: resource 1065 and each layer's 'cmls' metadata as
psd-tools reads them, our reader on the file without our XMP packet, and a file Photoshop
made (ag-psd's layer-comps.psd, five comps) saved back by us with its comps as they were."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from psd_tools import PSDImage
from psd_tools.constants import Resource, Tag

from editor.model import layer_comps
from editor.model.document import Document
from editor.model.files import open_document
from editor.model.layers import Group
from editor.model.psd_write import write_psd
from editor.model.snapshots import lineage

PHOTOSHOP_FILE = Path(__file__).parent / "ag_psd_files" / "layer-comps.psd"


def _doc_with_two_comps():
    """A, and B and C in group G. "Spread": all visible, B at (20, 10), as they are; "Stacked"
    (visibility and appearance only, with a comment): B on A (0, 0), multiplied at half
    opacity and 200 fill, C hidden, G at 60 %."""
    doc = Document(40, 30)
    a = doc.add_image(np.full((10, 10, 4), 255, np.uint8), "A", 0, 0)
    b = doc.add_image(np.full((10, 10, 4), 90, np.uint8), "B", 20, 10)
    c = doc.add_image(np.full((6, 6, 4), 30, np.uint8), "C", 30, 20)
    group = Group("G", [b, c])
    doc.root.children.remove(b)
    doc.root.children.remove(c)
    doc.root.children.append(group)
    spread = layer_comps.new_comp(doc, "Spread")
    b.x, b.y, b.blend_mode, b.opacity, b.fill_opacity = 0, 0, "multiply", 128, 200
    c.visible, group.opacity = False, 153
    stacked = layer_comps.new_comp(doc, "Stacked", position=False, comment="B on A")
    return doc, (a, b, c, group), (spread, stacked)


def _save(doc) -> io.BytesIO:
    f = io.BytesIO()
    write_psd(doc, f)
    f.seek(0)
    return f


def _settings(layer) -> dict:
    """A psd-tools layer's 'cmls': its 'LyrI' and its settings by comp id."""
    meta = layer._record.tagged_blocks.get_data(Tag.METADATA_SETTING)
    cmls = next(m.data for m in meta if m.key == b"cmls")
    by_id = {}
    for s in cmls[b"layerSettings"]:
        (comp_id,) = [int(i) for i in s[b"compList"]]
        blend = s[b"blendOptions"]
        by_id[comp_id] = (bool(s[b"enab"]), int(s[b"Ofst"][b"Hrzn"]), int(s[b"Ofst"][b"Vrtc"]),
                          blend[b"Md  "].enum, round(float(blend[b"Opct"].value), 1),
                          round(float(blend[b"fillOpacity"].value), 1))
    return int(cmls[b"LyrI"]), by_id


def test_photoshop_reads_the_comps_and_each_layers_settings():
    doc, (a, b, c, group), (spread, stacked) = _doc_with_two_comps()
    psd = PSDImage.open(_save(doc))
    block = psd.image_resources.get_data(Resource.LAYER_COMPS)
    assert block.classID == b"CompList" and block.version == 16
    entries = [(e.classID, e[b"Nm  "].value, int(e[b"compID"]), int(e[b"capturedInfo"]),
                e[b"comment"].value if b"comment" in e else None) for e in block[b"list"]]
    assert entries == [(b"Comp", "Spread\0", 1, 7, None), (b"Comp", "Stacked\0", 2, 5, "B on A\0")]
    assert int(block[b"lastAppliedComp"]) == 2  # (the comp made last is the current one)

    layers = {layer.name: layer for layer in psd.descendants()}
    for name in ("A", "B", "C", "G"):
        layer_id, settings = _settings(layers[name])
        assert layer_id == layers[name].layer_id
        assert sorted(settings) == [0, 1, 2]  # each comp, and the layer as saved (0)
    normal, multiply = b"Nrml", b"Mltp"
    _, settings = _settings(layers["B"])  # saved at (0, 0), multiplied
    assert settings[1] == (True, 20, 10, normal, 100.0, 100.0)
    assert settings[2] == (True, 0, 0, multiply, 50.2, 78.4)
    assert settings[0] == settings[2]
    _, settings = _settings(layers["C"])
    assert settings[1][0] is True and settings[2][0] is False
    _, settings = _settings(layers["G"])
    assert settings[1] == (True, 0, 0, b"passThrough", 100.0, 100.0)
    assert settings[2] == (True, 0, 0, b"passThrough", 60.0, 100.0)


def test_our_reader_finds_the_same_comps_without_our_xmp(tmp_path):
    doc, nodes, comps = _doc_with_two_comps()
    psd = PSDImage.open(_save(doc))
    del psd.image_resources[Resource.XMP_METADATA]  # as a program that drops it would
    path = tmp_path / "photoshop.psd"
    psd.save(path)
    back = open_document(str(path))
    assert [(c.name, c.visibility, c.position, c.appearance, c.comment)
            for c in back.layer_comps.comps] == \
        [("Spread", True, True, True, ""), ("Stacked", True, False, True, "B on A")]
    names = {n.name: n for n in back.nodes()}
    for saved, read in zip(comps, back.layer_comps.comps):
        assert {lineage(names[n.name]): saved.states[lineage(n)] for n in nodes} \
            == read.states, saved.name
    assert back.layer_comps.applied == back.layer_comps.comps[1].uid
    layer_comps.apply_comp(back, back.layer_comps.comps[0].uid)
    b = names["B"]
    assert (b.x, b.y, b.blend_mode, b.opacity, b.fill_opacity) == (20, 10, "normal", 255, 255)
    assert names["C"].visible and names["G"].opacity == 255


def test_a_photoshop_file_saved_back_keeps_its_comps_for_photoshop(tmp_path):
    original = PSDImage.open(PHOTOSHOP_FILE)
    doc = open_document(str(PHOTOSHOP_FILE))
    assert len(doc.layer_comps.comps) == 5
    ours = PSDImage.open(_save(doc))

    def resource(psd) -> bytes:
        f = io.BytesIO()
        psd.image_resources[Resource.LAYER_COMPS].write(f)
        return f.getvalue()

    # Resource 1065 byte for byte: names, comment, ids, captured flags, the comp applied last.
    assert resource(ours) == resource(original)
    # Each layer's settings say the same: for the same comps, the same visibility and offset
    # (Photoshop CS6 leaves out what is as the layer is saved; we write every key, as
    # Photoshop CC does).
    ids = [int(e[b"compID"]) for e in original.image_resources.get_data(
        Resource.LAYER_COMPS)[b"list"]]
    for theirs, mine in zip(original.descendants(), ours.descendants()):
        assert theirs.name == mine.name
        layer_id, settings = _settings(mine)
        assert layer_id == mine.layer_id and sorted(settings) == sorted(ids + [0])
        meta = theirs._record.tagged_blocks.get_data(Tag.METADATA_SETTING)
        for s in next(m.data for m in meta if m.key == b"cmls")[b"layerSettings"]:
            (comp_id,) = [int(i) for i in s[b"compList"]]
            enab, dx, dy = settings[comp_id][:3]
            assert enab == (bool(s[b"enab"]) if b"enab" in s else theirs.visible)
            offset = s.get(b"Ofst") or {}
            assert (dx, dy) == (int(offset.get(b"Hrzn", 0)), int(offset.get(b"Vrtc", 0)))
    # and our reader, without our packet, finds the comps as it did in Photoshop's file.
    del ours.image_resources[Resource.XMP_METADATA]
    path = tmp_path / "again.psd"
    ours.save(path)
    again = open_document(str(path))

    def described(d):
        names = {lineage(n): n.name for n in d.nodes()}
        return [(c.name, c.file_id, c.visibility, c.position, c.appearance, c.comment,
                 {names[k]: s for k, s in c.states.items()}) for c in d.layer_comps.comps]

    assert described(again) == described(doc)
    assert again.layer_comps.applied == again.layer_comps.comps[3].uid  # "Layer Comp 4"


def test_ours_open_while_photoshops_list_agrees_else_photoshops(tmp_path):
    """Our packet also knows whether a layer style was on, and is taken while resource 1065
    lists the same comps; renamed there (as in Photoshop after we saved), 1065's are."""
    from editor.model.layer_effects import DropShadow, LayerEffects

    doc, (a, b, c, group), _ = _doc_with_two_comps()
    a.effects = LayerEffects(drop_shadows=(DropShadow(),))
    layer_comps.update_comp(doc, doc.layer_comps.comps[0].uid)  # "Spread": A's shadow on
    a.effects = a.effects.with_enabled(False)
    path = tmp_path / "ours.psd"
    path.write_bytes(_save(doc).getvalue())
    back = open_document(str(path))
    spread = back.layer_comps.comps[0]
    a_back = back.find_by_name("A")
    assert spread.states[lineage(a_back)].effects_on is True  # (ours: 'cmls' has no key)
    assert back.layer_comps.applied == spread.uid  # (from 1065: Update made it current)
    layer_comps.apply_comp(back, spread.uid)
    assert a_back.effects.enabled

    psd = PSDImage.open(path)
    psd.image_resources.get_data(Resource.LAYER_COMPS)[b"list"][1][b"Nm  "].value = \
        "Stacked in Photoshop\0"
    psd.save(path)
    again = open_document(str(path))
    assert [c.name for c in again.layer_comps.comps] == ["Spread", "Stacked in Photoshop"]
    assert again.layer_comps.comps[0].states[lineage(again.find_by_name("A"))].effects_on \
        is None


def test_a_layers_settings_are_laid_out_as_photoshop_cc_writes_them():
    """artboard-bgcolor.psd's "Layer 1" (at 79, 46) ends its 'cmls' with the setting for comp
    id 0, the layer as saved: ours for a layer there is the same, byte for byte (the class
    ids, names, key order and types of every descriptor)."""
    def last_setting(layer) -> bytes:
        f = io.BytesIO()
        layer._record.tagged_blocks[Tag.METADATA_SETTING].write(f)
        raw = f.getvalue()
        at = raw.rindex(b"Objc\0\0\0\x01\0\0\0\0\0\0null\0\0\0\x05")
        return raw[at:].rstrip(b"\0")

    photoshop = PSDImage.open(Path(__file__).parent / "psd_tools_files" / "artboard-bgcolor.psd")
    theirs = next(layer for layer in photoshop.descendants() if layer.name == "Layer 1")
    doc = Document(100, 100)
    doc.add_image(np.full((10, 10, 4), 255, np.uint8), "Layer 1", 79, 46)
    layer_comps.new_comp(doc)
    mine = list(PSDImage.open(_save(doc)))[0]
    assert last_setting(mine) == last_setting(theirs)
    assert mine._record.tagged_blocks.get_data(Tag.METADATA_SETTING)[0].data.version == 16
