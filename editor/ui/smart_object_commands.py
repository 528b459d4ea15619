"""Layer > Smart Objects (Convert to Smart Object, New Smart Object via Copy, Edit Contents,
Export Contents…, Replace Contents…, Stack Mode: an image stack's statistic, `stack_modes.py`;
for linked smart objects, `linked.py`: Update Modified Content, Relink to File…, Embed Linked,
Convert to Linked…) and Layer > Rasterize > Smart Object: the commands of
`editor/model/smart_object.py`, each one undo step. Edit Contents on a linked smart object
opens its file; saving that file here updates the smart objects linked to it
(`linked_file_saved`). Free Transform and Edit > Transform change a smart object's placement
(`tools/transform.py`, `Document.flip`); painting on one is refused in one line naming
Rasterize (`document.raise_if_derived`)."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from editor.model import linked, smart_object, stack_modes
from editor.model.errors import DocumentError
from editor.model.layers import Layer
from editor.model.smart_object import SmartObjectLayer

from . import dialogs
from .actions import ActionSpec, Context, Spec, SubmenuSpec, has_doc, run_on_doc

if TYPE_CHECKING:
    from .window_api import EditorWindow


def is_plain_pixel_layer(node) -> bool:
    return isinstance(node, Layer) and node.kind == "pixel"


def is_smart_object(c: Context) -> bool:
    return isinstance(c.node, SmartObjectLayer)


def is_linked(c: Context) -> bool:
    return linked.is_linked(c.node)


class SmartObjectCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[Spec]:
        return [
            SubmenuSpec("smart_objects", "Smart Ob&jects", menu="layer", after="rasterize"),
            ActionSpec("convert_to_smart_object", "&Convert to Smart Object", self.convert,
                       enabled=lambda c: c.node is not None, menu="smart_objects",
                       tip="Keep the layer's (or the chosen layers') pixels inside a smart "
                           "object: transforms then change its placement, never its pixels"),
            ActionSpec("new_smart_object_via_copy", "&New Smart Object via Copy",
                       self.new_via_copy, enabled=is_smart_object, menu="smart_objects",
                       tip="A copy whose contents are its own (a duplicate shares them)"),
            ActionSpec("update_modified_content", "&Update Modified Content",
                       self.update_modified, enabled=is_linked, menu="smart_objects",
                       separator=True,
                       tip="Read the linked smart object's file again if it changed"),
            ActionSpec("update_all_modified_content", "Update &All Modified Content",
                       self.update_all_modified, enabled=has_doc, menu="smart_objects",
                       tip="Read again every linked file of the document that changed"),
            ActionSpec("edit_contents", "&Edit Contents", lambda: self.edit_contents(),
                       enabled=is_smart_object, menu="smart_objects", separator=True,
                       tip="Open the smart object's contents as a document: saving it "
                           "updates the smart object"),
            ActionSpec("export_contents", "E&xport Contents…", self.export_contents,
                       enabled=is_smart_object, menu="smart_objects"),
            ActionSpec("replace_contents", "Re&place Contents…", self.replace_contents,
                       enabled=is_smart_object, menu="smart_objects"),
            ActionSpec("relink_to_file", "&Relink to File…", self.relink,
                       enabled=is_linked, menu="smart_objects",
                       tip="Link the smart object to another file"),
            ActionSpec("embed_linked", "Em&bed Linked", self.embed_linked,
                       enabled=is_linked, menu="smart_objects", separator=True,
                       tip="Keep the linked file's contents inside the document"),
            ActionSpec("convert_to_linked", "Convert &to Linked…", self.convert_to_linked,
                       enabled=lambda c: is_smart_object(c) and not is_linked(c),
                       menu="smart_objects",
                       tip="Write the smart object's contents to a file and link to it"),
            SubmenuSpec("stack_mode", "Stac&k Mode", menu="smart_objects",
                        after="convert_to_linked", separator=True),
            *[ActionSpec(f"stack_mode_{mode}", label, self.stack_mode_setter(mode),
                         enabled=is_smart_object, menu="stack_mode", checkable=True,
                         checked=lambda c, m=mode: is_smart_object(c)
                         and c.node.contents.stack_mode == m,
                         separator=mode == "entropy",
                         tip=None if mode == "none" else
                         f"Show the {label} of the smart object's layers, per pixel")
              for mode, label in stack_modes.MODES.items()],
            ActionSpec("rasterize_smart_object", "&Smart Object", self.rasterize,
                       enabled=is_smart_object, menu="rasterize",
                       tip="Make the smart object a pixel layer (its contents are then no "
                           "longer kept)"),
        ]

    def convert(self) -> None:
        """One pixel layer: its pixels in a smart object (`convert`); several chosen layers,
        a group or any other layer: a smart object of a document of them (`convert_nodes`)."""
        chosen = self.window.layers_panel.selected_nodes()

        def run(doc):
            nodes = [n for n in chosen if doc.contains(n)] or [doc.active]
            if len(nodes) == 1 and is_plain_pixel_layer(nodes[0]):
                return smart_object.convert(doc, nodes[0])
            return smart_object.convert_nodes(doc, nodes)

        run_on_doc(self.window, "Could not convert to a smart object", run)

    def stack_mode_setter(self, mode: str):
        return lambda: self.set_stack_mode(mode)

    def set_stack_mode(self, mode: str) -> None:
        """Layer > Smart Objects > Stack Mode > `mode` on the active smart object (one
        step; the statistic of the layers inside it)."""
        w = self.window
        run_on_doc(w, "Could not set the stack mode",
                   lambda doc: smart_object.set_stack_mode(doc, doc.active, mode))
        w.update_actions()  # (the submenu's check follows the contents)

    def new_via_copy(self) -> None:
        run_on_doc(self.window, "Could not copy the smart object",
                   lambda doc: smart_object.new_via_copy(doc, doc.active))

    def rasterize(self) -> None:
        w = self.window
        layer = run_on_doc(w, "Could not rasterize the smart object",
                           lambda doc: smart_object.rasterize(doc, doc.active))
        if layer is not None:
            w.status(f"'{layer.name}' is a pixel layer now: its contents are no longer kept.")

    def export_contents(self) -> None:
        w = self.window
        layer = w.doc.active if w.doc is not None else None
        if not isinstance(layer, SmartObjectLayer):
            return
        stem = os.path.splitext(layer.contents.filename)[0] or layer.name
        path = dialogs.ask_save_path(w, os.path.join(w.settings.last_dir(), stem + ".png"),
                                     "Export Contents", "PNG image (*.png)")
        if not path:
            return
        if run_on_doc(w, "Could not export the contents",
                      lambda doc: smart_object.export_contents(layer, path) or True):
            w.settings.set_last_dir(path)
            w.status(f"The contents of '{layer.name}' were exported to {path}.")

    def replace_contents(self) -> None:
        w = self.window
        if w.doc is None or not isinstance(w.doc.active, SmartObjectLayer):
            return
        paths = dialogs.ask_open_paths(w, w.settings.last_dir(), "Replace Contents",
                                       dialogs.IMAGE_FILTER)
        if not paths:
            return
        path = paths[0]

        def replace(doc) -> None:
            from editor.model import files

            pixels = files.read_image(path)
            smart_object.replace_contents(doc, doc.active, pixels, os.path.basename(path))

        run_on_doc(w, "Could not replace the contents", replace)
        w.settings.set_last_dir(path)

    # -- linked smart objects (`linked.py`) ----------------------------------------------
    def update_modified(self) -> None:
        self._update(lambda doc: [doc.active])

    def update_all_modified(self) -> None:
        self._update(lambda doc: None)

    def _update(self, chosen) -> None:
        w = self.window
        count = run_on_doc(w, "Could not update the linked contents",
                           lambda doc: linked.update_modified(doc, chosen(doc)))
        if count == 0:
            w.status("The linked files have not changed: nothing to update.")
        elif count:
            w.status(f"Updated {count} linked file{'s' if count > 1 else ''}.")

    def relink(self) -> None:
        w = self.window
        if w.doc is None or not linked.is_linked(w.doc.active):
            return
        start = os.path.dirname(w.doc.active.contents.link)
        paths = dialogs.ask_open_paths(w, start, "Relink to File", dialogs.IMAGE_FILTER)
        if not paths:
            return
        path = paths[0]
        run_on_doc(w, "Could not relink the smart object",
                   lambda doc: linked.relink(doc, doc.active, path))
        w.settings.set_last_dir(path)

    def embed_linked(self) -> None:
        w = self.window
        if run_on_doc(w, "Could not embed the linked file",
                      lambda doc: linked.embed_linked(doc, doc.active) or True):
            w.status(f"'{w.doc.active.name}' is embedded now.")

    def convert_to_linked(self) -> None:
        w = self.window
        layer = w.doc.active if w.doc is not None else None
        if not isinstance(layer, SmartObjectLayer) or linked.is_linked(layer):
            return
        suffixes = linked.linked_suffixes(layer.contents)
        stem = os.path.splitext(layer.contents.filename)[0] or layer.name
        folder = os.path.dirname(w.session.file) if w.session.file else w.settings.last_dir()
        kinds = ";;".join(f"{s[1:].upper()} file (*{s})" for s in suffixes)
        path = dialogs.ask_save_path(w, os.path.join(folder, stem + suffixes[0]),
                                     "Convert to Linked", kinds)
        if not path:
            return
        if run_on_doc(w, "Could not convert to a linked smart object",
                      lambda doc: linked.convert_to_linked(doc, layer, path) or True):
            w.settings.set_last_dir(path)
            w.status(f"'{layer.name}' is linked to {path} now.")

    def linked_file_saved(self, path: str) -> None:
        """A file saved here: the open documents' smart objects linked to it read it again
        (one step in each), as Photoshop updates them after Edit Contents."""
        path = os.path.abspath(path)
        for session in self.window.sessions:
            doc = session.doc
            chosen = [n for n in doc.layers() if linked.is_linked(n) and n.contents.link == path]
            if chosen:
                try:
                    linked.update_modified(doc, chosen)
                except Exception as exc:
                    self.window.report(exc, "Could not update the linked contents")

    def edit_contents(self, node=None) -> None:
        """The contents of `node` (the active layer: the menu's) in a tab of their own;
        File > Save there updates the smart object. A linked smart object's: its file,
        opened (saved, it updates the smart objects linked to it)."""
        w = self.window
        layer = node or (w.doc.active if w.doc is not None else None)
        if linked.is_linked(layer):
            link = layer.contents.link
            if not os.path.isfile(link):
                w.report(DocumentError(f"The linked file of '{layer.name}' is missing ({link}): "
                                       f"use Layer > Smart Objects > Relink to File…."),
                         "Could not edit the contents")
                return
            w.files.open_path(link)
            w.status(f"Editing {os.path.basename(link)}: File > Save updates the smart objects "
                     f"linked to it.")
            return
        child = run_on_doc(w, "Could not edit the contents",
                           lambda doc: smart_object.contents_document(doc, node or doc.active))
        if child is None:
            return
        layer = child.contents_of[1]
        w.add_session(child, layer.contents.filename)
        w.status(f"Editing the contents of '{layer.name}': File > Save updates the smart "
                 f"object.")

    def save_contents(self, session) -> bool:
        """File > Save on a smart object's contents: the smart object updated in its
        document (one step there). False when it could not be."""
        w = self.window
        w.tools.end_mode(commit=True)
        parent, layer = session.doc.contents_of
        if all(s.doc is not parent for s in w.sessions):
            # Its document was closed: nothing to update; the contents become a file of
            # their own (Save As), and stop being the smart object's.
            w.status(f"The document holding '{layer.name}' was closed: save these contents "
                     f"as a file of their own.")
            session.doc.contents_of = None
            if not w.files.save_as(session):
                session.doc.contents_of = (parent, layer)
                return False
            return True
        try:
            smart_object.save_contents(session.doc)
        except Exception as exc:
            w.report(exc, "Could not update the smart object")
            return False
        session.saved()
        w.document_saved(session)
        w.status(f"Updated the smart object '{layer.name}'.")
        return True
