"""The project's own imports in editor/ and engine/: module-level and lazy (inside a function),
and the import cycles among them.

    python tools/import_graph.py [--lazy] [--cycles]

A module-level import runs when the module is imported; a lazy one when the function runs.
Imports under `if TYPE_CHECKING:` are left out (they never run).
"""
from __future__ import annotations

import argparse
import ast
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ("editor", "engine")


def module_name(path: str) -> str:
    rel = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
    return rel[:-len(".__init__")] if rel.endswith(".__init__") else rel


def modules() -> dict[str, str]:
    found = {}
    for package in PACKAGES:
        for folder, _, files in os.walk(os.path.join(ROOT, package)):
            for name in files:
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    found[module_name(path)] = path
    return found


def _resolve(current: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    parts = current.split(".")
    base = parts if is_package else parts[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(current: str, is_package: bool, node, known: set[str]) -> list[str]:
    """The project modules an import statement loads (the most specific known names)."""
    names = []
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        base = _resolve(current, is_package, node)
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
    out = []
    for name in names:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name and name.split(".")[0] in PACKAGES:
            out.append(name)
    return out


class _Visitor(ast.NodeVisitor):
    def __init__(self, current, is_package, known):
        self.current, self.is_package, self.known = current, is_package, known
        self.depth = 0
        self.top: list[tuple[str, int]] = []
        self.lazy: list[tuple[str, int, str]] = []
        self.top_libraries: set[str] = set()  # third-party packages imported at module level
        self.function = ""

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
                isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def _function(self, node) -> None:
        outer = self.function
        self.function = f"{outer}.{node.name}" if outer else node.name
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1
        self.function = outer

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_ClassDef(self, node) -> None:
        outer = self.function
        self.function = f"{outer}.{node.name}" if outer else node.name
        self.generic_visit(node)
        self.function = outer

    def _import(self, node) -> None:
        if not self.depth:
            if isinstance(node, ast.Import):
                self.top_libraries.update(a.name.split(".")[0] for a in node.names)
            elif node.level == 0 and node.module:
                self.top_libraries.add(node.module.split(".")[0])
        for target in dict.fromkeys(_targets(self.current, self.is_package, node, self.known)):
            if target == self.current:
                continue
            if self.depth:
                self.lazy.append((target, node.lineno, self.function))
            else:
                self.top.append((target, node.lineno))

    visit_Import = visit_ImportFrom = _import


# Libraries that cost start-up time or memory: imported lazily, as are the project's modules
# that import them at their top. PySide6 counts too: the command line does not load Qt.
HEAVY = ("torch", "diffusers", "transformers", "peft", "accelerate", "cv2", "pymatting", "numba",
         "skimage", "psd_tools", "safetensors", "scipy", "huggingface_hub", "PySide6")
LIBRARIES: dict[str, set[str]] = {}
# The engine's method, network, model and training modules stay out of the editor's start-up
# (tests/test_ui_startup.py) and of the command line's until a verb needs them.
ENGINE_HEAVY = ("engine.methods", "engine.nets", "engine.models", "engine.training")
# What `python main.py` imports before the window shows (editor.app.start_window).
STARTUP = ("editor.cli", "editor.app", "editor.ui.main_window")


def graph():
    found = modules()
    known = set(found)
    top, lazy = {}, {}
    for name, path in sorted(found.items()):
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        v = _Visitor(name, path.endswith("__init__.py"), known)
        v.visit(tree)
        top[name] = v.top
        lazy[name] = v.lazy
        LIBRARIES[name] = v.top_libraries
    return top, lazy


def heavy_at_import(top: dict[str, list[tuple[str, int]]]) -> dict[str, set[str]]:
    """The heavy libraries each module loads when imported (through its module-level imports
    and its packages' __init__)."""
    memo: dict[str, set[str]] = {}

    def visit(name: str, seen: set[str]) -> set[str]:
        if name in memo:
            return memo[name]
        if name in seen:
            return set()
        seen = seen | {name}
        out = {lib for lib in LIBRARIES.get(name, ()) if lib in HEAVY}
        for target in {t for t, _ in top.get(name, ())} | (_package_edges(name) & set(top)):
            out |= visit(target, seen)
        memo[name] = out
        return out

    return {name: visit(name, set()) for name in top}


def reasons(top, lazy) -> list[tuple[str, int, str, str, str]]:
    """Every lazy own-module import with why it is lazy: the heavy libraries the target would
    add, a cycle it would close, or 'movable'."""
    heavy = heavy_at_import(top)
    edges = {n: {t for t, _ in items} for n, items in top.items()}

    def reaches(start: str, goal: str) -> bool:
        stack, seen = [start], set()
        while stack:
            v = stack.pop()
            if v == goal:
                return True
            if v in seen:
                continue
            seen.add(v)
            stack.extend(edges.get(v, ()) | (_package_edges(v) & set(edges)))
        return False

    startup = set()
    stack = list(STARTUP)
    while stack:
        v = stack.pop()
        if v in startup or v not in edges:
            continue
        startup.add(v)
        stack.extend(edges[v] | (_package_edges(v) & set(edges)))
    out = []
    for name, items in lazy.items():
        for target, line, function in items:
            extra = heavy.get(target, set()) - heavy.get(name, set())
            if extra:
                why = "heavy: " + ", ".join(sorted(extra))
            elif (name.startswith("editor") or name in startup) and target.startswith(ENGINE_HEAVY):
                why = "engine: out of start-up"
            elif reaches(target, name):
                why = "cycle"
            else:
                why = "movable"
            out.append((name, line, function, target, why))
    return out


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def _package_edges(name: str) -> set[str]:
    """Importing a.b.c runs a/__init__ and a/b/__init__ first."""
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lazy", action="store_true", help="list every lazy own-module import")
    parser.add_argument("--cycles", action="store_true", help="list the import cycles")
    args = parser.parse_args()
    top, lazy = graph()
    if args.lazy or not args.cycles:
        found = reasons(top, lazy)
        for name, line, function, target, why in found:
            print(f"{name}:{line} {function}() -> {target}  [{why}]")
        kinds = {}
        for *_, why in found:
            kind = why.split(":")[0]
            kinds[kind] = kinds.get(kind, 0) + 1
        print(f"{len(found)} lazy own-module imports: {kinds}")
    if args.cycles or not args.lazy:
        module_level = {n: {t for t, _ in items} for n, items in top.items()}
        with_lazy = {n: module_level[n] | {t for t, _, _ in lazy[n]} for n in top}
        for label, edges in (("module-level", module_level), ("module-level + lazy", with_lazy)):
            found = cycles(edges)
            print(f"{len(found)} cycle(s), {label} imports:")
            for comp in found:
                print("  " + " <-> ".join(comp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
