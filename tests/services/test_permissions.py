"""The permission vocabulary, as a table: who sees and may do what, by role and status."""

from __future__ import annotations

import pytest

from sfo_review import permissions as perm
from sfo_review import visibility
from sfo_review.services import statements, transitions

ROLES = [
    "reviewer",
    "other_reviewer",
    "officer",
    "other_officer",
    "qa",
    "other_qa",
    "leadership",
    "admin",
]


@pytest.fixture
def people(full_review, make_user):
    data = full_review()
    return data, {
        "reviewer": data["reviewer"],
        "other_reviewer": make_user("reviewer"),
        "officer": data["officer"],
        "other_officer": make_user("officer"),
        "qa": data["qa"],
        "other_qa": make_user("quality_assurer"),
        "leadership": make_user("leadership"),
        "admin": make_user("admin"),
    }


def _visible(people):
    data, users = people
    return {name: perm.can_see_review(u, data["review"]) for name, u in users.items()}


def test_visibility_in_review(people):
    assert _visible(people) == {
        "reviewer": True,
        "other_reviewer": False,
        "officer": True,
        "other_officer": False,
        "qa": False,
        "other_qa": False,
        "leadership": True,
        "admin": False,
    }


def test_named_countersigner_sees_the_review_early(people):
    from sfo_review.services import reviews

    data, users = people
    reviews.update_review(
        data["reviewer"],
        data["review"],
        {"version": data["review"].version, "countersigner_email": data["qa"].email},
    )
    visible = _visible(people)
    assert visible["qa"] is True and visible["other_qa"] is False


def test_every_quality_assurer_sees_reviews_from_quality_assurance_on(people):
    data, _ = people
    data["review"].status = "quality_assurance"
    visible = _visible(people)
    assert visible["qa"] and visible["other_qa"]


@pytest.mark.parametrize(
    ("check", "allowed"),
    [
        (perm.can_edit_review, {"reviewer"}),
        (perm.can_export, {"reviewer", "qa", "other_qa", "leadership"}),
        (perm.can_write_statement, {"officer"}),
        (perm.can_respond_to_findings, {"officer"}),
        # api-v1.1 B: quality assurance add actions at QA and verify them (the service decides when)
        (perm.can_manage_actions, {"reviewer", "qa", "other_qa", "leadership"}),
    ],
)
def test_actions_by_role(people, check, allowed):
    data, users = people
    got = {name for name, u in users.items() if check(u, data["review"])}
    assert got == allowed


def test_officers_see_findings_only_from_factual_accuracy(people):
    data, users = people
    assert not perm.can_see_findings(users["officer"], data["review"])
    transitions.transition(data["reviewer"], data["review"], {"to": "factual_accuracy"})
    assert perm.can_see_findings(users["officer"], data["review"])


def test_draft_statements_are_private(people):
    data, users = people
    review = data["review"]
    draft = statements.create_statement(users["officer"], review, {"body": "My caseload was 70"})
    seen = {n: perm.can_see_statement(u, review, draft) for n, u in users.items()}
    assert seen == {n: n == "officer" for n in users}
    statements.submit_statement(users["officer"], review, draft)
    seen = {n: perm.can_see_statement(u, review, draft) for n, u in users.items()}
    assert {n for n, ok in seen.items() if ok} == {"officer", "reviewer", "leadership"}


def test_only_admins_manage_users_and_only_leadership_reads_themes(people):
    _, users = people
    assert {n for n, u in users.items() if perm.can_manage_users(u)} == {"admin"}
    assert {n for n, u in users.items() if perm.can_read_themes(u)} == {"leadership"}


TEAM_AT_QA = {"reviewer", "qa", "other_qa", "leadership"}  # who sees a review at QA, officers aside


def test_working_conditions_are_for_the_review_team_and_their_subject(people):
    """A caseload context's figures and notes: the review team and its readers see everyone's;
    an officer their own (api-v1.1 §A), never a colleague's."""
    data, users = people
    review = data["review"]
    review.status = "quality_assurance"  # every quality assurer sees it now
    own = data["context"].participant.user_id
    assert own == users["officer"].id
    seen = {n for n, u in users.items() if perm.can_see_working_conditions(u, review, own)}
    assert seen == TEAM_AT_QA | {"officer"}
    assert not perm.can_see_working_conditions(data["manager"], review, own)  # a colleague's
    assert perm.can_see_working_conditions(data["manager"], review, data["manager"].id)
    opened = {n for n, u in users.items() if perm.can_see_caseload_contexts(u, review)}
    assert opened == TEAM_AT_QA | {"officer"}
    assert perm.can_see_caseload_contexts(data["manager"], review)  # their own, if any
    answers = {n for n, u in users.items() if perm.can_add_caseload_account(u, review, own)}
    assert answers == {"officer"}


def test_the_lists_a_person_gets_follow_the_rules(people):
    data, users = people
    review = data["review"]
    team = visibility.caseload_contexts(users["reviewer"], review)
    assert (team.items, team.hidden_people) == ([data["context"]], 0)
    subject = visibility.caseload_contexts(users["officer"], review)
    assert (subject.items, subject.hidden_people) == ([data["context"]], 0)
    colleague = visibility.caseload_contexts(data["manager"], review)
    assert (colleague.items, colleague.hidden_people) == ([], 1)
    for officer in (users["officer"], data["manager"]):
        for listed in (visibility.participants, visibility.chronology, visibility.systemic_factors):
            assert listed(officer, review) == []
            assert listed(users["reviewer"], review) != []


def test_the_return_reason_and_email_addresses_are_withheld_from_officers(people):
    data, users = people
    review = data["review"]
    readers = {n for n, u in users.items() if perm.can_see_return_reason(u, review)}
    assert readers == set(users) - {"officer", "other_officer"}
    officer, reviewer = users["officer"], users["reviewer"]
    assert perm.can_see_email_of(officer, officer)
    assert not perm.can_see_email_of(officer, reviewer)
    assert not perm.can_see_email_of(officer, data["manager"])
    for name in set(users) - {"officer", "other_officer"}:
        assert perm.can_see_email_of(users[name], officer), name


def test_the_action_plan_is_shared_with_officers_with_the_findings(people):
    # Asked of people who see the review (the loader answers 404 to the others first).
    data, users = people
    review = data["review"]
    who = ("reviewer", "officer", "leadership")
    assert {n for n in who if perm.can_see_actions(users[n], review)} == {"reviewer", "leadership"}
    transitions.transition(data["reviewer"], review, {"to": "factual_accuracy"})
    assert {n for n in who if perm.can_see_actions(users[n], review)} == set(who)
