"""The `transform` verb: flip or turn a layer (or a group, as one picture) of an image or PSD.

    layered transform IN -o OUT [--layer NAME] (--flip-horizontal | --flip-vertical |
                                                --rotate 90 | --rotate -90) ...

The same Document operations as Image > Flip and Rotate in the editor
(`Document.flip`, `Document.rotate_quarter`), applied in the order given,
each one undo step. Without --layer the document's only layer (or its top
group) is transformed; OUT is a PSD/PSB, or an image suffix for the
flattened result.
"""
from __future__ import annotations

import argparse

from editor.model.errors import DocumentError
from editor.model.files import open_document, write_document


class _Step(argparse.Action):
    """Collects the operations (transforms, filters) in the order they are given on the
    command line."""

    def __call__(self, parser, namespace, values, option_string=None):
        steps = list(getattr(namespace, "steps", None) or [])
        steps.append((self.dest, values))
        namespace.steps = steps


def register(sub) -> None:
    p = sub.add_parser("transform", help="flip or turn a layer or group by quarter turns",
                       description="Flips or turns a layer, or a group as one picture, as "
                                   "Image > Flip / Rotate do in the editor; the transforms run "
                                   "in the order given.")
    p.add_argument("input", metavar="IN", help="image or PSD")
    p.add_argument("-o", "--output", required=True, metavar="OUT")
    p.add_argument("--layer", metavar="NAME", help="the layer or group to transform")
    p.add_argument("--flip-horizontal", dest="flip_h", nargs=0, action=_Step)
    p.add_argument("--flip-vertical", dest="flip_v", nargs=0, action=_Step)
    p.add_argument("--rotate", dest="rotate", type=int, choices=(90, -90), action=_Step,
                   help="90: a quarter turn clockwise, -90: counter-clockwise")
    p.set_defaults(run=run, steps=[])


def run(args) -> int:
    if not args.steps:
        raise DocumentError("Say what to do: --flip-horizontal, --flip-vertical or --rotate 90|-90.")
    doc = open_document(args.input)
    node = _pick(doc, args.layer, args.input)
    for kind, value in args.steps:
        if kind == "rotate":
            doc.rotate_quarter(node, 1 if value > 0 else -1)
        else:
            doc.flip(node, horizontal=kind == "flip_h")
    write_document(doc, args.output)
    print(f"{args.output}: {', '.join(doc.history.names())} on '{node.name}'")
    return 0


def _pick(doc, name, path):
    if name is not None:
        found = [n for n in doc.nodes() if n.name == name]
        if not found:
            raise DocumentError(f"{path}: no layer or group named '{name}'.")
        return found[-1]
    top = doc.root.children
    if len(top) == 1:
        return top[0]
    names = ", ".join(f"'{n.name}'" for n in top)
    raise DocumentError(f"{path} has {len(top)} layers ({names}); choose one with --layer NAME.")
