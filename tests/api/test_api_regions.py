"""`GET /api/v1/regions`, and the API's 422 for a region or PDU not on the list."""

from __future__ import annotations

import pytest

from sfo_review import regions_data
from tests.api.support import error
from tests.conftest import REVIEW_DATA

ROLES = ("reviewer", "officer", "quality_assurer", "leadership", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_role_reads_the_list(api, cli_user, token_for, role):
    response = api.get("/regions", token_for(cli_user(role)))
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [i["name"] for i in items] == sorted(regions_data.REGIONS)
    wales = next(i for i in items if i["name"] == "Wales")
    assert {"name": "Gwent", "retired": False} in wales["pdus"]
    assert len(wales["pdus"]) == len(regions_data.REGIONS["Wales"])


def test_no_token_is_401(api, db):
    assert api.get("/regions").status_code == 401


def test_the_list_is_read_only(api, cli_user, token_for):
    assert api.post("/regions", token_for(cli_user("admin")), {}).status_code == 405


@pytest.fixture
def reviewer_token(cli_user, token_for):
    return token_for(cli_user("reviewer"))


def test_create_canonicalises_the_names(api, reviewer_token):
    body = {**REVIEW_DATA, "region": "north-west", "pdu": "wirral"}
    response = api.post("/reviews", reviewer_token, body)
    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["region"], response.get_json()["pdu"]) == ("North West", "Wirral")


@pytest.mark.parametrize(
    ("region", "pdu", "field", "names"),
    [
        ("Scotland", "Glasgow", "region", ["North West", "Wales", "London"]),
        ("Wales", "Camden and Islington", "pdu", ["Gwent", "North Wales"]),
        ("London", "Nowhere", "pdu", ["Camden and Islington", "Newham"]),
    ],
)
def test_create_refuses_a_name_not_on_the_list_naming_the_valid_ones(
    api, reviewer_token, region, pdu, field, names
):
    response = api.post("/reviews", reviewer_token, {**REVIEW_DATA, "region": region, "pdu": pdu})
    assert response.status_code == 422
    body = error(response)
    assert body["code"] == "validation_error"
    message = body["fields"][field][0]
    for name in names:
        assert name in message


@pytest.mark.parametrize("value", [None, 12, ["London"], "", "x" * 201])
def test_create_refuses_a_region_of_the_wrong_type_or_size(api, reviewer_token, value):
    response = api.post("/reviews", reviewer_token, {**REVIEW_DATA, "region": value})
    assert response.status_code == 422
    assert "region" in error(response)["fields"]


def test_patch_refuses_a_pdu_of_another_region_and_changes_nothing(api, reviewer_token):
    created = api.post("/reviews", reviewer_token, REVIEW_DATA).get_json()
    path = f"/reviews/{created['id']}"
    response = api.patch(path, reviewer_token, {"version": created["version"], "pdu": "Gwent"})
    assert response.status_code == 422
    assert "Choose a PDU of London" in error(response)["fields"]["pdu"][0]
    assert api.get(path, reviewer_token).get_json()["pdu"] == "Camden and Islington"
    moved = {"version": created["version"], "region": "Wales", "pdu": "gwent"}
    response = api.patch(path, reviewer_token, moved)
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["region"], response.get_json()["pdu"]) == ("Wales", "Gwent")
