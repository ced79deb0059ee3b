"""The family summary: plain English, and nothing that names or exposes the staff involved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sfo_review.pdf.render import render_html, render_pdf
from tests.report_fixtures import (
    CASELOAD,
    DECLINE_REASON,
    EXTENSION_REASON,
    HIGH_RISK,
    MANAGER_STATEMENT,
    MANAGER_SUMMARY,
    NAMES,
    REPLY_TEXT,
    STATEMENT_TEXT,
    WORKLOAD,
    flat,
    outline,
    pdf_pages,
)

Builder = Callable[..., dict[str, Any]]


def typed_into_summary(actor: Any, review: Any, data: dict[str, Any]) -> None:
    """Text the reviewer typed, now in the summary for the family (api-v1.1 C: the family
    PDF prints the reviewer's summary, not the chronology), with its names to redact."""
    from sfo_review.extensions import db

    review.family_summary = f"{review.family_summary or ''}\n\n{data['summary']}"
    db.session.commit()


def summary_text(review: Any) -> str:
    return flat(" ".join(pdf_pages(render_pdf(review, "family_summary"))))


@pytest.mark.parametrize("stage", ["factual_accuracy", "quality_assurance", "approved"])
def test_no_officer_is_named(rich_review: Builder, stage: str) -> None:
    review = rich_review(stage)["review"]
    text = summary_text(review)
    html = render_html(review, "family_summary")

    for name in NAMES:
        for part in name.split():
            assert part not in text, f"{part} printed"
            assert part not in html


def test_a_name_typed_into_the_summary_becomes_a_role(rich_review: Builder) -> None:
    built = rich_review("quality_assurance")
    typed_into_summary(
        built["reviewer"],
        built["review"],
        {"summary": f"{NAMES[0]} asked the police for domestic abuse call-outs."},
    )
    text = summary_text(built["review"])

    assert "The probation officer asked the police for domestic abuse call-outs" in text


def test_no_statement_reply_or_per_person_caseload_figure(rich_review: Builder) -> None:
    review = rich_review("quality_assurance")["review"]
    text = summary_text(review)
    html = render_html(review, "family_summary")

    for private in (
        STATEMENT_TEXT,
        MANAGER_STATEMENT,
        MANAGER_SUMMARY,
        REPLY_TEXT,
        DECLINE_REASON,
        EXTENSION_REASON,
    ):
        assert private not in text
        assert private not in html
    for figure in (CASELOAD, WORKLOAD, HIGH_RISK):
        assert str(figure) not in text
        assert str(figure) not in html
    for label in ("Number of cases", "Workload measurement tool", "WMT", "statement", "Reply"):
        assert label not in text
    # nothing from the finding's narrative, which weighs individual people's work
    assert "The assessment was not updated." not in text


def test_a_name_typed_in_part_or_with_a_title_is_replaced_too(rich_review: Builder) -> None:
    built = rich_review("factual_accuracy")
    review = built["review"]
    typed_into_summary(
        built["reviewer"],
        review,
        {
            "occurred_on": "2023-05-20",
            "source": "Probation",
            "summary": "Mr Quillfeather met Zebedee's manager. Marchbanks-Oyelaran agreed.",
            "significant": True,
        },
    )

    text = summary_text(review)

    assert "The probation officer met the probation officer's manager." in text
    assert "The line manager agreed." in text


def test_it_tells_the_family_what_happened_why_and_what_will_change(
    rich_review: Builder,
) -> None:
    """api-v1.1 C: the apology first, the reviewer's summary, the plan, who to contact."""
    text = summary_text(rich_review("approved")["review"])

    sections = [
        "A summary for your family",
        "We are sorry",
        "We are very sorry for what has happened to your family.",
        "We are sorry for what happened to your family.",  # the reviewer's summary
        "What will change",
        "Agree a police information-sharing protocol for the local probation office.",
        "31 March 2030",
        "If you have questions",
    ]
    positions = [text.index(s) for s in sections]
    assert positions == sorted(positions)


def test_only_the_significant_events_are_listed(rich_review: Builder) -> None:
    built = rich_review("factual_accuracy")
    from sfo_review.services import evidence

    evidence.add_chronology_entry(
        built["reviewer"],
        built["review"],
        {
            "occurred_on": "2023-05-21",
            "source": "Probation",
            "summary": "Routine telephone contact.",
            "significant": False,
        },
    )

    assert "Routine telephone contact." not in summary_text(built["review"])


def test_the_family_summary_has_bookmarks_and_no_staff_on_its_cover(
    rich_review: Builder,
) -> None:
    review = rich_review("quality_assurance")["review"]
    pdf = render_pdf(review, "family_summary")

    titles = [title for _depth, title, _page in outline(pdf)]
    assert titles == [
        "We are sorry",
        "What we found",
        "What will change",
        "If you have questions",
    ]
    cover = flat(pdf_pages(pdf)[0])
    assert "A summary for your family" in cover
    assert "Criminal-justice personal data" not in cover
    assert "Reviewer" not in cover and "Countersigner" not in cover


def test_draft_on_every_page_until_approved(rich_review: Builder) -> None:
    draft = pdf_pages(render_pdf(rich_review("quality_assurance")["review"], "family_summary"))
    final = pdf_pages(render_pdf(rich_review("approved")["review"], "family_summary"))

    assert all("DRAFT" in page for page in draft)
    assert not any("DRAFT" in page for page in final)


def test_its_closing_section_never_stands_alone_on_the_last_page(rich_review: Builder) -> None:
    """Without the keep-with rule this review's "If you have questions" filled a page alone."""
    for stage in ("quality_assurance", "approved"):
        pages = pdf_pages(render_pdf(rich_review(stage)["review"], "family_summary"))
        last = flat(pages[-1])
        assert "If you have questions" in last
        before = last.split("If you have questions")[0]
        assert "To be done by" in before, (stage, last[:300])  # the last action's date


FORMER_NAME = "Gwendolyn Ashbourne-Tewkesbury"
LEGACY_NAME = "Bartholomew Pennywhistle"


def test_an_officer_removed_from_the_review_is_still_not_named(
    rich_review: Builder, make_user: Callable[..., Any]
) -> None:
    built = rich_review("in_review")
    review, reviewer = built["review"], built["reviewer"]
    from sfo_review.services import reviews

    former = make_user("officer", name=FORMER_NAME)
    participant = reviews.add_participant(
        reviewer, review, {"email": former.email, "role_in_case": "previous_officer"}
    )
    typed_into_summary(
        reviewer,
        review,
        {
            "occurred_on": "2023-03-02",
            "source": "Probation",
            "summary": f"Case transferred from {FORMER_NAME}; Ashbourne-Tewkesbury left no notes.",
            "significant": True,
        },
    )
    reviews.remove_participant(reviewer, review, participant)

    text = summary_text(review)
    html = render_html(review, "family_summary")

    for part in FORMER_NAME.split():
        assert part not in text
        assert part not in html
    assert "Case transferred from a previous probation officer" in text
    assert "; a previous probation officer left no notes." in text


def test_a_participant_removed_before_the_trail_kept_ids_is_found_by_its_wording(
    rich_review: Builder, make_user: Callable[..., Any]
) -> None:
    """Audit events written before this change have no user id: the fixed wording of the
    participant events still names them (events are never rewritten)."""
    built = rich_review("in_review")
    review, reviewer = built["review"], built["reviewer"]
    from sfo_review.extensions import db
    from sfo_review.models import AuditEvent

    db.session.add_all(
        [
            AuditEvent(
                review_id=review.id,
                user_id=reviewer.id,
                action="participant.added",
                summary=f"Added {LEGACY_NAME} as Line manager",
            ),
            AuditEvent(
                review_id=review.id,
                user_id=reviewer.id,
                action="participant.removed",
                summary=f"Removed {LEGACY_NAME} from the review",
            ),
        ]
    )
    db.session.commit()
    typed_into_summary(
        reviewer,
        review,
        {
            "occurred_on": "2023-03-03",
            "source": "Probation",
            "summary": f"Supervision notes signed by {LEGACY_NAME}.",
            "significant": True,
        },
    )

    text = summary_text(review)

    assert "Pennywhistle" not in text and "Bartholomew" not in text
    assert "Supervision notes signed by the line manager." in text


def test_staff_who_acted_on_the_review_and_the_offence_text_are_redacted(
    rich_review: Builder, make_user: Callable[..., Any]
) -> None:
    built = rich_review("in_review")
    review, reviewer = built["review"], built["reviewer"]
    from sfo_review.extensions import db
    from sfo_review.services import reviews
    from sfo_review.services.reviews import record_view

    leader = make_user("leadership", name="Leopoldina Cartwright-Hobbes")
    record_view(leader, review)
    db.session.commit()
    reviews.update_review(
        reviewer,
        review,
        {
            "version": review.version,
            "offence_charged": "Assault on Leopoldina Cartwright-Hobbes",
            "family_summary": "Cartwright-Hobbes was told of the risk in May.",
        },
    )

    text = summary_text(review)

    assert "Cartwright" not in text and "Leopoldina" not in text
    assert "A member of staff was told of the risk in May." in text


SPELLED_NAMES = ("Niamh O'Connor", "Zoë Brontë", "Amelia Hughes-Wright")


@pytest.fixture
def spelled(full_review: Callable[..., dict[str, Any]], make_user: Callable[..., Any]) -> Any:
    """A review whose participants have an apostrophe, accents and a double-barrelled name."""
    from sfo_review.services import reviews

    built = full_review()
    review, reviewer = built["review"], built["reviewer"]
    roles = ("previous_officer", "other", "other")
    for name, role in zip(SPELLED_NAMES, roles, strict=True):
        person = make_user("officer", name=name)
        reviews.add_participant(reviewer, review, {"email": person.email, "role_in_case": role})
    return review


@pytest.mark.parametrize(
    ("typed", "redacted"),
    [
        ("Seen by O’Connor on Monday.", "Seen by a previous probation officer on Monday."),
        ("Seen by Niamh O’Connor.", "Seen by a previous probation officer."),
        ("NIAMH O'CONNOR was told.", "A previous probation officer was told."),
        ("Told NIAMH at once.", "Told a previous probation officer at once."),
        ("Seen by O'CONNOR.", "Seen by a previous probation officer."),
        ("Seen by Ms OConnor.", "Seen by a previous probation officer."),
        ("niamh o’connor was told.", "A previous probation officer was told."),
        ("Zoe Bronte agreed.", "A member of staff agreed."),
        ("Spoke to BRONTE and to Zoe.", "Spoke to a member of staff and to a member of staff."),
        ("Zoë’s notes.", "A member of staff’s notes."),
        ("Met Hughes.", "Met a member of staff."),
        ("Met Wright.", "Met a member of staff."),
        ("Met Ms Hughes – Wright.", "Met a member of staff."),
        ("Met ms hughes-wright.", "Met a member of staff."),
        ("Met Amelia Hughes Wright.", "Met a member of staff."),
        ("Met AMELIA HUGHES‑WRIGHT.", "Met a member of staff."),
    ],
)
def test_names_are_found_in_any_ordinary_spelling(spelled: Any, typed: str, redacted: str) -> None:
    from sfo_review.pdf.redact import redactor

    assert redactor(spelled)(typed) == redacted


def test_a_name_part_that_is_an_ordinary_word_is_left_alone_in_lower_case(
    spelled: Any,
) -> None:
    from sfo_review.pdf.redact import redactor

    text = "The light was bright; a wright mended the gate."

    assert redactor(spelled)(text) == text


def test_every_spelling_is_out_of_the_printed_family_summary(spelled: Any) -> None:
    typed_into_summary(
        spelled.reviewer,
        spelled,
        {
            "occurred_on": "2023-05-21",
            "source": "Probation",
            "summary": "O’Connor phoned NIAMH’s manager; Zoe Bronte and Hughes were told.",
            "significant": True,
        },
    )

    text = summary_text(spelled)

    for part in ("Connor", "CONNOR", "Niamh", "NIAMH", "Zoe", "Bronte", "Hughes", "Wright"):
        assert part not in text
    assert (
        "A previous probation officer phoned a previous probation officer’s manager; "
        "a member of staff and a member of staff were told." in text
    )
