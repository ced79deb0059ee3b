"""Measured speed-ups of WeasyPrint for our reports (docs/pdf.md has the profiles).

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

3. pydyf compresses every stream at zlib level 9: measured on the reference report, 4.4
   times slower than level 6 for streams 5% smaller. pydyf gets level 6.

4. No cyclic garbage collection while WeasyPrint builds its hundreds of thousands of
   objects: the collector kept walking the growing heap (14% of a long render). They are
   freed by reference counting when the document goes (a collection afterwards finds 15
   objects on a process's first render and none after), so none is forced.
5. Each line of a paragraph costs what the line holds, not what the paragraph holds.
   WeasyPrint's `split_first_line` lays out a window of the text for one line (about four
   characters per em of width) but falls back to *all the rest of the text box* when that
   window fits on one line — text of narrow letters, "i i i …", or of zero-width characters
   — and Pango then lays out every remaining line, for every line: quadratic (20,000
   characters of "i " in a 30 mm column took 18 s). `bounded_line_breaking` hands it a
   window of the text instead, doubled until the first line ends inside it with a break
   opportunity (a space or a zero-width space) after it; the first line depends only on
   the text up to that opportunity, so the line is the one the whole text would give.
   Over-long words get their break opportunities from breaks.py.
"""

from __future__ import annotations

import gc
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

UNUSED_PSEUDO = re.compile(r"^::(footnote|note)-(call|marker|callback)\b")


def lean_ua_source() -> str:
    """WeasyPrint's own user-agent stylesheet without the pseudo-elements we never use."""
    import weasyprint

    source = (Path(weasyprint.__file__).parent / "css" / "html5_ua.css").read_text("utf-8")
    kept = []
    for line in source.splitlines():
        if UNUSED_PSEUDO.match(line):
            continue
        if line.startswith("::marker {"):
            line = "li" + line
        kept.append(line)
    return "\n".join(kept)


@cache
def lean_ua_stylesheet() -> Any:
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle

    # Its @counter-style rules are parsed into a fresh store: WeasyPrint's own already holds
    # them (and the document's counters come from there, as always).
    return CSS(string=lean_ua_source(), counter_style=CounterStyle())


def report_html_class() -> type[Any]:
    from weasyprint import HTML

    class ReportHTML(HTML):
        """An HTML document with the lean user-agent stylesheet."""

        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [lean_ua_stylesheet()]

    return ReportHTML


# A break opportunity after the line's end: a space, a tab, a line break or a zero-width
# space (not a no-break space: \s would count those).
_BREAK = re.compile("[ \t\n\r\f\u200b]")
FIRST_WINDOW_LINES = 4  # the first window holds about this many times WeasyPrint's own


def bounded_line_breaking() -> None:
    """Give WeasyPrint's line breaking a window of the text, not the whole rest of it
    (idempotent; see 5 above)."""
    from weasyprint.layout import inline

    original = inline.split_first_line
    if getattr(original, "sfo_windowed", False):
        return

    def split_first_line(
        text: str,
        style: Any,
        context: Any,
        max_width: float | None,
        justification_spacing: float,
        is_line_start: bool = True,
        minimum: bool = False,
    ) -> Any:
        window = _first_window(style, max_width)
        while window is not None and window < len(text):
            while window < len(text) and text[window - 1].isspace():
                window += 1  # WeasyPrint looks at the last character: never a space
            part = text[:window]
            found = split_first_line.sfo_original(  # type: ignore[attr-defined]
                part, style, context, max_width, justification_spacing, is_line_start, minimum
            )
            if _ends_inside(part, found[2]):
                return found
            window *= 2
        return split_first_line.sfo_original(  # type: ignore[attr-defined]
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )

    split_first_line.sfo_windowed = True  # type: ignore[attr-defined]
    split_first_line.sfo_original = original  # type: ignore[attr-defined]
    inline.split_first_line = split_first_line


def _first_window(style: Any, max_width: float | None) -> int | None:
    """Characters in the first window, or None where WeasyPrint lays out one line anyway."""
    font_size = style["font_size"]
    wraps = style["white_space"] in ("normal", "pre-wrap", "pre-line")
    if not wraps or not font_size or max_width is None or not 0 < max_width < float("inf"):
        return None
    return FIRST_WINDOW_LINES * int(max_width / font_size * 4) + 64


def _ends_inside(part: str, resume_index: int | None) -> bool:
    """Whether the first line of `part` ends before a break opportunity inside it: then the
    line is the same as the whole text's (`resume_index` counts UTF-8 bytes)."""
    if resume_index is None:
        return False  # it all fitted: the rest of the text might have too
    start = len(part.encode()[:resume_index].decode(errors="ignore"))
    return _BREAK.search(part, start + 1, len(part) - 1) is not None


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


class _Zlib:
    """zlib as pydyf sees it: any level above 6 is taken as 6."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(min(level, 6), *args, **kwargs)


def faster_compression() -> None:
    """Give pydyf zlib level 6 instead of 9 (idempotent)."""
    import pydyf

    if not isinstance(pydyf.zlib, _Zlib):
        pydyf.zlib = _Zlib()


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector paused for the block (renders take turns)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
