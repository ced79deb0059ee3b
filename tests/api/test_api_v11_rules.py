"""api-v1.1 A, the lifecycle's side: the six rules to quality assurance for individual
shortfall findings (each its own 409 message, each listed on the Status page with a working
link), statements settled or a reason to factual accuracy, and factual accuracy that means
something (replies or "nothing to add" until the window's last day has passed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import current_app, url_for

from sfo_review.extensions import db
from sfo_review.models import Participant, Review
from sfo_review.services import findings as finding_service
from sfo_review.services import reviews as review_service
from sfo_review.services import statements as statement_service
from sfo_review.services import transitions as transition_service
from tests import helpers_rules
from tests.api.support import error
from tests.helpers import page
from tests.helpers_forms import HOSTILE

W = dict[str, Any]
TITLE = "Finding “Risk not reassessed”"
ROLES = (
    "reviewer",
    "other_reviewer",
    "officer",
    "other_officer",
    "quality_assurer",
    "countersigner",
    "leadership",
    "admin",
    "anonymous",
)

# This module's fixtures only build (tests/snapshots.py: a build is reused).
SNAPSHOT_PURE = {"ready"}
REASON = "x" * 50


def _to_qa(api, w: W) -> Any:
    return api.post(
        f"/reviews/{w['id']}/transitions", w["tokens"]["reviewer"], {"to": "quality_assurance"}
    )


def _status(w: W) -> str:
    db.session.expire_all()
    return db.session.get(Review, w["id"]).status


@pytest.fixture
def ready(world):
    """At factual accuracy with every rule to quality assurance met but the one a test breaks."""

    def build(heard: bool = True) -> W:
        w = world("reviewer", "officer")
        review = w["review"]
        transition_service.transition(w["reviewer"], review, {"to": "factual_accuracy"})
        if heard:
            helpers_rules.heard(w)
        review_service.update_review(
            w["reviewer"], review, {"version": review.version, "overall_judgement": "Written."}
        )
        return w

    return build


def _edit(w: W) -> str:
    return f"/reviews/{w['id']}/findings/{w['finding'].id}/edit"


def _just_culture_page(w: W) -> str:
    """The just-culture page once the findings branch adds it; the finding's editor until then."""
    if "findings.just_culture" in current_app.view_functions:
        with current_app.test_request_context():
            return url_for("findings.just_culture", review_id=w["id"], finding_id=w["finding"].id)
    return _edit(w)


def _no_subjects(w: W) -> None:
    w["finding"].subjects = []


def _context_unlinked(w: W) -> None:
    w["finding"].caseload_contexts = []


def _short_rationale(w: W) -> None:
    helpers_rules.assess(w["finding"], rationale="r" * 99 + "     ")


def _individual_only(w: W) -> None:
    finding_service.update_finding(
        w["reviewer"],
        w["review"],
        w["finding"],
        {"version": w["finding"].version, "attribution": ["individual"]},
    )


def _found_afterwards(w: W) -> None:
    w["entry"].known_at_the_time = "no"


def _reply_without_outcome(w: W) -> None:
    finding_service.add_response(
        w["officer"], w["review"], w["finding"], {"body": "The visit was rearranged."}
    )


RULES: dict[str, tuple[Callable[[W], None], Callable[[W], str], Callable[[W], str]]] = {
    "1 subjects": (
        _no_subjects,
        lambda w: (
            f"{TITLE} finds an individual's practice insufficient: name the people it is about"
        ),
        _edit,
    ),
    "2 context weighed": (
        _context_unlinked,
        lambda w: (
            f"{TITLE} finds an individual's practice insufficient: link the caseload "
            f"context of {w['officer'].name} and at least one systemic factor, or explain in at "
            "least 100 characters why no wider factor applied"
        ),
        _edit,
    ),
    "3 just culture": (
        _short_rationale,
        lambda w: (
            f"{TITLE} needs its just-culture assessment completed: answer every question, "
            "name the peer group compared with and give a rationale of at least 100 characters"
        ),
        _just_culture_page,
    ),
    "4 system learning": (
        _individual_only,
        lambda w: (
            f"{TITLE} points to system learning: attribute it also to a team, "
            "organisational, partnership or national level and link a systemic factor of that "
            "level"
        ),
        _edit,
    ),
    "5 hindsight": (
        _found_afterwards,
        lambda w: (
            f"{TITLE} must rest on what was known at the time: link at least one "
            "chronology entry that was known to the practitioner then"
        ),
        _edit,
    ),
    "6 replies answered": (
        _reply_without_outcome,
        lambda w: f"{TITLE} has 1 reply without an outcome: record what became of it",
        lambda w: f"/reviews/{w['id']}/findings/{w['finding'].id}",
    ),
}


@pytest.mark.parametrize("rule", list(RULES))
def test_each_rule_is_its_own_409_and_a_link_on_the_status_page(api, client, ready, login_as, rule):
    w = ready()
    breaks, message, href = RULES[rule]
    breaks(w)
    db.session.commit()
    response = _to_qa(api, w)
    assert response.status_code == 409, response.get_json()
    assert error(response)["fields"] == {"findings": [message(w)]}
    assert _status(w) == "factual_accuracy"

    login_as(user=w["reviewer"])
    section = page(client.get(f"/reviews/{w['id']}/status")).select_one("#next-quality_assurance")
    links = [(a.get_text(strip=True), a["href"]) for a in section.select(".app-unmet-rules a")]
    assert links == [(message(w), href(w))]
    assert client.get(href(w)).status_code == 200
    assert section.select_one("form") is None


def test_rule_6_the_subjects_statement_must_be_settled(api, client, ready, login_as):
    w = ready(heard=False)
    helpers_rules.nothing_to_add(w["review"])
    message = (
        f"{TITLE} is about {w['officer'].name}, whose statement is not yet submitted or declined"
    )
    response = _to_qa(api, w)
    assert response.status_code == 409
    assert error(response)["fields"] == {"findings": [message]}
    login_as(user=w["reviewer"])
    section = page(client.get(f"/reviews/{w['id']}/status")).select_one("#next-quality_assurance")
    link = section.select_one(".app-unmet-rules a")
    assert (link.get_text(strip=True), link["href"]) == (message, f"/reviews/{w['id']}/statements")
    assert client.get(link["href"]).status_code == 200
    # A declined statement is settled too.
    statement_service.decline_statement(w["officer"], w["review"], {"reason": "On advice."})
    assert _to_qa(api, w).status_code == 200


@pytest.mark.parametrize("outcome", ["refer_elsewhere", "support_for_health"])
def test_a_finding_pointing_to_another_process_needs_rules_1_to_3_only(api, ready, outcome):
    w = ready(heard=False)
    helpers_rules.nothing_to_add(w["review"])  # the subject's statement is not in (rule 6)
    # Rule 6: a reply without an outcome, made while the outcome was still system learning
    # (once the finding points to another process it takes no reply).
    _reply_without_outcome(w)
    answers = {"deliberate_harm": "yes"}
    if outcome == "support_for_health":
        answers = {"deliberate_harm": "no", "health_factors": "yes"}
    helpers_rules.assess(w["finding"], **answers)
    assert w["finding"].just_culture.outcome == outcome
    _individual_only(w)  # rule 4 would apply to system learning
    _found_afterwards(w)  # rule 5
    _context_unlinked(w)  # rule 2 still applies
    db.session.commit()
    response = _to_qa(api, w)
    assert response.status_code == 409
    assert error(response)["fields"] == {"findings": [RULES["2 context weighed"][1](w)]}
    finding_service.update_finding(
        w["reviewer"],
        w["review"],
        w["finding"],
        {"version": w["finding"].version, "caseload_context_ids": [w["context"].id]},
    )
    assert _to_qa(api, w).status_code == 200


@pytest.mark.parametrize("judgement", ["good_practice", "sufficient"])
def test_praise_or_a_neutral_judgement_of_an_individual_needs_none_of_the_rules(
    api, ready, judgement
):
    w = ready()
    for breaks in (_no_subjects, _context_unlinked, _found_afterwards):
        breaks(w)
    w["finding"].just_culture = None
    db.session.commit()
    finding_service.update_finding(
        w["reviewer"],
        w["review"],
        w["finding"],
        {"version": w["finding"].version, "judgement": judgement, "attribution": ["individual"]},
    )
    response = _to_qa(api, w)
    assert response.status_code == 200, response.get_json()


# --- to factual accuracy: statements settled, or the reviewer's reason ----------------------


def test_to_factual_accuracy_every_statement_is_settled_or_a_reason_given(api, world):
    w = world("reviewer", "officer")
    review = w["review"]
    review.statements_outstanding_reason = None
    db.session.commit()
    url = f"/reviews/{w['id']}/transitions"
    token = w["tokens"]["reviewer"]
    response = api.post(url, token, {"to": "factual_accuracy"})
    assert response.status_code == 409
    names = f"{w['officer'].name}, {w['manager'].name}"
    assert error(response)["fields"] == {
        "statements": [
            f"Statements not yet submitted or declined: {names}. Wait for them, or record why "
            "the review goes on without them (at least 50 characters)"
        ]
    }
    # Both settle: one submits, one declines.
    helpers_rules.settle_statements(review, w["officer"])
    statement_service.decline_statement(w["manager"], review, {"reason": "No contact."})
    assert api.post(url, token, {"to": "factual_accuracy"}).status_code == 200


def test_the_reason_is_patched_on_the_review(api, world):
    w = world("reviewer", "officer")
    review = w["review"]
    review.statements_outstanding_reason = None
    db.session.commit()
    base, token = f"/reviews/{w['id']}", w["tokens"]["reviewer"]
    version = api.get(base, token).get_json()["version"]
    patched = api.patch(base, token, {"version": version, "statements_outstanding_reason": REASON})
    assert patched.status_code == 200
    assert patched.get_json()["statements_outstanding_reason"] == REASON
    assert api.post(f"{base}/transitions", token, {"to": "factual_accuracy"}).status_code == 200
    # Officers never read it.
    officer_view = api.get(base, w["tokens"]["officer"]).get_json()
    assert officer_view["statements_outstanding_reason"] is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "x" * 49,
            "Reason for going on without every statement must be at least 50 characters",
        ),
        ("  " + "x" * 48 + "    ", "must be at least 50 characters"),
        ("x" * 20_001, "must be 20,000 characters or fewer"),
        (50, "must be text"),
        (["x" * 60], "must be text"),
    ],
    ids=["49-chars", "49-stripped", "too-long", "number", "list"],
)
def test_a_bad_reason_is_422_and_nothing_is_written(api, world, value, message):
    w = world("reviewer")
    base, token = f"/reviews/{w['id']}", w["tokens"]["reviewer"]
    before = api.get(base, token).get_json()
    response = api.patch(
        base, token, {"version": before["version"], "statements_outstanding_reason": value}
    )
    assert response.status_code == 422
    assert message in error(response)["fields"]["statements_outstanding_reason"][0]
    after = api.get(base, token).get_json()
    assert after["version"] == before["version"]
    assert after["statements_outstanding_reason"] == before["statements_outstanding_reason"]


def test_an_empty_reason_clears_it_and_hostile_text_is_kept_as_text(api, world):
    w = world("reviewer")
    base, token = f"/reviews/{w['id']}", w["tokens"]["reviewer"]
    version = api.get(base, token).get_json()["version"]
    cleared = api.patch(base, token, {"version": version, "statements_outstanding_reason": ""})
    assert cleared.status_code == 200
    assert cleared.get_json()["statements_outstanding_reason"] is None
    blocked = api.post(f"{base}/transitions", token, {"to": "factual_accuracy"})
    assert blocked.status_code == 409 and "statements" in error(blocked)["fields"]
    hostile = HOSTILE + " " + "y" * 50
    saved = api.patch(
        base,
        token,
        {"version": cleared.get_json()["version"], "statements_outstanding_reason": hostile},
    )
    assert saved.status_code == 200
    assert saved.get_json()["statements_outstanding_reason"] == hostile


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("reviewer", 200),
        ("other_reviewer", 404),
        ("officer", 403),
        ("other_officer", 404),
        ("quality_assurer", 404),
        ("countersigner", 403),
        ("leadership", 403),
        ("admin", 404),
        ("anonymous", 401),
    ],
)
def test_who_may_patch_the_reason(api, world, role, expected):
    w = world(*ROLES)
    before = w["review"].statements_outstanding_reason
    response = api.patch(
        f"/reviews/{w['id']}",
        w["tokens"][role],
        {"version": w["review"].version, "statements_outstanding_reason": REASON},
    )
    assert response.status_code == expected
    db.session.expire_all()
    if expected != 200:
        assert db.session.get(Review, w["id"]).statements_outstanding_reason == before


# --- factual accuracy means something --------------------------------------------------------


def _done(api, w: W, role: str) -> Any:
    return api.post(f"/reviews/{w['id']}/factual-accuracy/done", w["tokens"][role])


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("reviewer", 403),
        ("other_reviewer", 404),
        ("officer", 200),
        ("other_officer", 404),
        ("quality_assurer", 404),
        ("countersigner", 403),
        ("leadership", 403),
        ("admin", 404),
        ("anonymous", 401),
    ],
)
def test_who_may_say_they_have_nothing_to_add(api, world, role, expected):
    w = world(*ROLES)
    transition_service.transition(w["reviewer"], w["review"], {"to": "factual_accuracy"})
    response = _done(api, w, role)
    assert response.status_code == expected, response.get_json()
    db.session.expire_all()
    done = db.session.get(Participant, w["participant"].id).factual_accuracy_done_at
    assert (done is not None) == (expected == 200)


def test_nothing_to_add_answers_the_participants_state(api, world):
    w = world("reviewer", "officer")
    review = w["review"]
    transition_service.transition(w["reviewer"], review, {"to": "factual_accuracy"})
    response = _done(api, w, "officer")
    body = response.get_json()
    assert response.status_code == 200
    assert body["participant_id"] == w["participant"].id
    assert body["name"] == w["officer"].name and body["role_in_case"] == "responsible_officer"
    assert body["factual_accuracy_done_at"] is not None
    assert body["factual_accuracy_ends_on"] == review.factual_accuracy_ends_on.isoformat()
    assert body["window_open"] is True
    assert body["outstanding_findings"] == []
    again = _done(api, w, "officer")  # saying it twice changes nothing
    assert again.status_code == 200
    assert again.get_json()["factual_accuracy_done_at"] == body["factual_accuracy_done_at"]


@pytest.mark.parametrize("status", ["in_review", "quality_assurance"])
def test_nothing_to_add_outside_factual_accuracy_is_409(api, ready, world, status):
    if status == "quality_assurance":
        w = ready()
        transition_service.transition(w["reviewer"], w["review"], {"to": "quality_assurance"})
    else:
        w = world("reviewer", "officer")
    before = w["participant"].factual_accuracy_done_at
    response = _done(api, w, "officer")
    assert response.status_code == 409
    assert error(response)["code"] == "conflict"
    db.session.expire_all()
    assert db.session.get(Participant, w["participant"].id).factual_accuracy_done_at == before


def test_the_409_names_who_is_still_within_their_window(api, ready):
    w = ready(heard=False)
    helpers_rules.settle_statements(w["review"], w["officer"])
    ends = w["review"].factual_accuracy_ends_on
    response = _to_qa(api, w)
    assert response.status_code == 409
    assert error(response)["fields"] == {
        "factual_accuracy": [
            f"{w['officer'].name} is still within their factual accuracy window (until "
            f"{ends.day} {ends:%B %Y}): they have not replied to “Risk not reassessed” nor "
            "said they have nothing to add"
        ]
    }
    # The manager is named in no finding: nothing is asked of them. The officer replies.
    finding_service.add_response(
        w["officer"], w["review"], w["finding"], {"body": "I asked for help."}
    )
    w["finding"].responses[0].outcome = "context_added"
    db.session.commit()
    assert _to_qa(api, w).status_code == 200


def test_nothing_to_add_lets_the_review_go_on_within_the_window(api, ready):
    w = ready(heard=False)
    helpers_rules.settle_statements(w["review"], w["officer"])
    assert _to_qa(api, w).status_code == 409
    assert _done(api, w, "officer").status_code == 200
    assert _to_qa(api, w).status_code == 200


def test_the_window_is_open_until_and_including_its_last_day(api, world, on_day):
    on_day(date(2026, 3, 2))  # a Monday
    w = world("reviewer", "officer")
    review = w["review"]
    transition_service.transition(w["reviewer"], review, {"to": "factual_accuracy"})
    helpers_rules.settle_statements(review, w["officer"])
    review_service.update_review(
        w["reviewer"], review, {"version": review.version, "overall_judgement": "Written."}
    )
    ends = review.factual_accuracy_ends_on
    assert ends > date(2026, 3, 2)
    on_day(ends)  # the last day: still open
    response = _to_qa(api, w)
    assert response.status_code == 409 and set(error(response)["fields"]) == {"factual_accuracy"}
    on_day(ends + timedelta(days=1))  # the day after: it no longer waits
    assert _to_qa(api, w).status_code == 200


def test_each_move_to_factual_accuracy_asks_everyone_afresh(api, ready):
    w = ready()
    review = w["review"]
    assert all(p.factual_accuracy_done_at for p in review.participants)
    # To quality assurance, returned, and sent again to factual accuracy.
    transition_service.transition(w["reviewer"], review, {"to": "quality_assurance"})
    transition_service.transition(w["qa"], review, {"to": "in_review", "reason": "More."})
    transition_service.transition(w["reviewer"], review, {"to": "factual_accuracy"})
    db.session.expire_all()
    review = db.session.get(Review, w["id"])
    assert all(p.factual_accuracy_done_at is None for p in review.participants)
    response = _to_qa(api, w)
    assert response.status_code == 409 and "factual_accuracy" in error(response)["fields"]
