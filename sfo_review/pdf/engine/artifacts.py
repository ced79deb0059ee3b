"""Hooks `artifact-drawing` and `structure-tree`: page furniture drawn as PDF artifacts,
outside the structure tree (PDF/UA-1, 7.1).

WeasyPrint 70 tags everything it draws. Two kinds of content in our reports are not part of
the document a screen reader should read, and WeasyPrint gets both wrong for PDF/UA-1:

- the page-margin marks (OFFICIAL-SENSITIVE, the reference, "Page N of M", DRAFT): drawn
  as marked content whose structure elements are left out of the tree ("could be included
  in tree as Artifact, but that's only allowed in PDF 2.0", weasyprint/pdf/tags.py), so
  they are neither tagged nor artifacts — what a validator reports as untagged content;
- the DRAFT mark across every page (`aria-hidden="true"` in the HTML): a `Div` in the
  structure tree on every page, read out fifty times in a fifty-page draft.

PDF/UA wants both as artifacts, as pagination furniture and decoration are (the
classification and the review's status are real text on the cover). The two hooks wrap
WeasyPrint's drawing of a stacking context (`weasyprint.draw.draw_stacking_context`) and
its structure tree builder (`weasyprint.pdf.tags._build_box_tree`) so that such boxes are
drawn inside an `/Artifact` marked-content sequence with no MCIDs given out inside it, and
left out of the structure tree; both use the one rule (`is_furniture`), so what is drawn as
an artifact is exactly what the tree leaves out. The tree builder's wrapper also notes which
HTML element each structure element was made for (structure.py joins fragments by it).
tests/pdf/test_artifacts.py reads every page's content stream and fails if any text is
neither inside an artifact nor reachable from the structure tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sfo_review.pdf.engine import structure
from sfo_review.pdf.engine.hooks import Hook, hook_of, mark

if TYPE_CHECKING:
    from pydyf import Dictionary
    from weasyprint.formatting_structure.boxes import Box
    from weasyprint.layout.absolute import AbsolutePlaceholder
    from weasyprint.pdf.stream import Stream
    from weasyprint.stacking import StackingContext

DRAWING = "artifact-drawing"
TREE = "structure-tree"


def is_furniture(box: Box) -> bool:
    """A page-margin box, or a box of its own stacking context hidden from assistive
    technology (a positioned element with a z-index and `aria-hidden="true"`): everything
    inside it is drawn within its stacking context, so all of it can be an artifact."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.MarginBox):
        return True
    element = box.element
    return (
        element is not None
        and element.get("aria-hidden") == "true"
        and box.style["position"] in ("absolute", "fixed")
        and box.style["z_index"] != "auto"
    )


def kind(box: Box) -> dict[str, str]:
    """The artifact's type (PDF 1.7, 14.8.2.2): running headers and footers are pagination
    headers and footers; a mark across the page is a pagination watermark."""
    at_keyword = getattr(box, "at_keyword", None)
    if at_keyword is None:
        return {"Type": "/Pagination", "Subtype": "/Watermark"}
    if at_keyword.startswith("@top"):
        return {"Type": "/Pagination", "Subtype": "/Header"}
    if at_keyword.startswith("@bottom"):
        return {"Type": "/Pagination", "Subtype": "/Footer"}
    return {"Type": "/Pagination"}


def install_drawing() -> None:
    """Draw furniture inside an /Artifact sequence (idempotent)."""
    import pydyf
    import weasyprint.draw as draw

    if installed_drawing():
        return
    draw_context = draw.draw_stacking_context

    def draw_stacking_context(stream: Stream, stacking_context: StackingContext) -> None:
        if not is_furniture(stacking_context.box) or stream._tags is None:
            draw_context(stream, stacking_context)
            return
        properties: Dictionary = pydyf.Dictionary(kind(stacking_context.box))
        stream.begin_marked_content("Artifact", properties)
        marked, stream._tags = stream._tags, None  # no MCIDs inside an artifact
        try:
            draw_context(stream, stacking_context)
        finally:
            stream._tags = marked
            stream.end_marked_content()

    draw.draw_stacking_context = mark(draw_stacking_context, DRAWING, draw_context)


def installed_drawing() -> bool:
    import weasyprint.draw as draw

    return hook_of(draw.draw_stacking_context) == DRAWING


def install_tree() -> None:
    """Leave furniture out of the structure tree; note each element's origin (idempotent)."""
    import weasyprint.pdf.tags as tags
    from weasyprint.layout.absolute import AbsolutePlaceholder

    if installed_tree():
        return
    build_tree = tags._build_box_tree

    def build_box_tree(box: Box | AbsolutePlaceholder, *args: object) -> Iterator[Dictionary]:
        inner = box._box if isinstance(box, AbsolutePlaceholder) else box
        if is_furniture(inner):
            return
        for element in build_tree(box, *args):
            structure.record(element, inner.element)  # for joining fragments (structure.py)
            yield element

    tags._build_box_tree = mark(build_box_tree, TREE, build_tree)


def installed_tree() -> bool:
    import weasyprint.pdf.tags as tags

    return hook_of(tags._build_box_tree) == TREE


DRAWING_HOOK = Hook(
    DRAWING,
    "weasyprint.draw.draw_stacking_context",
    "margin marks and the hidden DRAFT mark drawn inside /Artifact, with no MCIDs",
    install_drawing,
    installed_drawing,
)
TREE_HOOK = Hook(
    TREE,
    "weasyprint.pdf.tags._build_box_tree",
    "the same boxes left out of the structure tree; each element's HTML element noted",
    install_tree,
    installed_tree,
)
