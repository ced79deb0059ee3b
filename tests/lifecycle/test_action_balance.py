"""The action balance rule (api-v1.1 B), to approved: every systemic factor linked to an
insufficient finding is addressed by an action whose level matches the factor's or is above
it; each factor not addressed is an unmet rule of its own, naming it and the level needed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from sfo_review import action_levels, lifecycle
from sfo_review.cli.ratings_data import approval, approval_form
from sfo_review.extensions import db
from sfo_review.models import Action, Finding, Review, SystemicFactor
from sfo_review.services import evidence, transitions
from sfo_review.services.errors import Conflict
from tests import helpers_rules
from tests.helpers import page
from tests.helpers_forms import move_to, text_of

FACTOR_LEVELS = ("team", "organisational", "partnership", "national")
ACTION_LEVELS = ("pdu", "regional", "national")
# The contract's table, written out in full: (factor level, action level) -> addressed.
ANSWERS = {
    ("team", "pdu"): True,
    ("team", "regional"): True,
    ("team", "national"): True,
    ("organisational", "pdu"): False,
    ("organisational", "regional"): True,
    ("organisational", "national"): True,
    ("partnership", "pdu"): False,
    ("partnership", "regional"): True,
    ("partnership", "national"): True,
    ("national", "pdu"): False,
    ("national", "regional"): False,
    ("national", "national"): True,
}
NEEDS = {
    "team": "PDU, regional or national",
    "organisational": "regional or national",
    "partnership": "regional or national",
    "national": "national",
}


def _action(review: Review, level: str, factors: list[SystemicFactor]) -> Action:
    owner = helpers_rules.plan_owner()
    action = Action(
        review_id=review.id,
        description=f"A {level} action",
        owner="Head of PDU",
        owner_id=owner.id,
        level=level,
        due_date=date(2030, 1, 31),
        review_date=date(2030, 4, 30),
        success_measure="Measured by the quarterly audit.",
        status="open",
    )
    action.systemic_factors = factors
    db.session.add(action)
    db.session.commit()
    db.session.refresh(review)
    return action


def _factor(review: Review, level: str, category: str, finding: Finding | None) -> SystemicFactor:
    factor = evidence.add_systemic_factor(
        review.reviewer,
        review,
        {"category": category, "level": level, "description": f"A {level} problem"},
    )
    if finding is not None:
        finding.systemic_factors.append(factor)
        db.session.commit()
    return factor


def _plan_rules(review: Review) -> list[str]:
    db.session.refresh(review)
    return [r.message for r in lifecycle.unmet_rules(review, "approved") if r.field == "actions"]


@pytest.mark.parametrize(("factor_level", "action_level"), sorted(ANSWERS))
def test_the_level_table(full_review, factor_level: str, action_level: str) -> None:
    data = full_review()
    move_to(data, "quality_assurance")
    review = data["review"]
    data["factor"].level = factor_level
    db.session.commit()
    _action(review, action_level, [data["factor"]])

    unmet = _plan_rules(review)

    if ANSWERS[(factor_level, action_level)]:
        assert unmet == []
    else:
        assert unmet == [
            f"Systemic factor “Workload and capacity” ({factor_level} level), “Team carrying 30% "
            f"vacancies”, needs an action at {NEEDS[factor_level]} level that addresses it"
        ]


def test_the_table_covers_every_level_pair() -> None:
    for factor_level in FACTOR_LEVELS:
        assert set(action_levels.answering_levels(factor_level)) == {
            a for a in ACTION_LEVELS if ANSWERS[(factor_level, a)]
        }
        assert action_levels.levels_phrase(factor_level) == NEEDS[factor_level]


def test_an_action_at_the_right_level_not_linked_to_the_factor_does_not_address_it(
    full_review,
) -> None:
    data = full_review()
    move_to(data, "quality_assurance")
    _action(data["review"], "national", [])  # "to address" nothing in particular

    assert len(_plan_rules(data["review"])) == 1


def test_each_unaddressed_factor_is_its_own_rule_naming_it(full_review) -> None:
    data = full_review()
    review, finding = data["review"], data["finding"]
    organisational = _factor(review, "organisational", "policy_guidance_and_procedure", finding)
    national = _factor(review, "national", "it_systems_and_data", finding)
    move_to(data, "quality_assurance")
    # "the officer to attend training": a PDU action for every factor addresses the team one only
    _action(review, "pdu", [data["factor"], organisational, national])

    assert _plan_rules(review) == [
        "Systemic factor “Policy, guidance and procedure” (organisational level), “A "
        "organisational problem”, needs an action at regional or national level that addresses it",
        "Systemic factor “IT systems and data” (national level), “A national problem”, needs an "
        "action at national level that addresses it",
    ]
    rules = [r for r in lifecycle.unmet_rules(review, "approved") if r.field == "actions"]
    assert {r.endpoint for r in rules} == {"actions.actions"}


def test_factors_not_linked_to_an_insufficient_finding_do_not_count(full_review) -> None:
    data = full_review()
    review = data["review"]
    _factor(review, "national", "it_systems_and_data", None)  # linked to no finding
    praised = _factor(review, "national", "assessment_tools_and_forms", None)
    good = Finding(
        review_id=review.id,
        title="Good partnership work",
        practice_area="partnership_working",
        judgement="good_practice",
        narrative="Checks were chased.",
    )
    good.systemic_factors = [praised]
    db.session.add(good)
    db.session.commit()
    move_to(data, "quality_assurance")

    assert [f.id for f in action_levels.factors_to_address(review.findings)] == [data["factor"].id]
    assert len(_plan_rules(review)) == 1  # the team factor of the insufficient finding only


def test_the_rule_is_checked_at_approval_only(full_review) -> None:
    data = full_review()
    move_to(data, "quality_assurance")  # no action: the move to quality assurance passed
    review = data["review"]

    with pytest.raises(Conflict) as caught:
        transitions.transition(data["qa"], review, approval())

    assert list(caught.value.fields) == ["actions"]
    assert "“Workload and capacity” (team level)" in caught.value.fields["actions"][0]
    db.session.expire_all()
    assert db.session.get(Review, review.id).status == "quality_assurance"
    helpers_rules.address_factors(review)
    transitions.transition(data["qa"], review, approval())
    assert review.status == "approved"


# --- in the browser ------------------------------------------------------------------------


def test_the_countersign_page_names_each_unaddressed_factor(
    client, full_review, login_as: Callable[..., Any]
) -> None:
    data = full_review()
    move_to(data, "quality_assurance")
    review = data["review"]
    login_as(user=data["qa"])

    soup = page(client.get(f"/reviews/{review.id}/countersign"))
    plan = " ".join(soup.select_one("#plan-summary").get_text(" ").split())
    unmet = [a.get_text(" ", strip=True) for a in soup.select(".app-unmet-rules a")]

    assert "1 of 1 systemic factor linked to an insufficient finding is not addressed" in plan
    assert "“Workload and capacity” (team level): needs an action at PDU, regional or" in plan
    assert any("“Workload and capacity” (team level)" in rule for rule in unmet)
    link = soup.select_one(".app-unmet-rules a[href$='/actions']")
    assert link["href"] == f"/reviews/{review.id}/actions"

    response = client.post(f"/reviews/{review.id}/countersign", data=approval_form())
    assert response.status_code == 200
    assert "needs an action at PDU, regional or national level" in text_of(response)
    db.session.expire_all()
    assert db.session.get(Review, review.id).status == "quality_assurance"

    helpers_rules.address_factors(review)
    soup = page(client.get(f"/reviews/{review.id}/countersign"))
    assert "All 1 systemic factor linked to an insufficient finding is addressed" in " ".join(
        soup.select_one("#plan-summary").get_text(" ").split()
    )
    assert not any("Workload" in a.get_text() for a in soup.select(".app-unmet-rules a"))


def test_the_reviewer_sees_the_rule_ahead_on_the_status_page(
    client, full_review, login_as: Callable[..., Any]
) -> None:
    data = full_review()
    review = data["review"]
    login_as(user=data["reviewer"])

    soup = page(client.get(f"/reviews/{review.id}/status"))
    ahead = soup.select_one("#plan-ahead")
    assert ahead is not None
    assert "“Workload and capacity” (team level)" in ahead.get_text()
    assert ahead.select_one("a")["href"] == f"/reviews/{review.id}/actions"

    helpers_rules.address_factors(review)
    assert page(client.get(f"/reviews/{review.id}/status")).select_one("#plan-ahead") is None


def test_officers_are_not_shown_the_plan_ahead(
    client, full_review, login_as: Callable[..., Any]
) -> None:
    data = full_review()
    move_to(data, "factual_accuracy")
    login_as(user=data["officer"])
    soup = page(client.get(f"/reviews/{data['review'].id}/status"))
    assert soup.select_one("#plan-ahead") is None


def test_close_is_offered_only_when_the_close_rule_holds(
    client, full_review, login_as: Callable[..., Any]
) -> None:
    data = full_review()
    review = move_to(data, "approved")  # with the action that addresses the team factor
    login_as(user=data["qa"])

    soup = page(client.get(f"/reviews/{review.id}/status"))
    step = soup.select_one("#next-closed")
    assert step.select_one("form") is None  # no "Close the review" yet
    left = step.select_one(".app-unmet-rules a")
    assert "1 not" in left.get_text()  # what is left, counted
    assert left["href"] == f"/reviews/{review.id}/actions"
    overview = page(client.get(f"/reviews/{review.id}"))
    assert overview.select_one("#unmet-rules a")["href"] == f"/reviews/{review.id}/actions"

    helpers_rules.verify_actions(review, data["qa"])
    soup = page(client.get(f"/reviews/{review.id}/status"))
    assert "Close the review" in soup.select_one("#next-closed form").get_text()
    assert "Nothing is left to do on the action plan (1 action)" in soup.get_text()


def test_a_review_that_needed_no_action_says_so_when_it_closes(
    client, full_review, login_as: Callable[..., Any]
) -> None:
    data = full_review(individual=False, balanced=False)
    review = move_to(data, "approved")
    assert review.actions == []
    login_as("leadership")
    soup = page(client.get(f"/reviews/{review.id}/status"))
    assert soup.select_one("#close-actions").get_text(strip=True) == (
        "This review has no actions to verify."
    )
