"""The participant's copy is tagged like the other reports (PDF/UA-1, en-GB, its title
shown as the window title, headings, lists and tables in the structure tree)."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

from pypdf import PdfReader

from sfo_review.pdf.render import render_pdf
from tests.pdf.test_pdf_properties import structure_tags, xmp
from tests.report_fixtures import OFFICER_NAME


def test_the_participant_copy_is_tagged_with_its_own_title(
    rich_review: Callable[..., dict[str, Any]],
) -> None:
    data = rich_review("approved")
    review = data["review"]

    reader = PdfReader(BytesIO(render_pdf(review, f"participant-{data['participant'].id}")))

    catalog = reader.trailer["/Root"]
    title = (
        f"Serious Further Offence Review {review.reference} – Your copy of the review "
        f"({OFFICER_NAME})"
    )
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata is not None and reader.metadata.title == title
    metadata = xmp(reader)
    assert "<pdfuaid:part>1</pdfuaid:part>" in metadata or 'pdfuaid:part="1"' in metadata
    assert {"/H1", "/H2", "/H3", "/P", "/L", "/LI", "/Table", "/TH", "/TD"} <= structure_tags(
        reader
    )
