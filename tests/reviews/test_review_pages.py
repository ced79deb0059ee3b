"""What each review page shows: the list, the overview with what is next, the officer's view."""

from __future__ import annotations

from sfo_review.extensions import db
from sfo_review.models import AuditEvent
from sfo_review.services import findings as finding_service
from sfo_review.services import reviews as review_service
from sfo_review.services import statements as statement_service
from sfo_review.services import transitions
from tests.helpers_forms import HOSTILE, move_to, page, text_of


def test_reviewers_see_their_reviews_and_the_button_to_record_one(client, login_as, full_review):
    data = full_review()
    full_review()  # someone else's review
    login_as(user=data["reviewer"])
    response = client.get("/")
    soup = page(response)
    assert soup.select_one("h1").get_text(strip=True) == "Your reviews"
    assert soup.select_one("#new-review").get_text(strip=True) == "Record a new SFO notification"
    rows = soup.select("#reviews-table tbody tr")
    assert len(rows) == 1
    cells = [c.get_text(" ", strip=True) for c in rows[0].select("td")]
    review = data["review"]
    assert cells[0] == f"{review.reference} JM (X123456)"
    assert cells[1] == "Murder"
    assert "London" in cells[2] and "Camden and Islington" in cells[2]
    assert cells[3] == "In review"  # the status in words, not colour alone
    assert cells[4] == "28 June 2023"  # notified
    # the deadline in force, flagged in words: notified in 2023, so long overdue
    assert cells[5] == f"{review.due_date.day} {review.due_date:%B %Y} Overdue"
    link = rows[0].select_one("a")
    assert link["href"] == f"/reviews/{review.id}"


def test_a_reviewer_without_reviews_is_told_how_to_start(client, login_as):
    login_as("reviewer")
    soup = page(client.get("/"))
    assert "Record an SFO notification to start one" in soup.select_one("#no-reviews").get_text()
    assert soup.select_one("#reviews-table") is None


def test_officers_see_only_their_reviews_and_what_is_asked_of_them(client, login_as, full_review):
    data = full_review()
    full_review()
    login_as(user=data["officer"])
    soup = page(client.get("/"))
    assert soup.select_one("#new-review") is None
    rows = soup.select("#reviews-table tbody tr")
    assert len(rows) == 1
    asked = rows[0].select_one(".app-asked a")
    assert asked.get_text(strip=True) == "Write your statement"
    assert asked["href"] == f"/reviews/{data['review'].id}/statement"


def test_officers_are_asked_to_reply_during_factual_accuracy(client, login_as, full_review):
    data = full_review()
    move_to(data, "factual_accuracy")
    login_as(user=data["officer"])
    asked = page(client.get("/")).select_one(".app-asked a")
    assert asked.get_text(" ", strip=True).startswith("Read the draft findings and reply")
    assert "you have sent 0 replies" in asked.get_text()


def test_an_officer_with_no_reviews_sees_why(client, login_as):
    login_as("officer")
    assert "not a participant in any review" in text_of(client.get("/"))


def test_the_overview_shows_the_notification(client, login_as, full_review):
    data = full_review()
    review = data["review"]
    login_as(user=data["reviewer"])
    soup = page(client.get(f"/reviews/{review.id}"))
    assert len(soup.select("h1")) == 1
    details = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
        for row in soup.select("#notification .govuk-summary-list__row")
    }
    assert details["Person on probation"] == "JM (X123456)"
    assert details["Offence category"] == "Murder"
    assert details["Charge date"] == "26 June 2023"
    assert details["Deadline"] == f"{review.due_date.day} {review.due_date:%B %Y} Overdue"
    assert details["Countersigner"] == "Not named yet"
    assert soup.select_one("#change-details")["href"] == f"/reviews/{review.id}/details"


def test_viewing_the_overview_is_recorded(client, login_as, full_review):
    data = full_review()
    login_as("leadership")
    client.get(f"/reviews/{data['review'].id}")
    events = db.session.query(AuditEvent).filter_by(action="review.viewed").all()
    assert [e.summary for e in events] == ["Viewed the overview"]


def test_the_overview_lists_sections_with_counts(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    soup = page(client.get(f"/reviews/{data['review'].id}"))

    def task(key):
        return " ".join(soup.select_one(f".app-task-{key}").get_text(" ").split())

    assert "2 participants" in task("participants")
    assert "1 entry, 1 significant" in task("chronology")
    assert "1 caseload context" in task("caseload")
    assert "Workload and capacity: 1" in task("factors")
    assert "2 requested, 0 drafted, 0 submitted" in task("statements")
    assert "1 finding" in task("findings") and "Completed" in task("findings")
    assert "Not started" in task("judgement")
    assert "Not started" in task("countersigner")
    assert "0 actions" in task("actions")


def test_the_overview_names_findings_that_lack_weighed_context(client, login_as, full_review):
    data = full_review(balanced=False)
    login_as(user=data["reviewer"])
    soup = page(client.get(f"/reviews/{data['review'].id}"))
    findings = soup.select_one(".app-task-findings")
    assert "In progress" in findings.get_text()
    assert "context not yet weighed on 1 finding" in findings.get_text()
    link = findings.select_one(".govuk-task-list__hint a")
    assert link.get_text(strip=True) == "Risk not reassessed"
    assert client.get(link["href"]).status_code == 200


def test_a_new_review_lists_every_unmet_rule_with_a_working_link(
    client, login_as, make_user, make_review
):
    reviewer = make_user("reviewer")
    officer = make_user("officer")
    review = make_review(reviewer)
    review_service.add_participant(
        reviewer, review, {"email": officer.email, "role_in_case": "responsible_officer"}
    )
    login_as(user=reviewer)
    soup = page(client.get(f"/reviews/{review.id}"))
    assert "Next step: factual accuracy" in soup.select_one("#next-step-heading").get_text()
    rules = soup.select("#unmet-rules a")
    assert [r.get_text(strip=True) for r in rules] == [
        "Add at least one chronology entry",
        "Add at least one finding",
        f"Record the caseload context of {officer.name} (responsible officer)",
        f"Statements not yet submitted or declined: {officer.name}. Wait for them, or record "
        "why the review goes on without them (at least 50 characters)",
    ]
    assert rules[-1]["href"] == f"/reviews/{review.id}/statements/outstanding-reason"
    for rule in rules:
        assert client.get(rule["href"]).status_code == 200, rule["href"]
    assert soup.select_one("#status-link")["href"] == f"/reviews/{review.id}/status"


def test_at_factual_accuracy_the_next_rules_point_to_where_they_are_fixed(
    client, login_as, full_review
):
    data = full_review()
    move_to(data, "factual_accuracy")
    finding_service.add_finding(
        data["reviewer"],
        data["review"],
        {
            "title": "Unweighed finding",
            "practice_area": "assessment",
            "judgement": "insufficient",
            "narrative": "Not weighed.",
            "attribution": ["individual"],
            "subject_participant_ids": [data["participant"].id],
        },
    )
    login_as(user=data["reviewer"])
    soup = page(client.get(f"/reviews/{data['review'].id}"))
    rules = {r.get_text(" ", strip=True): r["href"] for r in soup.select("#unmet-rules a")}
    assert "Write the overall judgement" in rules
    assert "Name a countersigner" in rules
    balance = next(text for text in rules if "Unweighed finding" in text)
    assert "/findings/" in rules[balance] and rules[balance].endswith("/edit")
    for href in rules.values():
        assert client.get(href).status_code == 200, href


def test_a_review_ready_for_the_next_step_says_so(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    soup = page(client.get(f"/reviews/{data['review'].id}"))
    assert soup.select_one("#unmet-rules") is None
    assert "Everything this step needs is in place" in soup.select_one("#ready").get_text()


def test_the_reason_for_a_return_is_shown_escaped(client, login_as, full_review):
    data = full_review()
    move_to(data, "quality_assurance")
    transitions.transition(data["qa"], data["review"], {"to": "in_review", "reason": HOSTILE})
    login_as(user=data["reviewer"])
    response = client.get(f"/reviews/{data['review'].id}")
    reason = page(response).select_one("#return-reason")
    assert "Returned by quality assurance" in reason.get_text()
    assert HOSTILE in reason.get_text()
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_readers_see_the_overview_without_edit_links(client, login_as, full_review):
    data = full_review()
    login_as("leadership")
    soup = page(client.get(f"/reviews/{data['review'].id}"))
    assert soup.select_one("#change-details") is None
    assert soup.select_one("#tasks") is not None


def test_officers_see_a_simpler_overview_of_what_is_asked(client, login_as, full_review):
    data = full_review()
    login_as(user=data["officer"])
    soup = page(client.get(f"/reviews/{data['review'].id}"))
    assert soup.select_one("#tasks") is None
    assert soup.select_one("#unmet-rules") is None
    asked = soup.select_one("#asked a")
    assert asked.get_text(strip=True) == "Write your statement"


def test_an_officer_with_a_draft_is_asked_to_submit_it(client, login_as, full_review):
    data = full_review()
    statement_service.create_statement(data["officer"], data["review"], {"body": "My view"})
    login_as(user=data["officer"])
    asked = page(client.get(f"/reviews/{data['review'].id}")).select_one("#asked a")
    assert "Finish and submit your statement" in asked.get_text()


def test_a_closed_review_has_no_next_step(client, login_as, full_review):
    data = full_review()
    move_to(data, "closed")
    login_as("leadership")
    soup = page(client.get(f"/reviews/{data['review'].id}"))
    assert "This review is closed" in soup.select_one("#next-step-heading").get_text()


def test_every_page_has_one_heading_and_unique_ids(client, login_as, full_review):
    from collections import Counter

    data = full_review()
    login_as(user=data["reviewer"])
    base = f"/reviews/{data['review'].id}"
    for url in (
        "/",
        "/reviews/new",
        base,
        f"{base}/details",
        f"{base}/participants",
        f"{base}/judgement",
        f"{base}/chronology",
        f"{base}/chronology/new",
        f"{base}/chronology/{data['entry'].id}/edit",
        f"{base}/chronology/{data['entry'].id}/delete",
        f"{base}/caseload-contexts",
        f"{base}/caseload-contexts/new",
        f"{base}/caseload-contexts/{data['context'].id}/edit",
        f"{base}/systemic-factors",
        f"{base}/systemic-factors/new",
        f"{base}/systemic-factors/{data['factor'].id}/edit",
    ):
        soup = page(client.get(url))
        assert len(soup.select("h1")) == 1, url
        ids = Counter(tag["id"] for tag in soup.select("[id]"))
        assert [i for i, n in ids.items() if n > 1] == [], url
