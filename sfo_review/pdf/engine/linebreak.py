"""Hook `line-breaking`: each line of a paragraph costs what the line holds, not what the
paragraph holds.

WeasyPrint's `split_first_line` lays out a window of the text for one line (about four
characters per em of width) but falls back to *all the rest of the text box* when that
window fits on one line — text of narrow letters, "i i i …", or of zero-width characters
— and Pango then lays out every remaining line, for every line: quadratic (20,000
characters of "i " in a 30 mm column took 18 s). The hook replaces the name
`weasyprint.layout.inline.split_first_line` (what inline layout calls) with one that hands
WeasyPrint's function a window of the text instead, doubled until the first line ends
inside it with a break opportunity (a space or a zero-width space) after it; the first line
depends only on the text up to that opportunity, so the line is the one the whole text
would give. Over-long words get their break opportunities from sfo_review/pdf/breaks.py.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sfo_review.pdf.engine.hooks import Hook, hook_of, mark

if TYPE_CHECKING:
    from weasyprint.css import ComputedStyle
    from weasyprint.layout import LayoutContext

NAME = "line-breaking"
# A break opportunity after the line's end: a space, a tab, a line break or a zero-width
# space (not a no-break space: \s would count those).
_BREAK = re.compile("[ \t\n\r\f\u200b]")
FIRST_WINDOW_LINES = 4  # the first window holds about this many times WeasyPrint's own
# What split_first_line returns: (layout, length, resume_index, width, height, baseline).
RESUME_INDEX = 2


def install() -> None:
    """Give WeasyPrint's line breaking a window of the text, not the whole rest of it
    (idempotent)."""
    from weasyprint.layout import inline

    if installed():
        return
    whole = inline.split_first_line

    def split_first_line(
        text: str,
        style: ComputedStyle,
        context: LayoutContext,
        max_width: float | None,
        justification_spacing: float,
        is_line_start: bool = True,
        minimum: bool = False,
    ) -> tuple[Any, ...]:  # Pango's layout, then numbers (WeasyPrint's own shape)
        window = _first_window(style, max_width)
        while window is not None and window < len(text):
            while window < len(text) and text[window - 1].isspace():
                window += 1  # WeasyPrint looks at the last character: never a space
            part = text[:window]
            found = split_first_line.sfo_original(  # type: ignore[attr-defined]
                part, style, context, max_width, justification_spacing, is_line_start, minimum
            )
            if _ends_inside(part, found[RESUME_INDEX]):
                return found
            window *= 2
        return split_first_line.sfo_original(  # type: ignore[attr-defined]
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )

    # Marked "sfo_windowed" too: tests/pdf/test_lean.py asks for it by that name.
    split_first_line.sfo_windowed = True  # type: ignore[attr-defined]
    inline.split_first_line = mark(split_first_line, NAME, whole)


def installed() -> bool:
    from weasyprint.layout import inline

    return hook_of(inline.split_first_line) == NAME


def _first_window(style: ComputedStyle, max_width: float | None) -> int | None:
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


HOOK = Hook(
    NAME,
    "weasyprint.layout.inline.split_first_line",
    "a window of the text for each line, not the rest of the paragraph (narrow letters)",
    install,
    installed,
)
