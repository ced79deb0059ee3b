"""The action plan page: one GOV.UK summary card per action with everything that says whether
the learning stuck, and only the buttons the person may use (api-v1.1 B)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sfo_review.extensions import db
from sfo_review.models import ActionRecurrence
from sfo_review.services import actions as action_service
from tests.actions.helpers import (
    LIST,
    NEW,
    add_action,
    approved_with_action,
    mark_done,
    url,
)
from tests.helpers_forms import ROLES, expect_status, move_to, page, sign_in

READ = {
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 200,
    "other_officer": 404,
    "quality_assurer": 404,
    "leadership": 200,
    "admin": 404,
    "anonymous": "sign-in",
}


def text(tag):
    return " ".join(tag.get_text(" ").split())


def card_of(client, data, action):
    soup = page(client.get(url(LIST, data)))
    assert len(soup.select("h1")) == 1
    return soup.select_one(f"#action-{action.id}")


def buttons(card):
    return sorted(a["id"].split("-")[0] for a in card.select(".govuk-summary-card__actions a"))


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_the_action_plan(client, full_review, login_as, make_user, role):
    data = full_review()
    add_action(data, make_user("leadership"))
    move_to(data, "factual_accuracy")
    sign_in(role, data, login_as)
    expect_status(client.get(url(LIST, data)), READ[role])


def test_officers_see_the_action_plan_with_the_findings(client, full_review, login_as):
    data = full_review()
    login_as(user=data["officer"])
    response = client.get(url(LIST, data))
    assert response.status_code == 403
    assert "with the findings, at the factual accuracy check" in response.get_data(as_text=True)


def test_a_card_shows_every_part_of_an_action(client, full_review, login_as, make_user):
    data = full_review()
    owner = make_user("leadership", name="Dana Director")
    action = add_action(data, owner)
    login_as(user=data["reviewer"])
    card = card_of(client, data, action)
    assert "govuk-summary-card" in card["class"]
    assert text(card.select_one(".govuk-summary-card__title")) == "Action 1 Open"
    assert text(card.select_one(f"#description-{action.id}")).endswith(
        "Review allocation of high-risk cases to PSOs"
    )
    assert text(card.select_one(f"#owner-{action.id} dd")) == (
        "Dana Director, Head of PDU PDU (probation delivery unit)"
    )
    assert text(card.select_one(f"#factors-{action.id} dd")) == "Workload and capacity – team level"
    finding = card.select_one(f"#findings-{action.id} a")
    assert finding.get_text(strip=True) == "Risk not reassessed"
    assert text(card.select_one(f"#measure-{action.id} dd")) == (
        "No PSO holds a very high risk case at the next audit."
    )
    assert text(card.select_one(f"#due-{action.id} dd")) == "31 March 2027"
    assert text(card.select_one(f"#review-date-{action.id} dd")) == "30 June 2027"
    assert text(card.select_one(f"#evidence-{action.id} dd")) == "Not given yet"
    assert text(card.select_one(f"#verification-{action.id} dd")) == "Not done yet"
    assert card.select_one(f"#sent-back-{action.id}") is None
    assert card.select_one(".govuk-warning-text") is None


def test_an_action_from_before_owners_were_accounts_shows_its_title(
    client, full_review, login_as, make_user
):
    data = full_review()
    action = add_action(data, make_user("leadership"))
    action.owner_user = None
    db.session.commit()
    login_as(user=data["reviewer"])
    owner = text(card_of(client, data, action).select_one(f"#owner-{action.id} dd"))
    assert owner.startswith("Head of PDU (no owner’s account named yet)")


def test_the_reviewer_may_change_actions_while_the_window_is_open(
    client, full_review, login_as, make_user
):
    data = full_review()
    action = add_action(data, make_user("leadership"))
    login_as(user=data["reviewer"])
    card = card_of(client, data, action)
    assert buttons(card) == ["change"]
    assert page(client.get(url(LIST, data))).select_one(f"a[href='{url(NEW, data)}']")


def test_each_person_sees_only_the_buttons_they_may_use(client, full_review, login_as, make_user):
    owner = make_user("leadership")
    action, data = approved_with_action(full_review(), owner)
    login_as(user=owner)
    assert buttons(card_of(client, data, action)) == ["change", "progress"]
    login_as(user=data["reviewer"])
    assert buttons(card_of(client, data, action)) == []
    mark_done(action, owner)
    login_as(user=owner)
    assert buttons(card_of(client, data, action)) == ["change"]
    login_as("leadership")
    assert buttons(card_of(client, data, action)) == ["change", "verify"]
    login_as("quality_assurer")
    assert buttons(card_of(client, data, action)) == ["verify"]
    login_as(user=data["officer"])
    assert buttons(card_of(client, data, action)) == []


def test_done_is_awaiting_verification_until_verified(client, full_review, login_as, make_user):
    owner = make_user("leadership")
    action, data = approved_with_action(full_review(), owner)
    mark_done(action, owner, note="Cap agreed\nat 40 cases.")
    login_as(user=data["reviewer"])
    card = card_of(client, data, action)
    assert text(card.select_one(".govuk-tag")) == "Done – awaiting verification"
    evidence = card.select_one(f"#evidence-{action.id} dd")
    assert evidence.select_one(".app-preserve-lines").get_text() == "Cap agreed\nat 40 cases."
    assert "Marked done" in text(evidence)
    assert text(card.select_one(f"#verification-{action.id} dd")).startswith("Waiting for")


def test_verification_and_the_last_send_back_are_shown(client, full_review, login_as, make_user):
    owner = make_user("leadership")
    checker = make_user("leadership", name="Vera Verifier")
    action, data = approved_with_action(full_review(), owner)
    mark_done(action, owner)
    review = data["review"]
    action_service.update_action(
        checker,
        review,
        action,
        {"status": "in_progress", "reason": "No audit.", "version": action.version},
    )
    mark_done(action, owner, note="Audit attached.")
    action_service.update_action(
        checker,
        review,
        action,
        {"status": "verified", "verification_note": "Audit read.", "version": action.version},
    )
    login_as(user=data["reviewer"])
    card = card_of(client, data, action)
    assert text(card.select_one(".govuk-tag")) == "Verified"
    verified = text(card.select_one(f"#verification-{action.id} dd"))
    assert verified.startswith("Verified by Vera Verifier, ") and verified.endswith("Audit read.")
    assert text(card.select_one(f"#sent-back-{action.id} dd")).startswith("No audit.")


def test_overdue_actions_are_tagged(client, full_review, login_as, make_user):
    data = full_review()
    action = add_action(
        data, make_user("leadership"), due_date="2025-01-31", review_date="2025-03-31"
    )
    login_as(user=data["reviewer"])
    title = text(card_of(client, data, action).select_one(".govuk-summary-card__title"))
    assert title == "Action 1 Open Overdue"


def test_lessons_not_learned_link_the_later_review_where_it_may_be_seen(
    client, full_review, login_as, make_user
):
    owner = make_user("leadership")
    action, data = approved_with_action(full_review(), owner)
    later = full_review()
    db.session.add(
        ActionRecurrence(
            action_id=action.id,
            review_id=later["review"].id,
            category="workload_and_capacity",
            recorded_at=datetime(2026, 11, 2, 10, 0, tzinfo=UTC),
        )
    )
    db.session.commit()
    reference = later["review"].reference
    login_as("leadership")  # sees every review
    warning = card_of(client, data, action).select_one(".govuk-warning-text__text")
    assert " ".join(warning.get_text().split()) == (
        f"Warning Lessons not learned: this factor (Workload and capacity) came back in "
        f"{reference}, recorded 2 November 2026 at 10:00am"
    )
    assert warning.select_one("a")["href"] == f"/reviews/{later['review'].id}"
    login_as(user=data["reviewer"])  # not the later review's reviewer
    warning = card_of(client, data, action).select_one(".govuk-warning-text__text")
    assert reference in warning.get_text() and warning.select_one("a") is None
