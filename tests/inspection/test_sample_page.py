"""The inspection sample page and its CSV: who may use them, the form, the table, bad input."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from sqlalchemy import select

from sfo_review.extensions import db
from sfo_review.models import AuditEvent
from tests.helpers import error_summary, page
from tests.inspection.conftest import PERIOD, expected, sha

URL = "/inspection-sample"
CSV = "/inspection-sample.csv"


def query(percent: Any = 20, seed: Any = 7, **period: Any) -> dict[str, Any]:
    return {**PERIOD, **period, "percent": percent, "seed": seed}


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def events() -> list[AuditEvent]:
    found = select(AuditEvent).where(AuditEvent.action == "inspection_sample.drawn")
    return list(db.session.scalars(found.order_by(AuditEvent.id)))


@pytest.mark.parametrize("url", [URL, f"{URL}?from=2024-01-01&to=2024-12-31&percent=5", CSV])
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("leadership", True),
        ("quality_assurer", True),
        ("reviewer", False),
        ("officer", False),
        ("admin", False),
    ],
)
def test_who_may_use_the_page(client, login_as, url, role, allowed):
    login_as(role)
    status = client.get(url).status_code
    if allowed:  # the CSV without parameters names what is missing
        assert status == (422 if url == CSV else 200)
    else:
        assert status == 403


@pytest.mark.parametrize("url", [URL, CSV])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_fresh_page_offers_a_new_seed(client, login_as):
    login_as("quality_assurer")
    seeds = set()
    for _ in range(3):
        soup = page(client.get(URL))
        assert soup.select_one("h1").get_text(strip=True) == "Inspection sample"
        assert soup.select_one("input[name=percent]")["value"] == "10"
        seed = soup.select_one("input[name=seed]")["value"]
        assert seed.isdigit() and int(seed) <= 999_999_999
        seeds.add(seed)
        assert soup.select_one("#sample-table") is None
    assert len(seeds) > 1
    assert events() == []  # nothing drawn yet


def test_the_sample_as_a_table_with_links_and_checksums(client, login_as, sample_world):
    login_as("leadership")
    response = client.get(URL, query_string=query(50, 3))
    soup = page(response)
    assert response.status_code == 200
    want = expected(sample_world["regions"], 50, 3)
    rows = soup.select("#sample-table tbody tr")
    assert sorted(int(r["id"].removeprefix("sample-")) for r in rows) == want
    by_id = {r.id: r for r in sample_world["candidates"]}
    for row in rows:
        review = by_id[int(row["id"].removeprefix("sample-"))]
        link = row.select_one("a")
        assert link["href"] == f"/reviews/{review.id}" and link.get_text() == review.reference
        checksum = row.select("td")[-1].get_text(strip=True)
        stored = review is not sample_world["north_east"]
        assert checksum == (
            sha(f"full {review.reference}") if stored else "No approved report stored"
        )
    assert "5 of 10 approved and closed reviews" in soup.select_one("#sample-summary").get_text()
    csv_link = soup.select_one("#sample-csv")["href"]
    assert csv_link.startswith(CSV) and "seed=3" in csv_link and "percent=50" in csv_link
    assert [e.detail["via"] for e in events()] == ["page"]


def test_the_csv_is_the_same_sample(client, login_as, sample_world):
    login_as("quality_assurer")
    response = client.get(CSV, query_string=query(50, 3))
    rows = rows_of(response)
    assert rows[0] == ["Review", "Region", "PDU", "Approved at (UK time)", "Full report SHA-256"]
    by_ref = {r.reference: r for r in sample_world["candidates"]}
    assert sorted(by_ref[row[0]].id for row in rows[1:]) == expected(sample_world["regions"], 50, 3)
    for row in rows[1:]:
        review = by_ref[row[0]]
        assert row[1] == review.region
        assert row[4] == (
            "" if review is sample_world["north_east"] else sha(f"full {review.reference}")
        )
    disposition = response.headers["Content-Disposition"]
    assert "sfo-inspection-sample-2024-01-01-to-2024-12-31-50pc-seed-3.csv" in disposition
    assert [e.detail["via"] for e in events()] == ["csv"]


def test_csv_cells_never_run_as_formulas(client, login_as, make_review, make_user):
    hostile = make_review(make_user("reviewer"), region='=HYPERLINK("http://x")', pdu="@SUM(1)")
    hostile.status = "approved"
    db.session.commit()
    login_as("leadership")
    rows = rows_of(client.get(CSV, query_string=query(100, 1, **{"from": "2023-01-01"})))
    assert rows[1][1] == '\'=HYPERLINK("http://x")' and rows[1][2] == "'@SUM(1)"


def test_hostile_text_is_shown_escaped(client, login_as, make_review, make_user):
    region = "<script>alert('r')</script>"
    hostile = make_review(make_user("reviewer"), region=region)
    hostile.status = "closed"
    db.session.commit()
    login_as("leadership")
    response = client.get(URL, query_string=query(100, 1, **{"from": "2023-01-01"}))
    assert response.status_code == 200
    assert region not in response.get_data(as_text=True)
    assert page(response).select_one("#sample-table td").get_text() == region
    bad = client.get(URL, query_string=query("<b>ten</b>", "<script>x</script>"))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "<script>x</script>" not in html and "<b>ten</b>" not in html
    assert page(bad).select_one("input[name=seed]")["value"] == "<script>x</script>"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "", "to": "2024-03-01"}, "from", "Enter the start date"),
        ({"from": ["30", "2", "2024"]}, "from", "Start date must be a real date"),
        ({"from": "2024-02-01", "to": "2024-01-31"}, "to", "End date must be the same as or after"),
        ({"percent": "0"}, "percent", "Percentage must be between 1 and 100"),
        ({"percent": "101"}, "percent", "Percentage must be between 1 and 100"),
        ({"percent": "abc"}, "percent", "Percentage must be a whole number"),
        ({"percent": ""}, "percent", "Enter the percentage"),
        ({"seed": "x"}, "seed", "Seed must be a whole number"),
        ({"seed": "1" * 300}, "seed", "Seed must be a whole number"),
    ],
)
@pytest.mark.parametrize("url", [URL, CSV])
def test_bad_input_is_named_next_to_its_field(client, login_as, url, params, field, message):
    login_as("leadership")
    data = {**query(), **params}
    response = client.get(url, query_string=data)
    assert response.status_code == 422
    assert any(m.startswith(message) for m in error_summary(response))
    soup = page(response)
    error = soup.select_one(f"#{field}-error") or soup.select_one(f"[id^={field}][id$=-error]")
    assert error is not None and message in error.get_text()
    assert soup.select_one("#sample-table") is None
    assert events() == []


def test_every_problem_at_once(client, login_as):
    login_as("leadership")
    response = client.get(URL, query_string={"from": "", "to": "", "percent": "x", "seed": "y"})
    assert len(error_summary(response)) == 4
    reversed_and_bad = {"from": "2024-02-01", "to": "2024-01-01", "percent": "abc", "seed": "1"}
    assert error_summary(client.get(URL, query_string=reversed_and_bad)) == [
        "End date must be the same as or after the start date",
        "Percentage must be a whole number",
    ]


def test_linked_from_the_dashboard_and_the_quality_assurance_home(client, login_as):
    login_as("leadership")
    assert page(client.get("/dashboard")).select_one("#inspection-sample-link a")["href"] == URL
    login_as("quality_assurer")
    assert page(client.get("/")).select_one("#inspection-sample-link a")["href"] == URL
    login_as("reviewer")
    assert page(client.get("/")).select_one("#inspection-sample-link") is None


def test_dates_typed_in_three_boxes_and_the_csv_link(client, login_as, sample_world):
    login_as("leadership")
    typed = {"from": ["1", "1", "2024"], "to": ["31", "12", "2024"], "percent": "30", "seed": "4"}
    soup = page(client.get(URL, query_string=typed))
    shown = sorted(r["id"] for r in soup.select("#sample-table tbody tr"))
    link = soup.select_one("#sample-csv")["href"]
    assert "from=2024-01-01" in link and "to=2024-12-31" in link
    references = {r.reference: r.id for r in sample_world["candidates"]}
    in_csv = sorted(f"sample-{references[row[0]]}" for row in rows_of(client.get(link))[1:])
    assert in_csv == shown and len(shown) == 3
