"""Lessons not learned on the themes API and the dashboard (api-v1.1 B): the recurrences
with the reviews on both sides, filtered by the later review (where the factor came back),
checked against SQL written here; the dashboard's section and its CSV files."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from sfo_review import vocab
from sfo_review.cli.ratings_data import approval_form
from sfo_review.extensions import db
from tests import helpers_rules
from tests.dashboard.test_dashboard_pages import rows_of
from tests.helpers import page
from tests.helpers_forms import HOSTILE, errors, move_to, post
from tests.helpers_recurrences import earlier_with_action, later_review

SQL = text(
    """
    SELECT r.category, later.pdu, r.action_id, earlier.id, earlier.reference,
           later.id, later.reference
    FROM action_recurrences r
    JOIN actions a ON a.id = r.action_id
    JOIN reviews earlier ON earlier.id = a.review_id
    JOIN reviews later ON later.id = r.review_id
    WHERE later.notification_date >= :start AND later.notification_date <= :end
      AND (CAST(:region AS VARCHAR(100)) IS NULL OR later.region = :region)
    ORDER BY r.action_id
    """
)


def _in_sql(start="2000-01-01", end="2100-01-01", region=None) -> list[dict]:
    rows = db.session.execute(
        SQL, {"start": date.fromisoformat(start), "end": date.fromisoformat(end), "region": region}
    )
    return [
        {
            "category": category,
            "pdu": pdu,
            "action_id": action_id,
            "earlier_review": {"id": eid, "reference": eref},
            "later_review": {"id": lid, "reference": lref},
        }
        for category, pdu, action_id, eid, eref, lid, lref in rows
    ]


def _pair(full_review, owner, notified=date(2024, 3, 1), **area):
    """An earlier review with a done action, and a later review of the same PDU approved
    with a factor of the same category: one recurrence."""
    earlier, action = earlier_with_action(full_review, owner)
    for key, value in area.items():
        setattr(earlier["review"], key, value)
    db.session.commit()
    later = later_review(full_review, notified=notified, **area)
    move_to(later, "approved")
    return earlier, later, action


@pytest.fixture
def two_pairs(two_pairs_built):
    """Two recurrences: London's (later review notified 1 March 2024) and Wales's (1 May 2025)."""
    return two_pairs_built()


@pytest.fixture
def two_pairs_built(full_review, make_user):
    """Builds `two_pairs` (a builder of tests/snapshots.py: four reviews, two approved, built
    once per module and copied in for each later test)."""

    def build():
        owner = make_user("leadership")
        london = _pair(full_review, owner)
        wales = _pair(full_review, owner, date(2025, 5, 1), region="Wales", pdu="Cardiff")
        return london, wales

    return build


# tests/snapshots.py: `two_pairs` only calls its builder.
SNAPSHOT_PURE = {"two_pairs"}


def _themes(api, token, query=""):
    response = api.get(f"/api/v1/themes{query}", token)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["recurrences"]


def _by_action(items):
    return sorted(items, key=lambda i: i["action_id"])


def test_the_themes_list_every_recurrence_with_both_reviews(two_pairs, api, cli_user, token_for):
    token = token_for(cli_user("leadership"))
    found = _themes(api, token)
    assert found["total"] == 2
    assert _by_action(found["items"]) == _in_sql()
    (earlier, later, action), _ = two_pairs
    item = next(i for i in found["items"] if i["action_id"] == action.id)
    assert item == {
        "category": "workload_and_capacity",
        "pdu": "Camden and Islington",
        "action_id": action.id,
        "earlier_review": {"id": earlier["review"].id, "reference": earlier["review"].reference},
        "later_review": {"id": later["review"].id, "reference": later["review"].reference},
    }


@pytest.mark.parametrize(
    ("query", "start", "end", "region"),
    [
        # the earlier reviews were notified in 2023: the period is the later review's
        ("?from=2024-01-01&to=2024-12-31", "2024-01-01", "2024-12-31", None),
        ("?from=2025-01-01", "2025-01-01", "2100-01-01", None),
        ("?to=2023-12-31", "2000-01-01", "2023-12-31", None),
        ("?region=Wales", "2000-01-01", "2100-01-01", "Wales"),
    ],
)
def test_the_filters_apply_to_the_later_review(
    two_pairs, api, cli_user, token_for, query, start, end, region
):
    token = token_for(cli_user("leadership"))
    found = _themes(api, token, query)
    expected = _in_sql(start, end, region)
    assert _by_action(found["items"]) == expected
    assert found["total"] == len(expected)
    assert len(expected) == {"?to=2023-12-31": 0}.get(query, 1)


def test_no_recurrences_is_an_empty_list(full_review, api, cli_user, token_for):
    full_review()
    assert _themes(api, token_for(cli_user("leadership"))) == {
        "total": 0,
        "items": [],
        "items_listed": 500,
        "by_category": {},
    }


@pytest.mark.parametrize("role", ["reviewer", "officer", "quality_assurer", "admin"])
def test_only_leadership_read_the_recurrences(two_pairs, api, cli_user, token_for, role):
    response = api.get("/api/v1/themes", token_for(cli_user(role)))
    assert response.status_code == 403
    assert "recurrences" not in response.get_data(as_text=True)


def test_the_dashboard_shows_the_count_and_both_reviews_linked(two_pairs, client, login_as):
    login_as("leadership")
    soup = page(client.get("/dashboard"))
    assert soup.select_one("#figure-recurrences").get_text(" ", strip=True).startswith("2 ")
    assert soup.select_one('a[href="#lessons-not-learned"]') is not None
    rows = soup.select("#recurrences-list tbody tr")
    assert len(rows) == 2
    for earlier, later, action in two_pairs:
        row = soup.select_one(f'#recurrences-list tr[data-action="{action.id}"]')
        assert row.select_one("th").get_text(strip=True) == "Workload and capacity"
        link = row.select_one("a.app-earlier")
        assert link["href"] == f"/reviews/{earlier['review'].id}/actions#action-{action.id}"
        assert earlier["review"].reference in link.get_text()
        later_link = row.select_one("a.app-later")
        assert later_link["href"] == f"/reviews/{later['review'].id}"
        assert later_link.get_text(strip=True) == later["review"].reference
    by_category = soup.select("#table-recurrences-by-category tbody tr")
    cells = [r.get_text(" ", strip=True) for r in by_category]
    assert cells[0] == "Workload and capacity 2"
    assert len(cells) == len(vocab.SYSTEMIC_FACTOR_CATEGORIES)
    assert all(c.endswith(" 0") for c in cells[1:])


def test_the_dashboard_filters_the_section_too(two_pairs, client, login_as):
    login_as("leadership")
    soup = page(client.get("/dashboard?region=Wales"))
    assert soup.select_one("#figure-recurrences").get_text(" ", strip=True).startswith("1 ")
    assert len(soup.select("#recurrences-list tbody tr")) == 1


def test_an_empty_section_says_so(full_review, client, login_as):
    login_as("leadership")
    soup = page(client.get("/dashboard"))
    assert soup.select_one("#figure-recurrences").get_text(" ", strip=True).startswith("0 ")
    assert soup.select_one("#recurrences-list") is None
    assert (
        "No lessons not learned match the filters."
        in soup.select_one("#recurrences-empty").get_text()
    )


def test_hostile_text_is_shown_escaped(full_review, make_user, client, login_as):
    _pair(full_review, make_user("leadership"), pdu=HOSTILE)
    login_as("leadership")
    response = client.get("/dashboard")
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    cell = page(response).select_one("#recurrences-list tbody td")
    assert cell.get_text() == HOSTILE


def test_the_csv_files_hold_the_same_rows(two_pairs, client, login_as):
    login_as("leadership")
    rows = rows_of(client.get("/dashboard/tables/recurrences.csv"))
    assert rows[0] == ["Category", "PDU", "Earlier review", "Action", "Later review"]
    expected = [
        [
            "Workload and capacity",
            i["pdu"],
            i["earlier_review"]["reference"],
            f"Action {i['action_id']}",
            i["later_review"]["reference"],
        ]
        for i in _in_sql()
    ]
    assert sorted(rows[1:]) == sorted(expected)
    by_category = rows_of(client.get("/dashboard/tables/recurrences-by-category.csv"))
    assert by_category[:2] == [["Category", "Recurrences"], ["Workload and capacity", "2"]]
    assert {count for _, count in by_category[2:]} == {"0"}
    wales = rows_of(client.get("/dashboard/tables/recurrences.csv?region=Wales"))
    assert [r[1] for r in wales[1:]] == ["Cardiff"]


def test_a_hostile_pdu_cannot_become_a_spreadsheet_formula(
    full_review, make_user, client, login_as
):
    _pair(full_review, make_user("leadership"), pdu='=HYPERLINK("x")')
    login_as("leadership")
    rows = rows_of(client.get("/dashboard/tables/recurrences.csv"))
    assert rows[1][1] == '\'=HYPERLINK("x")'


@pytest.mark.parametrize("name", ["recurrences", "recurrences-by-category"])
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("reviewer", 403),
        ("officer", 403),
        ("quality_assurer", 403),
        ("admin", 403),
        ("leadership", 200),
        ("anonymous", 302),
    ],
)
def test_only_leadership_download_the_csv(client, login_as, name, role, status):
    if role != "anonymous":
        login_as(role)
    response = client.get(f"/dashboard/tables/{name}.csv")
    assert response.status_code == status
    if role == "anonymous":
        assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(
    "query",
    ["?from=2025-13-01", "?from=2025-06-01&to=2025-01-01", "?region=<script>x</script>"],
)
def test_bad_filters_on_the_csv_are_named_not_a_500(client, login_as, query):
    login_as("leadership")
    response = client.get(f"/dashboard/tables/recurrences.csv{query}")
    assert response.status_code == 422
    assert page(response).select_one(".govuk-error-summary") is not None
    assert "<script>x</script>" not in response.get_data(as_text=True)


def test_done_when_a_second_review_in_the_same_pdu_shows_on_leaderships_dashboard(
    full_review, make_user, client, login_as
):
    """Issue 17: a second review in the same PDU with the same factor category records a
    recurrence that leadership sees on the dashboard — approved on the countersign page."""
    owner = make_user("leadership", name="Pat Owner")
    earlier, action = earlier_with_action(full_review, owner)
    later = later_review(full_review)
    move_to(later, "quality_assurance")
    helpers_rules.address_factors(later["review"])  # the action balance rule
    login_as(user=later["qa"])
    response = post(client, f"/reviews/{later['review'].id}/countersign", approval_form())
    assert response.status_code == 302, errors(response)
    login_as(user=owner)
    notes = page(client.get("/notifications")).get_text(" ", strip=True)
    assert (
        f"Lesson not learned: Workload and capacity came back in {later['review'].reference}"
        in notes
    )
    soup = page(client.get("/dashboard"))
    assert soup.select_one("#figure-recurrences").get_text(" ", strip=True).startswith("1 ")
    row = soup.select_one(f'#recurrences-list tr[data-action="{action.id}"]')
    assert (
        row.select_one("a.app-earlier").get_text(strip=True).startswith(earlier["review"].reference)
    )
    assert row.select_one("a.app-later").get_text(strip=True) == later["review"].reference


def test_the_figures_list_the_most_recent_and_count_them_all_the_csv_has_every_one(
    two_pairs, api, cli_user, token_for, client, login_as, monkeypatch
):
    """Recurrences grow with the square of a PDU's reviews: the figures list the most recent
    `LISTED`, count every one (in total and by category), and the CSV file reads them all."""
    from sfo_review.services.figures import recurrences as figures

    monkeypatch.setattr(figures, "LISTED", 1)
    found = _themes(api, token_for(cli_user("leadership")))
    assert found["total"] == 2 and found["items_listed"] == 1
    assert len(found["items"]) == 1
    assert found["by_category"] == {"workload_and_capacity": 2}
    (_, later, _), (_, other_later, _) = two_pairs
    newest = max(
        (later["review"], other_later["review"]), key=lambda r: (r.notification_date, r.id)
    )
    assert found["items"][0]["later_review"]["id"] == newest.id
    login_as("leadership")
    soup = page(client.get("/dashboard"))
    assert len(soup.select("#recurrences-list tbody tr")) == 1
    assert "Showing the 1 most recent of 2" in soup.get_text(" ", strip=True)
    assert len(rows_of(client.get("/dashboard/tables/recurrences.csv"))) == 1 + 2
