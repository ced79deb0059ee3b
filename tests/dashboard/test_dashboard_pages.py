"""The leadership dashboard pages: who may see them, what they show, bad filters, exports."""

from __future__ import annotations

import csv
import io

import pytest

from sfo_review.extensions import db
from tests.helpers import error_summary, page

ROUTES = (
    "/dashboard",
    "/dashboard/tables/systemic-factor-categories.csv",
    "/dashboard/actions",
    "/dashboard/actions.csv",
)


def rows_of(response) -> list[list[str]]:
    assert response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("url", ROUTES)
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("reviewer", 403),
        ("officer", 403),
        ("quality_assurer", 403),
        ("admin", 403),
        ("leadership", 200),
    ],
)
def test_only_leadership_see_the_dashboard(client, login_as, url, role, status):
    login_as(role)
    assert client.get(url).status_code == status


@pytest.mark.parametrize("url", ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", ["reviewer", "officer", "quality_assurer", "admin", "leadership"])
def test_the_dashboard_is_in_the_navigation_for_leadership_only(client, login_as, role):
    login_as(role)
    home = client.get("/notifications")
    links = [a.get_text(strip=True) for a in page(home).select(".govuk-service-navigation a")]
    assert ("Dashboard" in links) == (role == "leadership")


def test_the_page_shows_the_figures_the_api_gives(
    client, login_as, five_reviews, api, cli_user, token_for
):
    login_as("leadership")
    soup = page(client.get("/dashboard?region=London"))
    assert len(soup.select("h1")) == 1
    assert soup.select_one("#scope-summary").get_text(strip=True) == (
        "3 reviews notified at any time, in London."
    )
    figures = api.get("/themes?region=London", token_for(cli_user("leadership"))).get_json()
    assert soup.select_one("#figure-open").get_text(strip=True) == str(figures["deadlines"]["open"])
    assert soup.select_one("#figure-extension-rate").get_text(" ", strip=True).startswith("66.7%")
    assert soup.select_one("#figure-median").get_text(strip=True) == "75.0"
    assert soup.select_one("#figure-balance").get_text(" ", strip=True).startswith("100.0%")
    top = soup.select_one("#top-three").get_text(" ", strip=True)
    assert top.startswith("Most common: Workload and capacity (2, in 66.7% of reviews)")
    # API talk belongs on the API's description, not on leadership's page
    assert "/api/" not in soup.select_one("main").get_text() and "JSON" not in soup.get_text()


def test_every_chart_is_an_image_with_a_title_a_description_and_a_table(
    client, login_as, five_reviews
):
    login_as("leadership")
    soup = page(client.get("/dashboard"))
    charts = soup.select("svg.app-chart__svg")
    assert len(charts) == 9  # the ninth: who gets blamed (api-v1.1 B)
    for svg in charts:
        assert svg["role"] == "img"
        title_id, desc_id = svg["aria-labelledby"].split()
        assert svg.select_one(f"title#{title_id}").get_text(strip=True)
        assert svg.select_one(f"desc#{desc_id}").get_text(strip=True)
    tables = soup.select("details.govuk-details table")
    assert len(tables) >= len(charts)
    downloads = [a["href"] for a in soup.select("a[download]")]
    assert len(downloads) == len(tables)
    categories = soup.select_one("#chart-categories desc").get_text()
    assert "Workload and capacity (3)" in categories


def test_hatching_marks_what_is_above_the_reference_point(client, login_as, five_reviews):
    login_as("leadership")
    soup = page(client.get("/dashboard"))
    caseload = soup.select_one("#chart-caseload")
    hatched = caseload.select(".app-chart__svg rect.app-chart__bar--hatched")
    assert len(hatched) == 2 + 1  # the 61–80 and 81+ bars, and the legend's swatch
    # the small screen's bars hatch the same two
    narrow = caseload.select(".app-chart-bars rect.app-chart__bar--hatched")
    assert len(narrow) == 2
    assert "Hatched bars: above the reference point (60)" in caseload.get_text()


def test_every_table_downloads_as_csv_with_the_page_figures(client, login_as, five_reviews):
    login_as("leadership")
    soup = page(client.get("/dashboard?from=2026-01-01"))
    for link in soup.select("a[download]"):
        response = client.get(link["href"])
        assert response.status_code == 200, link["href"]
        assert "from=2026-01-01" in link["href"]
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        assert len(rows_of(response)) >= 2
    statuses = rows_of(client.get("/dashboard/tables/reviews-by-status.csv?from=2026-01-01"))
    assert statuses[0] == ["Status", "Reviews"]
    assert dict(statuses[1:]) == {
        "In review": "1",
        "Factual accuracy": "1",
        "Quality assurance": "0",
        "Approved": "2",
        "Closed": "0",
    }
    shares = rows_of(client.get("/dashboard/tables/balance.csv"))
    assert shares[0][-1] == "Balance measure (%)" and shares[-1] == ["All", "4", "2", "50.0"]


def test_an_unknown_table_is_not_found(client, login_as):
    login_as("leadership")
    assert client.get("/dashboard/tables/passwords.csv").status_code == 404


def test_the_three_most_common_factors_of_a_region_last_year(client, login_as, five_reviews):
    login_as("leadership")
    soup = page(client.get("/dashboard"))
    year = soup.find("a", string="Calendar year 2025")
    assert year is not None
    response = client.get(year["href"] + "&region=Wales")
    soup = page(response)
    assert soup.select_one("#scope-summary").get_text(strip=True) == (
        "1 review notified from 1 January 2025 to 31 December 2025, in Wales."
    )
    top = soup.select_one("#table-top-systemic-factors-by-pdu tbody tr").get_text(" ", strip=True)
    assert top.startswith("Gwent 2 Workload and capacity 1 Information sharing and partnerships 1")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-02-30", "Start date must be a real date, like 26 6 2023"),
        ("from=31&from=2&from=2026", "Start date must be a real date, like 26 6 2023"),
        ("from=1&from=&from=2026", "Start date must include a month"),
        ("to=1&to=1&to=26", "Year of the end date must include 4 numbers"),
        ("from=yesterday", "Start date must include a month and year"),
        ("from=0001-01-01", "Start date must be 1 January 2000 or later"),
        ("to=9999-12-31", "End date must be 1 July 2027 or earlier"),  # today: 30 June 2026
        ("from=2026-03-01&to=2026-01-01", "End date must be the same as or after the start date"),
        ("region=Atlantis", "Select a region from the list"),
        ("region=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "Select a region from the list"),
        ("pdu=Nowhere", "Select a PDU from the list"),
        ("region=Wales&pdu=Hackney+and+City", "Select a PDU from the list"),  # not Wales's
    ],
)
def test_bad_filters_are_named_next_to_the_field(client, login_as, five_reviews, query, message):
    login_as("leadership")
    response = client.get("/dashboard?" + query)
    assert response.status_code == 422
    assert any(m.startswith(message) for m in error_summary(response)), error_summary(response)
    soup = page(response)
    assert soup.select_one("#no-figures") and not soup.select("svg.app-chart__svg")
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    csv_response = client.get("/dashboard/tables/balance.csv?" + query)
    assert csv_response.status_code == 422 and csv_response.mimetype == "text/html"
    assert any(m.startswith(message) for m in error_summary(csv_response))


def test_reversed_dates_and_an_unknown_region_are_both_reported(client, login_as, five_reviews):
    login_as("leadership")
    response = client.get("/dashboard?from=2026-03-01&to=2026-01-01&region=Atlantis")
    assert error_summary(response) == [
        "End date must be the same as or after the start date",
        "Select a region from the list",
    ]


def test_three_box_dates_and_iso_dates_mean_the_same(client, login_as, five_reviews):
    login_as("leadership")
    boxes = page(client.get("/dashboard?from=1&from=1&from=2026&to=31&to=3&to=2026"))
    iso = page(client.get("/dashboard?from=2026-01-01&to=2026-03-31"))
    assert (
        boxes.select_one("#scope-summary").get_text() == iso.select_one("#scope-summary").get_text()
    )
    assert "3 reviews" in iso.select_one("#scope-summary").get_text()
    assert iso.select_one("input[name=from]")["value"] == "1"  # shown back in the boxes


def test_the_region_list_offers_the_list_and_a_region_only_its_pdus(client, login_as, five_reviews):
    """Since issue 19 the filters offer the list of regions and PDUs (not only those with
    reviews); within a region only its PDUs."""
    from sfo_review import regions_data

    login_as("leadership")
    soup = page(client.get("/dashboard?region=Wales"))
    assert [o["value"] for o in soup.select("select[name=region] option")] == [
        "",
        *sorted(regions_data.REGIONS),
    ]
    pdus = [o["value"] for o in soup.select("select[name=pdu] option")]
    assert pdus == ["", *regions_data.REGIONS["Wales"]]


def test_hostile_text_in_the_data_is_shown_literally(client, login_as, five_reviews):
    hostile = "<script>alert(1)</script>"
    r1 = five_reviews["reviews"][0]
    r1.pdu = hostile
    five_reviews["actions"][0].owner = hostile
    db.session.commit()
    login_as("leadership")
    for url in ("/dashboard?region=London", "/dashboard/actions"):
        html = client.get(url).get_data(as_text=True)
        assert hostile not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


FORMULAS = ['=HYPERLINK("http://x")', "+SUM(A1)", "-2+3", "@cmd", "\tTAB"]
SEPARATED = ("Camden;=HYPERLINK(1)", "Owner, +SUM(1)")


def test_csv_exports_neutralise_formulas(client, login_as, five_reviews):
    r1, _r2, r3, *_ = five_reviews["reviews"]
    a1, a2, a3 = five_reviews["actions"]
    r1.pdu, r3.pdu = FORMULAS[0], FORMULAS[1]
    a1.owner, a2.description, a3.completion_note = FORMULAS[2], FORMULAS[3], FORMULAS[4]
    db.session.commit()
    login_as("leadership")
    soup = page(client.get("/dashboard?region=London"))
    cells = []
    for link in soup.select("a[download]"):
        cells += [c for row in rows_of(client.get(link["href"])) for c in row]
    for name in ("reviews-by-area", "top-systemic-factors-by-area", "actions-by-owner"):
        cells += [c for row in rows_of(client.get(f"/dashboard/tables/{name}.csv")) for c in row]
    cells += [c for row in rows_of(client.get("/dashboard/actions.csv")) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t")]
    for formula in FORMULAS:
        assert "'" + formula in cells, formula


def test_csv_exports_neutralise_formulas_after_a_separator(client, login_as, five_reviews):
    from tests.services.test_csv_cells import formula_cells

    r1, *_ = five_reviews["reviews"]
    a1, *_ = five_reviews["actions"]
    r1.pdu, a1.owner = SEPARATED
    db.session.commit()
    login_as("leadership")
    soup = page(client.get("/dashboard?region=London"))
    files = [client.get(link["href"]).data for link in soup.select("a[download]")]
    files.append(client.get("/dashboard/actions.csv").data)

    for data in files:
        assert formula_cells(data) == []
    assert any(b"Camden;'=HYPERLINK(1)" in data for data in files)
    assert any(b"Owner, '+SUM(1)" in data for data in files)
