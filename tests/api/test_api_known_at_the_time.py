"""Chronology entries' `known_at_the_time` (api-v1.1 A, hindsight): yes | no | unclear,
default unclear, on create, PATCH and GET; anything else is a 422 that writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sfo_review.extensions import db
from sfo_review.models import ChronologyEntry
from sfo_review.services import evidence as evidence_service
from tests.api.support import error

ENTRY = {"occurred_on": "2023-04-01", "source": "Police", "summary": "Arrested for assault"}
BAD = [
    "maybe",
    "YES",
    "Yes ",
    "true",
    "known",
    "<script>alert(1)</script>",
    5,
    0,
    True,
    False,
    ["yes"],
    {"value": "yes"},
]


def count() -> int:
    return db.session.scalar(select(func.count(ChronologyEntry.id))) or 0


def test_omitted_on_create_it_is_unclear(api, world):
    w = world("reviewer")
    # An entry made before through the service without the answer (full_review's own entry
    # is marked known at the time, as api-v1.1 A's rules ask of a finding's entries).
    before = evidence_service.add_chronology_entry(
        w["reviewer"],
        w["review"],
        {"occurred_on": "2023-03-01", "source": "Court", "summary": "Sentenced"},
    )
    created = api.post(f"/reviews/{w['id']}/chronology", w["tokens"]["reviewer"], ENTRY)
    assert created.status_code == 201
    assert created.get_json()["known_at_the_time"] == "unclear"
    # The entry made before says so too, in the review and on its own.
    got = api.get(f"/reviews/{w['id']}/chronology/{before.id}", w["tokens"]["reviewer"])
    assert got.get_json()["known_at_the_time"] == "unclear"
    listed = api.get(f"/reviews/{w['id']}/chronology", w["tokens"]["reviewer"]).get_json()
    assert {e["id"]: e["known_at_the_time"] for e in listed["items"]}[before.id] == "unclear"


@pytest.mark.parametrize("value", ["yes", "no", "unclear"])
def test_each_answer_is_kept_on_create_and_read_back(api, world, value):
    w = world("reviewer", "leadership")
    body = {**ENTRY, "known_at_the_time": value}
    created = api.post(f"/reviews/{w['id']}/chronology", w["tokens"]["reviewer"], body)
    assert created.status_code == 201 and created.get_json()["known_at_the_time"] == value
    entry_id = created.get_json()["id"]
    for role in ("reviewer", "leadership"):
        one = api.get(f"/reviews/{w['id']}/chronology/{entry_id}", w["tokens"][role])
        assert one.get_json()["known_at_the_time"] == value
        listed = api.get(f"/reviews/{w['id']}/chronology", w["tokens"][role]).get_json()["items"]
        assert {e["id"]: e["known_at_the_time"] for e in listed}[entry_id] == value


@pytest.mark.parametrize("value", ["yes", "no", "unclear"])
def test_patch_changes_it_and_only_it(api, world, value):
    w = world("reviewer")
    entry = w["entry"]
    url = f"/reviews/{w['id']}/chronology/{entry.id}"
    before = api.get(url, w["tokens"]["reviewer"]).get_json()
    response = api.patch(
        url, w["tokens"]["reviewer"], {"version": entry.version, "known_at_the_time": value}
    )
    assert response.status_code == 200
    after = response.get_json()
    assert after["known_at_the_time"] == value
    assert {
        k: v for k, v in after.items() if k not in ("known_at_the_time", "version", "updated_at")
    } == {
        k: v for k, v in before.items() if k not in ("known_at_the_time", "version", "updated_at")
    }


@pytest.mark.parametrize("value", BAD)
def test_a_bad_value_on_create_is_a_422_and_adds_nothing(api, world, value):
    w = world("reviewer")
    before = count()
    body = {**ENTRY, "known_at_the_time": value}
    response = api.post(f"/reviews/{w['id']}/chronology", w["tokens"]["reviewer"], body)
    assert response.status_code == 422
    messages = error(response)["fields"]["known_at_the_time"]
    assert messages == [
        "Select the answer to whether this was known at the time (one of: yes, no, unclear)"
    ]
    assert count() == before


@pytest.mark.parametrize("value", BAD)
def test_a_bad_value_on_patch_is_a_422_and_changes_nothing(api, world, value):
    w = world("reviewer")
    entry = w["entry"]
    url = f"/reviews/{w['id']}/chronology/{entry.id}"
    version = entry.version
    # full_review marks its entry known at the time ("yes"); the bad value must leave it so.
    assert api.get(url, w["tokens"]["reviewer"]).get_json()["known_at_the_time"] == "yes"
    response = api.patch(
        url, w["tokens"]["reviewer"], {"version": version, "known_at_the_time": value}
    )
    assert response.status_code == 422 and "known_at_the_time" in error(response)["fields"]
    again = api.get(url, w["tokens"]["reviewer"]).get_json()
    assert (again["known_at_the_time"], again["version"]) == ("yes", version)


def test_only_the_reviewer_sets_it(api, world):
    w = world("reviewer", "officer", "leadership", "other_reviewer")
    entry = w["entry"]
    url = f"/reviews/{w['id']}/chronology/{entry.id}"
    # full_review marks its entry known at the time ("yes"); the others try to change it.
    assert api.get(url, w["tokens"]["reviewer"]).get_json()["known_at_the_time"] == "yes"
    body = {"version": entry.version, "known_at_the_time": "no"}
    assert api.patch(url, w["tokens"]["other_reviewer"], body).status_code == 404
    assert api.patch(url, w["tokens"]["leadership"], body).status_code == 403
    assert api.patch(url, w["tokens"]["officer"], body).status_code in (403, 404)
    assert api.get(url, w["tokens"]["reviewer"]).get_json()["known_at_the_time"] == "yes"
