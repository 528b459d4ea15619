"""Layered: start the editor, or run a headless command.

    python main.py [FILE ...]        open the editor (with these files)
    python main.py VERB ...          run a command-line verb (see --help)
"""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from editor.cli import main as cli_main

    return cli_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
