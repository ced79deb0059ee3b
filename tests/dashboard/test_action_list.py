"""Actions across reviews: open and overdue by level and owner, drill-down, evidence, pages."""

from __future__ import annotations

import pytest

from sfo_review.dashboard import views
from tests.dashboard.test_dashboard_pages import rows_of
from tests.helpers import error_summary, page


def listed(response) -> list[str]:
    return [tr["id"] for tr in page(response).select("#actions-table tbody tr")]


def test_overdue_national_actions_from_the_dashboard(client, login_as, five_reviews):
    a1, _a2, _a3 = five_reviews["actions"]
    login_as("leadership")
    soup = page(client.get("/dashboard"))
    link = soup.find("a", string="Overdue national actions (1)")
    assert link is not None
    response = client.get(link["href"])
    assert response.status_code == 200
    assert listed(response) == [f"action-{a1.id}"]
    row = page(response).select_one(f"#action-{a1.id}")
    assert "Overdue" in row.get_text() and "HMPPS policy" in row.get_text()
    drill = row.select_one("a")["href"]
    assert drill == f"/reviews/{a1.review_id}/actions#action-{a1.id}"
    assert client.get(drill.split("#")[0]).status_code == 200  # leadership see every review


def test_done_actions_show_their_completion_evidence(client, login_as, five_reviews):
    _a1, _a2, a3 = five_reviews["actions"]
    login_as("leadership")
    row = page(client.get("/dashboard/actions?state=done")).select_one(f"#action-{a3.id}")
    assert "Completed 20 January 2026:" in row.get_text(" ", strip=True)
    assert "Guidance reissued to every team" in row.get_text()


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("", 3),
        ("state=open", 2),
        ("state=overdue", 1),
        ("state=done", 1),
        ("level=pdu", 1),
        ("owner=HMPPS+policy", 2),
        ("owner=HMPPS+policy&state=open", 1),
        ("region=Wales", 1),
        ("from=2026-01-01", 2),
    ],
)
def test_the_list_is_filtered(client, login_as, five_reviews, query, count):
    login_as("leadership")
    response = client.get("/dashboard/actions?" + query)
    assert len(listed(response)) == count
    assert len(rows_of(client.get("/dashboard/actions.csv?" + query))) == count + 1


def test_the_draft_plan_of_a_review_in_review_is_not_listed(client, login_as, five_reviews):
    login_as("leadership")
    owners = [
        o.get_text()
        for o in page(client.get("/dashboard/actions")).select("select[name=owner] option")
    ]
    assert owners == ["All owners", "Head of PDU", "HMPPS policy"]
    assert "Regional director" not in client.get("/dashboard/actions").get_data(as_text=True)


def test_the_csv_holds_every_column(client, login_as, five_reviews):
    login_as("leadership")
    rows = rows_of(client.get("/dashboard/actions.csv?state=done"))
    assert rows[0] == list(views.ACTION_COLUMNS)
    review = five_reviews["reviews"][2]
    assert rows[1] == [
        review.reference,
        "Wales",
        "Gwent",
        "Do it",
        "HMPPS policy",
        "National",
        "2026-01-01",
        "Done",
        "no",
        "2026-01-20",
        "Guidance reissued to every team",
    ]


def test_pages_of_actions(client, login_as, five_reviews, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    login_as("leadership")
    first = client.get("/dashboard/actions")
    assert len(listed(first)) == 2
    assert (
        page(first)
        .select_one("#result-count")
        .get_text(strip=True)
        .startswith("3 actions; showing 1 to 2")
    )
    second = client.get(page(first).select_one("a[rel=next]")["href"])
    assert len(listed(second)) == 1 and page(second).select_one("a[rel=prev]")
    assert len(rows_of(client.get("/dashboard/actions.csv"))) == 4  # the CSV is never paged


@pytest.mark.parametrize("number", ["99999", str(10**30)])
def test_a_page_past_the_end_says_so(client, login_as, five_reviews, number):
    login_as("leadership")
    response = client.get("/dashboard/actions?page=" + number)
    assert response.status_code == 200
    note = page(response).select_one("#past-the-end")
    assert f"There is no page {int(number)}" in note.get_text()
    assert note.select_one("a")["href"].endswith("page=1")


@pytest.mark.parametrize("number", ["0", "-1", "abc", "1.5", " ", "²", "1e3"])
def test_a_page_that_is_not_a_number(client, login_as, five_reviews, number):
    login_as("leadership")
    response = client.get("/dashboard/actions?page=" + number)
    assert response.status_code == 422
    assert error_summary(response) == ["Page must be a whole number, 1 or more"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("state=lost", "Select a status from the list"),
        ("level=county", "Select a level from the list"),
        ("owner=Nobody", "Select an owner from the list"),
        ("from=2026-05-01&to=2026-01-01", "End date must be the same as or after the start date"),
        ("region=Mars", "Select a region from the list"),
    ],
)
def test_bad_action_filters(client, login_as, five_reviews, query, message):
    login_as("leadership")
    response = client.get("/dashboard/actions?" + query)
    assert response.status_code == 422 and message in error_summary(response)
    assert client.get("/dashboard/actions.csv?" + query).status_code == 422


@pytest.mark.parametrize(("role", "status"), [("reviewer", 404), ("officer", 404), ("admin", 404)])
def test_the_drill_down_keeps_each_roles_visibility(client, login_as, five_reviews, role, status):
    """A link copied from the list leads nowhere for someone who may not see that review."""
    a1 = five_reviews["actions"][0]
    login_as(role)
    assert client.get(f"/reviews/{a1.review_id}/actions").status_code == status
    assert client.get("/dashboard/actions").status_code == 403


def test_exporting_actions_is_recorded_in_the_audit_trail(client, login_as, five_reviews):
    from sfo_review.extensions import db
    from sfo_review.models import AuditEvent

    user = login_as("leadership")
    assert len(rows_of(client.get("/dashboard/actions.csv?state=done"))) == 2
    event = db.session.query(AuditEvent).filter_by(action="actions.exported").one()
    assert (event.user_id, event.review_id) == (user.id, None)
    assert "Exported 1 action across reviews" in event.summary
