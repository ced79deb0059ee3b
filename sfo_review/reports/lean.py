"""Two measured speed-ups of WeasyPrint for our reports (docs/pdf.md has the profiles).

1. A leaner user-agent stylesheet. WeasyPrint's own (css/html5_ua.css) gives *every*
   element five pseudo-elements for footnotes and notes (`::footnote-call`,
   `::footnote-marker`, `::note-call`, `::note-marker`, `::note-callback`) and a `::marker`;
   computing their styles was most of the "Applying CSS" step on a long report (six
   computed styles per element). The reports use neither footnotes nor notes, and markers
   only on list items, so ours is WeasyPrint's file with those rules dropped and `::marker`
   narrowed to `li::marker` — read from the installed WeasyPrint, so it follows upgrades.
   `ReportHTML` supplies it through `HTML._ua_stylesheets`, the hook WeasyPrint's own
   subclasses use; tests/reports/test_lean.py fails if that hook ever goes away.

2. pydyf's `PDF.page_references` builds a tuple of every page's reference on each access,
   and WeasyPrint's tagging asks for it once per structure element: quadratic in the pages.
   The same tuple is computed once per number of pages instead (pages are only appended).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

UNUSED_PSEUDO = re.compile(r"^::(footnote|note)-(call|marker|callback)\b")


@cache
def lean_ua_stylesheet() -> Any:
    import weasyprint
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle

    source = (Path(weasyprint.__file__).parent / "css" / "html5_ua.css").read_text("utf-8")
    kept = []
    for line in source.splitlines():
        if UNUSED_PSEUDO.match(line):
            continue
        if line.startswith("::marker {"):
            line = "li" + line
        kept.append(line)
    # Its @counter-style rules are parsed into a fresh store: WeasyPrint's own already holds
    # them (and the document's counters come from there, as always).
    return CSS(string="\n".join(kept), counter_style=CounterStyle())


def report_html_class() -> type[Any]:
    from weasyprint import HTML

    class ReportHTML(HTML):
        """An HTML document with the lean user-agent stylesheet."""

        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [lean_ua_stylesheet()]

    return ReportHTML


def cache_page_references() -> None:
    """Make pydyf's page_references linear (idempotent)."""
    import pydyf

    current = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(current, property) or current.fget is None:
        return
    if getattr(current.fget, "sfo_cached", False):
        return
    compute = current.fget

    def page_references(self: Any) -> tuple[bytes, ...]:
        count = len(self.pages["Kids"])
        memo = self.__dict__.get("_sfo_page_references")
        if memo is None or memo[0] != count:
            memo = (count, compute(self))
            self.__dict__["_sfo_page_references"] = memo
        refs: tuple[bytes, ...] = memo[1]
        return refs

    page_references.sfo_cached = True  # type: ignore[attr-defined]
    pydyf.PDF.page_references = property(page_references)
