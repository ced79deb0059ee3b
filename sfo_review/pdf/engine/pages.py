"""Hook `page-references`: pydyf's `PDF.page_references` computed once per page count.

The property builds a tuple of every page's reference on each access, and WeasyPrint's
tagging asks for it once per structure element: quadratic in the pages. Pages are only
ever appended, so the tuple is kept with the number of pages it was made for and made
again only when that number changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sfo_review.pdf.engine.hooks import Hook, hook_of, mark

if TYPE_CHECKING:
    from pydyf import PDF

NAME = "page-references"
_MEMO = "_sfo_page_references"  # in the PDF object's own __dict__


def install() -> None:
    """Make pydyf's page_references linear (idempotent)."""
    import pydyf

    current = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(current, property) or current.fget is None or installed():
        return
    compute = current.fget

    def page_references(self: PDF) -> tuple[bytes, ...]:
        count = len(self.pages["Kids"])
        memo = self.__dict__.get(_MEMO)
        if memo is None or memo[0] != count:
            memo = (count, compute(self))
            self.__dict__[_MEMO] = memo
        refs: tuple[bytes, ...] = memo[1]
        return refs

    pydyf.PDF.page_references = property(mark(page_references, NAME, compute))


def installed() -> bool:
    import pydyf

    current = pydyf.PDF.__dict__.get("page_references")
    return isinstance(current, property) and hook_of(current.fget) == NAME


HOOK = Hook(
    NAME,
    "pydyf.PDF.page_references",
    "each page's reference worked out once per page count, not once per structure element",
    install,
    installed,
)
