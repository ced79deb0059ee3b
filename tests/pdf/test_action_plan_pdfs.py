"""The action plan in the approved review (api-v1.1 B): the approved PDFs show the plan as
agreed at approval and never an action added afterwards; the live action plan report shows
the actions as they are now, dated on every page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sfo_review.extensions import db
from sfo_review.models import Action, ActionRecurrence, ReportSnapshot, Review, User
from sfo_review.pdf.render import render_html, render_pdf
from sfo_review.services.reports import exports as report_exports
from tests import helpers_rules
from tests.report_fixtures import flat, layout_pages, pdf_pages

Builder = Callable[..., dict[str, Any]]
OWNER_NAME = "Griselda Pemberton-Vance"
VERIFIER_NAME = "Augustin Ravenscroft"
LATE = "Commission an independent audit of allocation across the region."


def _text(pdf: bytes) -> str:
    return flat(" ".join(pdf_pages(pdf)))


def _approved(rich_review: Builder, make_user: Callable[..., User]) -> dict[str, Any]:
    """The rich review at quality assurance, its plan meeting the rule with an action owned
    by a named leadership user, then approved with its PDFs stored."""
    built = rich_review("quality_assurance")
    owner = make_user("leadership", name=OWNER_NAME)
    helpers_rules.address_factors(built["review"], owner)
    helpers_rules.approve_review(built, pdfs=True)
    built["owner"] = owner
    return built


def _add_after_approval(review: Review, owner: User) -> Action:
    """Leadership adds an action after approval (a row as the 1.1 service writes it)."""
    action = Action(
        review_id=review.id,
        description=LATE,
        owner="Regional Probation Director",
        owner_id=owner.id,
        level="regional",
        due_date=date(2031, 1, 31),
        review_date=date(2031, 6, 30),
        success_measure="The audit is published and its recommendations are accepted.",
        status="in_progress",
        sent_back_reason="The evidence did not show the audit's terms of reference.",
        sent_back_at=datetime(2031, 2, 3, 10, 0, tzinfo=UTC),
    )
    action.systemic_factors = [review.systemic_factors[0]]
    db.session.add(action)
    db.session.commit()
    db.session.refresh(review)
    return action


def _stored(review: Review) -> dict[str, tuple[str, bytes]]:
    rows = db.session.query(ReportSnapshot).filter_by(review_id=review.id).all()
    return {f"{r.variant}/{r.format}": (r.sha256, r.pdf) for r in rows}


def test_the_approved_pdfs_show_the_plan_as_agreed(rich_review: Builder, make_user) -> None:
    built = _approved(rich_review, make_user)
    review = built["review"]
    stored = _stored(review)
    full = _text(stored["full/standard"][1])
    family = _text(stored["family_summary/standard"][1])

    plan = full[full.rindex("8. Learning and action plan") : full.rindex("9. Sign-off")]
    assert "The action plan as agreed at approval on" in plan
    assert "Recruit to the team's vacancies and review caseload allocation." in plan
    assert "Addresses: factor 1 (workload and capacity, team level)" in plan
    assert "How we will know it worked: Vacancies below 10% and no caseload above" in plan
    assert "Head of Probation Delivery" in plan and "30 June 2030" in plan
    assert "Agree a police information-sharing protocol for the PDU." in plan
    assert "finding 1" in plan
    assert OWNER_NAME not in full  # the owner's title, not their name

    change = family[family.index("What will change") : family.index("If you have questions")]
    assert "When the review was approved on" in change
    assert "the Probation Service agreed to make these changes" in change
    assert "Why: to deal with a problem with workload and capacity in the local team." in change
    assert "Who is responsible: Head of Probation Delivery, in the local probation office" in (
        change
    )
    assert "To be done by 31 March 2030, and checked again on 30 June 2030." in change
    # a percentage may be one person's workload: the family summary prints none
    assert "How we will know it has worked: Vacancies below (figure removed)" in change
    for part in OWNER_NAME.replace("-", " ").split():
        assert part not in family
    assert "have not been agreed yet" not in family


def test_an_action_added_after_approval_never_reaches_the_frozen_pdfs(
    rich_review: Builder, make_user, tmp_path: Path
) -> None:
    built = _approved(rich_review, make_user)
    review = built["review"]
    before = _stored(review)

    _add_after_approval(review, built["owner"])

    assert _stored(review) == before  # the same SHA-256 and the same bytes, every format
    for variant in ("full", "family_summary"):
        export = report_exports.export_report(built["owner"], review, variant)
        assert export.pdf == before[f"{variant}/standard"][1]
        # made again from the review as it is now, the approved content still leaves it out
        assert "independent audit" not in render_html(review, variant)
    # a participant's own copy, kept at approval as HTML and laid out on its first download
    own = report_exports.export_participant_copy(built["officer"], review)
    assert own.pdf is not None
    assert "independent audit" not in _text(own.pdf)
    assert "Recruit to the team's vacancies" in _text(own.pdf)


def test_an_approved_review_without_actions_says_so(full_review, make_user) -> None:
    data = full_review(individual=False, balanced=False)  # no factor needs an action
    review = helpers_rules.approve_review(data, pdfs=True)
    assert review.actions == []
    stored = _stored(review)

    full = _text(stored["full/standard"][1])
    family = _text(stored["family_summary/standard"][1])
    assert "No actions were agreed when the review was approved." in full
    assert "No actions have been recorded" not in full
    assert "The review did not agree any actions when it was approved." in family
    assert "have not been agreed yet" not in family


def test_a_draft_says_the_plan_is_proposed(full_review) -> None:
    data = full_review()
    full = flat(render_html(data["review"], "full"))
    family = flat(render_html(data["review"], "family_summary"))
    assert "No actions have been proposed yet." in full
    assert "The actions have not been agreed yet." in family
    helpers_rules.address_factors(data["review"])
    full = flat(render_html(data["review"], "full"))
    assert "The actions proposed so far" in full
    assert "The review has proposed these actions." in flat(
        render_html(data["review"], "family_summary")
    )


def test_the_action_plan_report_shows_the_actions_now(
    rich_review: Builder, make_user, make_review, tmp_path: Path
) -> None:
    built = _approved(rich_review, make_user)
    review = built["review"]
    verifier = make_user("quality_assurer", name=VERIFIER_NAME)
    agreed = next(a for a in review.actions if a.systemic_factors)
    agreed.status = "verified"
    agreed.completion_note = "Seven posts filled; no caseload above 50."
    agreed.completed_at = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)
    agreed.verified_by_id = verifier.id
    agreed.verified_at = datetime(2030, 3, 8, 10, 0, tzinfo=UTC)
    agreed.verification_note = "Checked the March staffing return."
    later = make_review()
    db.session.add(
        ActionRecurrence(
            action_id=agreed.id,
            review_id=later.id,
            category="workload_and_capacity",
            recorded_at=datetime(2031, 5, 1, 10, 0, tzinfo=UTC),
        )
    )
    db.session.commit()
    _add_after_approval(review, built["owner"])
    db.session.refresh(review)

    pdf = render_pdf(review, "action_plan")
    text = _text(pdf)

    agreed_part = text[text.index("Agreed at approval (2)") : text.index("Added after approval")]
    added_part = text[text.index("Added after approval (1)") :]
    assert "Recruit to the team's vacancies" in agreed_part
    assert f"Head of Probation Delivery – {OWNER_NAME}" in agreed_part
    assert "Verified by Augustin Ravenscroft on 8 March 2030: Checked the March staffing" in (
        agreed_part
    )
    assert "Seven posts filled; no caseload above 50." in agreed_part
    assert f"{later.reference}: Workload and capacity, recorded 1 May 2031" in agreed_part
    assert LATE in added_part and LATE not in agreed_part
    assert "Added after approval, on" in added_part
    assert "Sent back On 3 February 2031: The evidence did not show" in added_part
    assert "3 actions: 1 verified, 1 in progress, 1 open" in text
    assert "DRAFT" not in text
    pages = layout_pages(pdf, tmp_path)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        top = [line for line in page.splitlines() if line.strip()][0]
        assert "Produced on" in top, f"page {number}"
