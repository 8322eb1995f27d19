"""The house stays easy to find one's way in (docs/architecture.md): imports only go
down the floors (import-linter's layers contract in pyproject.toml), no two modules
import each other round a circle, and importing late inside a function to dodge a cycle
stays the rare exception it is now."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "consult"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
# Function-local imports of our own modules outside create_app (the app factory is the
# one place that imports every feature). Today: none; a few may have a reason.
MAX_LATE_IMPORTS = 5


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_imports_only_go_down():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_every_module_has_a_floor():
    """A new module of the shared ground (or a new feature) is named in the contract,
    so its imports are checked too."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [contract] = config["contracts"]
    named = {
        name.strip() for layer in contract["layers"] for name in layer.replace("|", ":").split(":")
    }
    ours = {
        f"consult.{path.stem}" if path.is_file() else f"consult.{path.name}"
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert ours - named == set()


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        # a feature importing one above it (the circle applications <-> programme had)
        ("applications/services.py", "from consult.programme.services import sessions_of"),
        # the shared ground importing a feature (cache.py once imported feature models)
        ("cache.py", "import consult.consultations.models"),
    ],
)
def test_the_contract_fails_when_an_import_goes_up(tmp_path, module, upward):
    copy = tmp_path / "house"
    shutil.copytree(PACKAGE, copy / "consult", ignore=shutil.ignore_patterns("translations"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    target = copy / "consult" / module
    target.write_text(target.read_text() + f"\n{upward}  # noqa\n")
    result = _lint_imports(copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = ast.parse(path.read_text(), str(path))
    return found


def _target(name: str, modules: dict) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _imports(tree: ast.AST, modules: dict, *, late: bool):
    """(node, module imported) for our own imports at module level (late=False: not
    under `if TYPE_CHECKING`) or inside functions (late=True)."""

    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and getattr(child.test, "id", "") == "TYPE_CHECKING":
                continue
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from walk(child, True)
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                if in_function == late:
                    for alias in child.names:
                        full = f"{child.module}.{alias.name}"
                        target = _target(full if full in modules else child.module, modules)
                        if target:
                            yield child, target
            elif isinstance(child, ast.Import):
                if in_function == late:
                    for alias in child.names:
                        target = _target(alias.name, modules)
                        if target:
                            yield child, target
            else:
                yield from walk(child, in_function)

    yield from walk(tree, False)


def test_no_two_modules_import_each_other_round_a_circle():
    modules = _modules()
    graph = {
        name: {t for _node, t in _imports(tree, modules, late=False) if t != name}
        for name, tree in modules.items()
    }
    # Tarjan's strongly connected components: any with two modules or more is a circle.
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for name in graph:
        if name not in index:
            visit(name)
    assert circles == []


def test_late_imports_stay_the_exception():
    modules = _modules()
    late = [
        f"{name}: {target}"
        for name, tree in modules.items()
        if name != "consult"  # create_app imports every feature, on purpose
        for _node, target in _imports(tree, modules, late=True)
    ]
    assert len(late) <= MAX_LATE_IMPORTS, late


def _every_module() -> list:
    """Every module of the package, imported."""
    import importlib
    import pkgutil

    import consult

    return [
        importlib.import_module(module.name)
        for module in pkgutil.walk_packages(consult.__path__, "consult.")
    ]


def _hooks_in_code() -> dict:
    """Every Hook the package declares, by owner: {'applications.states.admission': hook}."""
    from consult.hooks import Hook

    hooks = {}
    for module in _every_module():
        for value in vars(module).values():
            if isinstance(value, Hook):
                hooks[f"{value.owner.removeprefix('consult.')}.{value.name}"] = value
    return hooks


def _hook_table() -> dict[str, set[str]]:
    """docs/architecture.md's hook table: {hook: handlers}, a row's hooks sharing its
    handlers ('a.b.one` / `two`' names two hooks of one module)."""
    import re

    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text.split("## How a lower floor lets a higher one react: hooks")[1]
    section = section.split("\n## ")[0]
    rows = re.findall(r"^\| (`[^|]+) \| [^|]+ \| ([^|]+) \|$", section, re.M)
    table = {}
    for hooks, handlers in rows:
        names = re.findall(r"`([\w.]+)`", hooks)
        module = names[0].rpartition(".")[0]
        handled = set(re.findall(r"`([\w.]+)`", handlers))
        for name in names:
            table[name if "." in name else f"{module}.{name}"] = handled
    return table


def test_the_hook_table_is_the_code(app):
    """Each hook the code declares is in docs/architecture.md's table, with exactly the
    handlers the app registers for it; and each handler belongs to the app."""
    in_code = _hooks_in_code()
    table = _hook_table()
    assert set(table) == set(in_code)
    registered = {
        name: {
            f"{handler.__module__.removeprefix('consult.')}.{handler.__qualname__}"
            for handler in hook.handlers(app)
        }
        for name, hook in in_code.items()
    }
    for name in in_code:
        assert registered[name], f"{name} has no handler"
        # (a row naming two hooks lists the handlers of both)
        row = set().union(*(registered[n] for n, h in table.items() if h is table[name]))
        assert row == table[name], name


def test_hooks_belong_to_their_app(app):
    """A handler registered for one app is not called by another in the same process."""
    from flask import Flask

    from consult.hooks import Hook

    hook = Hook[[], str]("example")
    other = Flask("other")
    hook.register(other, lambda: "other's")
    with app.app_context():
        assert hook() == []
        assert hook.first() is None
    with other.app_context():
        assert hook() == ["other's"]


def test_every_domain_error_is_of_one_kind():
    """A refusal says one thing: bad input, not allowed, the state forbids it, or too
    late -- never two (StaleContribution was Invalid and Conflict at once)."""
    from consult.errors import Conflict, DomainError, Forbidden, Gone, Invalid

    _every_module()  # (so that every subclass is defined)
    kinds = (Invalid, Forbidden, Conflict, Gone)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    mixed = [
        f"{error.__module__}.{error.__name__}"
        for error in set(subclasses(DomainError))
        if sum(issubclass(error, kind) for kind in kinds) > 1
    ]
    assert mixed == []
