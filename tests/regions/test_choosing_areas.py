"""Reviews and leadership accounts choose their region and PDU from the list."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sfo_review.extensions import db
from sfo_review.models import Pdu
from sfo_review.services import regions
from sfo_review.services import reviews as review_service
from sfo_review.services import users as user_service
from sfo_review.services.errors import ValidationFailed
from tests.conftest import REVIEW_DATA


def _retire(name: str) -> Pdu:
    pdu = db.session.scalars(select(Pdu).where(Pdu.name == name)).one()
    pdu.retired = True
    db.session.commit()
    return pdu


def test_the_list_is_seeded_with_twelve_regions(db):
    names = regions.region_names()
    assert len(names) == 12
    assert {"North West", "Wales", "London", "Kent, Surrey and Sussex"} <= set(names)
    assert ("London", "Camden and Islington") in regions.areas()


@pytest.mark.parametrize(
    ("region", "pdu", "want"),
    [
        ("London", "Camden and Islington", ("London", "Camden and Islington")),
        ("north-west", "LIVERPOOL  north", ("North West", "Liverpool North")),
        (" Kent Surrey & Sussex ", "surrey", ("Kent, Surrey and Sussex", "Surrey")),
    ],
)
def test_a_review_is_created_with_the_canonical_names(make_user, region, pdu, want):
    data = {**REVIEW_DATA, "region": region, "pdu": pdu}
    review = review_service.create_review(make_user("reviewer"), data)
    assert (review.region, review.pdu) == want


@pytest.mark.parametrize("region", ["Scotland", "<script>x</script>", "!!!"])
def test_an_unknown_region_is_refused_listing_the_regions(make_user, region):
    with pytest.raises(ValidationFailed) as raised:
        review_service.create_review(make_user("reviewer"), {**REVIEW_DATA, "region": region})
    message = raised.value.fields["region"][0]
    assert message.startswith("Choose a region from the list: ")
    for name in regions.region_names():
        assert name in message


def test_a_pdu_of_another_region_is_refused_listing_the_regions_pdus(make_user):
    with pytest.raises(ValidationFailed) as raised:
        review_service.create_review(make_user("reviewer"), {**REVIEW_DATA, "region": "Wales"})
    message = raised.value.fields["pdu"][0]
    assert message.startswith("Choose a PDU of Wales from the list: ")
    assert "Gwent" in message and "Camden" not in message


def test_empty_and_too_long_are_refused_by_the_field_rules(make_user):
    data = {**REVIEW_DATA, "region": "", "pdu": "x" * 201}
    with pytest.raises(ValidationFailed) as raised:
        review_service.create_review(make_user("reviewer"), data)
    assert set(raised.value.fields) == {"region", "pdu"}


def test_a_retired_pdu_is_not_chosen_anew_but_stays_on_its_reviews(make_user, make_review):
    reviewer = make_user("reviewer")
    review = make_review(reviewer, region="Wales", pdu="Gwent")
    _retire("Gwent")
    data = {**REVIEW_DATA, "region": "Wales", "pdu": "Gwent"}
    with pytest.raises(ValidationFailed) as raised:
        review_service.create_review(reviewer, data)
    assert "Gwent" not in raised.value.fields["pdu"][0]
    # editing something else, or sending the same pair back, keeps it
    data = {"version": review.version, "region": "Wales", "pdu": "Gwent", "person_initials": "AB"}
    review_service.update_review(reviewer, review, data)
    assert (review.region, review.pdu, review.person_initials) == ("Wales", "Gwent", "AB")
    with pytest.raises(ValidationFailed):
        review_service.update_review(
            reviewer, review, {"version": review.version, "pdu": "Camden and Islington"}
        )


def test_an_edit_of_the_pdu_alone_is_checked_against_the_reviews_region(make_user, make_review):
    reviewer = make_user("reviewer")
    review = make_review(reviewer)
    review_service.update_review(reviewer, review, {"version": review.version, "pdu": "newham"})
    assert (review.region, review.pdu) == ("London", "Newham")
    with pytest.raises(ValidationFailed) as raised:
        review_service.update_review(
            reviewer, review, {"version": review.version, "region": "Wales"}
        )
    assert "Choose a PDU of Wales" in raised.value.fields["pdu"][0]
    db.session.refresh(review)
    assert review.region == "London"  # nothing half-written


def test_a_leadership_region_is_canonical_or_refused(make_user):
    admin = make_user("admin")
    boss = make_user("leadership")
    user_service.set_region(admin, boss, {"region": "north-EAST"})
    assert boss.region == "North East"
    with pytest.raises(ValidationFailed) as raised:
        user_service.set_region(admin, boss, {"region": "The North"})
    assert "Choose a region from the list" in raised.value.fields["region"][0]
    assert boss.region == "North East"
    user_service.set_region(admin, boss, {"region": ""})
    assert boss.region is None


def test_the_default_review_data_is_on_the_list(db):
    assert (REVIEW_DATA["region"], REVIEW_DATA["pdu"]) in regions.areas()
