"""Guard: the lifecycle's words are named once (sfo_review/lifecycle.py) and asked by name.

Fails for any view, service or template that compares a status with a string written out
(`review.status == "approved"`, `status in ("approved", "closed")`, `to == "closed"`)
instead of asking a named group or question (`lifecycle.is_finished(review)`,
`lifecycle.FINISHED`, `perm.can_edit_content(user, review)`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from sfo_review import lifecycle, vocab

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sfo_review"
TEMPLATES = ROOT / "templates"

# Where the lifecycle is defined or its values only stored and printed: the table itself,
# the models and migrations (columns, constraints, the status sort), and the demo and bulk
# seed data (rows written in a given status).
ALLOWED = (
    "sfo_review/lifecycle.py",
    "sfo_review/models/",
    "sfo_review/migrations/",
    "sfo_review/cli/",
)

# A review's statuses: compared with anything (a transition's `to` too), they are a decision.
REVIEW_STATUSES = frozenset(vocab.keys(vocab.STATUSES))


def _allowed(path: Path) -> bool:
    relative = path.relative_to(ROOT).as_posix()
    return any(relative.startswith(prefix) for prefix in ALLOWED)


def _strings(node: ast.expr) -> list[str] | None:
    """The string literals `node` is made of (one, or a tuple/list/set of them), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set) and node.elts:
        found = [_strings(e) for e in node.elts]
        if all(f is not None and len(f) == 1 for f in found):
            return [f[0] for f in found if f]
    return None


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)  # values["status"]
    return ""


def _is_status(node: ast.expr) -> bool:
    return _name(node).endswith("status")


def literal_status_comparisons(source: str) -> list[int]:
    """Lines of `source` comparing a status with string literals."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        literals = [s for side in sides if (s := _strings(side)) is not None]
        if not literals:
            continue
        about_status = any(_is_status(side) for side in sides)
        names_review_status = any(set(ls) & REVIEW_STATUSES for ls in literals)
        if about_status or names_review_status:
            lines.append(node.lineno)
    return lines


_QUOTED = r"""(?:"[^"]*"|'[^']*')"""
_LITERALS = rf"(?:{_QUOTED}|[(\[]\s*{_QUOTED}(?:\s*,\s*{_QUOTED})*\s*,?\s*[)\]])"
_OPERATOR = r"(?:==|!=|\bnot\s+in\b|\bin\b)"
# `x.status == "…"`, `status not in ("…", "…")`, `"…" == x.status` …
_STATUS_COMPARED = re.compile(
    rf"\w*status\s*{_OPERATOR}\s*{_LITERALS}|{_LITERALS}\s*{_OPERATOR}\s*[\w.]*status\b"
)
# … and any comparison with a review status written out (`step.to == "in_review"`).
_COMPARED_LITERALS = re.compile(rf"{_OPERATOR}\s*({_LITERALS})|({_LITERALS})\s*{_OPERATOR}")
_JINJA = re.compile(r"{%-?(.*?)-?%}|{{-?(.*?)-?}}", re.DOTALL)


def _names_review_status(expression: str) -> bool:
    for match in _COMPARED_LITERALS.finditer(expression):
        literals = match.group(1) or match.group(2)
        if set(re.findall(r"[\w]+", literals)) & REVIEW_STATUSES:
            return True
    return False


def template_status_comparisons(text: str) -> list[int]:
    """Lines of a template whose Jinja expressions compare a status with string literals."""
    lines = []
    for match in _JINJA.finditer(text):
        expression = match.group(1) if match.group(1) is not None else match.group(2)
        if _STATUS_COMPARED.search(expression) or _names_review_status(expression):
            lines.append(text.count("\n", 0, match.start()) + 1)
    return lines


def _python_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if not _allowed(p))


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_the_scan_sees_the_package_and_the_templates() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in _python_files()}
    assert "sfo_review/reviews/overview.py" in names
    assert "sfo_review/lifecycle.py" not in names
    assert len(_templates()) > 50


PYTHON_WRITTEN_OUT = [
    'review.status == "approved"',
    'review.status in ("approved", "closed")',
    'status not in ["in_review"]',
    '"done" != action.status',
    'statement.status == "submitted"',
    'to == "closed"',
    'data["to"] == "approved"',
    'values["status"] == "done"',
    'Review.status.in_(("approved",)) if x.status in {"approved", "closed"} else 0',
]
PYTHON_NAMED = [
    "lifecycle.is_finished(review)",
    "review.status in lifecycle.FINISHED",
    "to == lifecycle.APPROVED",
    "response.status == 429",
    'fmt == "archival"',
    'variant in ("full", "family_summary")',
]
TEMPLATE_WRITTEN_OUT = [
    '{% if review.status == "closed" %}',
    "{% if review.status in ('approved', 'closed') %}",
    '{% set x = a and review.status not in ("approved", "closed") %}',
    '{{ "a" if e.status != "requested" else "b" }}',
    '{% if step.to == "in_review" %}',
    '{%- if "approved" == review.status -%}',
]
TEMPLATE_NAMED = [
    "{% if lifecycle.is_finished(review) %}",
    "{% if perm.can_edit_content(current_user, review) %}",
    "{% if status == 404 %}",
    '{{ "In full" if s.include_in_report == "full" else "As a summary" }}',
    '{% for key in ("status", "notification_date") %}',
    '<p class="status">approved</p>',
]


@pytest.mark.parametrize(
    ("scan", "text", "flagged"),
    [(literal_status_comparisons, t, True) for t in PYTHON_WRITTEN_OUT]
    + [(literal_status_comparisons, t, False) for t in PYTHON_NAMED]
    + [(template_status_comparisons, "<p>\n" + t, True) for t in TEMPLATE_WRITTEN_OUT]
    + [(template_status_comparisons, "<p>\n" + t, False) for t in TEMPLATE_NAMED],
)
def test_the_scans_find_a_status_written_out_and_let_named_words_pass(
    scan: Callable[[str], list[int]], text: str, flagged: bool
) -> None:
    assert scan(text) == ([text.count("\n") + 1] if flagged else [])


def test_no_view_or_service_compares_a_status_with_a_string() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _python_files()
        for line in literal_status_comparisons(path.read_text())
    ]
    assert found == [], (
        "Ask sfo_review/lifecycle.py (a named status group or question) or "
        f"sfo_review/permissions.py instead: {found}"
    )


def test_no_template_compares_a_status_with_a_string() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _templates()
        for line in template_status_comparisons(path.read_text())
    ]
    assert found == [], "Ask `lifecycle.…` or `perm.…` (template globals) instead: " + ", ".join(
        found
    )


def test_each_status_group_is_named_once() -> None:
    """The groups are lifecycle's; nothing else defines a tuple of review statuses."""
    for group in (lifecycle.EDITABLE, lifecycle.FINISHED, lifecycle.WITH_QUALITY_ASSURANCE):
        assert set(group) <= REVIEW_STATUSES
    duplicates = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in _python_files()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Assign)
        and (values := _strings(node.value)) is not None
        and len(values) > 1
        and set(values) <= REVIEW_STATUSES
    ]
    assert duplicates == []
