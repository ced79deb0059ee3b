"""Measured speed-ups of WeasyPrint for our reports (docs/pdf.md has the profiles).

1. A leaner user-agent stylesheet. WeasyPrint's own (css/html5_ua.css) gives *every*
   element five pseudo-elements for footnotes and notes (`::footnote-call`,
   `::footnote-marker`, `::note-call`, `::note-marker`, `::note-callback`) and a `::marker`;
   computing their styles was most of the "Applying CSS" step on a long report (six
   computed styles per element). The reports use neither footnotes nor notes, and markers
   only on list items, so ours is WeasyPrint's file with those rules dropped and `::marker`
   narrowed to `li::marker` — read from the installed WeasyPrint, so it follows upgrades.
   `report_html_class()` supplies it through the adapter's `user-agent-stylesheet` hook
   (sfo_review/pdf/engine/stylesheet.py).

2. pydyf's `PDF.page_references` made linear: the adapter's `page-references` hook.

3. pydyf compresses at zlib level 6, not 9: the adapter's `compression` hook.

4. No cyclic garbage collection while WeasyPrint builds its hundreds of thousands of
   objects: the collector kept walking the growing heap (14% of a long render). They are
   freed by reference counting when the document goes (a collection afterwards finds 15
   objects on a process's first render and none after), so none is forced.

5. Each line of a paragraph costs what the line holds, not what the paragraph holds: the
   adapter's `line-breaking` hook (sfo_review/pdf/engine/linebreak.py).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

from sfo_review.pdf import engine

if TYPE_CHECKING:
    from weasyprint import CSS, HTML

UNUSED_PSEUDO = re.compile(r"^::(footnote|note)-(call|marker|callback)\b")


def lean_ua_source() -> str:
    """WeasyPrint's own user-agent stylesheet without the pseudo-elements we never use."""
    kept = []
    for line in engine.user_agent_source().splitlines():
        if UNUSED_PSEUDO.match(line):
            continue
        if line.startswith("::marker {"):
            line = "li" + line
        kept.append(line)
    return "\n".join(kept)


@cache
def lean_ua_stylesheet() -> CSS:
    return engine.user_agent_stylesheet(lean_ua_source())


def report_html_class() -> type[HTML]:
    """`weasyprint.HTML` with the lean user-agent stylesheet."""
    return engine.html_class(lean_ua_stylesheet)


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
