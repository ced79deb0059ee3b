"""A reviewer's whole first session, only through the pages: notification, participants,
chronology, caseload context, a systemic factor, the judgement and a countersigner."""

from __future__ import annotations

from sfo_review.extensions import db
from sfo_review.models import CaseloadContext, ChronologyEntry, Review, SystemicFactor
from tests.helpers_forms import page, post, text_of
from tests.reviews.helpers import REVIEW_FORM


def _follow(client, response):
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return client.get(response.headers["Location"])


def test_a_reviewer_builds_a_review_through_the_forms(client, login_as, make_user):
    officer = make_user("officer", name="Sam Okafor")
    qa = make_user("quality_assurer", name="Quinn Adebayo")
    login_as("reviewer")

    start = page(client.get("/"))
    new_url = start.select_one("#new-review")["href"]
    overview = _follow(client, post(client, new_url, REVIEW_FORM))
    review = db.session.query(Review).one()
    base = f"/reviews/{review.id}"
    assert "Add at least one chronology entry" in text_of(overview)

    _follow(
        client,
        post(
            client,
            f"{base}/participants",
            {"email": officer.email, "role_in_case": "responsible_officer"},
        ),
    )
    participant = review.participants[0]

    chronology = _follow(
        client,
        post(
            client,
            f"{base}/chronology/new",
            {
                "occurred_on": ["2", "5", "2023"],
                "source": "nDelius contact log",
                "summary": "Home visit missed",
                "significant": "y",
            },
        ),
    )
    assert "Home visit missed" in text_of(chronology)

    caseload = _follow(
        client,
        post(
            client,
            f"{base}/caseload-contexts/new",
            {
                "participant_id": str(participant.id),
                "period_start": ["1", "1", "2023"],
                "period_end": ["26", "6", "2023"],
                "caseload_count": "72",
                "high_risk_count": "12",
                "workload_percent": "143",
                "grade": "probation_services_officer",
                "months_in_role": "14",
                "team_vacancy_percent": "30",
                "officer_changes_on_case": "3",
                "management_oversight_sessions": "1",
                "notes": "",
            },
        ),
    )
    assert "Above the agreed maximum of 60 cases" in text_of(caseload)

    factors = _follow(
        client,
        post(
            client,
            f"{base}/systemic-factors/new",
            {
                "category": "workload_and_capacity",
                "level": "team",
                "description": "Team carrying 30% vacancies",
                "evidence": "Staffing return",
            },
        ),
    )
    assert "Workload and capacity" in text_of(factors)

    judgement_page = page(client.get(f"{base}/judgement"))
    version = judgement_page.select_one("input[name=version]")["value"]
    overview = _follow(
        client,
        post(
            client,
            f"{base}/judgement",
            {
                "version": version,
                "overall_judgement": "Reasonable steps were not all taken.",
                "countersigner_email": qa.email,
            },
        ),
    )
    soup = page(overview)
    assert "Completed" in soup.select_one(".app-task-judgement").get_text()
    assert "Quinn Adebayo" in soup.select_one(".app-task-countersigner").get_text()
    assert "1 entry, 1 significant" in soup.select_one(".app-task-chronology").get_text()
    rules = [a.get_text(strip=True) for a in soup.select("#unmet-rules a")]
    assert rules == [
        "Add at least one finding",
        "Statements not yet submitted or declined: Sam Okafor. Wait for them, or record why "
        "the review goes on without them (at least 50 characters)",
    ]
    # The reviewer follows the link and records why the review goes on without it (v1.1).
    reason_url = soup.select("#unmet-rules a")[1]["href"]
    form = page(client.get(reason_url))
    assert "Sam Okafor" in form.select_one("#waiting").get_text()
    saved = post(
        client,
        reason_url,
        {
            "statements_outstanding_reason": "Sam Okafor is on leave for a month; they will "
            "be asked again at factual accuracy.",
            "version": form.select_one("input[name=version]")["value"],
        },
    )
    assert saved.status_code == 302
    soup = page(client.get(saved.headers["Location"].replace("/status", "")))
    rules = [a.get_text(strip=True) for a in soup.select("#unmet-rules a")]
    assert rules == ["Add at least one finding"]  # all the evidence is in place

    assert db.session.query(ChronologyEntry).count() == 1
    assert db.session.query(CaseloadContext).one().workload_percent == 143
    assert db.session.query(SystemicFactor).one().level == "team"
