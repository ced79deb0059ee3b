"""Role × resource: every page and every API answer an officer can reach, walked route by route.

An officer taking part in a review (here the line manager) reads their own recorded working
conditions (api-v1.1 §A: the figures and the accounts they gave, found where they are
shown), but must never read a colleague's (the figures, notes and account of their caseload
context), nor the
review team's working material: the chronology and systemic factors outside the findings
shared with them, the return reason, other people's email addresses, others' statements,
extension reasons, and — until the factual accuracy check — the findings and the actions.

The routes come from `app.url_map`, with the review's real ids put in, so a new route is
walked as soon as it exists (a new kind of id fails the test until the walker is told
where to find it). Every answer is searched for distinctive sentinel values; the same
sentinels are first shown to reach the review team, so the search cannot pass vacuously.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from sfo_review.cli.ratings_data import approval
from sfo_review.dashboard.tables import BUILDERS
from sfo_review.extensions import db
from sfo_review.findings.just_culture_forms import STEPS as JUST_CULTURE_STEPS
from sfo_review.models import Notification, Pdu, Region, User
from sfo_review.services import actions as action_service
from sfo_review.services import caseload_accounts, evidence, family, findings, users
from sfo_review.services import deadline_extensions as extension_service
from sfo_review.services import reviews as review_service
from sfo_review.services import statements as statement_service
from sfo_review.services import transitions as transition_service
from tests import helpers_rules
from tests.helpers_actions import action_owner, add_action
from tests.reviews.extension_helpers import later_working_day

# A colleague's working conditions: values no page has a reason to print otherwise.
COLLEAGUES = {
    "caseload_count": 487,
    "high_risk_count": 463,
    "workload_percent": 391,
    "months_in_role": 577,
    "management_oversight_sessions": 419,
    "notes": "Sentinel-caseload-notes: covering two vacant posts since March",
}
NUMBERS = tuple(v for v in COLLEAGUES.values() if isinstance(v, int))
COLLEAGUES_ACCOUNT = "Sentinel-colleague-account: the figures leave out the court work"
# The caller's own working conditions: shown to them (and distinctive, to be found).
OWN = {
    "caseload_count": 347,
    "high_risk_count": 331,
    "workload_percent": 367,
    "months_in_role": 311,
    "management_oversight_sessions": 299,
}
OWN_ACCOUNT = "Sentinel-own-account: half of those cases were transfers in May"

# The review team's working material.
CHRONOLOGY = "Sentinel-chronology: police intelligence shared late"
FACTOR = "Sentinel-factor: rota left the office unstaffed"
FACTOR_EVIDENCE = "Sentinel-factor-evidence: staffing return for May"
RETURN_REASON = "Sentinel-return: expand the analysis of supervision"
STATEMENT = "Sentinel-statement: the colleague's own account"
EXTENSION = "Sentinel-extension: the reviewer was on leave for three weeks"
# Contact with the victim's family (api-v1.1 C): never an officer's, at any stage.
FAMILY = (
    "Sentinel-family-contact: the mother asked about the hostel",
    "Sentinel-family-question: why was he not recalled",
    "Sentinel-family-answer: the recall was considered and refused",
)
# Draft analysis: shared with officers from the factual accuracy check on.
DRAFT = (
    "Sentinel-narrative: the risk assessment was not revisited",
    "Sentinel-action: review the allocation of high-risk cases",
    "Sentinel-judgement: reasonable steps were not all taken",
)
NARRATIVE, ACTION, JUDGEMENT = DRAFT

STAGES = ("in_review", "factual_accuracy", "quality_assurance", "returned", "approved", "closed")
DRAFT_STAGES = ("in_review", "returned")

# Query strings worth asking for on routes that take them.
QUERIES = {
    "reports.report": [
        "variant=full",
        "variant=family_summary",
        "variant=full&format=archival",
        "variant=action_plan",
    ],
    "reports.preparing": ["variant=full", "variant=family_summary", "variant=action_plan"],
    "api.report": [
        "variant=full",
        "variant=family_summary",
        "variant=full&format=archival",
        "variant=action_plan",
    ],
}


@dataclass
class World:
    review: Any
    reviewer: User
    caller: User  # the line manager: a participant officer
    colleague: User  # the responsible officer, whose working conditions are recorded
    qa: User
    leadership: User
    finding: Any
    action: Any
    own_context: Any  # the caller's own caseload context
    colleagues_context: Any
    always_hidden: tuple[str, ...]  # from the caller, whatever the stage


def _ids_above_the_sentinels() -> None:
    """On PostgreSQL the ids keep counting across tests (sequences ignore rollbacks): start
    this test's rows above every sentinel number, so no id of the world reads as a leak."""
    if db.engine.dialect.name != "postgresql":
        return
    floor = max(NUMBERS) + 1
    db.session.execute(
        text(
            "SELECT setval(oid::regclass, :floor, false) FROM pg_class WHERE relkind = 'S' "
            "AND coalesce(pg_sequence_last_value(oid::regclass), 0) < :floor"
        ),
        {"floor": floor},
    )


@pytest.fixture
def world(full_review: Callable[..., dict[str, Any]], make_user: Callable[..., User]) -> World:
    """conftest's review, every kind of content added, the colleague's and the team's marked.

    The finding weighs both officers' caseload contexts: the colleague's (the sentinels,
    with the colleague's account of them) and the caller's own (figures and account the
    caller reads: OWN, OWN_ACCOUNT).
    """
    _ids_above_the_sentinels()
    data = full_review()
    review, reviewer, colleague, caller = (
        data["review"],
        data["reviewer"],
        data["officer"],
        data["manager"],
    )
    context = data["context"]
    evidence.update_evidence(reviewer, review, context, {"version": context.version, **COLLEAGUES})
    own = evidence.add_caseload_context(
        reviewer,
        review,
        {
            **{k: getattr(context, k) for k in ("period_start", "period_end", "grade")},
            "participant_id": review.participant_for(caller).id,
            **OWN,
            "team_vacancy_percent": 6,
            "officer_changes_on_case": 2,
        },
    )
    caseload_accounts.add_account(
        colleague, review, context, {"body": COLLEAGUES_ACCOUNT, "disputed_fields": ["grade"]}
    )
    caseload_accounts.add_account(
        caller, review, own, {"body": OWN_ACCOUNT, "disputed_fields": ["caseload_count"]}
    )
    finding = data["finding"]
    findings.update_finding(
        reviewer,
        review,
        finding,
        {
            "version": finding.version,
            "narrative": NARRATIVE,
            "caseload_context_ids": [context.id, own.id],
        },
    )
    # Evidence no finding links: the team's alone.
    evidence.add_chronology_entry(
        reviewer, review, {"occurred_on": "2023-05-09", "source": "Police", "summary": CHRONOLOGY}
    )
    evidence.add_systemic_factor(
        reviewer,
        review,
        {
            "category": "it_systems_and_data",
            "level": "organisational",
            "description": FACTOR,
            "evidence": FACTOR_EVIDENCE,
        },
    )
    action = add_action(
        reviewer,
        review,
        {"description": ACTION, "owner": "Head of PDU", "level": "pdu", "due_date": "2030-01-01"},
    )
    review_service.update_review(
        reviewer,
        review,
        {
            "version": review.version,
            "countersigner_email": data["qa"].email,
            "overall_judgement": JUDGEMENT,
        },
    )
    for who, body in ((colleague, STATEMENT), (caller, "My account.")):
        statement = statement_service.create_statement(who, review, {"body": body})
        statement_service.submit_statement(who, review, statement)
    extension_service.request_extension(
        reviewer, review, {"new_due_date": later_working_day(), "reason": EXTENSION}
    )
    family.add_contact(
        reviewer,
        review,
        {
            "occurred_on": "2024-03-04",
            "channel": "meeting",
            "with_whom": "The victim's mother",
            "advocate_offered": True,
            "summary": FAMILY[0],
        },
    )
    question = family.add_question(
        reviewer, review, {"question": FAMILY[1], "asked_on": "2024-03-04"}
    )
    family.update_question(reviewer, review, question, {"answer": FAMILY[2], "version": 1})
    emails = (colleague.email, reviewer.email, data["qa"].email)
    return World(
        review=review,
        reviewer=reviewer,
        caller=caller,
        colleague=colleague,
        qa=data["qa"],
        leadership=make_user("leadership"),
        finding=finding,
        action=action,
        own_context=own,
        colleagues_context=context,
        always_hidden=(
            COLLEAGUES["notes"],
            COLLEAGUES_ACCOUNT,
            CHRONOLOGY,
            FACTOR,
            FACTOR_EVIDENCE,
            STATEMENT,
            EXTENSION,
            *FAMILY,
            *emails,
        ),
    )


def _move(world: World, to: str, actor: User | None = None, reason: str | None = None) -> None:
    data = {"to": to, **({"reason": reason} if reason else {})}
    if to == "approved":
        data = approval()  # api-v1.1 C: approval takes the ratings
    transition_service.transition(actor or world.reviewer, world.review, data)


def advance(world: World, stage: str) -> None:
    """Take the review to `stage` through the services (as people would)."""
    path = {
        "in_review": [],
        "factual_accuracy": ["factual_accuracy"],
        "quality_assurance": ["factual_accuracy", "quality_assurance"],
        "returned": ["factual_accuracy", "quality_assurance", "returned"],
        "approved": ["factual_accuracy", "quality_assurance", "approved"],
        "closed": ["factual_accuracy", "quality_assurance", "approved", "closed"],
    }[stage]
    for step in path:
        if step == "returned":
            _move(world, "in_review", world.qa, RETURN_REASON)
        elif step == "approved":
            helpers_rules.address_factors(world.review)  # api-v1.1 B: the action balance rule
            _move(world, "approved", world.qa)
        elif step == "closed":
            # api-v1.1 B: the owner marks it done, someone else verifies it, then it closes.
            action = world.action
            action_service.update_action(
                action_owner(),
                world.review,
                action,
                {"version": action.version, "status": "done", "completion_note": "Done."},
            )
            action_service.update_action(
                world.leadership,
                world.review,
                action,
                {"version": action.version, "status": "verified", "verification_note": "Seen."},
            )
            helpers_rules.verify_actions(world.review, world.qa)  # the agreed plan's too
            _move(world, "closed", world.leadership)
        else:
            if step == "quality_assurance":
                reply = findings.add_response(
                    world.caller, world.review, world.finding, {"body": "My reply."}
                )
                # api-v1.1 A: the reply gets its outcome (set directly until the replies
                # branch's service is merged) and the finding's subject has had their say.
                reply.outcome = "context_added"
                helpers_rules.nothing_to_add(world.review)
            _move(world, step)


# --- walking the routes -----------------------------------------------------------------------


def route_values(world: World) -> dict[str, list[Any]]:
    """Every real value of every URL parameter on this review (and the caller's own rows)."""
    review = world.review
    kinds = {
        "review_id": [review.id],
        "entry_id": [e.id for e in review.chronology],
        "context_id": [c.id for c in review.caseload_contexts],
        "factor_id": [f.id for f in review.systemic_factors],
        "finding_id": [f.id for f in review.findings],
        "response_id": [r.id for f in review.findings for r in f.responses],
        "statement_id": [s.id for s in review.statements],  # the caller's and the colleague's
        "action_id": [a.id for a in review.actions],
        "participant_id": [p.id for p in review.participants],
        "extension_id": [e.id for e in review.extensions],
        "contact_id": [c.id for c in review.family_contacts],
        "question_id": [q.id for q in review.family_questions],
        "user_id": [world.caller.id, world.colleague.id],
        "notification_id": list(
            db.session.scalars(
                select(Notification.id).where(Notification.user_id == world.caller.id)
            )
        ),
        "name": sorted(BUILDERS),
        "token": ["a-made-up-set-password-link"],  # the set-password page shows no review
        "step": [step.slug for step in JUST_CULTURE_STEPS],  # the assessment's question pages
        # the list of regions and PDUs (issue 19): admin pages, one real row of each
        "region_id": [db.session.scalars(select(Region.id).limit(1)).one()],
        "pdu_id": [db.session.scalars(select(Pdu.id).limit(1)).one()],
    }
    for kind in ("entry_id", "context_id", "factor_id", "finding_id", "statement_id"):
        assert kinds[kind], f"the world has no {kind}: the walk would miss its routes"
    return kinds


# The API's evidence routes share one parameter name; the endpoint says which rows it means.
ITEM_KINDS = {
    "api.chronology": "entry_id",
    "api.caseload_context": "context_id",
    "api.systemic_factor": "factor_id",
}


def urls_for(rule: Any, values: dict[str, list[Any]]) -> Iterator[str]:
    """The rule's path with every combination of real values (then its query variants)."""
    args = sorted(rule.arguments)
    choices = []
    for arg in args:
        kind = ITEM_KINDS.get(rule.endpoint, arg) if arg == "item_id" else arg
        if kind not in values:
            pytest.fail(f"{rule.endpoint}: teach the officer walk where to find <{arg}>")
        choices.append(values[kind])
    for combination in itertools.product(*choices):
        path = rule.build(dict(zip(args, combination, strict=True)), append_unknown=False)[1]
        yield path
        for query in QUERIES.get(rule.endpoint, []):
            yield f"{path}?{query}"


def get_routes(app: Flask, api: bool) -> list[Any]:
    rules = [
        r
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and r.endpoint != "static" and r.endpoint.startswith("api.") is api
    ]
    assert rules
    return rules


def answer_text(response: Any) -> str:
    """What a person gets: the body, with a PDF turned into its text."""
    body: bytes = response.get_data()
    if body.startswith(b"%PDF"):
        return subprocess.run(  # noqa: S603 - a fixed program on bytes we made
            ["pdftotext", "-", "-"], input=body, capture_output=True, check=True
        ).stdout.decode()
    return body.decode("utf-8", errors="replace")


def _number(value: int) -> re.Pattern[str]:
    # Not part of a longer number, word, id, token or path (a CSRF token may hold digits).
    return re.compile(rf"(?<![\w.+/=-]){value}(?![\w+/=-])")


def own_figures(text: str) -> set[int]:
    return {n for n in OWN.values() if _number(n).search(text)}


def leaks(text: str, words: tuple[str, ...]) -> list[str]:
    found = [w for w in words if w in text]
    found += [str(n) for n in NUMBERS if _number(n).search(text)]
    return found


def walk(client: FlaskClient, rules: list[Any], values: dict[str, list[Any]], **kw: Any) -> dict:
    """GET every URL of every rule; {url: (status, text)} (redirects followed)."""
    answers = {}
    for rule in rules:
        for url in urls_for(rule, values):
            response = client.get(url, follow_redirects=True, **kw)
            answers[url] = (response.status_code, answer_text(response))
    return answers


def _hidden_words(world: World, stage: str) -> tuple[str, ...]:
    words = world.always_hidden + (DRAFT if stage in DRAFT_STAGES else ())
    return words + ((RETURN_REASON,) if stage == "returned" else ())


# --- the tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", STAGES)
def test_an_officer_reaches_no_colleagues_working_conditions_nor_the_teams_material(
    app, client, login_as, world, stage
):
    advance(world, stage)
    values = route_values(world)
    hidden = _hidden_words(world, stage)

    # The sentinels are there to be found: the review team reads every one of them.
    team_token = users.issue_token(world.leadership)
    team = "".join(
        answer_text(
            client.get(
                f"/api/v1/reviews/{world.review.id}{part}",
                headers={"Authorization": f"Bearer {team_token}"},
            )
        )
        for part in ("", "/family-contacts", "/family-questions")  # the family's: their own
    )
    assert set(leaks(team, hidden)) == {*hidden, *map(str, NUMBERS)}

    token = users.issue_token(world.caller)
    login_as(user=world.caller)
    browser = walk(client, get_routes(app, api=False), values)
    api = walk(
        client,
        get_routes(app, api=True),
        values,
        headers={"Authorization": f"Bearer {token}"},
    )

    found = {url: leaks(text, hidden) for url, (_, text) in {**browser, **api}.items()}
    leaked = [f"{url}: {', '.join(words)}" for url, words in found.items() if words]
    assert not leaked, "An officer reads what they may not:\n" + "\n".join(leaked)
    # The walk reached the officer's own pages (a walk of 404s would prove nothing).
    opened = {url for url, (status, _) in {**browser, **api}.items() if status == 200}
    review = world.review.id
    assert {f"/reviews/{review}", f"/api/v1/reviews/{review}"} <= opened
    if stage not in DRAFT_STAGES:
        assert f"/reviews/{review}/findings/{world.finding.id}" in opened
        assert f"/api/v1/reviews/{review}/findings/{world.finding.id}" in opened

    # The caller's own working conditions are there wherever they are shown to them.
    own, everything = world.own_context.id, {**browser, **api}
    with_account = [
        f"/reviews/{review}/your-working-conditions",
        f"/api/v1/reviews/{review}",
        f"/api/v1/reviews/{review}/caseload-contexts",
        f"/api/v1/reviews/{review}/caseload-contexts/{own}",
    ]
    for url in with_account:
        status, text = everything[url]
        assert status == 200, url
        assert own_figures(text) == set(OWN.values()) and OWN_ACCOUNT in text, url
    if stage not in DRAFT_STAGES:  # the finding page prints the figures it weighs
        _, text = everything[f"/reviews/{review}/findings/{world.finding.id}"]
        assert own_figures(text) >= {OWN["caseload_count"], OWN["workload_percent"]}
    assert (
        everything[f"/api/v1/reviews/{review}/caseload-contexts/{world.colleagues_context.id}"][0]
        == 404
    )


def test_an_officer_gets_no_pdf_and_no_history(client, login_as, world):
    """Every report, in every variant and format, on both faces, and the audit trail: closed
    to a participant officer even once the approved PDFs are stored."""
    advance(world, "approved")
    review = world.review.id
    reports = [
        f"/reviews/{review}/reports",
        f"/reviews/{review}/history",
        *(f"/reviews/{review}/report.pdf?{q}" for q in QUERIES["reports.report"]),
        *(f"/reviews/{review}/reports/preparing?{q}" for q in QUERIES["reports.preparing"]),
    ]
    token = users.issue_token(world.caller)
    login_as(user=world.caller)
    for url in reports:
        response = client.get(url)
        assert response.status_code == 403 and not response.data.startswith(b"%PDF"), url
    for query in QUERIES["api.report"]:
        response = client.get(
            f"/api/v1/reviews/{review}/report.pdf?{query}",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 403 and not response.data.startswith(b"%PDF"), query
