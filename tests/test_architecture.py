"""The import rules of `portal/`, checked on the source (no import is executed).

1. `portal.core` (and `portal.config`, `portal.extensions`) import no domain: core is what every
   domain shares, so it must not know any of them.
2. A domain reaches another domain only through its public modules, `services` and `queries`:
   never its models, forms, views, admin views or workflow internals. What two domains both
   need moves down into core instead (a form field, the case-number rule, a URL helper, the
   login loader registry).
3. Domains depend on each other without cycles, so each can be read, and tested, from the bottom
   up.

The composition modules, the app factory (`portal/__init__.py`), the demo loader
(`portal/demo.py`), the background worker (`portal/worker.py`) and the simulated year
(`portal/simulation/`), wire every domain together and
are exempt.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"
SHARED = {"core", "config", "extensions"}
COMPOSITION = {
    PORTAL / "__init__.py",
    PORTAL / "demo.py",
    PORTAL / "worker.py",
    *(PORTAL / "simulation").glob("*.py"),
}
PUBLIC_MODULES = {"services", "queries"}


def _domain_of(path: Path) -> str:
    return path.relative_to(PORTAL).parts[0].removesuffix(".py")


def _imports(path: Path):
    """Every `portal.x.y` module the file imports, with the line, also for `from portal.x import y`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("portal."):
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "portal":
                for alias in node.names:
                    yield f"portal.{alias.name}", node.lineno
            elif node.module.startswith("portal."):
                parts = node.module.split(".")
                if len(parts) == 2:  # from portal.cases import services → portal.cases.services
                    for alias in node.names:
                        yield f"{node.module}.{alias.name}", node.lineno
                else:
                    yield node.module, node.lineno


def _edges():
    for path in sorted(PORTAL.rglob("*.py")):
        if path in COMPOSITION:
            continue
        source = _domain_of(path)
        for module, line in _imports(path):
            parts = module.split(".")
            target = parts[1]
            if target != source:
                yield path.relative_to(PORTAL.parent), line, source, target, parts[2:]


def test_core_imports_no_domain():
    offending = [
        f"{path}:{line} imports portal.{target}"
        for path, line, source, target, _rest in _edges()
        if source in SHARED and target not in SHARED
    ]
    assert offending == []


def test_domains_reach_each_other_only_through_services_and_queries():
    offending = [
        f"{path}:{line} imports portal.{target}.{'.'.join(rest)}"
        for path, line, source, target, rest in _edges()
        if source not in SHARED
        and target not in SHARED
        and (not rest or rest[0] not in PUBLIC_MODULES)
    ]
    assert offending == []


def test_domains_depend_on_each_other_without_cycles():
    graph = defaultdict(set)
    for _path, _line, source, target, _rest in _edges():
        if source not in SHARED and target not in SHARED:
            graph[source].add(target)
    cycles = []

    def visit(node, trail):
        for nxt in sorted(graph[node]):
            if nxt in trail:
                cycles.append(" → ".join([*trail[trail.index(nxt) :], nxt]))
            elif len(trail) < len(graph) + 1:
                visit(nxt, [*trail, nxt])

    for start in sorted(graph):
        visit(start, [start])
    assert sorted(set(cycles)) == []


def test_the_rules_see_the_imports_they_judge():
    """The checks above would pass vacuously if the parser found nothing."""
    edges = list(_edges())
    assert any(source == "lawyers" and target == "core" for _p, _l, source, target, _r in edges)
    assert any(
        source not in SHARED and target not in SHARED for _p, _l, source, target, _r in edges
    )
