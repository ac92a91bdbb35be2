"""The mistakes this codebase must not make, found statically (`make lint` runs this).

Each finding is printed as `path:line:column: CODE message`; the exit status is 1 if there is any.

    DNG001  jwt.decode / decode_complete without `algorithms=` (or with "none", or with the
            signature check switched off): the token would choose how it is verified.
    DNG002  request data read outside backend/api.py: request.args, .json, .form, .files, ... must
            go through `@query` / `@body` (backend/api.py), whose pydantic models are the allowlist.
            `request.body` may be tested for emptiness (`if request.body`) but not read.
    DNG003  request data (or a name assigned from it) spread with * or ** into an ORM call or a
            model constructor, or passed to order_by / filter / exclude / group_by / values / only /
            annotate: a client would choose the columns, the lookups or the sort.
    DNG004  an HTML or code injection sink in the console (frontend/src): innerHTML, outerHTML,
            insertAdjacentHTML, dangerouslySetInnerHTML, document.write, eval, new Function.

    .venv/bin/python scripts/check_dangers.py                 # backend/ and frontend/src/
    .venv/bin/python scripts/check_dangers.py PATH ...        # files or folders (.py, .ts, .tsx, ...)
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TARGETS = ("backend", "frontend/src")
REQUEST_PARSER = "backend/api.py"  # the one module that turns request data into pydantic models
SCRIPT_SUFFIXES = {".ts", ".tsx", ".js", ".jsx", ".mts", ".cts", ".html"}

REQUEST_NAMES = {"request", "req"}
# Parsed request data: only backend/api.py reads these.
PARSED = {
    "args", "json", "form", "files", "query_args", "get_args", "get_query_args", "get_form", "load_json",
}  # fmt: skip
# Everything a client controls, for DNG003.
CLIENT_DATA = PARSED | {"body", "query_string", "headers", "cookies", "match_info", "raw_url", "path", "url"}
ORM_CALLS = {
    "create", "update", "filter", "exclude", "get", "get_or_none", "get_or_create", "update_or_create",
    "update_from_dict", "bulk_create", "bulk_update", "order_by", "group_by", "values", "values_list",
    "only", "annotate", "select_related", "prefetch_related",
}  # fmt: skip
FIELD_CHOOSERS = {"order_by", "group_by", "values", "values_list", "only", "annotate", "filter", "exclude"}
JWT_DECODERS = {"decode", "decode_complete"}
FRONTEND_SINK = re.compile(
    r"\b(innerHTML|outerHTML|insertAdjacentHTML|dangerouslySetInnerHTML|document\s*\.\s*write(?:ln)?)\b"
    r"|(?<![\w.$])eval\s*\(|\bnew\s+Function\s*\("
)


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"


def _request_attribute(node: ast.AST, names: set[str]) -> str | None:
    """`x` for `request.x` when x is one of `names`."""
    if isinstance(node, ast.Attribute) and node.attr in names:
        value = node.value
        if isinstance(value, ast.Name) and value.id in REQUEST_NAMES:
            return node.attr
    return None


class PythonChecker(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []
        self.jwt_modules: set[str] = set()  # names bound to the jwt module
        self.jwt_functions: set[str] = set()  # names bound to jwt.decode / decode_complete
        self.parents: dict[ast.AST, ast.AST] = {}
        self.tainted: list[set[str]] = [set()]  # names holding client data, per function

    def report(self, node: ast.expr | ast.stmt, code: str, message: str) -> None:
        self.findings.append(Finding(self.path, node.lineno, node.col_offset + 1, code, message))

    def check(self, tree: ast.Module) -> list[Finding]:
        for parent in ast.walk(tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[child] = parent
        self.visit(tree)
        return sorted(self.findings)

    # Imports of jwt, for DNG001.

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == "jwt" or alias.name.startswith("jwt."):
                self.jwt_modules.add(alias.asname or "jwt")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and (node.module == "jwt" or node.module.startswith("jwt.")):
            for alias in node.names:
                if alias.name in JWT_DECODERS:
                    self.jwt_functions.add(alias.asname or alias.name)

    # Functions: each has its own tainted names (and sees its enclosing function's).

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.tainted.append(set(self.tainted[-1]))
        self.generic_visit(node)
        self.tainted.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def is_client_data(self, node: ast.AST) -> bool:
        for inner in ast.walk(node):
            if _request_attribute(inner, CLIENT_DATA):
                return True
            if isinstance(inner, ast.Name) and inner.id in self.tainted[-1]:
                return True
        return False

    def taint(self, target: ast.AST) -> None:
        match target:
            case ast.Name(id=name):
                self.tainted[-1].add(name)
            case ast.Subscript(value=base) | ast.Attribute(value=base) | ast.Starred(value=base):
                self.taint(base)
            case ast.Tuple(elts=items) | ast.List(elts=items):
                for item in items:
                    self.taint(item)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        if self.is_client_data(node.value):
            for target in node.targets:
                self.taint(target)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.generic_visit(node)
        if node.value is not None and self.is_client_data(node.value):
            self.taint(node.target)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.generic_visit(node)
        if self.is_client_data(node.value):
            self.taint(node.target)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.generic_visit(node)
        if self.is_client_data(node.value):
            self.taint(node.target)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        if self.is_client_data(node.iter):
            self.taint(node.target)
        self.generic_visit(node)

    visit_AsyncFor = visit_For

    def visit_ListComp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        """The loops first: the element is computed from their targets."""
        for loop in node.generators:
            self.visit(loop.iter)
            if self.is_client_data(loop.iter):
                self.taint(loop.target)
            for condition in loop.ifs:
                self.visit(condition)
        for part in (node.key, node.value) if isinstance(node, ast.DictComp) else (node.elt,):
            self.visit(part)

    visit_SetComp = visit_GeneratorExp = visit_DictComp = visit_ListComp

    # DNG002

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if self.path != REQUEST_PARSER:
            if attribute := _request_attribute(node, PARSED):
                self.report(node, "DNG002", f"request.{attribute} outside {REQUEST_PARSER}: use @query/@body")
            elif _request_attribute(node, {"body"}) and not self.only_tested(node):
                self.report(node, "DNG002", f"request.body read outside {REQUEST_PARSER}: use @body")
        self.generic_visit(node)

    def only_tested(self, node: ast.AST) -> bool:
        """Whether `node`'s value is used only for its truth: `if request.body`, `not request.body`."""
        match self.parents.get(node):
            case ast.If(test=test) | ast.IfExp(test=test) | ast.While(test=test) | ast.Assert(test=test):
                return test is node
            case ast.UnaryOp(op=ast.Not()):
                return True
            case ast.BoolOp() as either:
                return self.only_tested(either)
        return False

    # DNG001 and DNG003

    def visit_Call(self, node: ast.Call) -> None:
        if self.is_jwt_decode(node.func):
            self.check_jwt_decode(node)
        if name := self.orm_call(node.func):
            self.check_orm_call(node, name)
        self.generic_visit(node)

    def is_jwt_decode(self, func: ast.expr) -> bool:
        if isinstance(func, ast.Name):
            return func.id in self.jwt_functions
        if isinstance(func, ast.Attribute) and func.attr in JWT_DECODERS:
            root = func.value
            while isinstance(root, ast.Attribute):
                root = root.value
            return isinstance(root, ast.Name) and root.id in self.jwt_modules
        return False

    def check_jwt_decode(self, node: ast.Call) -> None:
        keywords = {keyword.arg: keyword.value for keyword in node.keywords}
        algorithms = keywords.get("algorithms")
        if algorithms is None:
            self.report(node, "DNG001", "jwt.decode without algorithms=: name the one algorithm tokens use")
            return
        for inner in ast.walk(algorithms):
            if isinstance(inner, ast.Constant) and str(inner.value).lower() == "none":
                self.report(node, "DNG001", 'jwt.decode accepting algorithm "none"')
        options = keywords.get("options")
        if isinstance(options, ast.Dict):
            for key, value in zip(options.keys, options.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value == "verify_signature"
                    and not (isinstance(value, ast.Constant) and value.value is True)
                ):
                    self.report(node, "DNG001", "jwt.decode with the signature check switched off")

    @staticmethod
    def orm_call(func: ast.expr) -> str | None:
        """The ORM method or model class called, if it looks like one."""
        if isinstance(func, ast.Attribute):
            if func.attr in ORM_CALLS:
                return func.attr
            return func.attr if func.attr[:1].isupper() else None
        if isinstance(func, ast.Name) and func.id[:1].isupper():
            return func.id
        return None

    def check_orm_call(self, node: ast.Call, name: str) -> None:
        for keyword in node.keywords:
            if keyword.arg is None and self.is_client_data(keyword.value):
                self.report(keyword.value, "DNG003", f"request data spread with ** into {name}()")
        for argument in node.args:
            if isinstance(argument, ast.Starred) and self.is_client_data(argument.value):
                self.report(argument, "DNG003", f"request data spread with * into {name}()")
            elif name in FIELD_CHOOSERS and self.is_client_data(argument):
                self.report(argument, "DNG003", f"request data passed to {name}(): allowlist it first")


def check_python(path: str, source: str) -> list[Finding]:
    return PythonChecker(path).check(ast.parse(source, filename=path))


def check_script(path: str, source: str) -> list[Finding]:
    findings = []
    for number, line in enumerate(source.splitlines(), 1):
        for match in FRONTEND_SINK.finditer(line):
            sink = match.group(0).rstrip("( ")
            message = f"{sink}: render text through React, never HTML or code built from strings"
            findings.append(Finding(path, number, match.start() + 1, "DNG004", message))
    return findings


def files(target: Path) -> Iterator[Path]:
    if target.is_file():
        yield target
        return
    for path in sorted(target.rglob("*")):
        if path.is_file() and "node_modules" not in path.parts and (path.suffix in SCRIPT_SUFFIXES | {".py"}):
            yield path


def check_file(path: Path) -> list[Finding]:
    shown = path.resolve().relative_to(ROOT).as_posix() if path.resolve().is_relative_to(ROOT) else str(path)
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        return check_python(shown, source)
    if path.suffix in SCRIPT_SUFFIXES:
        return check_script(shown, source)
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help="default: backend frontend/src")
    args = parser.parse_args(argv)
    targets = args.paths or [ROOT / target for target in DEFAULT_TARGETS]
    findings = [finding for target in targets for path in files(target) for finding in check_file(path)]
    for finding in findings:
        print(finding)
    if findings:
        print(f"{len(findings)} danger(s) found; see scripts/check_dangers.py for what each code means")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
