"""The review list: search, every filter, sorting, pages, the CSV export, what each role sees,
and bad input in every filter — a message next to the filter, never an error page."""

from __future__ import annotations

from datetime import date

import pytest

from sfo_review.services import deadline_extensions as extension_service
from sfo_review.services.regions import areas, region_names
from tests.helpers_forms import HOSTILE, errors, page, text_of
from tests.reviews.extension_helpers import REASON, later_working_day, name_countersigner
from tests.reviews.helpers import error_for


def refs(response) -> list[str]:
    return [
        row.select_one("a").get_text(strip=True)
        for row in page(response).select("#reviews-table tbody tr")
    ]


def crns(response) -> list[str]:
    return [
        row.select_one("td").get_text(" ", strip=True).split("(")[1].rstrip(")")
        for row in page(response).select("#reviews-table tbody tr")
    ]


# --- search ---------------------------------------------------------------------------------


def test_search_by_reference_crn_or_initials_in_any_case(client, as_leadership):
    first = as_leadership["reviews"][0]
    assert refs(client.get(f"/?q={first.reference.lower()}")) == [first.reference]
    assert crns(client.get("/?q=b222222")) == ["B222222"]
    assert sorted(crns(client.get("/?q=ab"))) == ["A111111", "C333333"]
    assert crns(client.get("/?q=++d444444++")) == ["D444444"]  # spaces around are ignored


def test_a_search_that_matches_nothing_says_so(client, as_leadership):
    response = client.get("/?q=Z999999")
    assert response.status_code == 200
    assert page(response).select_one("#results-heading").get_text(strip=True) == "0 reviews"
    assert "No reviews match these filters" in page(response).select_one("#no-reviews").get_text()


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("x" * 51, "50 characters or fewer"),
        ("x" * 201, "200 characters or fewer"),
        ("<script>alert(1)</script>", "use only letters, numbers and hyphens"),
        (HOSTILE, "50 characters or fewer"),
        ("X123456; DROP TABLE reviews", "use only letters, numbers and hyphens"),
    ],
)
def test_bad_search_text_is_explained_next_to_the_box(client, as_leadership, q, message):
    response = client.get("/", query_string={"q": q})
    assert response.status_code == 200
    assert message in error_for(response, "q")
    assert page(response).select_one("#reviews-table") is None
    assert page(response).select_one("#fix-filters")
    # what was typed is shown back, as text
    assert page(response).select_one("input[name=q]")["value"] == q
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_blank_search_text_lists_everything(client, as_leadership):
    assert len(refs(client.get("/?q=+++"))) == 5


# --- filters --------------------------------------------------------------------------------


def test_filter_by_status_either_of_two(client, as_leadership):
    response = client.get("/?status=in_review&status=closed")
    assert sorted(crns(response)) == ["A111111", "E555555"]
    boxes = page(response).select("input[name=status][checked]")
    assert sorted(b["value"] for b in boxes) == ["closed", "in_review"]


def test_filter_by_region_pdu_and_offence_category(client, as_leadership):
    assert sorted(crns(client.get("/?region=Wales"))) == ["C333333", "D444444"]
    cardiff = "Cardiff and the Vale of Glamorgan"
    assert crns(client.get("/", query_string={"region": "Wales", "pdu": cardiff})) == ["D444444"]
    swansea = "Swansea, Neath Port Talbot"
    assert crns(client.get("/", query_string={"region": "London", "pdu": swansea})) == []
    assert sorted(crns(client.get("/?offence_category=murder"))) == ["A111111", "D444444"]
    options = page(client.get("/")).select("select[name=region] option")
    # the list of regions (issue 19), not only the regions the reviews have
    assert [o.get_text() for o in options] == ["Any region", *region_names()]
    pdus = [o.get_text() for o in page(client.get("/")).select("select[name=pdu] option")]
    assert pdus == ["Any PDU", *sorted({p for _, p in areas()})]


def test_filter_by_notification_date_range_inclusive(client, as_leadership):
    query = "notified_from=3/3/2025&notified_to=1/7/2025"
    assert crns(client.get(f"/?{query}")) == ["B222222", "C333333", "D444444"]
    only_from = "notified_from=2025-07-01"  # as the app's own links carry it
    assert crns(client.get(f"/?{only_from}")) == ["D444444", "E555555"]


def test_filter_by_deadline_overdue_due_soon_and_waiting(client, as_leadership, on_day, login_as):
    reviews = as_leadership["reviews"]
    # in review, due 4 April 2025; factual accuracy, due 30 May 2025; approved/closed never
    on_day(date(2025, 5, 20))
    login_as("leadership")  # a session signed later than the clock now says is refused
    assert crns(client.get("/?deadline=overdue")) == ["A111111"]
    assert crns(client.get("/?deadline=due_soon")) == ["B222222"]
    assert crns(client.get("/?deadline=overdue&deadline=due_soon")) == ["A111111", "B222222"]
    on_day(None)
    login_as("leadership")  # and one signed in 2025 has long expired
    extension_service.request_extension(
        as_leadership["reviewer"],
        reviews[3],
        {"new_due_date": later_working_day(), "reason": REASON},
    )
    response = client.get("/?deadline=extension_requested")
    assert crns(response) == ["D444444"]
    assert page(response).select_one(f"#extension-waiting-{reviews[3].id}").get_text() == (
        "Extension requested"
    )


def test_flags_are_words_on_every_row(client, as_leadership, on_day, login_as):
    reviews = as_leadership["reviews"]
    on_day(date(2025, 5, 20))
    login_as("leadership")  # a session signed later than the clock now says is refused
    soup = page(client.get("/"))
    assert soup.select_one(f"#deadline-flag-{reviews[0].id}").get_text() == "Overdue"
    assert soup.select_one(f"#deadline-flag-{reviews[1].id}").get_text() == "Due soon"
    assert soup.select_one(f"#deadline-flag-{reviews[2].id}") is None  # approved
    assert soup.select_one(f"#deadline-flag-{reviews[3].id}") is None  # due in September


def test_filters_combine_and_the_selected_ones_can_be_removed_one_by_one(client, as_leadership):
    response = client.get("/?status=in_review&status=approved&region=Wales")
    assert crns(response) == ["C333333"]
    tags = {
        a.get_text(" ", strip=True): a["href"] for a in page(response).select(".moj-filter__tag")
    }
    assert set(tags) == {
        "Remove this filter: In review",
        "Remove this filter: Approved",
        "Remove this filter: Wales",
    }
    assert sorted(crns(client.get(tags["Remove this filter: Wales"]))) == ["A111111", "C333333"]
    assert crns(client.get(tags["Remove this filter: In review"])) == ["C333333"]
    assert page(response).select_one("#clear-filters")["href"] == "/"


@pytest.mark.csrf
def test_the_filter_form_works_without_javascript(client, as_leadership):
    form = page(client.get("/")).select_one("#filter-form")
    assert (form["method"], form["action"]) == ("get", "/")
    assert form.select_one("input[name=csrf_token]") is None  # a search changes nothing
    assert form.select_one("button").get_text(strip=True) == "Apply filters"


# --- bad filter values: a message next to the filter, never an error page -----------------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("status=bogus", "status", "Status must only contain"),
        ("status=in_review&status=%3Cb%3E", "status", "(not <b>)"),
        ("deadline=late", "deadline", "Deadline must only contain"),
        ("offence_category=theft", "offence_category", "Select the offence category"),
        ("region=Atlantis", "region", "Select a region from the list"),
        ("pdu=Nowhere", "pdu", "Select a PDU from the list"),
        ("notified_from=31/2/2025", "notified_from", "must be a real date, like 17/5/2024"),
        ("notified_from=1%20June%202025", "notified_from", "must be a real date"),
        ("notified_from=2025-13-01", "notified_from", "must be a real date"),
        ("notified_to=1/1/25", "notified_to", "must be a real date"),
        ("notified_from=1/1/0001", "notified_from", "must be 1 January 2000 or later"),
        ("notified_to=31/12/9999", "notified_to", "or earlier"),
        (
            "notified_from=1/6/2025&notified_to=1/1/2025",
            "notified_to",
            "same as or after the notified from date",
        ),
    ],
)
def test_unknown_and_malformed_filter_values(client, as_leadership, query, field, message):
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    assert message in error_for(response, field)
    assert page(response).select_one(".govuk-error-summary")
    assert page(response).select_one("title").get_text().startswith("Error:")
    assert page(response).select_one("#reviews-table") is None


@pytest.mark.parametrize(
    ("query", "message"),
    [("sort=name", "Select the sort"), ("order=sideways", "Select the order")],
)
def test_unknown_sorts_are_explained(client, as_leadership, query, message):
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    assert any(message in e for e in errors(response))


def test_an_officer_cannot_filter_by_extension_requests(client, login_as, full_review):
    data = full_review()
    login_as(user=data["officer"])
    soup = page(client.get("/"))
    values = [b["value"] for b in soup.select("input[name=deadline]")]
    assert values == ["overdue", "due_soon"]
    response = client.get("/?deadline=extension_requested")
    assert "Deadline must only contain: overdue, due_soon" in error_for(response, "deadline")


# --- sorting --------------------------------------------------------------------------------


def test_sorted_by_deadline_soonest_first_by_default(client, as_leadership):
    response = client.get("/")
    assert crns(response) == ["A111111", "B222222", "C333333", "D444444", "E555555"]
    assert page(response).select_one("#sort-due_date")["aria-sort"] == "ascending"
    assert "sorted by deadline, soonest first" in text_of(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sort=due_date&order=desc", ["E555555", "D444444", "C333333", "B222222", "A111111"]),
        ("sort=notification_date", ["A111111", "B222222", "C333333", "D444444", "E555555"]),
        (
            "sort=notification_date&order=desc",
            ["E555555", "D444444", "C333333", "B222222", "A111111"],
        ),
        # the lifecycle's order, not the alphabet's
        ("sort=status", ["A111111", "B222222", "D444444", "C333333", "E555555"]),
        ("sort=status&order=desc", ["E555555", "C333333", "D444444", "B222222", "A111111"]),
    ],
)
def test_server_side_sorts(client, as_leadership, query, expected):
    assert crns(client.get(f"/?{query}")) == expected


def test_sort_links_keep_the_filters_and_say_what_they_do(client, as_leadership):
    soup = page(client.get("/?region=London&sort=status"))
    status = soup.select_one("#sort-status")
    assert status["aria-sort"] == "ascending"
    link = status.select_one("a")
    assert "region=London" in link["href"] and "order=desc" in link["href"]
    assert "sort by status, from closed to in review" in link.get_text()
    assert soup.select_one("#sort-due_date")["aria-sort"] == "none"
    # applying the filters again keeps the sort
    assert soup.select_one("#filter-form input[name=sort]")["value"] == "status"


def test_the_export_follows_the_sort_too(client, as_leadership):
    href = page(client.get("/?sort=notification_date&order=desc")).select_one("#export-csv")["href"]
    assert "sort=notification_date" in href and "order=desc" in href


# --- pages ----------------------------------------------------------------------------------


@pytest.fixture
def many(app, make_user, make_review, login_as):
    reviewer = make_user("reviewer")
    for n in range(7):
        make_review(reviewer, case_reference=f"M{n:06d}", notification_date=f"2024-01-{n + 10:02d}")
    app.config["REVIEW_LIST_PAGE_SIZE"] = 3
    login_as("leadership")
    yield reviewer
    app.config["REVIEW_LIST_PAGE_SIZE"] = 25


def test_pages_of_the_list_keep_the_filters(client, many):
    first = client.get("/?sort=notification_date")
    assert crns(first) == ["M000000", "M000001", "M000002"]
    soup = page(first)
    assert "Showing 1 to 3 of 7" in soup.select_one("#results-range").get_text()
    pagination = soup.select_one("#pagination nav.govuk-pagination")
    assert pagination["aria-label"] == "Pages of the list"
    numbers = [a.get_text(strip=True) for a in pagination.select(".govuk-pagination__item a")]
    assert numbers == ["1", "2", "3"]
    following = pagination.select_one(".govuk-pagination__next a")["href"]
    assert "sort=notification_date" in following and "page=2" in following
    assert crns(client.get(following)) == ["M000003", "M000004", "M000005"]
    last = client.get("/?sort=notification_date&page=3")
    assert crns(last) == ["M000006"]
    assert page(last).select_one(".govuk-pagination__next") is None
    assert page(last).select_one("title").get_text().startswith("Reviews (page 3 of 3)")


@pytest.mark.parametrize("number", ["4", "40", str(10**30)])
def test_a_page_past_the_end_shows_the_last_page_and_says_so(client, many, number):
    response = client.get(f"/?page={number}")
    assert response.status_code == 200
    assert any(f"There is no page {number}: the list has 3 pages" in e for e in errors(response))
    assert "Showing 7 to 7 of 7" in page(response).select_one("#results-range").get_text()


@pytest.mark.parametrize("number", ["0", "-1", "two", "1.5", "1e3", "9" * 41, " ", "２"])
def test_a_page_number_that_is_not_one_is_explained(client, many, number):
    response = client.get("/", query_string={"page": number})
    assert response.status_code == 200
    if number.strip():
        assert any("Page must be a whole number, like 2" in e for e in errors(response))
    assert "Showing 1 to 3 of 7" in page(response).select_one("#results-range").get_text()


# --- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("reviewer", ["A111111", "B222222", "C333333", "D444444", "E555555"]),
        ("other_reviewer", ["X123456"]),
        ("officer", ["X123456"]),
        ("quality_assurer", ["C333333", "D444444", "E555555"]),  # QA, approved, closed
        ("leadership", ["A111111", "B222222", "C333333", "D444444", "E555555", "X123456"]),
    ],
)
def test_every_role_sees_only_what_permissions_allow(
    client, login_as, listed, full_review, who, expected
):
    data = listed()
    other = full_review()
    users = {
        "reviewer": data["reviewer"],
        "other_reviewer": other["reviewer"],
        "officer": other["officer"],
    }
    login_as(role=who, user=users.get(who))
    assert sorted(crns(client.get("/?sort=notification_date"))) == expected
    # a search never reaches past what the role may see
    hidden = {"A111111", "B222222", "C333333", "D444444", "E555555", "X123456"} - set(expected)
    for crn in hidden:
        assert crns(client.get(f"/?q={crn}")) == []


def test_the_named_countersigner_lists_a_review_before_quality_assurance(
    client, login_as, full_review
):
    data = full_review()
    name_countersigner(data)
    login_as(user=data["qa"])
    assert refs(client.get("/")) == [data["review"].reference]


def test_admins_are_sent_to_the_users_page(client, login_as):
    login_as("admin")
    response = client.get("/?status=in_review")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/users")


def test_every_problem_with_the_filters_is_shown_at_once(client, as_leadership):
    response = client.get(
        "/?status=bogus&region=Atlantis&q=%3Cscript%3E&sort=name&notified_from=31/2/2025"
    )
    assert "Status must only contain" in error_for(response, "status")
    assert "Select a region from the list" in error_for(response, "region")
    assert "use only letters" in error_for(response, "q")
    assert "Notified from date must be a real date" in error_for(response, "notified_from")
    summary = errors(response)
    assert len(summary) == 5 and any("Select the sort" in e for e in summary)
    assert page(response).select_one("input[name=notified_from]")["value"] == "31/2/2025"


def test_the_filters_rendered_once_still_show_each_requests_values(client, as_leadership, app):
    """The filter's widgets are kept once rendered (list_forms.RenderedOnce): what one
    request ticked or typed never shows on another, and the store stays bounded."""
    from markupsafe import Markup

    from sfo_review import rendered_once

    ticked = page(client.get("/?status=closed&q=AB"))
    assert [b["value"] for b in ticked.select("input[name=status][checked]")] == ["closed"]
    plain = page(client.get("/"))
    assert plain.select("input[name=status][checked]") == []
    assert plain.select_one("input[name=q]").get("value") in (None, "")
    store = app.extensions["sfo_rendered_once"]
    for n in range(rendered_once.LIMIT + 5):
        store.put(("x", str(n)), Markup("<p></p>"))
    assert len(store._items) == rendered_once.LIMIT
