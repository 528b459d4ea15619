"""The undo history: a bounded stack of commands, each a readable, reversible change.

A `Command` knows how to redo and undo itself on a document and how many
bytes it holds. `History.push` runs a command and records it; consecutive
commands with the same `merge_key` (a drag, a slider move, a brush stroke)
fold into one step. The history drops its oldest steps when it holds more
than `max_steps` steps or `max_bytes` bytes, so memory stays bounded.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Hashable, Iterator, Optional

from .signals import Signal

if TYPE_CHECKING:
    from .document import Document


class Command:
    """One undoable change. Subclasses implement `redo` and `undo`."""

    name = "Change"
    merge_key: Optional[Hashable] = None

    def redo(self, doc: "Document") -> None:
        raise NotImplementedError

    def undo(self, doc: "Document") -> None:
        raise NotImplementedError

    def merge(self, newer: "Command") -> bool:
        """Absorbs `newer` (already applied) into this command; False if it cannot."""
        return False

    def nbytes(self) -> int:
        """Bytes of pixel data this command keeps alive (for the history's memory bound)."""
        return 0

    def is_noop(self) -> bool:
        """True when the command changes nothing (it is then not recorded)."""
        return False


class Macro(Command):
    """Several commands applied and undone as one step."""

    def __init__(self, name: str, commands: Optional[list[Command]] = None):
        self.name = name
        self.commands: list[Command] = list(commands or [])

    def redo(self, doc: "Document") -> None:
        for cmd in self.commands:
            cmd.redo(doc)

    def undo(self, doc: "Document") -> None:
        for cmd in reversed(self.commands):
            cmd.undo(doc)

    def nbytes(self) -> int:
        return sum(c.nbytes() for c in self.commands)

    def is_noop(self) -> bool:
        return all(c.is_noop() for c in self.commands)


class History:
    """Undo/redo stack of a document, bounded in steps and bytes."""

    def __init__(self, doc: "Document", max_steps: int = 100, max_bytes: int = 1 << 30):
        self._doc = doc
        self.max_steps = max_steps
        self.max_bytes = max_bytes
        self._commands: list[Command] = []
        self._index = 0            # commands[:index] are applied
        self._clean: Optional[int] = 0
        self._macro: Optional[Macro] = None
        self._macro_depth = 0
        self._merge_open = True     # False after undo/redo/clean: never merge across those
        self.changed = Signal()        # emitted after any push, undo, redo or trim
        # Called before any step is recorded, undone or redone: work still on its way to
        # this document (a heal on the job worker) lands first, so its step keeps its place
        # whichever widget makes the next change. None: nothing is on its way.
        self.before_change: Optional[Callable[[], None]] = None
        self.clean_changed = Signal()  # emitted with is_clean when it flips

    # -- queries -------------------------------------------------------------
    @property
    def index(self) -> int:
        return self._index

    @property
    def count(self) -> int:
        return len(self._commands)

    def names(self) -> list[str]:
        return [c.name for c in self._commands]

    def position_of(self, cmd: Command) -> Optional[int]:
        """How many steps are applied just after `cmd` was (so `goto(position - 1)` takes it
        back), or None when it is no longer in the history (trimmed, or undone and replaced)."""
        return next((i + 1 for i, c in enumerate(self._commands) if c is cmd), None)

    def current(self) -> Optional[Command]:
        """The newest applied step (None: none is)."""
        return self._commands[self._index - 1] if self._index > 0 else None

    def can_undo(self) -> bool:
        return self._index > 0 and self._macro is None

    def can_redo(self) -> bool:
        return self._index < len(self._commands) and self._macro is None

    def undo_name(self) -> Optional[str]:
        return self._commands[self._index - 1].name if self.can_undo() else None

    def redo_name(self) -> Optional[str]:
        return self._commands[self._index].name if self.can_redo() else None

    def nbytes(self) -> int:
        return sum(c.nbytes() for c in self._commands)

    @property
    def is_clean(self) -> bool:
        return self._clean == self._index

    # -- changing --------------------------------------------------------------
    def push(self, cmd: Command, *, applied: bool = False) -> Command:
        """Runs `cmd` (unless `applied`) and records it as the newest step."""
        if self._macro is None:
            self._land_pending()
        if not applied:
            cmd.redo(self._doc)
        if self._macro is not None:
            self._macro.commands.append(cmd)
            return cmd
        if cmd.is_noop():
            return cmd
        was_clean = self.is_clean
        if self._index < len(self._commands):
            del self._commands[self._index:]
            if self._clean is not None and self._clean > self._index:
                self._clean = None
        top = self._commands[-1] if self._commands else None
        if (self._merge_open and top is not None and cmd.merge_key is not None
                and top.merge_key == cmd.merge_key and self._clean != self._index
                and top.merge(cmd)):
            pass
        else:
            self._commands.append(cmd)
            self._index += 1
        self._merge_open = True
        self._trim()
        self._emit(was_clean)
        return cmd

    @contextmanager
    def macro(self, name: str) -> Iterator[Macro]:
        """Groups every push inside the `with` block into one step named `name`.

        If the block raises, the commands it applied are undone and nothing is recorded.
        """
        if self._macro is not None:  # nested: join the outer macro
            self._macro_depth += 1
            try:
                yield self._macro
            finally:
                self._macro_depth -= 1
            return
        self._land_pending()
        macro = Macro(name)
        self._macro = macro
        try:
            yield macro
        except BaseException:
            self._macro = None
            macro.undo(self._doc)
            raise
        self._macro = None
        if macro.commands:
            self.push(macro, applied=True)

    def undo(self) -> bool:
        self._land_pending()
        if not self.can_undo():
            return False
        was_clean = self.is_clean
        self._index -= 1
        self._commands[self._index].undo(self._doc)
        self._merge_open = False
        self._emit(was_clean)
        return True

    def redo(self) -> bool:
        self._land_pending()
        if not self.can_redo():
            return False
        was_clean = self.is_clean
        self._commands[self._index].redo(self._doc)
        self._index += 1
        self._merge_open = False
        self._emit(was_clean)
        return True

    def goto(self, index: int) -> None:
        """Undoes or redoes until `index` steps are applied (the History panel's click)."""
        index = max(0, min(index, len(self._commands)))
        while self._index > index:
            self.undo()
        while self._index < index:
            self.redo()

    def discard_redo(self) -> None:
        """Forgets the steps undone, so Redo cannot bring them back: a step taken back for
        good (File > Place Embedded cancelled with Esc leaves nothing, not a Redo)."""
        if self._index >= len(self._commands):
            return
        was_clean = self.is_clean
        del self._commands[self._index:]
        if self._clean is not None and self._clean > self._index:
            self._clean = None
        self._emit(was_clean)

    def mark_clean(self) -> None:
        """Records the current state as saved."""
        was_clean = self.is_clean
        self._clean = self._index
        self._merge_open = False
        self._emit(was_clean)

    def clear(self) -> None:
        was_clean = self.is_clean
        self._commands.clear()
        self._index = 0
        self._clean = 0
        self._emit(was_clean)

    def purge(self) -> None:
        """Edit > Purge > Histories: every step forgotten (their memory freed), the document
        as it is; unsaved changes stay unsaved (unlike `clear`, for a fresh document)."""
        was_clean = self.is_clean
        self._commands.clear()
        self._index = 0
        self._clean = 0 if was_clean else None
        self._merge_open = False
        self._emit(was_clean)

    # -- internals -------------------------------------------------------------
    def _land_pending(self) -> None:
        hook, self.before_change = self.before_change, None   # once; it may push a step
        if hook is not None:
            hook()

    def _trim(self) -> None:
        drop = max(0, len(self._commands) - self.max_steps)
        total = self.nbytes()
        while total > self.max_bytes and drop < len(self._commands) - 1:
            total -= self._commands[drop].nbytes()
            drop += 1
        # Never drop a command that is not applied (the redo tail) nor the newest.
        drop = min(drop, self._index, len(self._commands) - 1)
        if drop <= 0:
            return
        del self._commands[:drop]
        self._index -= drop
        if self._clean is not None:
            self._clean = self._clean - drop if self._clean >= drop else None

    def _emit(self, was_clean: bool) -> None:
        self.changed.emit()
        if was_clean != self.is_clean:
            self.clean_changed.emit(self.is_clean)
