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
   objects on a process's first render and none after), so none is forced. The collector
   belongs to the whole process, so it is paused only when the render's thread is the
   process's only thread — the job worker's process workers, where every download's PDF
   is made. In a web process (gunicorn's gthread workers: 4 threads), where an approval
   through the API lays out its PDFs, pausing it would pause it for every request the
   other threads serve, for as long as the render runs (up to its time limit): there the
   collector stays on and the render costs about 14% more.

5. Each line of a paragraph costs what the line holds, not what the paragraph holds: the
   adapter's `line-breaking` hook (sfo_review/pdf/engine/linebreak.py).
"""

from __future__ import annotations

import gc
import re
import threading
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
    """The cyclic garbage collector paused for the block when no other thread shares the
    process (see 4 above); otherwise it is left as it is. Renders in one process take turns,
    and a process worker starts no thread while it renders."""
    if not gc.isenabled() or not alone():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def alone() -> bool:
    """Whether the calling thread is the only one in the process (threads of this
    interpreter: a thread the collector's pause would reach runs Python code)."""
    return threading.active_count() == 1
