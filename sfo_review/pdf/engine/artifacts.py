"""Page furniture drawn as PDF artifacts, outside the structure tree (PDF/UA-1, 7.1).

WeasyPrint 70 tags everything it draws. Two kinds of content in our reports are not part of
the document a screen reader should read, and WeasyPrint gets both wrong for PDF/UA-1:

- the page-margin marks (OFFICIAL-SENSITIVE, the reference, "Page N of M", DRAFT): drawn
  as marked content whose structure elements are left out of the tree ("could be included
  in tree as Artifact, but that's only allowed in PDF 2.0", weasyprint/pdf/tags.py), so
  they are neither tagged nor artifacts — what a validator reports as untagged content;
- the DRAFT mark across every page (`aria-hidden="true"` in the HTML): a `Div` in the
  structure tree on every page, read out fifty times in a fifty-page draft.

PDF/UA wants both as artifacts, as pagination furniture and decoration are (the
classification and the review's status are real text on the cover). `install()` wraps two
WeasyPrint functions so that such boxes are drawn inside an `/Artifact` marked-content
sequence with no MCIDs given out inside it, and left out of the structure tree; both
wrappers use the one rule (`is_furniture`), so what is drawn as an artifact is exactly what
the tree leaves out. tests/reports/test_artifacts.py reads every page's content stream and
fails if any text is neither inside an artifact nor reachable from the structure tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sfo_review.pdf.engine import structure


def is_furniture(box: Any) -> bool:
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


def kind(box: Any) -> dict[str, str]:
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


def install() -> None:
    """Wrap WeasyPrint's drawing of stacking contexts and its structure tree builder
    (idempotent)."""
    import weasyprint.draw as draw
    import weasyprint.pdf.tags as tags
    from weasyprint.layout.absolute import AbsolutePlaceholder

    if getattr(draw.draw_stacking_context, "sfo_artifacts", False):
        return
    draw_context = draw.draw_stacking_context
    build_tree = tags._build_box_tree

    def draw_stacking_context(stream: Any, stacking_context: Any) -> None:
        if not is_furniture(stacking_context.box) or stream._tags is None:
            draw_context(stream, stacking_context)
            return
        import pydyf

        stream.begin_marked_content("Artifact", pydyf.Dictionary(kind(stacking_context.box)))
        marked, stream._tags = stream._tags, None  # no MCIDs inside an artifact
        try:
            draw_context(stream, stacking_context)
        finally:
            stream._tags = marked
            stream.end_marked_content()

    def build_box_tree(box: Any, *args: Any) -> Iterator[Any]:
        inner = box._box if isinstance(box, AbsolutePlaceholder) else box
        if is_furniture(inner):
            return
        for element in build_tree(box, *args):
            structure.record(element, inner.element)  # for joining fragments (structure.py)
            yield element

    draw_stacking_context.sfo_artifacts = True  # type: ignore[attr-defined]
    draw.draw_stacking_context = draw_stacking_context
    tags._build_box_tree = build_box_tree
