"""Every write is a use case: only services/_common.py commits (`use_case`), so no service
commits half of what a person did, or commits outside the transaction a use case began."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "sfo_review" / "services"


def _commits(path: Path) -> list[int]:
    """The lines of `path` that call `.commit(...)` on anything."""
    tree = ast.parse(path.read_text(), str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
    ]


def test_only_the_use_case_decorator_commits() -> None:
    found = {
        f"{path.relative_to(SERVICES)}:{line}"
        for path in sorted(SERVICES.rglob("*.py"))
        for line in _commits(path)
    }
    assert any(place.startswith("_common.py:") for place in found)  # the search works
    assert sorted(p for p in found if not p.startswith("_common.py:")) == []
