"""The chronology page with thousands of entries (issue 21): pages of 100, filters in the
query string (significant only, a date range, a source), bad input, permissions, the way
back after adding, changing or deleting an entry, and the size of every page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import insert

from sfo_review.evidence.chronology_list import PAGE_SIZE
from sfo_review.extensions import db
from sfo_review.models import ChronologyEntry, Review
from tests.helpers_forms import HOSTILE, ROLES, expect_status, page, post, sign_in
from tests.reviews.helpers import error_for

# long_review only builds (tests/snapshots.py): its full review is built once a module.
SNAPSHOT_PURE = {"long_review"}
SOURCES = ("Police", "Probation", "Health")
START = date(2019, 1, 1)  # the first bulk entry; the full review's own entry is 2 May 2023
READ = {
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 403,  # officers never saw the chronology: the review team's material
    "other_officer": 404,
    "quality_assurer": 404,
    "leadership": 200,
    "admin": 404,
    "anonymous": "sign-in",
}


def add_entries(review: Review, count: int, summary: str = "Reporting appointment kept.") -> None:
    """`count` entries a day apart from START: every 10th significant, sources in turn."""
    now = datetime.now(UTC)
    rows = [
        {
            "review_id": review.id,
            "occurred_on": START + timedelta(days=n),
            "source": SOURCES[n % 3],
            "summary": f"{summary} Entry {n + 1}.",
            "significant": n % 10 == 0,
            "known_at_the_time": ("yes", "no", "unclear")[n % 3],
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for n in range(count)
    ]
    db.session.execute(insert(ChronologyEntry.__table__), rows)
    db.session.commit()
    db.session.expire_all()


@pytest.fixture
def long_review(client, login_as, full_review):
    """A full review with 249 more entries (250 in all: pages of 100, 100 and 50), its
    reviewer signed in."""
    data = full_review()
    add_entries(data["review"], 249)
    login_as(user=data["reviewer"])
    return data, f"/reviews/{data['review'].id}/chronology"


def rows(response) -> list[Any]:
    return page(response).select("#chronology-table tbody tr")


def count_line(response) -> str:
    found = page(response).select_one("#entries-count")
    return " ".join(found.get_text(" ").split()) if found else ""


def problems(response) -> list[str]:
    summary = page(response).select_one(".govuk-error-summary")
    return [" ".join(a.get_text(" ").split()) for a in summary.select("li")] if summary else []


def link(response_or_soup: Any, text: str) -> str:
    soup = response_or_soup if hasattr(response_or_soup, "select") else page(response_or_soup)
    found = [a["href"] for a in soup.select("main a") if a.get_text(" ", strip=True) == text]
    assert len(found) == 1, f"{len(found)} links {text!r}"
    return found[0]


def args_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


# Paging


def test_pages_of_a_hundred_with_the_count_and_pagination(client, long_review):
    _, base = long_review
    first = client.get(base)
    assert first.status_code == 200
    assert len(rows(first)) == PAGE_SIZE == 100
    assert count_line(first) == "Showing 1 to 100 of 250 entries, in date order"
    assert "(page 1 of 3)" in page(first).title.get_text()
    second = client.get(f"{base}?page=2")
    assert count_line(second) == "Showing 101 to 200 of 250 entries, in date order"
    last = client.get(f"{base}?page=3")
    assert len(rows(last)) == 50
    assert count_line(last) == "Showing 201 to 250 of 250 entries, in date order"
    nav = page(second).select_one("#pagination nav.govuk-pagination")
    assert nav is not None
    links = {a.get_text(" ", strip=True): a["href"] for a in nav.select("a")}
    assert args_of(links["Previous page"]) == {}  # page 1 has no page argument
    assert args_of(links["Next page"]) == {"page": ["3"]}
    assert page(first).select_one(".govuk-pagination__prev") is None
    assert page(last).select_one(".govuk-pagination__next") is None


def test_the_pages_follow_each_other_in_date_order_without_gaps(client, long_review):
    data, base = long_review
    seen = []
    for number in (1, 2, 3):
        seen += [r["id"] for r in rows(client.get(f"{base}?page={number}"))]
    ordered = sorted(data["review"].chronology, key=lambda e: (e.occurred_on, e.id))
    assert seen == [f"chronology_entries-{e.id}" for e in ordered]


def test_a_chronology_of_one_page_has_no_pagination(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    response = client.get(f"/reviews/{data['review'].id}/chronology")
    assert count_line(response) == "1 entry, in date order"
    assert page(response).select_one("#pagination") is None


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "1.5", "", " ", "%00", "2" * 60])
def test_a_page_number_that_is_not_one_is_named_and_page_one_shown(client, long_review, raw):
    _, base = long_review
    response = client.get(f"{base}?page={raw}")
    assert response.status_code == 200
    if raw == "":
        assert problems(response) == []
    else:
        assert problems(response) == ["Page must be a whole number, like 2"]
    assert count_line(response).startswith("Showing 1 to 100 of 250")


@pytest.mark.parametrize("raw", ["4", "999999", "9" * 40])
def test_a_page_past_the_end_shows_the_last_page_and_says_so(client, long_review, raw):
    _, base = long_review
    response = client.get(f"{base}?page={raw}")
    assert response.status_code == 200
    assert problems(response) == [
        f"There is no page {int(raw)}: the list has 3 pages. This is page 3."
    ]
    assert count_line(response).startswith("Showing 201 to 250 of 250")


# Filters


def test_significant_only(client, long_review):
    _, base = long_review
    response = client.get(f"{base}?significant=1")
    # 25 of the 249 bulk entries (every 10th) and the full review's own entry
    assert count_line(response) == "26 significant entries (250 in all), in date order"
    assert all("Significant" in r.get_text() for r in rows(response))
    assert page(response).select_one("input[name=significant][value='1']").has_attr("checked")


def test_a_date_range_includes_both_ends(client, long_review):
    _, base = long_review
    response = client.get(f"{base}?from=2019-01-10&to=20/1/2019")
    shown = [r.select_one("td").get_text(strip=True) for r in rows(response)]
    assert shown[0] == "10 January 2019" and shown[-1] == "20 January 2019"
    assert len(shown) == 11
    assert count_line(response) == "11 entries matching the filters (250 in all), in date order"


def test_a_source(client, long_review):
    _, base = long_review
    response = client.get(f"{base}?source=Health")
    assert {r.select("td")[1].get_text(strip=True) for r in rows(response)} == {"Health"}
    assert count_line(response) == "83 entries matching the filters (250 in all), in date order"
    options = [o["value"] for o in page(response).select("select[name=source] option")]
    assert options == ["", "Health", "Police", "Probation"]


def test_filters_are_kept_across_pages_and_views(client, long_review):
    _, base = long_review
    response = client.get(f"{base}?from=1/1/2019&to=2019-12-31&page=2")
    assert count_line(response) == (
        "Showing 101 to 200 of 249 entries matching the filters (250 in all), in date order"
    )
    soup = page(response)
    previous = soup.select_one(".govuk-pagination__prev a")["href"]
    assert args_of(previous) == {"from": ["2019-01-01"], "to": ["2019-12-31"]}
    following = soup.select_one(".govuk-pagination__next a")["href"]
    assert args_of(following) == {"from": ["2019-01-01"], "to": ["2019-12-31"], "page": ["3"]}
    timeline = soup.select_one("#view-toggle a")["href"]
    assert args_of(timeline) == {"from": ["2019-01-01"], "to": ["2019-12-31"], "view": ["timeline"]}
    significant = page(client.get(f"{base}?source=Police")).select_one("#filter a")["href"]
    assert args_of(significant)["significant"] == ["1"]
    assert args_of(significant)["source"] == ["Police"]


def test_no_match_says_so(client, long_review):
    _, base = long_review
    response = client.get(f"{base}?from=1/1/2001&to=2/1/2001")
    assert (
        page(response)
        .select_one("#no-entries")
        .get_text(" ", strip=True)
        .startswith("No entries match these filters.")
    )


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=yesterday", "from", "From date must be a real date, like 17/5/2024"),
        ("from=31/2/2022", "from", "From date must be a real date, like 17/5/2024"),
        ("to=2022-13-01", "to", "To date must be a real date, like 17/5/2024"),
        (
            "from=2022-06-01&to=2022-05-01",
            "to",
            "The to date must be the same as or after the from date",
        ),
        ("source=Nobody", "source", "Select a source from the list"),
        (f"source={'x' * 500}", "source", "Select a source from the list"),
        (
            "significant=yes",
            "significant",
            "Select ‘Significant events only’ or leave it unselected",
        ),
    ],
)
def test_bad_filters_are_named_next_to_their_field(client, long_review, query, field, message):
    _, base = long_review
    response = client.get(f"{base}?{query}")
    assert response.status_code == 200
    assert message in problems(response)
    assert message in error_for(response, field)
    assert page(response).select_one("#fix-filters") is not None
    assert rows(response) == []


def test_hostile_filter_text_and_entries_are_shown_as_text(client, long_review):
    data, base = long_review
    add_entries(data["review"], 1, summary=HOSTILE)
    response = client.get(
        f"{base}?{urlencode({'source': HOSTILE, 'from': HOSTILE, 'page': HOSTILE})}"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "Select a source from the list" in problems(response)
    shown = client.get(base)
    assert any(HOSTILE in row.get_text() for row in rows(shown))
    assert "<script>alert(1)</script>" not in shown.get_data(as_text=True)
    timeline = client.get(f"{base}?view=timeline")
    assert HOSTILE in page(timeline).select_one("#chronology-timeline").get_text()
    assert "<script>alert(1)</script>" not in timeline.get_data(as_text=True)


# The timeline


def test_the_timeline_pages_and_filters_too(client, long_review):
    _, base = long_review
    response = client.get(f"{base}?view=timeline&source=Police")
    items = page(response).select("#chronology-timeline .moj-timeline__item")
    assert len(items) == 83
    assert {i.select_one(".moj-timeline__title").get_text(strip=True) for i in items} == {"Police"}
    assert count_line(response) == "83 entries matching the filters (250 in all), in date order"
    first = page(client.get(f"{base}?view=timeline"))
    assert len(first.select(".moj-timeline__item")) == 100
    nxt = first.select_one(".govuk-pagination__next a")["href"]
    assert args_of(nxt) == {"view": ["timeline"], "page": ["2"]}
    form = first.select_one("#filter-form input[name=view]")
    assert form["value"] == "timeline"


# Add, change and delete come back to the page the person was on


def test_changing_an_entry_comes_back_to_its_page_with_the_filters(client, long_review):
    data, base = long_review
    soup = page(client.get(f"{base}?from=2019-01-01&page=2"))
    row = soup.select("#chronology-table tbody tr")[0]
    change = row.select_one("a[href*='/edit']")["href"]
    assert args_of(change) == {"from": ["2019-01-01"], "page": ["2"]}
    entry = db.session.get(ChronologyEntry, int(row["id"].split("-")[1]))
    back = link(client.get(change), "Back to the chronology")
    assert args_of(back) == {"from": ["2019-01-01"], "page": ["2"]}
    body = {
        "occurred_on": [
            str(entry.occurred_on.day),
            str(entry.occurred_on.month),
            str(entry.occurred_on.year),
        ],
        "source": "Probation",
        "summary": "Changed on page two",
        "known_at_the_time": "yes",
        "version": str(entry.version),
    }
    response = post(client, change, body)
    assert response.status_code == 302, problems(response)
    location = response.headers["Location"]
    assert args_of(location) == {"from": ["2019-01-01"], "page": ["2"]}
    assert location.endswith(f"#chronology_entries-{entry.id}")
    # moved to the first day of the log: back on page 1, where it now is
    body = {**body, "occurred_on": ["1", "1", "2019"], "version": "2"}
    response = post(client, change, body)
    assert response.status_code == 302, problems(response)
    assert args_of(response.headers["Location"]) == {"from": ["2019-01-01"]}
    # moved out of the filtered range: back to the page the person was on, no anchor
    body = {**body, "occurred_on": ["1", "1", "2018"], "version": "3"}
    response = post(client, change, body)
    assert args_of(response.headers["Location"]) == {"from": ["2019-01-01"], "page": ["2"]}
    assert "#" not in response.headers["Location"]


def test_adding_an_entry_goes_to_its_page(client, long_review):
    _, base = long_review
    response = post(
        client,
        f"{base}/new?page=3",
        {"occurred_on": ["1", "2", "2019"], "source": "Court", "summary": "Sentenced"},
    )
    assert response.status_code == 302
    assert args_of(response.headers["Location"]) == {}  # 1 February 2019 is on page 1
    assert re.search(r"#chronology_entries-\d+$", response.headers["Location"])


def test_deleting_the_last_entry_of_the_last_page_goes_to_the_new_last_page(
    client, login_as, full_review
):
    data = full_review()
    add_entries(data["review"], 100)  # 101 entries: the last page holds one
    login_as(user=data["reviewer"])
    base = f"/reviews/{data['review'].id}/chronology"
    last = rows(client.get(f"{base}?page=2"))
    assert len(last) == 1
    delete = last[0].select_one("a[href*='/delete']")["href"]
    assert args_of(delete) == {"page": ["2"]}
    assert args_of(link(client.get(delete), "No, go back")) == {"page": ["2"]}
    response = post(client, delete, {})
    assert response.status_code == 302
    assert args_of(response.headers["Location"]) == {}  # page 1: page 2 has gone


def test_place_arguments_other_than_the_chronology_s_own_are_not_passed_on(client, long_review):
    _, base = long_review
    soup = page(client.get(f"{base}?page=2&next=https://evil.example&from=2019-01-01"))
    change = soup.select_one("#chronology-table a[href*='/edit']")["href"]
    assert "evil" not in change
    back = link(
        client.get(change.replace("page=", "next=https://evil.example&page=")),
        "Back to the chronology",
    )
    assert "evil" not in back and args_of(back) == {"from": ["2019-01-01"], "page": ["2"]}


# Permissions: everyone sees what they saw before, paged and filtered alike


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "query",
    ["", "?page=2", "?significant=1&from=2019-01-01&to=2019-06-30&source=Police", "?page=x"],
)
def test_who_may_see_the_paged_chronology(client, login_as, full_review, role, query):
    data = full_review()
    add_entries(data["review"], 150)
    sign_in(role, data, login_as)
    expect_status(client.get(f"/reviews/{data['review'].id}/chronology{query}"), READ[role])


def test_readers_see_no_change_links(client, login_as, full_review):
    data = full_review()
    add_entries(data["review"], 150)
    login_as("leadership")
    soup = page(client.get(f"/reviews/{data['review'].id}/chronology?page=2"))
    assert len(soup.select("#chronology-table tbody tr")) == 51
    assert soup.select("a[href*='/edit']") == []
    assert soup.select_one("#add-entry") is None


# Size: every page of a 4,000-entry chronology is under 500 KB of HTML (size, not time)


def test_every_page_of_a_long_chronology_is_under_500_kb(client, login_as, full_review):
    data = full_review()
    long_text = (
        "The officer recorded the contact the same day and noted the partner's account. " * 6
    )
    add_entries(data["review"], 3999, summary=long_text)
    login_as(user=data["reviewer"])  # the reviewer's pages carry change and delete links too
    base = f"/reviews/{data['review'].id}/chronology"
    sizes = {}
    for view in ("", "&view=timeline"):
        for number in range(1, 41):
            response = client.get(f"{base}?page={number}{view}")
            assert response.status_code == 200
            sizes[(number, view)] = len(response.get_data())
        assert count_line(client.get(f"{base}?page=40{view}")).startswith(
            "Showing 3,901 to 4,000 of 4,000 entries"
        )
    biggest = max(sizes.values())
    assert biggest < 500 * 1024, f"largest page {biggest:,} bytes"
