"""The import rule (docs/architecture.md, "Layers"), checked on the source: a lower layer never
imports a higher one, and no domain's routes import another domain's routes.

    core       everything in backend/ outside the domains: config, clock, errors, api, db, compat...
    models     backend/<domain>/models.py: core and other models only
    api_keys < auth < users < audit < patients < legacy    each domain's other modules: core,
                                                 models, and the domains below it
    interface  a domain's HTTP modules (routes and the like): anything above, but no other
               domain's interface (except legacy, a translation onto the others' interfaces)
    top        app, __main__, jobs, flask_import: anything
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.harness import ROOT

DOMAINS = ("api_keys", "auth", "users", "audit", "patients", "legacy")  # lowest first
TOP = {"app", "__main__", "jobs", "flask_import"}
INTERFACE = {"routes", "lockouts", "logins", "attempts", "mfa_routes"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The backend modules `path` imports at run time (not those under `if TYPE_CHECKING:`)."""
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    skipped = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for child in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("backend.")}


def kind(module: str) -> tuple[str, str]:
    """(layer, package) of a backend module."""
    parts = module.split(".")
    package = parts[1] if len(parts) > 1 else ""
    if package in TOP:
        return "top", package
    if package not in DOMAINS:
        return "core", package
    if len(parts) > 2 and parts[2] == "models":
        return "models", package
    if len(parts) > 2 and parts[2] in INTERFACE:
        return "interface", package
    return "domain", package


def allowed(importer: str, imported: str) -> bool:
    (layer, package), (their_layer, their_package) = kind(importer), kind(imported)
    if layer == "top":
        return True
    if their_package == package or their_layer == "core":
        return their_layer != "top"
    if layer == "core" or their_layer == "top":
        return False
    if layer == "models":
        return their_layer == "models"
    if layer == "interface":
        return their_layer != "interface" or package == "legacy"
    return their_layer == "models" or (
        their_layer == "domain" and DOMAINS.index(their_package) < DOMAINS.index(package)
    )


def violations() -> list[str]:
    modules = {module_name(path): path for path in (ROOT / "backend").rglob("*.py")}
    found = set()
    for importer, path in modules.items():
        for name in imports(path):
            # `from backend.x import name`: `name` is a module of its own, or something in backend.x
            imported = name if name in modules else name.rsplit(".", 1)[0]
            if imported in modules and not allowed(importer, imported):
                found.add(f"{importer} imports {imported}")
    return sorted(found)


def test_no_layer_imports_a_higher_one() -> None:
    assert violations() == []


def test_the_check_sees_a_violation() -> None:
    """The control: the rule refuses what it should."""
    assert not allowed("backend.auth.service", "backend.users.service")
    assert not allowed("backend.users.routes", "backend.auth.routes")
    assert not allowed("backend.users.models", "backend.patients.service")
    assert not allowed("backend.errors", "backend.auth.service")
    assert allowed("backend.users.service", "backend.auth.service")
    assert allowed("backend.patients.routes", "backend.auth.decorators")
