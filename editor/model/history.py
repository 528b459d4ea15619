"""The undo history: commands, each a readable, reversible change, bounded in count and bytes.

A `Command` knows how to redo and undo itself on a document and how many
bytes it holds. `History.push` runs a command and records it; consecutive
commands with the same `merge_key` (a drag, a slider move, a brush stroke)
fold into one step. The history drops its oldest steps when it holds more
than `max_steps` steps or `max_bytes` bytes, so memory stays bounded.

The steps are rows in the order they were made (the History panel's list); each
knows the row of the state it was applied on (`parent`). A linear history (the
default) is a chain: a step made after going back forgets the undone ones. With
`non_linear` (Photoshop's History Options > Allow Non-Linear History) it keeps
them: the new step is one more row whose parent is the state gone back to, and
`goto` reaches any row by undoing up to the state both share and redoing down
from there, so every kept branch costs the memory of its own commands, counted
in the same `max_steps` / `max_bytes` bound as the rest. `toggle_last` (Edit > Toggle
Last State) goes back to the row that was current before the last move, whichever
moved it (a new step, an undo, a redo, a `goto`).
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
    """Undo/redo steps of a document, bounded in steps and bytes (see the module)."""

    def __init__(self, doc: "Document", max_steps: int = 100, max_bytes: int = 1 << 30):
        self._doc = doc
        self.max_steps = max_steps
        self.max_bytes = max_bytes
        # Keep the steps undone when a new one is made (a branch) instead of forgetting them.
        self.non_linear = False
        # Showing or hiding a layer is a step (History Options); off, it changes the
        # document without one (`touch`).
        self.visibility_undoable = True
        self._commands: list[Command] = []
        self._parents: list[int] = []   # row of the state commands[i] applies on (0: base)
        self._index = 0            # the current state's row (0: the base, i: after commands[i-1])
        self._last: Optional[int] = None  # the row current before it (Toggle Last State)
        self._forward: dict[int, int] = {}  # row -> the child row Redo goes to
        self._clean: Optional[int] = 0
        self._cleared: Optional[tuple] = None  # what Clear History took, for its undo
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
        """The current state's row (how many steps are applied, in a linear history)."""
        return self._index

    @property
    def count(self) -> int:
        return len(self._commands)

    def names(self) -> list[str]:
        return [c.name for c in self._commands]

    def parent(self, row: int) -> int:
        """The row of the state step `row` (1..count) was applied on."""
        return self._parents[row - 1]

    def applied(self) -> set[int]:
        """The rows of the steps the current state is made of (the base's row 0 too)."""
        rows, row = {0}, self._index
        while row:
            rows.add(row)
            row = self._parents[row - 1]
        return rows

    def position_of(self, cmd: Command) -> Optional[int]:
        """The row of the state just after `cmd` (in a linear history `goto(position - 1)`
        takes it back), or None when it is no longer in the history (trimmed, or undone
        and replaced)."""
        return next((i + 1 for i, c in enumerate(self._commands) if c is cmd), None)

    def current(self) -> Optional[Command]:
        """The newest applied step (None: none is)."""
        return self._commands[self._index - 1] if self._index > 0 else None

    def can_undo(self) -> bool:
        return (self._index > 0 or self._cleared is not None) and self._macro is None

    def can_redo(self) -> bool:
        return self._redo_target() is not None and self._macro is None

    def can_toggle_last(self) -> bool:
        """Whether there is a state that was current before this one to go back to."""
        return self._last is not None and self._macro is None

    def undo_name(self) -> Optional[str]:
        if not self.can_undo():
            return None
        return self._commands[self._index - 1].name if self._index else "Clear History"

    def redo_name(self) -> Optional[str]:
        return self._commands[self._redo_target() - 1].name if self.can_redo() else None

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
        self._cleared = None
        if not self.non_linear and self._index < len(self._commands):
            self._forget(self._subtrees(self._index))  # the steps undone: a linear history
        top = self.current()   # (only the newest row, which has no step after it, merges)
        if (self._merge_open and top is not None and self._index == len(self._commands)
                and cmd.merge_key is not None and top.merge_key == cmd.merge_key
                and self._clean != self._index and top.merge(cmd)):
            pass
        else:
            self._commands.append(cmd)
            self._parents.append(self._index)
            self._forward[self._index] = len(self._commands)
            self._last, self._index = self._index, len(self._commands)
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

    @property
    def in_macro(self) -> bool:
        """Whether pushes now join a macro (one step being built)."""
        return self._macro is not None

    def undo(self) -> bool:
        """Back to the state the current step was applied on (or Clear History taken back)."""
        self._land_pending()
        if not self.can_undo():
            return False
        was_clean = self.is_clean
        if self._index == 0:
            self._unclear()
            self._last = None  # (the rows are those from before Clear History again)
        else:
            self._last = self._index
            self._ascend()
        self._merge_open = False
        self._emit(was_clean)
        return True

    def redo(self) -> bool:
        """Forward to the step last undone from here (or made from here, when non-linear)."""
        self._land_pending()
        if not self.can_redo():
            return False
        was_clean = self.is_clean
        self._last = self._index
        self._descend(self._redo_target())
        self._merge_open = False
        self._emit(was_clean)
        return True

    def goto(self, row: int) -> None:
        """Undoes and redoes until the state of `row` is current (the History panel's click):
        up to the state it shares with the current one, then down to it."""
        self._land_pending()
        row = max(0, min(row, len(self._commands)))
        start = self._index
        path = []   # row and its ancestors down from the shared one
        ancestors = self.applied()
        while row not in ancestors:
            path.append(row)
            row = self._parents[row - 1]
        while self._index != row:
            self.undo()
        for step in reversed(path):
            was_clean = self.is_clean
            self._descend(step)
            self._merge_open = False
            self._emit(was_clean)
        if self._index != start and self._cleared is None:
            self._last = start  # (one move, however many steps it took)

    def toggle_last(self) -> bool:
        """Edit > Toggle Last State: back to the state that was current before this one
        (after a new step: before it, as Undo; after an undo: forward again), so that a
        second toggle comes back here."""
        if not self.can_toggle_last():
            return False
        self.goto(self._last)
        return True

    def discard_redo(self) -> None:
        """Forgets the step Redo would bring back (and those made after it from it): a step
        taken back for good (File > Place Embedded cancelled with Esc leaves nothing, not a
        Redo)."""
        target = self._redo_target()
        if target is None:
            return
        was_clean = self.is_clean
        self._forget(self._subtree(target))
        self._emit(was_clean)

    def delete_step(self, row: int) -> None:
        """The History panel's Delete: step `row` and those made after it from its state
        (in a linear history, every later one) forgotten, the current state first taken
        back to the one `row` was applied on when it was among them."""
        if not 0 < row <= len(self._commands):
            return
        gone = self._subtree(row)
        if self._index in gone:
            self.goto(self._parents[row - 1])
        was_clean = self.is_clean
        self._cleared = None
        self._forget(gone)
        self._emit(was_clean)

    def clear_steps(self) -> None:
        """The History panel's Clear History: every step out of the list, the document as
        it is; Undo brings them back (until the next step is made, which frees them)."""
        if not self._commands:
            return
        was_clean = self.is_clean
        self._cleared = (self._commands, self._parents, self._index, self._forward,
                         self._clean)
        self._commands, self._parents, self._forward = [], [], {}
        self._index, self._last = 0, None
        self._clean = 0 if was_clean else None
        self._merge_open = False
        self._emit(was_clean)

    def touch(self) -> None:
        """The document changed without a step (a layer shown or hidden while that is not
        undoable): it is no longer as saved."""
        was_clean = self.is_clean
        if was_clean:
            self._clean = None
            self._emit(was_clean)

    def set_max_steps(self, steps: int) -> None:
        """Preferences > Performance > History States: the oldest steps beyond go now."""
        self.max_steps = max(1, int(steps))
        was_clean = self.is_clean
        if self._trim():
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
        self._parents.clear()
        self._forward.clear()
        self._cleared = None
        self._index, self._last = 0, None
        self._clean = 0
        self._emit(was_clean)

    def purge(self) -> None:
        """Edit > Purge > Histories: every step forgotten (their memory freed), the document
        as it is; unsaved changes stay unsaved (unlike `clear`, for a fresh document)."""
        was_clean = self.is_clean
        self._commands.clear()
        self._parents.clear()
        self._forward.clear()
        self._cleared = None
        self._index, self._last = 0, None
        self._clean = 0 if was_clean else None
        self._merge_open = False
        self._emit(was_clean)

    # -- internals -------------------------------------------------------------
    def _land_pending(self) -> None:
        hook, self.before_change = self.before_change, None   # once; it may push a step
        if hook is not None:
            hook()

    def _ascend(self) -> None:
        row = self._index
        self._commands[row - 1].undo(self._doc)
        self._index = self._parents[row - 1]
        self._forward[self._index] = row

    def _descend(self, row: int) -> None:
        self._commands[row - 1].redo(self._doc)
        self._forward[self._index] = row
        self._index = row

    def _redo_target(self) -> Optional[int]:
        row = self._forward.get(self._index)
        if row is not None and row <= len(self._commands) and self._parents[row - 1] == self._index:
            return row
        return next((i + 1 for i, p in enumerate(self._parents) if p == self._index), None)

    def _unclear(self) -> None:
        self._commands, self._parents, self._index, self._forward, clean = self._cleared
        self._cleared = None
        # (a state saved while the list was cleared is the state the steps came back to)
        self._clean = clean if self._clean is None else (self._index if self._clean == 0
                                                         else None)

    def _subtree(self, row: int) -> set[int]:
        """`row` and every row made from its state, or from theirs."""
        out = {row}
        for i in range(row + 1, len(self._commands) + 1):  # (a child comes after its parent)
            if self._parents[i - 1] in out:
                out.add(i)
        return out

    def _subtrees(self, row: int) -> set[int]:
        """Every row made from `row`'s state, or from theirs (not `row` itself)."""
        return self._subtree(row) - {row}

    def _forget(self, gone: set[int], base: int = 0) -> None:
        """Drops rows `gone` (none of them current, and with each its descendants unless
        they come after `base`) and numbers the rest anew; `base` (a row the trim keeps as
        the state at the top, applied) becomes row 0."""
        if not gone:
            return
        keep = [r for r in range(1, len(self._commands) + 1) if r not in gone and r != base]
        new = {base: 0, **{r: i + 1 for i, r in enumerate(keep)}}
        self._commands = [self._commands[r - 1] for r in keep]
        self._parents = [new[self._parents[r - 1]] for r in keep]
        self._index = new[self._index]
        self._last = new.get(self._last) if self._last is not None else None
        self._forward = {new[a]: new[b] for a, b in self._forward.items()
                         if a in new and b in new and b != 0}
        self._clean = new.get(self._clean) if self._clean is not None else None

    def _trim(self) -> bool:
        """Drops the oldest steps while there are more than `max_steps` or they hold more
        than `max_bytes`: an applied one becomes the state at the top (with any branch made
        before it from the old top: none can reach it now); one not applied (a branch the
        current state is not on) goes with the steps made from it. Never the last step,
        nor (linear) a step undone. True when some went."""
        total = self.nbytes()
        trimmed = False
        while len(self._commands) > 1 and (len(self._commands) > self.max_steps
                                           or total > self.max_bytes):
            if 1 in self.applied():
                # the branches made from the old top before step 1 go with it
                gone = {1}.union(*(self._subtree(r) for r in range(2, len(self._commands) + 1)
                                   if self._parents[r - 1] == 0))
                base = 1
            elif self.non_linear or self._index:  # (linear: a branch kept from before)
                gone, base = self._subtree(1), 0
            else:
                break
            if len(gone) >= len(self._commands):
                break
            total -= sum(self._commands[r - 1].nbytes() for r in gone)
            self._forget(gone, base)
            trimmed = True
        return trimmed

    def _emit(self, was_clean: bool) -> None:
        self.changed.emit()
        if was_clean != self.is_clean:
            self.clean_changed.emit(self.is_clean)
