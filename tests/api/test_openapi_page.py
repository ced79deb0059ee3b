"""GET /api/v1/docs: the OpenAPI description as a GOV.UK page for people, drawn on the server
from sfo_review/api/openapi.yaml. Public, like GET /api/v1/openapi.json: it describes the
interface and holds no data, so every role (and nobody signed in) reads the same page."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from sfo_review.api import description

ROLES = ("reviewer", "officer", "quality_assurer", "leadership", "admin")


def _page(response):
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _operations():
    doc = description.document()
    return [
        (method.upper(), path, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_page(client, login_as, role):
    login_as(role)
    soup = _page(client.get("/api/v1/docs"))
    assert soup.h1.get_text(strip=True) == "SFO Review API"
    assert len(soup.select("section h3[id]")) >= len(_operations())


def test_nobody_signed_in_reads_it_too(client, db):
    soup = _page(client.get("/api/v1/docs"))
    assert soup.title.get_text().startswith("API description")


def test_a_token_is_neither_needed_nor_checked(client, db):
    response = client.get("/api/v1/docs", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 200


def test_every_operation_is_on_the_page_with_its_answers(client, db):
    soup = _page(client.get("/api/v1/docs"))
    for method, path, op in _operations():
        section = soup.find(id=op["operationId"]).find_parent("section")
        heading = " ".join(section.h3.get_text(" ", strip=True).split())
        assert heading == f"{method} {path}"
        answers = section.select("table")[-1].select("tbody th")
        statuses = [th.get_text(strip=True) for th in answers]
        assert statuses == list(op["responses"])


def test_request_fields_and_enums_are_shown(client, db):
    soup = _page(client.get("/api/v1/docs"))
    section = soup.find(id="createReview").find_parent("section")
    text = " ".join(section.get_text(" ", strip=True).split())
    assert "case_reference" in text and "up to 200 characters" in text
    assert "“murder”" in text and "“very_high”" in text
    assert "any other field answers 422" in text


def test_schema_links_lead_to_the_schemas(client, db):
    soup = _page(client.get("/api/v1/docs"))
    targets = {a["href"][1:] for a in soup.select("a[href^='#schema-']")}
    assert targets and all(soup.find(id=t) is not None for t in targets)
    for name in description.document()["components"]["schemas"]:
        assert soup.find(id=f"schema-{name}") is not None


def test_maps_show_their_keys_and_what_each_value_is(client, db):
    """A map (GET /themes's counts keyed by a vocabulary, a region or a quarter) says which
    keys it has and links the schema of its values."""
    soup = _page(client.get("/api/v1/docs"))
    counts = soup.find(id="schema-ThemeRatingCounts").find_parent("section")
    text = " ".join(counts.get_text(" ", strip=True).split())
    assert "the keys “analysis_of_practice”" in text and "(all present)" in text
    assert "each value object with the keys “outstanding”" in text
    ratings = soup.find(id="schema-ThemeRatings").find_parent("section")
    row = next(
        tr for tr in ratings.select("tr") if tr.th and tr.th.get_text(strip=True) == "by_quarter"
    )
    assert "keys matching ^[0-9]{4}-Q[1-4]$" in row.get_text()
    assert row.select_one("a[href='#schema-ThemeRatingCounts']") is not None


def test_it_loads_nothing_from_outside_the_app(client, db):
    soup = _page(client.get("/api/v1/docs"))
    for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
        for node in soup.find_all(tag):
            if node.get(attr):
                assert node[attr].startswith("/static/"), node
    assert "cdn" not in str(soup).lower()


def test_the_footer_links_to_it(client, db):
    soup = _page(client.get("/accessibility"))
    link = soup.find("a", string=re.compile("API description"))
    assert link is not None and link["href"] == "/api/v1/docs"


def test_query_strings_are_not_reflected(client, db):
    response = client.get("/api/v1/docs?q=<script>alert(1)</script>")
    assert response.status_code == 200
    assert "<script>alert" not in response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_other_methods_are_not_allowed(client, db, method):
    assert client.open("/api/v1/docs", method=method).status_code == 405
    assert client.open("/api/v1/openapi.json", method=method).status_code == 405


def test_backticks_become_code_and_the_rest_is_escaped(app):
    from sfo_review.api.description import inline_code

    assert str(inline_code("send `version` <b>")) == "send <code>version</code> &lt;b&gt;"
    assert str(inline_code("one ` only")) == "one ` only"
    assert str(inline_code("`<script>`")) == "<code>&lt;script&gt;</code>"
