"""The admin page "Regions and PDUs": add, rename, retire, map the values not on the list."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from sfo_review.extensions import db
from sfo_review.models import AuditEvent, Pdu, Region, Review, User
from sfo_review.services import regions
from tests.helpers import error_summary, page, post_form

ROLES = ("reviewer", "officer", "quality_assurer", "leadership")
HOSTILE = "<script>alert(1)</script>"


def _region(name: str) -> Region:
    return db.session.scalars(select(Region).where(Region.name == name)).one()


def _pdu(region: str, name: str) -> Pdu:
    return next(p for p in _region(region).pdus if p.name == name)


def _urls() -> dict[str, str]:
    wales = _region("Wales")
    gwent = _pdu("Wales", "Gwent")
    return {
        "list": "/admin/regions",
        "new region": "/admin/regions/new",
        "region": f"/admin/regions/{wales.id}",
        "new pdu": f"/admin/regions/{wales.id}/pdus/new",
        "pdu": f"/admin/pdus/{gwent.id}",
        "map region": "/admin/regions/map-region?value=Scotland",
        "map pdu": "/admin/regions/map-pdu?region=Wales&value=Cardiff",
    }


POSTS = {
    "new region": {"name": "Channel Islands"},
    "region": {"name": "Cymru"},
    "new pdu": {"name": "Powys"},
    "pdu": {"name": "Gwent East"},
    "retire": {"retired": "yes"},
    "map region": {"value": "Scotland", "region": "Wales"},
    "map pdu": {"region": "Wales", "value": "Cardiff", "pdu": "Gwent"},
}


@pytest.mark.parametrize("role", ROLES)
def test_every_other_role_is_refused_every_page_and_changes_nothing(
    client, login_as, make_review, role
):
    make_review(region="London")
    login_as(role)
    urls = _urls()
    urls["retire"] = urls["pdu"] + "/retired"
    for name, url in urls.items():
        if name != "retire":
            assert client.get(url).status_code == 403, name
        if name in POSTS:
            assert client.post(url, data=POSTS[name]).status_code == 403, name
    assert _region("Wales").name == "Wales"
    assert not _pdu("Wales", "Gwent").retired
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("region.%"))) is None


def test_signed_out_people_are_sent_to_sign_in(client, db):
    response = client.get("/admin/regions")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_an_admin_sees_every_page(client, login_as):
    login_as("admin")
    for name, url in _urls().items():
        assert client.get(url).status_code == 200, name
    listed = page(client.get("/admin/regions")).select_one("#regions-list").get_text()
    assert "North West" in listed and "Wales" in listed


def test_a_region_or_pdu_that_does_not_exist_is_404(client, login_as):
    login_as("admin")
    for url in ("/admin/regions/9999", "/admin/regions/9999/pdus/new", "/admin/pdus/9999"):
        assert client.get(url).status_code == 404, url
        assert client.post(url, data={"name": "x"}).status_code == 404, url
    assert client.post("/admin/pdus/9999/retired", data={"retired": "yes"}).status_code == 404


def _audited(action: str) -> list[str]:
    query = select(AuditEvent.summary).where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def test_an_admin_adds_a_region_and_a_pdu(client, login_as):
    login_as("admin")
    response = post_form(client, "/admin/regions/new", {"name": "  Channel   Islands "})
    assert response.status_code == 302, error_summary(response)
    added = _region("Channel Islands")
    url = f"/admin/regions/{added.id}/pdus/new"
    assert post_form(client, url, {"name": "Jersey"}).status_code == 302
    assert [p.name for p in _region("Channel Islands").pdus] == ["Jersey"]
    assert _audited("region.added") == ["Added the region Channel Islands"]
    assert _audited("pdu.added") == ["Added the PDU Jersey to Channel Islands"]
    assert ("Channel Islands", "Jersey") in regions.areas()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter the name"),
        ("   ", "Enter the name"),
        ("x" * 201, "200 characters or fewer"),
        ("north-west", "There is already a region called north-west"),
        ("---", "Enter a name with letters or digits"),
    ],
)
def test_a_bad_region_name_is_refused_with_a_message(client, login_as, name, message):
    login_as("admin")
    before = len(regions.region_names())
    response = post_form(client, "/admin/regions/new", {"name": name})
    assert response.status_code == 200
    assert any(message in e for e in error_summary(response)), error_summary(response)
    assert page(response).select_one(".govuk-error-message") is not None
    assert len(regions.region_names()) == before


def test_a_pdu_name_already_in_the_region_is_refused(client, login_as):
    login_as("admin")
    wales = _region("Wales")
    response = post_form(client, f"/admin/regions/{wales.id}/pdus/new", {"name": "GWENT"})
    assert response.status_code == 200
    assert "There is already a PDU in Wales called GWENT" in error_summary(response)


def test_hostile_text_is_stored_as_typed_and_shown_escaped(client, login_as):
    login_as("admin")
    wales = _region("Wales")
    assert (
        post_form(client, f"/admin/regions/{wales.id}/pdus/new", {"name": HOSTILE}).status_code
        == 302
    )
    html = client.get(f"/admin/regions/{wales.id}").get_data(as_text=True)
    assert HOSTILE not in html and "&lt;script&gt;" in html


def test_renaming_a_region_renames_it_on_its_reviews_and_accounts(
    client, login_as, make_user, make_review
):
    admin = login_as("admin")
    review = make_review(region="Wales", pdu="Gwent")
    boss = make_user("leadership")
    boss.region = "Wales"
    db.session.commit()
    wales = _region("Wales")
    response = post_form(client, f"/admin/regions/{wales.id}", {"name": "Cymru"})
    assert response.status_code == 302, error_summary(response)
    db.session.expire_all()
    assert db.session.get(Review, review.id).region == "Cymru"
    assert db.session.get(User, boss.id).region == "Cymru"
    assert _audited("region.renamed") == ["Renamed the region Wales to Cymru"]
    assert admin.id == db.session.scalar(
        select(AuditEvent.user_id).where(AuditEvent.action == "region.renamed")
    )


def test_renaming_to_another_regions_name_is_refused(client, login_as):
    login_as("admin")
    wales = _region("Wales")
    response = post_form(client, f"/admin/regions/{wales.id}", {"name": "London"})
    assert response.status_code == 200
    assert "There is already a region called London" in error_summary(response)


def test_renaming_a_pdu_renames_it_on_its_reviews_only(client, login_as, make_review):
    login_as("admin")
    gwent = make_review(region="Wales", pdu="Gwent")
    other = make_review(region="London", pdu="Newham")
    pdu = _pdu("Wales", "Gwent")
    response = post_form(client, f"/admin/pdus/{pdu.id}", {"name": "Gwent and Monmouth"})
    assert response.status_code == 302, error_summary(response)
    db.session.expire_all()
    assert db.session.get(Review, gwent.id).pdu == "Gwent and Monmouth"
    assert db.session.get(Review, other.id).pdu == "Newham"


def test_retiring_a_pdu_keeps_it_and_its_reviews_and_it_can_come_back(
    client, login_as, make_review
):
    login_as("admin")
    review = make_review(region="Wales", pdu="Gwent")
    pdu = _pdu("Wales", "Gwent")
    url = f"/admin/pdus/{pdu.id}/retired"
    assert (
        post_form(client, url, {"retired": "yes"}, form_url=f"/admin/pdus/{pdu.id}").status_code
        == 302
    )
    db.session.expire_all()
    assert _pdu("Wales", "Gwent").retired
    assert db.session.get(Review, review.id).pdu == "Gwent"
    assert "Gwent" not in dict(regions.open_areas())["Wales"]
    assert "Retired" in page(client.get(f"/admin/regions/{pdu.region_id}")).get_text()
    assert (
        post_form(client, url, {"retired": "no"}, form_url=f"/admin/pdus/{pdu.id}").status_code
        == 302
    )
    db.session.expire_all()
    assert not _pdu("Wales", "Gwent").retired
    assert _audited("pdu.retired") and _audited("pdu.restored")


def test_a_retire_post_with_a_bad_value_changes_nothing(client, login_as):
    login_as("admin")
    pdu = _pdu("Wales", "Gwent")
    response = client.post(f"/admin/pdus/{pdu.id}/retired", data={"retired": "maybe"})
    assert response.status_code == 302
    db.session.expire_all()
    assert not _pdu("Wales", "Gwent").retired


def _messy(make_review: Any) -> Review:
    review = make_review(region="Wales", pdu="Gwent")
    review.region, review.pdu = "Scotland", "Glasgow"
    db.session.commit()
    return review


def test_values_not_on_the_list_are_listed_and_mapped(client, login_as, make_review, make_user):
    login_as("admin")
    review = _messy(make_review)
    boss = make_user("leadership")
    boss.region = "Scotland"
    cardiff = make_review(region="Wales", pdu="Gwent")
    cardiff.pdu = "Cardiff"
    db.session.commit()
    table = page(client.get("/admin/regions")).select_one("#unresolved-table").get_text(" ")
    assert "Scotland" in table and "Cardiff" in table and "PDU in Wales" in table

    response = post_form(
        client, "/admin/regions/map-region", {"value": "Scotland", "region": "north west"}
    )
    assert response.status_code == 302, error_summary(response)
    response = post_form(
        client, "/admin/regions/map-pdu", {"region": "Wales", "value": "Cardiff", "pdu": "Gwent"}
    )
    assert response.status_code == 302, error_summary(response)
    db.session.expire_all()
    assert db.session.get(User, boss.id).region == "North West"
    assert db.session.get(Review, review.id).region == "North West"
    assert db.session.get(Review, cardiff.id).pdu == "Gwent"
    # the review's PDU (Glasgow) is now listed as a PDU of North West to map
    left = [(u.kind, u.region, u.pdu) for u in regions.unresolved()]
    assert left == [("pdu", "North West", "Glasgow")]
    assert _audited("region.resolved") and _audited("pdu.resolved")


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        ("/admin/regions/map-region", {"value": "Scotland", "region": ""}, "Enter the region"),
        ("/admin/regions/map-region", {"value": "Scotland", "region": "Narnia"}, "Choose a region"),
        ("/admin/regions/map-region", {"value": "Nowhere", "region": "Wales"}, "Nothing has"),
        ("/admin/regions/map-region", {"value": "Wales", "region": "London"}, "already on"),
        (
            "/admin/regions/map-pdu",
            {"region": "Wales", "value": "Glasgow", "pdu": "Newham"},
            "Choose a PDU of Wales",
        ),
        (
            "/admin/regions/map-pdu",
            {"region": "Wales", "value": "Glasgow", "pdu": ""},
            "Enter the PDU",
        ),
        (
            "/admin/regions/map-pdu",
            {"region": "Mars", "value": "Glasgow", "pdu": "Gwent"},
            "Choose a region",
        ),
    ],
)
def test_bad_mappings_are_refused_with_a_message_and_change_nothing(
    client, login_as, make_review, url, data, field
):
    login_as("admin")
    review = _messy(make_review)
    response = post_form(client, url, data)
    assert response.status_code == 200
    assert any(field in e for e in error_summary(response)), error_summary(response)
    db.session.expire_all()
    assert (db.session.get(Review, review.id).region, db.session.get(Review, review.id).pdu) == (
        "Scotland",
        "Glasgow",
    )


def test_the_map_page_shows_the_value_escaped(client, login_as):
    login_as("admin")
    html = client.get("/admin/regions/map-region", query_string={"value": HOSTILE}).get_data(
        as_text=True
    )
    assert HOSTILE not in html and "&lt;script&gt;" in html


def test_with_nothing_to_map_the_page_says_so(client, login_as, make_review):
    login_as("admin")
    make_review()
    assert page(client.get("/admin/regions")).select_one("#all-resolved") is not None
