"""api-v1.1 A through the API: whom a finding is about, the statements beside it, and the
just-culture assessment (PATCH on the finding), with every bad input refused and nothing
written, and each officer seeing only what is theirs."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from sfo_review.extensions import db
from sfo_review.models import Finding, JustCultureAssessment, finding_statements, finding_subjects
from sfo_review.services import findings as finding_service
from sfo_review.services import statements as statement_service
from tests import helpers_rules
from tests.helpers_forms import HOSTILE, move_to

RATIONALE = (
    "The officer held 58 cases with 30% team vacancies; any PSO at 14 months in post in that "
    "team would probably have missed the reassessment."
)

# This module's fixtures only build (tests/snapshots.py: a build is reused).
SNAPSHOT_PURE = {"w"}
FULL = {
    "deliberate_harm": "no",
    "health_factors": "no",
    "protocol_existed": "yes",
    "protocol_workable": "no",
    "knowingly_departed": "no",
    "peers_would_act_same": "yes",
    "comparator": "PSOs in their second year holding 50 to 60 cases",
    "training_gap": False,
    "supervision_gap": True,
    "rationale": RATIONALE,
    "mitigation": "Raised her caseload in supervision twice.",
}


@pytest.fixture
def w(world):
    built = world(
        "reviewer",
        "officer",
        "other_reviewer",
        "other_officer",
        "quality_assurer",
        "leadership",
        "admin",
        "anonymous",
    )
    helpers_rules.unassess(built["finding"])  # the shared fixture assesses it: start from none
    built["base"] = f"/reviews/{built['id']}/findings"
    built["url"] = f"{built['base']}/{built['finding'].id}"
    return built


def submitted(author, review, body="My account of that spring."):
    statement = statement_service.create_statement(author, review, {"body": body})
    return statement_service.submit_statement(author, review, statement)


def finding_body(w, **overrides: Any) -> dict[str, Any]:
    return {
        "title": "Risk not reassessed after the arrest",
        "practice_area": "assessment",
        "judgement": "insufficient",
        "narrative": "The assessment was not updated.",
        "attribution": ["individual"],
        "systemic_factor_ids": [w["factor"].id],
        "subject_participant_ids": [w["participant"].id],
        **overrides,
    }


def counts() -> tuple[int, int, int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Finding)),
        db.session.scalar(select(func.count()).select_from(finding_subjects)),
        db.session.scalar(select(func.count()).select_from(finding_statements)),
        db.session.scalar(select(func.count()).select_from(JustCultureAssessment)),
    )


def version_of(api, w) -> int:
    return int(api.get(w["url"], w["tokens"]["reviewer"]).get_json()["version"])


# ---- whom it is about, statements beside it ---------------------------------------------


def test_a_finding_names_its_subjects_and_statements(api, w):
    statement = submitted(w["officer"], w["review"])
    body = finding_body(w, statement_ids=[statement.id])
    created = api.post(w["base"], w["tokens"]["reviewer"], body)
    assert created.status_code == 201, created.get_json()
    got = created.get_json()
    assert got["subject_participant_ids"] == [w["participant"].id]
    assert got["subjects"] == [
        {
            "participant_id": w["participant"].id,
            "name": w["officer"].name,
            "role_in_case": "responsible_officer",
        }
    ]
    assert got["statement_ids"] == [statement.id]
    assert got["just_culture"] is None
    again = api.get(f"{w['base']}/{got['id']}", w["tokens"]["reviewer"]).get_json()
    assert again["subjects"] == got["subjects"] and again["statement_ids"] == [statement.id]


def test_subjects_may_be_set_on_any_finding_and_are_needed_on_a_shortfall(api, w):
    praise = finding_body(w, judgement="good_practice", subject_participant_ids=[])
    assert api.post(w["base"], w["tokens"]["reviewer"], praise).status_code == 201
    team = finding_body(w, attribution=["team"], subject_participant_ids=[w["participant"].id])
    assert api.post(w["base"], w["tokens"]["reviewer"], team).status_code == 201
    before = counts()
    for missing in ({"subject_participant_ids": []}, {"subject_participant_ids": None}):
        response = api.post(w["base"], w["tokens"]["reviewer"], finding_body(w, **missing))
        assert response.status_code == 422
        assert (
            "Select who this finding is about"
            in (response.get_json()["error"]["fields"]["subject_participant_ids"][0])
        )
    body = finding_body(w)
    del body["subject_participant_ids"]
    assert api.post(w["base"], w["tokens"]["reviewer"], body).status_code == 422
    assert counts() == before


def test_turning_a_finding_into_a_shortfall_needs_its_subjects(api, w):
    created = api.post(
        w["base"],
        w["tokens"]["reviewer"],
        finding_body(w, attribution=["team"], subject_participant_ids=[]),
    ).get_json()
    url = f"{w['base']}/{created['id']}"
    response = api.patch(
        url, w["tokens"]["reviewer"], {"version": created["version"], "attribution": ["individual"]}
    )
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["subject_participant_ids"]
    assert api.get(url, w["tokens"]["reviewer"]).get_json()["attribution"] == ["team"]
    ok = api.patch(
        url,
        w["tokens"]["reviewer"],
        {
            "version": created["version"],
            "attribution": ["individual"],
            "subject_participant_ids": [w["participant"].id],
        },
    )
    assert ok.status_code == 200 and ok.get_json()["version"] == created["version"] + 1


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("subject_participant_ids", "1", "must be a list of ids"),
        ("subject_participant_ids", [True], "must be a list of ids"),
        ("subject_participant_ids", ["1"], "must be a list of ids"),
        ("statement_ids", 3, "must be a list of ids"),
        ("statement_ids", [1.5], "must be a list of ids"),
    ],
)
def test_ids_of_the_wrong_type_are_refused(api, w, key, value, message):
    before = counts()
    response = api.post(w["base"], w["tokens"]["reviewer"], finding_body(w, **{key: value}))
    assert response.status_code == 422
    assert message in response.get_json()["error"]["fields"][key][0]
    assert counts() == before


def test_ids_of_another_review_or_a_draft_statement_are_refused(api, w, full_review):
    other = full_review()
    theirs = submitted(other["officer"], other["review"])
    draft = statement_service.create_statement(w["manager"], w["review"], {"body": "Draft"})
    before = counts()
    version = version_of(api, w)
    cases = [
        ({"subject_participant_ids": [other["participant"].id]}, "subject_participant_ids"),
        ({"statement_ids": [theirs.id]}, "statement_ids"),
        ({"statement_ids": [draft.id]}, "statement_ids"),
        ({"statement_ids": [999_999]}, "statement_ids"),
    ]
    for change, field in cases:
        posted = api.post(w["base"], w["tokens"]["reviewer"], finding_body(w, **change))
        assert posted.status_code == 422 and field in posted.get_json()["error"]["fields"]
        patched = api.patch(w["url"], w["tokens"]["reviewer"], {"version": version, **change})
        assert patched.status_code == 422 and field in patched.get_json()["error"]["fields"]
    draft_message = api.post(
        w["base"], w["tokens"]["reviewer"], finding_body(w, statement_ids=[draft.id])
    ).get_json()["error"]["fields"]["statement_ids"][0]
    assert "Only submitted statements" in draft_message
    assert counts() == before and version_of(api, w) == version


# ---- the just-culture assessment -----------------------------------------------------------


def test_the_assessment_is_written_with_patch_and_its_outcome_computed(api, w):
    version = version_of(api, w)
    response = api.patch(
        w["url"], w["tokens"]["reviewer"], {"version": version, "just_culture": FULL}
    )
    assert response.status_code == 200, response.get_json()
    got = response.get_json()
    assert got["version"] == version + 1
    assert got["just_culture"] == {**FULL, "outcome": "system_learning"}
    stored = db.session.get(JustCultureAssessment, w["finding"].id)
    assert stored is not None and stored.outcome == "system_learning"


def test_patch_replaces_the_object_and_partial_objects_are_allowed(api, w):
    api.patch(
        w["url"], w["tokens"]["reviewer"], {"version": version_of(api, w), "just_culture": FULL}
    )
    partial = {"deliberate_harm": "no", "health_factors": "yes"}
    response = api.patch(
        w["url"], w["tokens"]["reviewer"], {"version": version_of(api, w), "just_culture": partial}
    )
    assert response.status_code == 200
    got = response.get_json()["just_culture"]
    assert got["deliberate_harm"] == "no" and got["health_factors"] == "yes"
    assert got["rationale"] is None and got["training_gap"] is None  # replaced, not merged
    assert got["outcome"] == "support_for_health"
    undecided = api.patch(
        w["url"],
        w["tokens"]["reviewer"],
        {"version": version_of(api, w), "just_culture": {"protocol_existed": "no"}},
    ).get_json()["just_culture"]
    assert undecided["outcome"] is None
    removed = api.patch(
        w["url"], w["tokens"]["reviewer"], {"version": version_of(api, w), "just_culture": None}
    )
    assert removed.status_code == 200 and removed.get_json()["just_culture"] is None
    assert db.session.get(JustCultureAssessment, w["finding"].id) is None


BAD_ANSWERS = [
    *[(key, "maybe") for key in ("deliberate_harm", "health_factors", "protocol_existed")],
    *[(key, "Yes") for key in ("protocol_workable", "knowingly_departed", "peers_would_act_same")],
    ("deliberate_harm", True),
    ("health_factors", 1),
    ("training_gap", "true"),
    ("supervision_gap", "false"),
    ("training_gap", 1),
    ("supervision_gap", "yes"),
    ("comparator", "x" * 201),
    ("comparator", 12),
    ("rationale", "Too short to explain anything."),
    ("rationale", "x" * 20_001),
    ("rationale", ["a list"]),
    ("mitigation", "x" * 20_001),
    ("mitigation", {"an": "object"}),
    ("blame", "yes"),
]


@pytest.mark.parametrize(("key", "value"), BAD_ANSWERS)
def test_every_bad_answer_is_refused_by_name_and_nothing_changes(api, w, key, value):
    version = version_of(api, w)
    before = counts()
    response = api.patch(
        w["url"],
        w["tokens"]["reviewer"],
        {"version": version, "just_culture": {**FULL, key: value}},
    )
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == [f"just_culture.{key}"]
    assert counts() == before and version_of(api, w) == version


@pytest.mark.parametrize("value", ["yes", 3, ["no"], True])
def test_the_assessment_must_be_an_object(api, w, value):
    response = api.patch(
        w["url"], w["tokens"]["reviewer"], {"version": version_of(api, w), "just_culture": value}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "just_culture": ["Just-culture assessment must be an object"]
    }


def test_the_assessment_needs_the_version(api, w):
    response = api.patch(w["url"], w["tokens"]["reviewer"], {"just_culture": FULL})
    assert response.status_code == 422 and "version" in response.get_json()["error"]["fields"]
    stale = api.patch(
        w["url"], w["tokens"]["reviewer"], {"version": version_of(api, w) - 1, "just_culture": FULL}
    )
    assert stale.status_code == 409
    assert counts()[3] == 0


def test_the_assessment_is_only_for_individual_shortfall_findings(api, w):
    praise = api.post(
        w["base"], w["tokens"]["reviewer"], finding_body(w, judgement="good_practice")
    ).get_json()
    response = api.patch(
        f"{w['base']}/{praise['id']}",
        w["tokens"]["reviewer"],
        {"version": praise["version"], "just_culture": FULL},
    )
    assert response.status_code == 422
    assert (
        "only for findings of insufficient practice"
        in (response.get_json()["error"]["fields"]["just_culture"][0])
    )
    assert counts()[3] == 0


def test_hostile_text_is_stored_and_returned_as_sent(api, w):
    body = {**FULL, "comparator": HOSTILE, "rationale": RATIONALE + HOSTILE, "mitigation": HOSTILE}
    got = api.patch(
        w["url"], w["tokens"]["reviewer"], {"version": version_of(api, w), "just_culture": body}
    ).get_json()["just_culture"]
    assert got["comparator"] == HOSTILE and got["mitigation"] == HOSTILE


# ---- another process: no statements, no replies ---------------------------------------------


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        ({"deliberate_harm": "yes"}, "refer_elsewhere"),
        ({"deliberate_harm": "unclear", "health_factors": "yes"}, "support_for_health"),
    ],
)
def test_a_finding_pointing_elsewhere_carries_no_statement(api, w, answers, outcome):
    statement = submitted(w["officer"], w["review"])
    version = version_of(api, w)
    linked = api.patch(
        w["url"], w["tokens"]["reviewer"], {"version": version, "statement_ids": [statement.id]}
    )
    assert linked.status_code == 200
    # Pointing it elsewhere while a statement is beside it is refused...
    refused = api.patch(
        w["url"], w["tokens"]["reviewer"], {"version": version + 1, "just_culture": answers}
    )
    assert refused.status_code == 422
    assert "points to another process" in refused.get_json()["error"]["fields"]["statement_ids"][0]
    # ... unless the same PATCH takes the statements off.
    both = api.patch(
        w["url"],
        w["tokens"]["reviewer"],
        {"version": version + 1, "just_culture": answers, "statement_ids": []},
    )
    assert both.status_code == 200 and both.get_json()["just_culture"]["outcome"] == outcome
    # Then no statement can be put beside it.
    again = api.patch(
        w["url"], w["tokens"]["reviewer"], {"version": version + 2, "statement_ids": [statement.id]}
    )
    assert again.status_code == 422 and again.get_json()["error"]["fields"]["statement_ids"]


def test_replies_to_a_finding_pointing_elsewhere_are_refused_and_never_shown(api, w):
    reply = "The call-out log was in the shared drive, not the case record."
    move_to(w, "factual_accuracy")
    finding_service.add_response(w["officer"], w["review"], w["finding"], {"body": reply})
    version = version_of(api, w)
    api.patch(
        w["url"],
        w["tokens"]["reviewer"],
        {"version": version, "just_culture": {"deliberate_harm": "yes"}},
    )
    response = api.post(f"{w['url']}/responses", w["tokens"]["officer"], {"body": "And another."})
    assert response.status_code == 409
    assert "points to another process" in response.get_json()["error"]["message"]
    for role in ("reviewer", "officer", "leadership"):
        got = api.get(w["url"], w["tokens"][role]).get_json()
        assert got["responses"] == [] and got["statement_ids"] == [], role


# ---- who sees what ---------------------------------------------------------------------------


def test_officers_see_their_own_statement_and_the_assessment_only_if_it_is_about_them(api, w):
    mine = submitted(w["officer"], w["review"], "Mine")
    theirs = submitted(w["manager"], w["review"], "Theirs")
    version = version_of(api, w)
    api.patch(
        w["url"],
        w["tokens"]["reviewer"],
        {"version": version, "statement_ids": [mine.id, theirs.id], "just_culture": FULL},
    )
    move_to(w, "factual_accuracy")
    subject = api.get(w["url"], w["tokens"]["officer"]).get_json()
    assert subject["statement_ids"] == [mine.id]
    assert subject["just_culture"]["outcome"] == "system_learning"
    assert subject["just_culture"]["rationale"] == RATIONALE
    for role in ("reviewer", "leadership"):
        got = api.get(w["url"], w["tokens"][role]).get_json()
        assert got["statement_ids"] == [mine.id, theirs.id]
        assert got["just_culture"]["outcome"] == "system_learning"


def test_an_officer_the_finding_is_not_about_sees_no_assessment(api, w, token_for):
    theirs = submitted(w["manager"], w["review"], "Theirs")
    mine = submitted(w["officer"], w["review"], "Mine")
    api.patch(
        w["url"],
        w["tokens"]["reviewer"],
        {
            "version": version_of(api, w),
            "statement_ids": [mine.id, theirs.id],
            "just_culture": FULL,
        },
    )
    move_to(w, "factual_accuracy")
    got = api.get(w["url"], token_for(w["manager"])).get_json()
    assert got["just_culture"] is None
    assert got["statement_ids"] == [theirs.id]
    listed = api.get(w["base"], token_for(w["manager"])).get_json()["items"][0]
    assert listed["just_culture"] is None and listed["statement_ids"] == [theirs.id]


# ---- permissions: PATCH with just_culture --------------------------------------------------

PATCH_BY_ROLE = {
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 403,
    "other_officer": 404,
    "quality_assurer": 404,  # the review is not yet with quality assurance
    "leadership": 403,
    "admin": 404,
    "anonymous": 401,
}


@pytest.mark.parametrize(("role", "status"), PATCH_BY_ROLE.items())
def test_who_may_write_the_assessment(api, w, role, status):
    token = w["tokens"].get(role)
    version = version_of(api, w)
    response = api.patch(w["url"], token, {"version": version, "just_culture": FULL})
    assert response.status_code == status, response.get_json()
    assert (counts()[3] == 1) is (status == 200)


def test_the_assessment_is_written_only_while_the_review_is_editable(api, w):
    w["review"].status = "quality_assurance"
    db.session.commit()
    response = api.patch(
        w["url"], w["tokens"]["reviewer"], {"version": version_of(api, w), "just_culture": FULL}
    )
    assert response.status_code == 409
    assert counts()[3] == 0


def test_the_assessment_is_not_taken_on_post(api, w):
    before = counts()
    response = api.post(w["base"], w["tokens"]["reviewer"], finding_body(w, just_culture=FULL))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "just_culture": ["Unknown field: just_culture"]
    }
    assert counts() == before
