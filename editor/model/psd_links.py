"""Linked layers (Layer > Link Layers) in a PSD file, where Photoshop keeps them.

Photoshop stores its layer links in two image resources, one entry per layer record in
the records' order (bottom first, the groups' closing dividers included):

- 1026 "layer group information": a 16-bit number per record; records with the same
  non-zero number are linked (0: not linked);
- 1072 "layer groups enabled": a byte per record; 0 when the user turned that layer's
  link off (Shift+click on the chain in Photoshop) without unlinking it.

Checked against a file Photoshop saved with two linked pairs (ag-psd's
linked-layers.psd: 1026 = [2, 0, 2, 1, 1]). Our nodes carry the number as
`Node.link_group` (`layer_set_ops`); a link that is turned off is read as no link (the
editor has no "disabled link" state).
"""
from __future__ import annotations

from typing import Sequence


def link_resources(groups: Sequence[int]) -> list:
    """The two image resources for the records' link numbers (`groups`, one per
    record, bottom first; 0 for dividers and unlinked layers). Numbers are renumbered
    1, 2, ... in order of first use so that they fit 16 bits however many links a
    document has seen."""
    from psd_tools.constants import Resource
    from psd_tools.psd.image_resources import (ImageResource, LayerGroupEnabledIDs,
                                               LayerGroupInfo)

    renumbered: dict[int, int] = {}
    numbers = [renumbered.setdefault(g, len(renumbered) + 1) if g else 0 for g in groups]
    return [ImageResource(key=Resource.LAYER_GROUP_INFO, data=LayerGroupInfo(numbers)),
            ImageResource(key=Resource.LAYER_GROUPS_ENABLED_ID,
                          data=LayerGroupEnabledIDs([1] * len(numbers)))]


def read_link_groups(psd, ids: dict) -> None:
    """Sets `link_group` on the nodes (`ids`: layer id -> node) of a file that lists
    layer links in resource 1026. A file whose list does not match its records (another
    program's) is left unlinked rather than linking the wrong layers."""
    from psd_tools.constants import Resource, Tag

    numbers = psd.image_resources.get_data(Resource.LAYER_GROUP_INFO)
    if not numbers or not any(numbers):
        return
    info = psd._record.layer_and_mask_information.layer_info
    records = info.layer_records if info is not None and info.layer_records else []
    if len(records) != len(numbers):
        return
    enabled = psd.image_resources.get_data(Resource.LAYER_GROUPS_ENABLED_ID)
    if enabled is None or len(enabled) != len(numbers):
        enabled = [1] * len(numbers)
    for record, number, on in zip(records, numbers, enabled):
        node = ids.get(record.tagged_blocks.get_data(Tag.LAYER_ID)) \
            if record.tagged_blocks is not None else None
        if node is not None and number and on:
            node.link_group = int(number)
    # A set left with one member (its partners' links turned off) is no link.
    members: dict[int, list] = {}
    for node in ids.values():
        if node.link_group:
            members.setdefault(node.link_group, []).append(node)
    for nodes in members.values():
        if len(nodes) == 1:
            nodes[0].link_group = 0
