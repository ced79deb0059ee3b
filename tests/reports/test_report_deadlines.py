"""The full report states the deadline in force and every extension asked for."""

from __future__ import annotations

from sfo_review.pdf.render import render_pdf
from sfo_review.services import deadline_extensions as extension_service
from tests.report_fixtures import flat, pdf_pages
from tests.reviews.extension_helpers import later_working_day


def long(d) -> str:
    return f"{d.day} {d:%B %Y}"


def test_the_report_lists_each_extension_with_its_reason_and_decision(full_review, make_user):
    data = full_review()
    review, head = data["review"], make_user("leadership", name="Hortensia Vale")
    refused = extension_service.request_extension(
        data["reviewer"],
        review,
        {"new_due_date": later_working_day(20), "reason": "Awaiting the police call logs."},
    )
    extension_service.decide_extension(
        head, review, refused, {"decision": "refused", "note": "Chase them first."}
    )
    agreed = extension_service.request_extension(
        data["reviewer"],
        review,
        {"new_due_date": later_working_day(40), "reason": "Officer on sick leave."},
    )
    extension_service.decide_extension(head, review, agreed, {"decision": "agreed"})

    text = flat(" ".join(pdf_pages(render_pdf(review, "full"))))
    assert f"Review deadline {long(review.due_date)} (60 working days from notification)" in text
    assert f"Deadline in force {long(agreed.new_due_date)} (extended)" in text
    for expected in (
        "Awaiting the police call logs.",
        "by Hortensia Vale: Chase them first.",
        "Officer on sick leave.",
        "Refused on",
        "Agreed on",
        long(refused.new_due_date),
    ):
        assert expected in text


def test_a_report_without_extensions_says_so(full_review):
    review = full_review()["review"]
    text = flat(" ".join(pdf_pages(render_pdf(review, "full"))))
    assert "No extension of the deadline has been requested." in text
