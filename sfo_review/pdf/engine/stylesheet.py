"""Hook `user-agent-stylesheet`: documents laid out with a user-agent stylesheet of ours.

WeasyPrint asks an HTML document for its user-agent stylesheets through the method
`HTML._ua_stylesheets`, which its own subclasses override; ours returns the one stylesheet
it is given (sfo_review/pdf/lean.py makes it from WeasyPrint's own, read here). Nothing of
WeasyPrint's is replaced: the override applies only to documents made from `html_class`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sfo_review.pdf.engine.hooks import Hook

if TYPE_CHECKING:
    from weasyprint import CSS, HTML

NAME = "user-agent-stylesheet"
UA_FILE = Path("css") / "html5_ua.css"  # in WeasyPrint's package


def user_agent_source() -> str:
    """WeasyPrint's own HTML5 user-agent stylesheet, as installed."""
    import weasyprint

    return (Path(weasyprint.__file__).parent / UA_FILE).read_text("utf-8")


def user_agent_stylesheet(source: str) -> CSS:
    """`source` parsed as a user-agent stylesheet: its @counter-style rules go into a fresh
    store (WeasyPrint's own already holds them, and the document's counters come from
    there, as always)."""
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle

    return CSS(string=source, counter_style=CounterStyle())


def html_class(stylesheet: Callable[[], CSS]) -> type[HTML]:
    """A subclass of `weasyprint.HTML` whose user-agent stylesheet is `stylesheet()`."""
    from weasyprint import HTML

    class ReportHTML(HTML):
        """An HTML document with our user-agent stylesheet."""

        def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
            return [stylesheet()]

    return ReportHTML


def install() -> None:
    """Nothing to install: the override lives in the class `html_class` makes."""


def installed() -> bool:
    return True


HOOK = Hook(
    NAME,
    "weasyprint.HTML._ua_stylesheets",
    "a lean user-agent stylesheet: no footnote or note pseudo-elements on every element",
    install,
    installed,
)
