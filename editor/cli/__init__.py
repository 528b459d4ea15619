"""The command line: `python main.py VERB ...` for scripting and batch work.

Each verb lives in its own module with a `register(subparsers)` function; the
module imports what it needs (torch included) only when the verb runs, so
`info` and `--help` stay fast. Without a verb the editor opens. Errors the
user can fix are printed as one line on stderr with exit status 2.
"""
from __future__ import annotations

import argparse
import importlib
import os
import re
import sys

from editor.model.errors import describe

# Modules that add verbs; each has register(subparsers).
VERB_MODULES = [
    "editor.cli.files",
    "editor.cli.generate",
    "editor.cli.decompose",
    "editor.cli.layered",
    "editor.cli.models",
    "editor.cli.transform",
    "editor.cli.extract",
    "editor.cli.edit",
    "editor.cli.filter",
]


def add_alpha_as_mask_option(p) -> None:
    """--alpha-as-mask, for the verbs that make layers (generate, decompose, layered, extract)."""
    p.add_argument("--alpha-as-mask", action="store_true",
                   help="keep each new layer's edge in a layer mask over opaque colours (the "
                        "picture is the same; the mask can be painted later)")


class UserError(Exception):
    """A failure explained in one line to the person at the terminal (exit 2)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="layered",
        description="Layered: a layered image editor with generated layers. "
                    "Without a command, opens the editor (with FILEs if given).",
    )
    sub = parser.add_subparsers(dest="verb", metavar="COMMAND")
    for name in VERB_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _verbs(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def main(argv: list[str]) -> int:
    parser = build_parser()
    verbs = _verbs(parser)
    if argv and argv[0] not in verbs and not argv[0].startswith("-"):
        if _unknown_word(argv[0]):
            print(f"layered: '{argv[0]}' is neither a command nor a file. Commands: "
                  f"{', '.join(sorted(verbs))} (see --help).", file=sys.stderr)
            return 2
        return open_editor(argv)
    if not argv:
        return open_editor(argv)
    args = parser.parse_args(attach_negative_values(argv))
    if args.verb is None:
        return open_editor([])
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print("layered: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one line for the user, never a traceback
        text = str(exc) if isinstance(exc, UserError) else describe(exc)
        print(f"layered {args.verb}: {text}", file=sys.stderr)
        return 2


def attach_negative_values(argv: list[str]) -> list[str]:
    """`--box -100,-100,50,50` -> `--box=-100,-100,50,50`: argparse takes a value that
    starts with '-' (other than a plain number) for an option and prints its usage;
    attached, the value reaches the verb, which says what is wrong with it."""
    out: list[str] = []
    for token in argv:
        if (out and out[-1].startswith("--") and "=" not in out[-1]
                and _NEGATIVE_VALUE.match(token)):
            out[-1] = f"{out[-1]}={token}"
        else:
            out.append(token)
    return out


_NEGATIVE_VALUE = re.compile(r"-(\d|\.\d|inf|nan)", re.IGNORECASE)


def _unknown_word(word: str) -> bool:
    """A first argument that names no file and does not look like one (no folder, no
    suffix): a mistyped or missing command, never a file for the editor to open."""
    return not os.path.exists(word) and os.sep not in word and "/" not in word \
        and not os.path.splitext(word)[1]


def open_editor(files: list[str]) -> int:
    try:
        from editor.app import run
    except ImportError as exc:  # a missing or broken part of the UI: say which
        print(f"layered: the editor cannot start ({type(exc).__name__}: {exc}). The commands "
              "still work (see --help).", file=sys.stderr)
        return 2
    return run(files)
