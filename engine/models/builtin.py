"""The built-in model: a small BFS model trained by this project, shipped in resources/builtin/.

It needs no download and runs on a CPU, so "Generate layer" works on a fresh
computer (see resources/builtin/MODEL_CARD.md for what it is and how it was
made: `python -m engine.training.build_builtin`). Its id in the catalogue is
`BUILTIN_ID`; `engine.models.locate.find_model` resolves that id to
`BUILTIN_DIR`.

Its text side is a word table over the vocabulary of the synthetic world it
was trained on (listed in its bfs.json): `check_prompt` turns a prompt with
words outside it into a message that lists what the model knows, instead of
letting unknown words hash to rows that mean nothing.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import InvalidInput

BUILTIN_ID = "layered/builtin-bfs-tiny"
BUILTIN_DIR = Path(__file__).resolve().parents[2] / "resources" / "builtin"

_WORD = re.compile(r"[a-z0-9]+")  # the tokenizer's words (engine.nets.tiny_fill_transformer)


def is_installed() -> bool:
    return (BUILTIN_DIR / "bfs.json").is_file()


def unknown_words(prompt: str, vocabulary: list[str]) -> list[str]:
    known = set(vocabulary)
    seen: list[str] = []
    for word in _WORD.findall(prompt.lower()):
        if word not in known and word not in seen:
            seen.append(word)
    return seen


def check_prompt(prompt: str, vocabulary: list[str] | None) -> None:
    """Raises InvalidInput naming the unknown words and listing the vocabulary (None: any prompt)."""
    if not vocabulary:
        return
    unknown = unknown_words(prompt, vocabulary)
    if unknown:
        listed = ", ".join(f"'{w}'" for w in unknown)
        raise InvalidInput(
            f"This model does not know the word{'s' if len(unknown) > 1 else ''} {listed}.",
            f"It knows only: {', '.join(vocabulary)} (for example \"a small red ball\").")
