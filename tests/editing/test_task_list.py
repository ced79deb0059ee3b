"""The review overview as a GOV.UK task list: each section's status, hint and link."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sfo_review.services import evidence as evidence_service
from sfo_review.services import findings as finding_service
from sfo_review.services import reviews as review_service
from sfo_review.services import statements as statement_service
from tests.helpers import page
from tests.helpers_actions import add_action
from tests.helpers_forms import HOSTILE, move_to

SECTIONS = [
    ("details", "Notification details"),
    ("participants", "Participants"),
    ("chronology", "Chronology"),
    ("caseload", "Caseload context"),
    ("factors", "Systemic factors"),
    ("statements", "Statements"),
    ("findings", "Findings"),
    ("judgement", "Overall judgement"),
    ("countersigner", "Countersigner"),
    ("actions", "Actions"),
]


def overview(client, review):
    return page(client.get(f"/reviews/{review.id}"))


def item(soup, key):
    found = soup.select_one(f"#tasks .govuk-task-list__item.app-task-{key}")
    assert found is not None, key
    return found


def status(soup, key):
    return item(soup, key).select_one(".govuk-task-list__status").get_text(" ", strip=True)


def hint(soup, key):
    return " ".join(item(soup, key).select_one(".govuk-task-list__hint").get_text(" ").split())


def link(soup, key):
    anchor = item(soup, key).select_one("a.govuk-task-list__link")
    return anchor["href"] if anchor else None


def statuses(soup):
    return {key: status(soup, key) for key, _ in SECTIONS}


def test_a_new_review_lists_every_section_in_order_with_what_can_start(
    client, login_as, make_user, make_review
):
    reviewer = make_user("reviewer")
    review = make_review(reviewer)
    login_as(user=reviewer)
    soup = overview(client, review)
    names = [
        " ".join(
            i.select_one(
                ".govuk-task-list__name-and-hint > a, .govuk-task-list__name-and-hint > div"
            )
            .get_text()
            .split()
        )
        for i in soup.select("#tasks > li")
    ]
    assert names == [name for _, name in SECTIONS]
    assert statuses(soup) == {
        "details": "Completed",
        "participants": "Not started",
        "chronology": "Not started",
        "caseload": "Cannot start yet",
        "factors": "Not started",
        "statements": "Cannot start yet",
        "findings": "Not started",
        "judgement": "Cannot start yet",
        "countersigner": "Not started",
        "actions": "Cannot start yet",
    }
    # Sections that cannot start yet are not links and say why.
    for key in ("caseload", "statements", "judgement", "actions"):
        assert link(soup, key) is None
        assert (
            "govuk-task-list__status--cannot-start-yet"
            in item(soup, key).select_one(".govuk-task-list__status")["class"]
        )
    assert "Add the participants first" in hint(soup, "caseload")
    assert "Add the findings first" in hint(soup, "actions")
    # Not started is a blue tag; the words are there without the colour.
    tag = item(soup, "participants").select_one(".govuk-tag")
    assert tag.get_text(strip=True) == "Not started" and "govuk-tag--blue" in tag["class"]
    # The rules of the next step are on the overview from the start.
    assert [a.get_text(strip=True) for a in soup.select("#unmet-rules a")] == [
        "Add at least one chronology entry",
        "Add at least one finding",
    ]


def test_every_link_of_the_reviewer_opens_its_page(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    soup = overview(client, data["review"])
    rid = data["review"].id
    expected = {
        "details": f"/reviews/{rid}/details",
        "participants": f"/reviews/{rid}/participants",
        "chronology": f"/reviews/{rid}/chronology",
        "caseload": f"/reviews/{rid}/caseload-contexts",
        "factors": f"/reviews/{rid}/systemic-factors",
        "statements": f"/reviews/{rid}/statements",
        "findings": f"/reviews/{rid}/findings",
        "judgement": f"/reviews/{rid}/judgement",
        "countersigner": f"/reviews/{rid}/judgement#countersigner_email",
        "actions": f"/reviews/{rid}/actions",
    }
    assert {key: link(soup, key) for key, _ in SECTIONS} == expected
    for href in expected.values():
        assert client.get(href).status_code == 200, href


def test_a_review_with_its_evidence_in_place(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    soup = overview(client, data["review"])
    assert statuses(soup) == {
        "details": "Completed",
        "participants": "Completed",
        "chronology": "Completed",
        "caseload": "Completed",
        "factors": "Completed",
        "statements": "Not started",
        "findings": "Completed",
        "judgement": "Not started",
        "countersigner": "Not started",
        "actions": "Not started",
    }
    assert "2 participants" in hint(soup, "participants")
    assert "1 entry, 1 significant" in hint(soup, "chronology")
    assert "Workload and capacity: 1" in hint(soup, "factors")
    tag = item(soup, "statements").select_one(".govuk-tag")
    assert "govuk-tag--blue" in tag["class"]


def test_participants_without_a_responsible_officer_are_in_progress(
    client, login_as, make_user, make_review
):
    reviewer, manager = make_user("reviewer"), make_user("officer")
    review = make_review(reviewer)
    review_service.add_participant(
        reviewer, review, {"email": manager.email, "role_in_case": "line_manager"}
    )
    login_as(user=reviewer)
    soup = overview(client, review)
    assert status(soup, "participants") == "In progress"
    assert "no responsible officer yet" in hint(soup, "participants")
    assert "govuk-tag--light-blue" in item(soup, "participants").select_one(".govuk-tag")["class"]
    assert status(soup, "caseload") == "Not started"
    assert status(soup, "statements") == "Not started"
    assert "1 requested, 0 drafted, 0 submitted" in hint(soup, "statements")


def test_a_chronology_without_a_significant_entry_is_in_progress(
    client, login_as, make_user, make_review
):
    reviewer = make_user("reviewer")
    review = make_review(reviewer)
    evidence_service.add_chronology_entry(
        reviewer,
        review,
        {"occurred_on": "2023-05-02", "source": "nDelius", "summary": "Seen", "significant": False},
    )
    login_as(user=reviewer)
    soup = overview(client, review)
    assert status(soup, "chronology") == "In progress"
    assert "1 entry, 0 significant" in hint(soup, "chronology")


def test_caseload_context_is_in_progress_until_every_responsible_officer_has_one(
    client, login_as, full_review, make_user
):
    data = full_review()
    second = make_user("officer", name="Sam Second")
    review_service.add_participant(
        data["reviewer"],
        data["review"],
        {"email": second.email, "role_in_case": "responsible_officer"},
    )
    login_as(user=data["reviewer"])
    soup = overview(client, data["review"])
    assert status(soup, "caseload") == "In progress"
    assert "still to record for Sam Second" in hint(soup, "caseload")


def test_statements_count_requested_drafted_and_submitted_per_participant(
    client, login_as, full_review
):
    data = full_review()
    review, officer, manager = data["review"], data["officer"], data["manager"]
    statement_service.create_statement(officer, review, {"body": "My draft"})
    login_as(user=data["reviewer"])
    soup = overview(client, review)
    assert status(soup, "statements") == "In progress"
    assert "2 requested, 1 drafted, 0 submitted" in hint(soup, "statements")
    assert f"{officer.name} (responsible officer): draft saved" in hint(soup, "statements")
    assert f"{manager.name} (line manager): not started" in hint(soup, "statements")
    assert "My draft" not in soup.get_text()  # a draft is the officer's own until submitted

    statement_service.submit_statement(
        officer, review, statement_service.own_statement(officer, review)
    )
    mine = statement_service.create_statement(manager, review, {"body": "Manager's view"})
    statement_service.submit_statement(manager, review, mine)
    soup = overview(client, review)
    assert status(soup, "statements") == "Completed"
    assert "2 requested, 0 drafted, 2 submitted" in hint(soup, "statements")


def test_findings_lacking_weighed_context_are_in_progress_and_named(client, login_as, full_review):
    data = full_review(balanced=False)
    review = data["review"]
    finding_service.add_finding(
        data["reviewer"],
        review,
        {
            "title": HOSTILE,
            "practice_area": "assessment",
            "judgement": "insufficient",
            "narrative": "Not weighed.",
            "attribution": ["individual"],
            "subject_participant_ids": [data["participant"].id],
        },
    )
    login_as(user=data["reviewer"])
    response = client.get(f"/reviews/{review.id}")
    soup = page(response)
    assert status(soup, "findings") == "In progress"
    assert "context not yet weighed on 2 findings" in hint(soup, "findings")
    names = [
        a.get_text(strip=True) for a in item(soup, "findings").select(".govuk-task-list__hint a")
    ]
    assert names == ["Risk not reassessed", HOSTILE]
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    first = item(soup, "findings").select_one(".govuk-task-list__hint a")["href"]
    assert first.endswith(f"/findings/{data['finding'].id}/edit")


def test_judgement_and_countersigner_are_completed_once_written_and_named(
    client, login_as, full_review
):
    data = full_review()
    review = data["review"]
    review_service.update_review(
        data["reviewer"],
        review,
        {"version": review.version, "overall_judgement": "Reasonable steps were taken."},
    )
    review_service.update_review(
        data["reviewer"],
        review,
        {"version": review.version, "countersigner_email": data["qa"].email},
    )
    login_as(user=data["reviewer"])
    soup = overview(client, review)
    assert status(soup, "judgement") == "Completed"
    assert status(soup, "countersigner") == "Completed"
    assert data["qa"].name in hint(soup, "countersigner")


def _action(data, finding_ids, **overrides):
    values = {
        "description": "Review allocation of high-risk cases to PSOs",
        "owner": "Head of PDU",
        "level": "pdu",
        "due_date": (date.today() + timedelta(days=60)).isoformat(),
        "finding_ids": finding_ids,
        **overrides,
    }
    return add_action(data["reviewer"], data["review"], values)


def test_actions_are_in_progress_while_an_insufficient_finding_has_none(
    client, login_as, full_review
):
    data = full_review()
    _action(data, [])
    login_as(user=data["reviewer"])
    soup = overview(client, data["review"])
    assert status(soup, "actions") == "In progress"
    assert "an insufficient finding has no action yet" in hint(soup, "actions")

    _action(data, [data["finding"].id])
    soup = overview(client, data["review"])
    assert status(soup, "actions") == "Completed"


def test_after_approval_actions_are_completed_only_when_done(client, login_as, full_review):
    data = full_review()
    action = _action(data, [data["finding"].id])
    action.systemic_factors = [data["factor"]]  # api-v1.1 B: it meets the action balance rule
    move_to(data, "approved")
    login_as("leadership")
    soup = overview(client, data["review"])
    assert status(soup, "actions") == "In progress"
    assert "1 action, 1 not done" in hint(soup, "actions")


@pytest.mark.parametrize("role", ["leadership", "quality_assurer"])
def test_readers_see_statuses_but_no_links_to_pages_they_cannot_open(
    client, login_as, full_review, role
):
    data = full_review()
    move_to(data, "quality_assurance")
    login_as(user=data["qa"]) if role == "quality_assurer" else login_as(role)
    soup = overview(client, data["review"])
    assert link(soup, "details") == "#notification"
    assert link(soup, "judgement") is None and link(soup, "countersigner") is None
    assert status(soup, "judgement") == "Completed"
    for key, _ in SECTIONS:
        href = link(soup, key)
        if href and not href.startswith("#"):
            assert client.get(href).status_code == 200, href
    # The next step's rules stay listed at every stage.
    assert soup.select_one("#next-step-heading").get_text(strip=True) == "Next step: approved"


def test_officers_see_no_task_list(client, login_as, full_review):
    data = full_review()
    login_as(user=data["officer"])
    assert overview(client, data["review"]).select_one("#tasks") is None
