"""GET /api/v1/reviews with the list's additions: search, filters, sorts and pages (`next`),
with the contract's behaviour kept for clients that send none of them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.api.support import error
from tests.reviews.conftest import spread_reviews


@pytest.fixture
def lead(api, cli_user, token_for, make_user, make_review):
    specs = [
        ("A111111", "AB", "murder", "London", "Lambeth", "2025-01-10", "in_review"),
        ("B222222", "CD", "rape", "London", "Hackney", "2025-03-03", "factual_accuracy"),
        ("C333333", "EF", "murder", "Wales", "Swansea", "2025-05-20", "approved"),
        ("D444444", "GH", "rape", "Wales", "Cardiff", "2025-07-01", "closed"),
    ]
    spread_reviews(make_user, make_review, specs)
    return token_for(cli_user("leadership"))


def crns(response):
    assert response.status_code == 200, response.get_json()
    return [item["case_reference"] for item in response.get_json()["items"]]


def test_without_new_parameters_the_answer_is_the_contracts(api, lead):
    body = api.get("/reviews", lead).get_json()
    assert set(body) == {"items"}  # no `next` unless pages are asked for
    assert [i["case_reference"] for i in body["items"]] == [
        "A111111",
        "B222222",
        "C333333",
        "D444444",
    ]
    assert crns(api.get("/reviews?status=approved", lead)) == ["C333333"]
    assert crns(api.get("/reviews?region=Wales", lead)) == ["C333333", "D444444"]
    assert crns(api.get("/reviews?region=Nowhere", lead)) == []  # exact match, as before
    assert crns(api.get("/reviews?status=", lead)) == crns(api.get("/reviews", lead))


def test_the_new_filters(api, lead):
    assert crns(api.get("/reviews?q=c333333", lead)) == ["C333333"]
    assert crns(api.get("/reviews?status=in_review&status=closed", lead)) == [
        "A111111",
        "D444444",
    ]
    assert crns(api.get("/reviews?pdu=Hackney", lead)) == ["B222222"]
    assert crns(api.get("/reviews?offence_category=rape", lead)) == ["B222222", "D444444"]
    assert crns(api.get("/reviews?notified_from=2025-03-03&notified_to=2025-05-20", lead)) == [
        "B222222",
        "C333333",
    ]
    assert crns(api.get("/reviews?deadline=overdue", lead)) == ["A111111", "B222222"]
    assert crns(api.get("/reviews?sort=notification_date&order=desc", lead)) == [
        "D444444",
        "C333333",
        "B222222",
        "A111111",
    ]
    assert crns(api.get("/reviews?sort=status&order=desc", lead)) == [
        "D444444",
        "C333333",
        "B222222",
        "A111111",
    ]


def test_pages_follow_next_to_the_end(api, lead):
    first = api.get("/reviews?per_page=3&status=in_review&status=approved&status=closed", lead)
    body = first.get_json()
    assert [i["case_reference"] for i in body["items"]] == ["A111111", "C333333", "D444444"]
    assert (body["next"], body["total"]) == (None, 3)
    page1 = api.get("/reviews?per_page=2&sort=notification_date", lead).get_json()
    assert [i["case_reference"] for i in page1["items"]] == ["A111111", "B222222"]
    link = urlsplit(page1["next"])
    assert link.scheme == "http" and link.path == "/api/v1/reviews"
    assert parse_qs(link.query) == {"sort": ["notification_date"], "page": ["2"], "per_page": ["2"]}
    page2 = api.get(f"{link.path}?{link.query}", lead).get_json()
    assert [i["case_reference"] for i in page2["items"]] == ["C333333", "D444444"]
    assert page2["next"] is None and page2["total"] == 4


def test_next_keeps_repeated_filters(api, lead):
    body = api.get("/reviews?per_page=1&status=in_review&status=closed", lead).get_json()
    query = parse_qs(urlsplit(body["next"]).query)
    assert query["status"] == ["in_review", "closed"]


@pytest.mark.parametrize("number", ["3", "99", str(10**30)])
def test_a_page_past_the_end_is_empty(api, lead, number):
    body = api.get(f"/reviews?per_page=2&page={number}", lead).get_json()
    assert body == {"items": [], "next": None, "total": 4}


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("status=bogus", ["status"]),
        ("deadline=later", ["deadline"]),
        ("offence_category=theft", ["offence_category"]),
        ("notified_from=01/02/2025", ["notified_from"]),
        ("notified_from=2025-02-30", ["notified_from"]),
        ("notified_from=2025-06-01&notified_to=2025-01-01", ["notified_to"]),
        ("sort=reference", ["sort"]),
        ("order=up", ["order"]),
        ("page=0", ["page"]),
        ("page=-2", ["page"]),
        ("page=two", ["page"]),
        ("page=" + "9" * 41, ["page"]),
        ("per_page=0", ["per_page"]),
        ("per_page=201", ["per_page"]),
        ("q=" + "x" * 51, ["q"]),
        ("q=%3Cscript%3E", ["q"]),
        ("region=" + "x" * 201, ["region"]),
        ("colour=red", ["colour"]),
        # every problem at once, not only the first
        ("status=bogus&page=0&per_page=999&sort=x", ["status", "page", "per_page", "sort"]),
        (
            "status=bogus&q=%3Cscript%3E&notified_from=2025-06-01&notified_to=2025-01-01",
            ["status", "q", "notified_to"],
        ),
    ],
)
def test_bad_parameters_answer_422_naming_each(api, lead, query, fields):
    response = api.get(f"/reviews?{query}", lead)
    assert response.status_code == 422
    err = error(response)
    assert err["code"] == "validation_error"
    assert sorted(err["fields"]) == sorted(fields)


def test_officers_may_not_filter_by_extension_requests(api, world):
    w = world("officer")
    response = api.get("/reviews?deadline=extension_requested", w["tokens"]["officer"])
    assert response.status_code == 422
    assert "deadline" in error(response)["fields"]


def test_admins_are_refused_and_anonymous_callers_asked_for_a_token(api, world):
    w = world("admin", "anonymous")
    assert api.get("/reviews?page=1", w["tokens"]["admin"]).status_code == 403
    assert api.get("/reviews?page=1").status_code == 401
