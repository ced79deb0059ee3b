"""The adapter: every touch of WeasyPrint's and pydyf's internals, in one place (house style
17). Each hook replaces or overrides one library name that is not public API; docs/pdf.md
says what each does and why, and what to do when a WeasyPrint upgrade moves one.

| hook | replaces | module |
|---|---|---|
| compression | `pydyf.zlib` | compression.py |
| page-references | `pydyf.PDF.page_references` | pages.py |
| line-breaking | `weasyprint.layout.inline.split_first_line` | linebreak.py |
| artifact-drawing | `weasyprint.draw.draw_stacking_context` | artifacts.py |
| structure-tree | `weasyprint.pdf.tags._build_box_tree` | artifacts.py |
| structure-join | `weasyprint.pdf.add_tags` | structure.py |
| user-agent-stylesheet | `weasyprint.HTML._ua_stylesheets` (a subclass) | stylesheet.py |

`install_hooks()` installs them all, once per process however often it is called; the
render engine (sfo_review/pdf/render.py) calls it when it starts. Nothing happens at import.
tests/pdf/test_engine_contract.py checks, hook by hook, that what each relies on is still
there in the installed WeasyPrint and pydyf.
"""

from __future__ import annotations

import threading

from sfo_review.pdf.engine import artifacts, compression, linebreak, pages, structure, stylesheet
from sfo_review.pdf.engine.hooks import Hook, hook_of, original
from sfo_review.pdf.engine.stylesheet import html_class, user_agent_source, user_agent_stylesheet

__all__ = [
    "HOOKS",
    "Hook",
    "hook_of",
    "html_class",
    "install_hooks",
    "original",
    "user_agent_source",
    "user_agent_stylesheet",
]

HOOKS: tuple[Hook, ...] = (
    compression.HOOK,
    pages.HOOK,
    linebreak.HOOK,
    artifacts.DRAWING_HOOK,
    artifacts.TREE_HOOK,
    structure.HOOK,
    stylesheet.HOOK,
)
_INSTALLING = threading.Lock()


def install_hooks() -> None:
    """Install every hook (idempotent: each finds its own mark and leaves it)."""
    with _INSTALLING:
        for hook in HOOKS:
            hook.install()
