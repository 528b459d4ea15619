"""Linked layers in PSD files where Photoshop keeps them (image resource 1026, `psd_links`):
read from a file Photoshop saved (ag-psd's linked-layers.psd, two linked pairs), written so
that psd-tools reads one number per layer record (the groups' dividers 0), kept through a
save and reopen, and a file we saved before (links in our XMP packet only) still opens
linked."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from psd_tools import PSDImage
from psd_tools.constants import Resource, Tag

from editor.model import layer_set_ops
from editor.model.document import Document
from editor.model.files import open_document, save_document
from editor.model.layers import Group

PHOTOSHOP_FILE = Path(__file__).parent / "ag_psd_files" / "linked-layers.psd"


def _links(doc) -> dict:
    return {n.name: n.link_group for n in doc.nodes()}


def test_photoshop_links_are_read_as_two_sets():
    got = _links(open_document(str(PHOTOSHOP_FILE)))
    assert set(got) == {"Layer 1", "Group 1", "Layer 2", "Layer 3"}
    assert got["Layer 1"] == got["Group 1"] != 0
    assert got["Layer 2"] == got["Layer 3"] != 0
    assert got["Layer 1"] != got["Layer 2"]


def _doc():
    """A, B, C at the top level and D, E in group G; A linked with D, C with the group."""
    doc = Document(40, 30)
    a, b, c, d, e = (doc.add_image(np.full((8, 8, 4), 40 * i, np.uint8), name, i, i)
                     for i, name in enumerate("ABCDE", 1))
    group = Group("G", [d, e])
    for node in (d, e):
        doc.root.children.remove(node)
    doc.root.children.append(group)
    group.parent = doc.root
    layer_set_ops.link(doc, [a, d])
    layer_set_ops.link(doc, [c, group])
    return doc


def test_links_are_written_per_record_and_read_back(tmp_path):
    path = str(tmp_path / "links.psd")
    save_document(_doc(), path)
    psd = PSDImage.open(path)
    records = psd._record.layer_and_mask_information.layer_info.layer_records
    numbers = list(psd.image_resources.get_data(Resource.LAYER_GROUP_INFO))
    assert len(numbers) == len(records) == 7  # five layers, the group and its divider
    by_name = {r.name: n for r, n in zip(records, numbers)}
    assert by_name["A"] == by_name["D"] != 0
    assert by_name["C"] == by_name["G"] != 0 and by_name["C"] != by_name["A"]
    assert by_name["B"] == by_name["E"] == 0
    assert list(psd.image_resources.get_data(Resource.LAYER_GROUPS_ENABLED_ID)) == [1] * 7
    # Not in our XMP packet any more: one place for the fact.
    assert b"link_group" not in psd.image_resources.get_data(Resource.XMP_METADATA)
    got = _links(open_document(path))
    assert got["A"] == got["D"] != 0 and got["C"] == got["G"] != 0 != got["A"] - got["C"]
    assert got["B"] == got["E"] == 0


def test_a_link_turned_off_in_photoshop_is_no_link(tmp_path):
    """Photoshop's Shift+click on the chain turns a link off (resource 1072 = 0): A's
    partner D then has no linked partner left, so neither is linked."""
    path = str(tmp_path / "links.psd")
    save_document(_doc(), path)
    psd = PSDImage.open(path)
    records = psd._record.layer_and_mask_information.layer_info.layer_records
    enabled = psd.image_resources.get_data(Resource.LAYER_GROUPS_ENABLED_ID)
    names = [r.name for r in records]
    enabled[names.index("A")] = 0
    psd.save(path)
    got = _links(open_document(path))
    assert got["A"] == got["D"] == 0
    assert got["C"] == got["G"] != 0


def test_a_file_with_links_in_our_xmp_only_still_opens_linked(tmp_path):
    """Files saved before the links went to resource 1026 kept them in our XMP entries."""
    path = str(tmp_path / "old.psd")
    save_document(_doc(), path)
    psd = PSDImage.open(path)
    records = psd._record.layer_and_mask_information.layer_info.layer_records
    ids = {r.name: r.tagged_blocks.get_data(Tag.LAYER_ID) for r in records}
    del psd.image_resources[Resource.LAYER_GROUP_INFO]
    del psd.image_resources[Resource.LAYER_GROUPS_ENABLED_ID]
    packet = psd.image_resources.get_data(Resource.XMP_METADATA).decode("utf-8")
    start, end = packet.index("{"), packet.rindex("}") + 1
    meta = json.loads(packet[start:end])
    assert "layers" in meta, sorted(meta)
    for name, number in (("A", 7), ("D", 7), ("C", 9), ("G", 9)):
        meta["layers"].setdefault(str(ids[name]), {})["link_group"] = number
    packet = packet[:start] + json.dumps(meta) + packet[end:]
    psd.image_resources[Resource.XMP_METADATA].data = packet.encode("utf-8")
    psd.save(path)
    got = _links(open_document(path))
    assert got["A"] == got["D"] == 7 and got["C"] == got["G"] == 9 and got["B"] == 0
