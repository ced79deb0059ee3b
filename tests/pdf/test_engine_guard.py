"""Guard: WeasyPrint's and pydyf's internals are touched from sfo_review/pdf/engine/ only
(house style 17). Every other module of the app may use their public API — `HTML`, `CSS`,
`FontConfiguration`, the URL fetcher — and nothing else: no private name (one starting with
`_`, in code, strings or comments), no other import of theirs, no assignment to one of
their attributes, no override of a private method in a subclass of theirs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "sfo_review"
ADAPTER = PACKAGE / "pdf" / "engine"
LIBRARIES = ("weasyprint", "pydyf")
# The public API the rest of the app may import, module by module.
PUBLIC = {
    "weasyprint": {"HTML", "CSS", "URLFetcher", "default_url_fetcher"},
    "weasyprint.text.fonts": {"FontConfiguration"},
    "weasyprint.urls": {"URLFetcher", "URLFetcherResponse", "default_url_fetcher"},
}
PRIVATE_MENTION = re.compile(r"\b(?:weasyprint|pydyf)(?:\.\w+)*\._\w*")


def _library(module: str | None) -> bool:
    return module is not None and module.split(".")[0] in LIBRARIES


class _Touches(ast.NodeVisitor):
    """What a module does with WeasyPrint and pydyf beyond their public API."""

    def __init__(self) -> None:
        self.bound: set[str] = set()  # names bound to the libraries or to things of theirs
        self.found: list[str] = []

    def theirs(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.bound
        if isinstance(node, ast.Attribute):
            return self.theirs(node.value)
        if isinstance(node, ast.Call):
            return self.theirs(node.func)
        return False

    def say(self, node: ast.AST, what: str) -> None:
        self.found.append(f"line {getattr(node, 'lineno', '?')}: {what}")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if not _library(alias.name):
                continue
            if alias.name not in LIBRARIES:
                self.say(node, f"import {alias.name}")
            if alias.name == "pydyf":
                self.say(node, "import pydyf")
            self.bound.add(alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if not _library(node.module):
            return
        allowed = PUBLIC.get(node.module or "", set())
        for alias in node.names:
            if alias.name not in allowed:
                self.say(node, f"from {node.module} import {alias.name}")
            self.bound.add(alias.asname or alias.name)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr.startswith("_") and self.theirs(node.value):
            self.say(node, f"private name {node.attr}")
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.assigned(node.targets)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.assigned([node.target])
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        self.assigned(node.targets)
        self.generic_visit(node)

    def assigned(self, targets: list[ast.expr]) -> None:
        for target in targets:
            if isinstance(target, ast.Attribute) and self.theirs(target.value):
                self.say(target, f"assignment to their attribute {target.attr}")

    def visit_Call(self, node: ast.Call) -> None:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name in ("setattr", "delattr", "getattr") and node.args and self.theirs(node.args[0]):
            attribute = node.args[1] if len(node.args) > 1 else None
            private = isinstance(attribute, ast.Constant) and str(attribute.value).startswith("_")
            if name != "getattr" or private:
                self.say(node, f"{name} on one of their objects")
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if any(self.theirs(base) for base in node.bases):
            for item in node.body:
                if (
                    isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                    and item.name.startswith("_")
                    and not item.name.endswith("__")
                ):
                    self.say(item, f"override of their private method {item.name}")
        self.generic_visit(node)


def touches(source: str) -> list[str]:
    """Every touch of WeasyPrint's or pydyf's internals in `source`."""
    visitor = _Touches()
    tree = ast.parse(source)
    for node in ast.walk(tree):  # bind every import first, wherever it is
        if isinstance(node, ast.Import | ast.ImportFrom):
            visitor.visit(node)
    visitor.found.clear()
    visitor.visit(tree)
    for number, line in enumerate(source.splitlines(), 1):
        for mention in PRIVATE_MENTION.findall(line):
            visitor.found.append(f"line {number}: mentions {mention}")
    return visitor.found


def test_only_the_adapter_touches_weasyprint_and_pydyf_internals() -> None:
    found = {
        str(path.relative_to(PACKAGE.parent)): problems
        for path in sorted(PACKAGE.rglob("*.py"))
        if not path.is_relative_to(ADAPTER) and (problems := touches(path.read_text("utf-8")))
    }
    assert found == {}, (
        "WeasyPrint's and pydyf's internals are touched only from sfo_review/pdf/engine/ "
        f"(a named hook with a contract test, docs/pdf.md): {found}"
    )


@pytest.mark.parametrize(
    "source",
    [
        "import pydyf",
        "from pydyf import Dictionary",
        "import weasyprint.draw",
        "from weasyprint.pdf import tags",
        "from weasyprint.layout import inline",
        "import weasyprint\nweasyprint.draw = None",
        "import weasyprint as w\nw.__file__",
        "from weasyprint import HTML\nHTML.render = None",
        "from weasyprint import HTML\nsetattr(HTML, 'render', None)",
        "from weasyprint import HTML\ngetattr(HTML, '_ua_stylesheets')",
        "from weasyprint import HTML\nclass Mine(HTML):\n    def _ua_stylesheets(self): ...",
        "def f():\n    from weasyprint import CSS\n    CSS._x = 1",
        "PATH = 'weasyprint.pdf.tags._build_box_tree'",
        "# wraps weasyprint.HTML._ua_stylesheets",
    ],
)
def test_the_guard_finds_each_kind_of_touch(source: str) -> None:
    assert touches(source)


@pytest.mark.parametrize(
    "source",
    [
        "from weasyprint import CSS, HTML",
        "from weasyprint.text.fonts import FontConfiguration",
        "from weasyprint.urls import URLFetcher, URLFetcherResponse\n"
        "class F(URLFetcher):\n    def __init__(self): super().__init__()",
        "import importlib.metadata\nimportlib.metadata.version('weasyprint')",
        "import logging\nlogging.getLogger('weasyprint.progress')",
        "from weasyprint import HTML\nHTML(string='<p>x</p>').write_pdf()",
        "from sfo_review.pdf import engine\nengine.install_hooks()",
    ],
)
def test_the_guard_leaves_the_public_api_alone(source: str) -> None:
    assert touches(source) == []
