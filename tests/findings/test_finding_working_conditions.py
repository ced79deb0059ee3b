"""The finding page and people's working conditions: the review team reads the caseload
figures a finding weighs; an officer reads their own (api-v1.1 §A) and never a colleague's
(issue 12, item 2), only how many other people's working conditions the finding weighs."""

from __future__ import annotations

import pytest

from sfo_review.services import evidence
from sfo_review.services import findings as finding_service
from tests.helpers_forms import move_to, page, post, sign_in, text_of

ONE = "/reviews/{r}/findings/{f}"
REPLY = "/reviews/{r}/findings/{f}/responses"
FIGURES = "58 cases (12 high risk), workload 143% (WMT), 14 months in role"


def url(template, data):
    return template.format(r=data["review"].id, f=data["finding"].id)


def link_contexts(data, *, manager_too=False):
    """Link the responsible officer's caseload context (and the line manager's) to the finding."""
    contexts = [data["context"]]
    if manager_too:
        manager = data["review"].participant_for(data["manager"])
        contexts.append(
            evidence.add_caseload_context(
                data["reviewer"],
                data["review"],
                {
                    "participant_id": manager.id,
                    "period_start": "2023-01-01",
                    "period_end": "2023-06-26",
                    "caseload_count": 12,
                    "high_risk_count": 2,
                    "workload_percent": 88,
                    "grade": "senior_probation_officer",
                    "months_in_role": 70,
                    "team_vacancy_percent": 30,
                    "officer_changes_on_case": 3,
                    "management_oversight_sessions": 0,
                    "notes": "Managing two teams",
                },
            )
        )
    finding = data["finding"]
    finding_service.update_finding(
        data["reviewer"],
        data["review"],
        finding,
        {"version": finding.version, "caseload_context_ids": [c.id for c in contexts]},
    )


COLLEAGUE_FIGURES = ("58 cases", "143%", "14 months")
MANAGER_FIGURES = ("12 cases", "88%", "70 months")


@pytest.mark.parametrize(
    ("who", "manager_too", "own", "not_shown"),
    [
        ("manager", False, (), "1 other person's working conditions (not shown)"),
        ("manager", True, MANAGER_FIGURES, "1 other person's working conditions (not shown)"),
        ("officer", False, COLLEAGUE_FIGURES, None),  # the responsible officer's own
        ("officer", True, COLLEAGUE_FIGURES, "1 other person's working conditions (not shown)"),
    ],
)
def test_an_officer_reads_their_own_working_conditions_on_a_finding_never_a_colleagues(
    client, full_review, login_as, who, manager_too, own, not_shown
):
    data = full_review()
    link_contexts(data, manager_too=manager_too)
    move_to(data, "factual_accuracy")
    login_as(user=data[who])

    response = client.get(url(ONE, data))

    soup = page(response)
    text = text_of(response)
    others = MANAGER_FIGURES if who == "officer" else COLLEAGUE_FIGURES
    for figure in (*others, "Managing two teams"):
        assert figure not in text
    colleague = data["manager" if who == "officer" else "officer"]
    linked = soup.select_one("#linked-caseloads")
    if own:
        shown = " ".join(linked.get_text(" ").split())
        assert data[who].name in shown and all(f in shown for f in own)
        assert colleague.name not in shown
    else:
        assert linked is None
    hidden = soup.select_one("#caseloads-not-shown")
    if not_shown is None:
        assert hidden is None
    else:
        assert hidden.get_text(strip=True) == not_shown
        assert "None linked" not in hidden.find_previous("h3").text
    # What else the finding rests on is still shared with the people involved.
    assert "Home visit missed" in soup.select_one("#linked-chronology").get_text()
    assert "Workload and capacity" in soup.select_one("#linked-factors").get_text()


def test_a_refused_reply_shows_the_finding_without_working_conditions(
    client, full_review, login_as
):
    data = full_review()
    link_contexts(data)
    move_to(data, "factual_accuracy")
    login_as(user=data["manager"])

    response = post(client, url(REPLY, data), {"body": ""}, form_url=url(ONE, data))

    assert response.status_code == 200
    assert "58 cases" not in text_of(response)
    assert page(response).select_one("#caseloads-not-shown") is not None


@pytest.mark.parametrize("role", ["reviewer", "quality_assurer", "leadership"])
def test_the_review_team_reads_the_working_conditions_on_a_finding(
    client, full_review, login_as, role
):
    data = full_review()
    link_contexts(data)
    move_to(data, "quality_assurance")
    sign_in(role, data, login_as)

    soup = page(client.get(url(ONE, data)))

    linked = " ".join(soup.select_one("#linked-caseloads").get_text(" ").split())
    assert data["officer"].name in linked and FIGURES in linked
    assert soup.select_one("#caseloads-not-shown") is None


def test_a_finding_with_no_caseload_context_says_none_linked(client, full_review, login_as):
    data = full_review(balanced=False)  # no caseload context linked
    move_to(data, "factual_accuracy")
    login_as(user=data["manager"])

    soup = page(client.get(url(ONE, data)))

    assert soup.select_one("#caseloads-not-shown") is None
    heading = soup.find("h3", string="Caseload contexts")
    assert heading.find_next_sibling().get_text(strip=True) == "None linked."
