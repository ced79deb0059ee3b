"""The rules that matter most, through the API: statement privacy, the balance rule,
segregation of duties at approval, and a review frozen once approved."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from sfo_review.cli.ratings_data import approval
from sfo_review.extensions import db
from sfo_review.models import AuditEvent, ReportSnapshot
from sfo_review.services import reviews as review_service
from sfo_review.services import statements as statement_service
from sfo_review.services import transitions as transition_service
from tests import helpers_rules
from tests.api.support import error
from tests.helpers_forms import approve

# This module's fixtures only build (tests/snapshots.py: a build is reused).
SNAPSHOT_PURE = {"approved", "at_qa", "two_statements", "unbalanced"}

W = dict[str, Any]


# Statement privacy -------------------------------------------------------------------------


@pytest.fixture
def two_statements(world):
    """The responsible officer has a draft; the line manager has submitted theirs."""
    w = world("reviewer", "officer", "manager", "countersigner", "leadership")
    review = w["review"]
    w["draft"] = statement_service.create_statement(w["officer"], review, {"body": "Draft words"})
    w["submitted"] = statement_service.create_statement(w["manager"], review, {"body": "Final"})
    statement_service.submit_statement(w["manager"], review, w["submitted"])
    return w


def _bodies(api, w: W, role: str) -> dict[str, list[str]]:
    token = w["tokens"][role]
    base = f"/reviews/{w['id']}"
    return {
        "list": [s["body"] for s in api.get(f"{base}/statements", token).get_json()["items"]],
        "review": [s["body"] for s in api.get(base, token).get_json()["statements"]],
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("officer", ["Draft words"]),  # their own draft, never the manager's statement
        ("manager", ["Final"]),  # their own; never another officer's draft
        ("reviewer", ["Final"]),  # submitted ones only
        ("countersigner", ["Final"]),
        ("leadership", ["Final"]),
    ],
)
def test_who_sees_which_statement(api, two_statements, role, expected):
    w = two_statements
    assert _bodies(api, w, role) == {"list": expected, "review": expected}


@pytest.mark.parametrize("role", ["manager", "reviewer", "countersigner", "leadership"])
def test_a_draft_is_not_found_by_anyone_but_its_author(api, two_statements, role):
    w = two_statements
    url = f"/reviews/{w['id']}/statements/{w['draft'].id}"
    token = w["tokens"][role]
    for response in (
        api.get(url, token),
        api.patch(url, token, {"version": 1, "body": "x"}),
        api.post(url + "/submit", token),
    ):
        assert response.status_code == 404
        assert "Draft words" not in response.get_data(as_text=True)


def test_an_officer_never_sees_another_officers_submitted_statement(api, two_statements):
    w = two_statements
    url = f"/reviews/{w['id']}/statements/{w['submitted'].id}"
    response = api.get(url, w["tokens"]["officer"])
    assert response.status_code == 404 and "Final" not in response.get_data(as_text=True)


# The balance rule ---------------------------------------------------------------------------


def _to_qa(api, w: W) -> Any:
    return api.post(
        f"/reviews/{w['id']}/transitions", w["tokens"]["reviewer"], {"to": "quality_assurance"}
    )


@pytest.fixture
def unbalanced(world):
    """At factual accuracy, judgement written, one finding blaming an individual alone."""
    w = world("reviewer", balanced=False)
    review = w["review"]
    transition_service.transition(w["reviewer"], review, {"to": "factual_accuracy"})
    helpers_rules.settle_statements(review, w["officer"])
    helpers_rules.nothing_to_add(review)
    review_service.update_review(
        w["reviewer"], review, {"version": review.version, "overall_judgement": "Written."}
    )
    return w


def _patch_finding(api, w: W, body: dict[str, Any]) -> Any:
    url = f"/reviews/{w['id']}/findings/{w['finding'].id}"
    current = api.get(url, w["tokens"]["reviewer"]).get_json()
    response = api.patch(url, w["tokens"]["reviewer"], {**body, "version": current["version"]})
    assert response.status_code == 200, response.get_json()
    return response


def test_the_balance_rule_blocks_quality_assurance(api, unbalanced):
    response = _to_qa(api, unbalanced)
    assert response.status_code == 409
    err = error(response)
    assert err["code"] == "conflict" and list(err["fields"]) == ["findings"]
    name = unbalanced["officer"].name
    assert err["fields"]["findings"] == [
        # rule 2: the subject's conditions weighed
        "Finding “Risk not reassessed” finds an individual's practice insufficient: link the "
        f"caseload context of {name} and at least one systemic factor, or explain in at least "
        "100 characters why no wider factor applied",
        # rule 4: its assessment points to system learning, and no factor names the system
        "Finding “Risk not reassessed” points to system learning: attribute it also to a team, "
        "organisational, partnership or national level and link a systemic factor of that level",
    ]
    assert (
        api.get(f"/reviews/{unbalanced['id']}", unbalanced["tokens"]["reviewer"]).get_json()[
            "status"
        ]
        == "factual_accuracy"
    )


def _individual_learning(w: W) -> dict[str, Any]:
    helpers_rules.assess(w["finding"], **helpers_rules.INDIVIDUAL_LEARNING)
    return {"context_note": "n" * 100}


@pytest.mark.parametrize(
    "fix",
    [
        lambda w: {
            "caseload_context_ids": [w["context"].id],
            "systemic_factor_ids": [w["factor"].id],
        },
        _individual_learning,
        lambda w: {"attribution": ["team", "organisational"]},
        lambda w: {"judgement": "good_practice"},
        lambda w: {"judgement": "sufficient"},
    ],
    ids=[
        "context-and-factor",
        "100-char-note-individual-learning",
        "no-individual",
        "praise",
        "neutral",
    ],
)
def test_the_balance_rule_passes_once_the_conditions_are_weighed(api, unbalanced, fix):
    _patch_finding(api, unbalanced, fix(unbalanced))
    response = _to_qa(api, unbalanced)
    assert response.status_code == 200 and response.get_json()["status"] == "quality_assurance"


@pytest.mark.parametrize(
    "half",
    [
        lambda w: {"caseload_context_ids": [w["context"].id]},
        lambda w: {"systemic_factor_ids": [w["factor"].id]},
    ],
    ids=["context-without-factor", "factor-without-context"],
)
def test_a_factor_or_the_subjects_context_alone_is_not_enough(api, unbalanced, half):
    _patch_finding(api, unbalanced, half(unbalanced))
    response = _to_qa(api, unbalanced)
    assert response.status_code == 409
    assert any(
        "finds an individual's practice insufficient" in m
        for m in error(response)["fields"]["findings"]
    )


def test_a_99_character_note_is_not_enough(api, unbalanced):
    _patch_finding(api, unbalanced, {"context_note": "n" * 99 + "   "})
    assert _to_qa(api, unbalanced).status_code == 409


def test_every_unmet_rule_is_listed_at_once(api, world, make_user):
    w = world("reviewer", balanced=False)
    token = w["tokens"]["reviewer"]
    # A second responsible officer without a caseload context.
    extra = make_user("officer", name="Second Officer")
    review_service.add_participant(
        w["reviewer"], w["review"], {"email": extra.email, "role_in_case": "responsible_officer"}
    )
    base = f"/reviews/{w['id']}"
    for child in ("findings", "chronology"):
        for item in api.get(f"{base}/{child}", token).get_json()["items"]:
            assert api.delete(f"{base}/{child}/{item['id']}", token).status_code == 204
    response = api.post(f"{base}/transitions", token, {"to": "factual_accuracy"})
    assert response.status_code == 409
    fields = error(response)["fields"]
    assert set(fields) == {"chronology", "findings", "caseload_contexts"}
    assert any("Second Officer" in m for m in fields["caseload_contexts"])


def test_the_quality_assurance_gate_lists_every_rule(api, world):
    w = world("reviewer", balanced=False)
    review = w["review"]
    transition_service.transition(w["reviewer"], review, {"to": "factual_accuracy"})
    review_service.update_review(
        w["reviewer"], review, {"version": review.version, "countersigner_email": None}
    )
    response = _to_qa(api, w)
    assert response.status_code == 409
    assert set(error(response)["fields"]) == {
        "findings",
        "factual_accuracy",
        "overall_judgement",
        "countersigner",
    }


# Approval ----------------------------------------------------------------------------------


@pytest.fixture
def at_qa(world):
    return _at_qa(world)


def _at_qa(world):
    w = world("reviewer", "countersigner", "quality_assurer", "leadership", "officer")
    review = w["review"]
    transition_service.transition(w["reviewer"], review, {"to": "factual_accuracy"})
    helpers_rules.settle_statements(review, w["officer"])
    helpers_rules.nothing_to_add(review)
    review_service.update_review(
        w["reviewer"], review, {"version": review.version, "overall_judgement": "Written."}
    )
    transition_service.transition(w["reviewer"], review, {"to": "quality_assurance"})
    helpers_rules.address_factors(review)  # api-v1.1 B: the action balance rule
    return w


@pytest.mark.parametrize("role", ["reviewer", "quality_assurer", "leadership", "officer"])
def test_only_the_named_countersigner_approves(api, at_qa, role):
    url = f"/reviews/{at_qa['id']}/transitions"
    response = api.post(url, at_qa["tokens"][role], approval())
    assert response.status_code == 403 and error(response)["code"] == "forbidden"
    assert db.session.query(ReportSnapshot).count() == 0


def test_the_countersigner_approves_and_the_pdfs_are_kept(api, at_qa):
    url = f"/reviews/{at_qa['id']}"
    response = api.post(url + "/transitions", at_qa["tokens"]["countersigner"], approval())
    assert response.status_code == 200 and response.get_json()["status"] == "approved"
    snapshots = (
        db.session.query(ReportSnapshot).filter_by(review_id=at_qa["id"], format="standard").all()
    )
    assert sorted(s.variant for s in snapshots) == ["family_summary", "full"]
    for snapshot in snapshots:
        assert snapshot.sha256 == hashlib.sha256(snapshot.pdf).hexdigest()
    full = next(s for s in snapshots if s.variant == "full")
    for role in ("reviewer", "countersigner", "leadership"):
        pdf = api.get(url + "/report.pdf?variant=full", at_qa["tokens"][role])
        assert pdf.status_code == 200 and pdf.data == full.pdf
        reference = response.get_json()["reference"]
        assert pdf.headers["Content-Disposition"] == f'attachment; filename="{reference}-full.pdf"'
    exports = db.session.query(AuditEvent).filter_by(action="report.exported").count()
    assert exports == 3
    archival = (
        db.session.query(ReportSnapshot)
        .filter_by(review_id=at_qa["id"], variant="full", format="archival")
        .one()
    )
    pdf = api.get(url + "/report.pdf?variant=full&format=archival", at_qa["tokens"]["leadership"])
    assert pdf.status_code == 200 and pdf.data == archival.pdf
    assert pdf.headers["Content-Disposition"].endswith('-full-archival.pdf"')
    assert archival.sha256 == hashlib.sha256(pdf.data).hexdigest() != full.sha256


def test_returning_needs_a_reason(api, at_qa):
    url = f"/reviews/{at_qa['id']}/transitions"
    token = at_qa["tokens"]["quality_assurer"]
    for body in ({"to": "in_review"}, {"to": "in_review", "reason": "   "}):
        response = api.post(url, token, body)
        assert response.status_code == 422 and "reason" in error(response)["fields"]
    response = api.post(url, token, {"to": "in_review", "reason": "Analyse supervision."})
    assert response.status_code == 200
    assert response.get_json()["return_reason"] == "Analyse supervision."


# Frozen after approval ---------------------------------------------------------------------


@pytest.fixture
def approved(approved_built):
    return approved_built()


@pytest.fixture
def approved_built(world):
    """Builds `approved` (a builder of tests/snapshots.py: kept, and copied in for each later
    test of the module)."""

    def build():
        w = _at_qa(world)
        approve(w["qa"], w["review"])  # its PDFs are not laid out: no test here reads them
        return w

    return build


FROZEN_EDITS = [
    ("PATCH", "", lambda w: {"version": w["review"].version, "pdu": "Newham"}),
    ("POST", "/participants", lambda w: {"email": w["manager"].email, "role_in_case": "other"}),
    ("DELETE", "/participants/{participant}", None),
    ("POST", "/chronology", lambda w: {"occurred_on": "2023-01-01", "source": "P", "summary": "S"}),
    ("PATCH", "/chronology/{entry}", lambda w: {"version": w["entry"].version, "source": "X"}),
    ("DELETE", "/chronology/{entry}", None),
    ("PATCH", "/caseload-contexts/{context}", lambda w: {"version": 1, "caseload_count": 1}),
    ("DELETE", "/caseload-contexts/{context}", None),
    (
        "POST",
        "/systemic-factors",
        lambda w: {"category": "other", "level": "team", "description": "D"},
    ),
    ("PATCH", "/systemic-factors/{factor}", lambda w: {"version": 1, "level": "national"}),
    ("DELETE", "/systemic-factors/{factor}", None),
    (
        "POST",
        "/findings",
        lambda w: {
            "title": "T",
            "practice_area": "review",
            "judgement": "sufficient",
            "narrative": "N",
            "attribution": ["team"],
        },
    ),
    ("PATCH", "/findings/{finding}", lambda w: {"version": w["finding"].version, "title": "X"}),
    ("DELETE", "/findings/{finding}", None),
    ("POST", "/transitions", lambda w: {"to": "in_review", "reason": "Reopen"}),
]


@pytest.mark.parametrize(
    ("method", "path", "body"), FROZEN_EDITS, ids=[f"{m} {p}" for m, p, _ in FROZEN_EDITS]
)
def test_an_approved_review_is_frozen(api, approved, method, path, body):
    w = approved
    ids = {k: w[k].id for k in ("participant", "entry", "context", "factor", "finding")}
    url = f"/reviews/{w['id']}" + path.format(**ids)
    token = w["tokens"]["countersigner" if path == "/transitions" else "reviewer"]
    before = api.get(f"/reviews/{w['id']}", token).get_json()
    response = api.call(method, url, token, body(w) if body else None)
    assert response.status_code == 409, response.get_json()
    assert error(response)["code"] == "conflict"
    after = api.get(f"/reviews/{w['id']}", token).get_json()
    assert after == before
