"""Choosing a region and PDU from lists in the browser: the review forms, leadership
accounts, the review list's filters and the dashboard's."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sfo_review.extensions import db
from sfo_review.models import Pdu, Review
from sfo_review.services import regions
from tests.helpers_forms import errors, page, post
from tests.reviews.helpers import REVIEW_FORM


def _options(soup, name: str) -> list[str]:
    return [str(o.get("value", "")) for o in soup.select(f"select[name={name}] option")]


def test_the_new_review_form_offers_the_regions_and_open_pdus(client, login_as):
    login_as("reviewer")
    soup = page(client.get("/reviews/new"))
    assert _options(soup, "region") == ["", *regions.region_names()]
    pdus = soup.select("select[name=pdu] option")
    gwent = next(o for o in pdus if o["value"] == "Gwent")
    assert gwent.get_text() == "Gwent (Wales)" and gwent["data-region"] == "Wales"
    assert soup.select_one("select[name=pdu]")["data-region-select"] == "region"
    assert soup.select_one("script[src*='js/areas.js?v=']") is not None


def test_a_retired_pdu_is_not_offered(client, login_as):
    login_as("reviewer")
    db.session.scalars(select(Pdu).where(Pdu.name == "Gwent")).one().retired = True
    db.session.commit()
    assert "Gwent" not in _options(page(client.get("/reviews/new")), "pdu")


def test_a_review_is_recorded_from_the_lists(client, login_as):
    login_as("reviewer")
    response = post(client, "/reviews/new", {**REVIEW_FORM, "region": "Wales", "pdu": "Gwent"})
    assert response.status_code == 302, errors(response)
    review = db.session.query(Review).one()
    assert (review.region, review.pdu) == ("Wales", "Gwent")


@pytest.mark.parametrize(
    ("region", "pdu", "field", "message"),
    [
        ("Wales", "Newham", "pdu", "Choose a PDU of Wales from the list"),
        ("Atlantis", "Gwent", "region", "Choose a region from the list"),
        ("<script>alert(1)</script>", "Gwent", "region", "Choose a region from the list"),
        ("", "", "region", "Enter the region"),
        ("x" * 201, "Gwent", "region", "200 characters or fewer"),
    ],
)
def test_a_bad_choice_is_refused_next_to_the_field(client, login_as, region, pdu, field, message):
    login_as("reviewer")
    response = post(client, "/reviews/new", {**REVIEW_FORM, "region": region, "pdu": pdu})
    assert response.status_code == 200
    assert any(message in e for e in errors(response)), errors(response)
    soup = page(response)
    assert message in soup.select_one(f"#{field}-error").get_text()
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert db.session.query(Review).count() == 0


def test_the_edit_form_keeps_a_value_not_on_the_list_until_it_is_changed(
    client, login_as, make_review
):
    reviewer = login_as("reviewer")
    review = make_review(reviewer)
    review.region, review.pdu = "Scotland", "Glasgow"
    db.session.commit()
    soup = page(client.get(f"/reviews/{review.id}/details"))
    chosen = soup.select_one("select[name=region] option[selected]")
    assert chosen["value"] == "Scotland" and "not on the list" in chosen.get_text()


def test_the_leadership_region_is_chosen_from_the_list(client, login_as, make_user):
    login_as("admin")
    boss = make_user("leadership")
    soup = page(client.get(f"/admin/users/{boss.id}"))
    assert _options(soup, "region") == ["", *regions.region_names()]
    assert soup.select_one("select[name=region] option").get_text() == "Every region"
    response = post(client, f"/admin/users/{boss.id}/region", {"region": "Narnia"})
    assert response.status_code == 200
    assert any("Choose a region from the list" in e for e in errors(response))
    assert boss.region is None
    assert _options(page(client.get("/admin/users/new")), "region")[1:] == regions.region_names()


def test_the_review_list_filters_offer_the_list_and_unmapped_values(client, login_as, make_review):
    login_as("leadership")
    odd = make_review()
    odd.region = "Scotland"
    db.session.commit()
    soup = page(client.get("/"))
    offered = _options(soup, "region")
    assert set(regions.region_names()) <= set(offered) and "Scotland" in offered
    assert "Gwent" in _options(soup, "pdu")
    response = client.get("/", query_string={"region": "Wales"})
    assert response.status_code == 200
    response = client.get("/", query_string={"region": "Narnia"})
    assert any("Select a region from the list" in e for e in errors(response))


def test_the_dashboard_filters_offer_the_list(client, login_as, make_review):
    login_as("leadership")
    make_review()
    soup = page(client.get("/dashboard"))
    assert _options(soup, "region") == ["", *regions.region_names()]
    soup = page(client.get("/dashboard", query_string={"region": "Wales"}))
    pdus = _options(soup, "pdu")
    assert "Gwent" in pdus and "Newham" not in pdus
    response = client.get("/dashboard", query_string={"region": "Narnia"})
    assert response.status_code == 422
    assert any("Select a region from the list" in e for e in errors(response))
