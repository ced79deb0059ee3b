"""The figures served after random changes are exactly those of a fresh computation.

Random changes through the services (findings, their links, subjects and attributions,
systemic factors, caseload contexts added, edited and deleted, participants removed,
actions, the just-culture assessment, a review's region and PDU) and to review statuses
(on the row, as `settle` in conftest leaves them), one at a time; after each, the figures
the API and the dashboard are given (`themes.themes`, with the cache on: every section
that the change did not touch comes from the cache) must equal a fresh computation with
the cache off and the straightforward code kept below as the reference (the balance rule's
SQL and the action figures as they were before migration 0018; the findings, just-culture
and who-gets-blamed sections computed from the findings and participants themselves, as
before migration 0019, not from each review's stored counts).
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Select, and_, case, func, or_, select, tuple_

from sfo_review import lifecycle, vocab
from sfo_review.extensions import db
from sfo_review.lifecycle import BALANCE_NOTE_MIN
from sfo_review.models import (
    Action,
    CaseloadContext,
    Finding,
    FindingAttribution,
    JustCultureAssessment,
    Review,
    SystemicFactor,
)
from sfo_review.models.finding import (
    finding_caseload_contexts,
    finding_subjects,
    finding_systemic_factors,
)
from sfo_review.services import actions as action_service
from sfo_review.services import data_versions, evidence, findings, regions, reviews, themes
from sfo_review.services.figures import actions as action_figures
from sfo_review.services.figures import cache
from sfo_review.services.figures import just_culture as just_culture_figures
from sfo_review.services.figures import scope as figure_scope
from sfo_review.services.figures.scope import Scope
from sfo_review.sqlfuncs import stripped_length
from tests.dashboard import reference_attribution
from tests.dashboard.conftest import CONTEXT, NOTE_100

SCOPES: tuple[dict[str, str], ...] = ({}, {"region": "Wales"}, {"region": "London"})
EDITABLE = "in_review"


def _reference_weighed_sql() -> Any:
    """The balance rule's SQL before 0018 (an uncorrelated NOT IN over pairs)."""
    subject = finding_subjects.alias("subject")
    context = CaseloadContext.__table__.alias("subject_context")
    linked = finding_caseload_contexts.alias("linked_context")
    linked_context = CaseloadContext.__table__.alias("linked_subject_context")
    has_context = select(context.c.participant_id)
    linked_pairs = select(linked.c.finding_id, linked_context.c.participant_id).join(
        linked_context, linked_context.c.id == linked.c.caseload_context_id
    )
    missing = select(subject.c.finding_id).where(
        subject.c.participant_id.in_(has_context),
        tuple_(subject.c.finding_id, subject.c.participant_id).not_in(linked_pairs),
    )
    return or_(
        stripped_length(Finding.context_note) >= BALANCE_NOTE_MIN,
        and_(
            Finding.id.in_(select(finding_systemic_factors.c.finding_id)),
            Finding.id.not_in(missing),
        ),
    )


def _reference_findings(scope: Scope) -> dict[str, Any]:
    """The findings section before 0019: the balance rule over every finding in scope."""
    counts = dict(
        db.session.execute(
            scope.restrict(
                select(FindingAttribution.attribution, func.count())
                .join(Finding, Finding.id == FindingAttribution.finding_id)
                .join(Review, Review.id == Finding.review_id)
                .group_by(FindingAttribution.attribution)
            )
        ).all()
    )
    individual = lifecycle.finding_is_individual_sql()
    individual_only = individual & Finding.id.not_in(
        select(FindingAttribution.finding_id).where(FindingAttribution.attribution != "individual")
    )
    weighed = individual & _reference_weighed_sql()

    def how_many(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rows = {
        status: tuple(int(n) for n in numbers)
        for status, *numbers in db.session.execute(
            scope.restrict(
                select(
                    Review.status,
                    func.count(Finding.id),
                    how_many(individual),
                    how_many(individual_only),
                    how_many(weighed),
                )
                .join(Review, Review.id == Finding.review_id)
                .group_by(Review.status)
            )
        )
    }
    total = sum(r[0] for r in rows.values())
    individuals = sum(r[1] for r in rows.values())
    weighed_ = sum(r[3] for r in rows.values())
    share = figure_scope.share
    return {
        "attribution": {
            "findings": total,
            "individual_only": sum(r[2] for r in rows.values()),
            "items": [
                {
                    "key": c.key,
                    "label": c.label,
                    "count": counts.get(c.key, 0),
                    "share": share(counts.get(c.key, 0), total),
                }
                for c in vocab.ATTRIBUTIONS
            ],
        },
        "balance": {
            "individual_findings": individuals,
            "weighed": weighed_,
            "share": share(weighed_, individuals),
            "by_status": [
                {
                    "key": c.key,
                    "label": c.label,
                    "individual_findings": rows.get(c.key, (0, 0, 0, 0))[1],
                    "weighed": rows.get(c.key, (0, 0, 0, 0))[3],
                    "share": share(
                        rows.get(c.key, (0, 0, 0, 0))[3], rows.get(c.key, (0, 0, 0, 0))[1]
                    ),
                }
                for c in vocab.STATUSES
            ],
        },
    }


def _reference_just_culture_counts(scope: Scope) -> dict[tuple[str, str], int]:
    """The just-culture counts before 0019: every individual shortfall finding in scope."""
    outcome = func.coalesce(JustCultureAssessment.outcome, "not_assessed")
    rows = db.session.execute(
        scope.restrict(
            select(Review.status, outcome, func.count(Finding.id))
            .join(Review, Review.id == Finding.review_id)
            .outerjoin(JustCultureAssessment, JustCultureAssessment.finding_id == Finding.id)
            .where((Finding.judgement == "insufficient") & lifecycle.finding_is_individual_sql())
            .group_by(Review.status, outcome)
        )
    )
    return {(status, key): int(n) for status, key, n in rows}


def _reference_actions(scope: Scope) -> dict[str, Any]:
    """The action figures before 0018: one query by level, one by owner."""

    def in_scope(query: Select[Any]) -> Select[Any]:
        return scope.restrict(
            query.join(Review, Review.id == Action.review_id).where(
                Review.status.in_(lifecycle.FINISHED)
            )
        )

    def tally(column: Any) -> dict[str, dict[str, int]]:
        overdue = and_(~Action.status.in_(lifecycle.COMPLETED), Action.due_date < _today())
        inner = in_scope(
            select(
                column.label("key"),
                Action.status.label("status"),
                case((overdue, 1), else_=0).label("overdue"),
            )
        ).subquery()
        groups: dict[str, dict[str, int]] = defaultdict(
            lambda: {"open": 0, "overdue": 0, "done": 0, "total": 0}
        )
        for key, status, late, n in db.session.execute(
            select(inner.c.key, inner.c.status, inner.c.overdue, func.count()).group_by(
                inner.c.key, inner.c.status, inner.c.overdue
            )
        ):
            groups[key]["total"] += n
            groups[key]["done" if status in lifecycle.COMPLETED else "open"] += n
            groups[key]["overdue"] += n * late
        return groups

    none = {"open": 0, "overdue": 0, "done": 0, "total": 0}
    levels, owners = tally(Action.level), tally(Action.owner)
    by_level = [
        {"key": c.key, "label": c.label, **levels.get(c.key, none)} for c in vocab.ACTION_LEVELS
    ]
    by_owner = sorted(
        ({"owner": o, **n} for o, n in owners.items()),
        key=lambda o: (-o["overdue"], -o["open"], o["owner"]),
    )
    return {
        **{k: sum(level[k] for level in by_level) for k in ("total", "open", "overdue", "done")},
        "by_level": by_level,
        "by_owner": by_owner,
    }


def _today() -> Any:
    from sfo_review import clock

    return clock.today()


def _plain(figures: dict[str, Any]) -> Any:
    return json.loads(json.dumps(figures))


@pytest.fixture
def reference(app, monkeypatch) -> Callable[[Any, dict[str, str]], Any]:
    """A fresh computation: the cache off, the reference SQL in place."""

    def compute(leader: Any, filters: dict[str, str]) -> Any:
        with monkeypatch.context() as m:
            m.setitem(app.config, "FIGURES_CACHE_SECONDS", 0)
            m.setattr(lifecycle, "finding_is_weighed_sql", _reference_weighed_sql)
            m.setattr(themes, "actions", lambda scope, _rows=None: _reference_actions(scope))
            m.setattr(action_figures, "actions", _reference_actions)
            m.setattr(themes, "findings", _reference_findings)
            m.setattr(
                themes, "individual_attribution", reference_attribution.individual_attribution
            )
            m.setattr(just_culture_figures, "_counts", _reference_just_culture_counts)
            return _plain(themes.themes(leader, filters))

    return compute


@contextmanager
def _editable(review: Review) -> Iterator[None]:
    """Content can only be edited in review: put the review there for the change (itself a
    change of status the figures must follow), and back afterwards."""
    was = review.status
    if was == EDITABLE:  # no change of status: only the sections the change reads move
        yield
        return
    review.status = EDITABLE
    db.session.commit()
    yield
    review.status = was
    db.session.commit()


class Changes:
    def __init__(self, rng: random.Random, reviews_: list[Review], builder: Any) -> None:
        self.rng = rng
        self.reviews = reviews_
        self.b = builder
        self.reviewer = builder.reviewer

    def _some(self) -> list[Review]:
        """Half the time only the reviews in review (edited without a change of status)."""
        editable = [r for r in self.reviews if r.status == EDITABLE]
        return editable if editable and self.rng.random() < 0.5 else self.reviews

    def review(self) -> Review:
        """Half the time the review in review (no change of status needed to edit it)."""
        editable = [r for r in self.reviews if r.status == EDITABLE]
        if editable and self.rng.random() < 0.5:
            return self.rng.choice(editable)
        return self.rng.choice(self.reviews)

    def add_finding(self) -> str:
        review = self.review()
        attribution = self.rng.sample(
            ["individual", "team", "organisational", "national"], self.rng.randint(1, 2)
        )
        if "individual" in attribution and not review.participants:
            attribution = ["team"]
        links: dict[str, Any] = {}
        if review.systemic_factors and self.rng.random() < 0.5:
            links["systemic_factor_ids"] = [review.systemic_factors[0].id]
        if self.rng.random() < 0.3:
            links["context_note"] = NOTE_100
        with _editable(review):
            self.b.finding(review, attribution, **links)
        return f"finding added to {review.reference} ({attribution})"

    def edit_finding(self) -> str:
        found = [(r, f) for r in self._some() for f in r.findings]
        if not found:
            return self.add_finding()
        review, finding = self.rng.choice(found)
        change: dict[str, Any] = self.rng.choice(
            [
                {"judgement": "sufficient"},
                {"judgement": "insufficient"},
                {"context_note": NOTE_100},
                {"context_note": ""},
                {"title": "A new title"},
            ]
        )
        with _editable(review):
            findings.update_finding(
                self.reviewer, review, finding, {**change, "version": finding.version}
            )
        return f"finding {finding.id} of {review.reference} edited: {change}"

    def delete_finding(self) -> str:
        found = [(r, f) for r in self.reviews for f in r.findings]
        if not found:
            return self.add_finding()
        review, finding = self.rng.choice(found)
        with _editable(review):
            findings.delete_finding(self.reviewer, review, finding)
        return f"finding {finding.id} of {review.reference} deleted"

    def add_factor(self) -> str:
        review = self.review()
        category = self.rng.choice(vocab.SYSTEMIC_FACTOR_CATEGORIES).key
        level = self.rng.choice(vocab.FACTOR_LEVELS).key
        with _editable(review):
            self.b.factor(review, category, level)
        return f"factor {category}/{level} added to {review.reference}"

    def edit_or_delete_factor(self) -> str:
        found: list[tuple[Review, SystemicFactor]] = [
            (r, f) for r in self.reviews for f in r.systemic_factors
        ]
        if not found:
            return self.add_factor()
        review, factor = self.rng.choice(found)
        with _editable(review):
            if self.rng.random() < 0.5:
                category = self.rng.choice(vocab.SYSTEMIC_FACTOR_CATEGORIES).key
                evidence.update_evidence(
                    self.reviewer, review, factor, {"category": category, "version": factor.version}
                )
                return f"factor {factor.id} of {review.reference} now {category}"
            evidence.delete_evidence(self.reviewer, review, factor)
        return f"factor {factor.id} of {review.reference} deleted"

    def add_context(self) -> str:
        review = self.review()
        with _editable(review):
            self.b.context(
                review, self.rng.randint(20, 90), self.rng.randint(60, 160), self.rng.randint(0, 8)
            )
        return f"caseload context added to {review.reference}"

    def add_context_for_someone(self) -> str:
        """Another caseload context for a participant already on the review (perhaps a
        finding's subject, whose context the finding does not link yet)."""
        people = [(r, p) for r in self._some() for p in r.participants]
        if not people:
            return self.add_context()
        review, person = self.rng.choice(people)
        values = {
            **CONTEXT,
            "participant_id": person.id,
            "period_end": self.rng.choice(["2025-10-01", "2025-12-01"]),
            "caseload_count": self.rng.randint(20, 90),
            "workload_percent": self.rng.randint(60, 160),
            "management_oversight_sessions": 2,
        }
        with _editable(review):
            evidence.add_caseload_context(self.reviewer, review, values)
        return f"caseload context added for participant {person.id} of {review.reference}"

    def edit_context(self) -> str:
        found = [(r, c) for r in self.reviews for c in r.caseload_contexts]
        if not found:
            return self.add_context()
        review, context = self.rng.choice(found)
        change = {"caseload_count": self.rng.randint(20, 90), "version": context.version}
        with _editable(review):
            evidence.update_evidence(self.reviewer, review, context, change)
        return f"caseload context {context.id} of {review.reference} now {change}"

    def relink_finding(self) -> str:
        """A finding's attribution, subjects, linked factors and caseload contexts changed:
        each can change whether its context was weighed, or whether it is an individual
        shortfall finding."""
        found = [(r, f) for r in self._some() for f in r.findings]
        if not found:
            return self.add_finding()
        review, finding = self.rng.choice(found)
        rng = self.rng
        attribution = rng.sample(["individual", "team", "organisational"], rng.randint(1, 2))
        people = review.participants
        subjects = rng.sample(people, rng.randint(1, len(people))) if people else []
        if not subjects:
            attribution = ["team"]
        factors = [f.id for f in review.systemic_factors if rng.random() < 0.5]
        contexts = [c.id for c in review.caseload_contexts if rng.random() < 0.5]
        change = {
            "attribution": attribution,
            "subject_participant_ids": [p.id for p in subjects]
            if "individual" in attribution
            else [],
            "systemic_factor_ids": factors,
            "caseload_context_ids": contexts,
        }
        with _editable(review):
            findings.update_finding(
                self.reviewer, review, finding, {**change, "version": finding.version}
            )
        return f"finding {finding.id} of {review.reference} relinked: {change}"

    def assess(self) -> str:
        """A just-culture answer given: the outcome of an individual shortfall finding."""
        found = [
            (r, f)
            for r in self._some()
            for f in r.findings
            if f.judgement == "insufficient" and "individual" in f.attribution
        ]
        if not found:
            return self.relink_finding()
        review, finding = self.rng.choice(found)
        answers = {"deliberate_harm": "no", "health_factors": self.rng.choice(["yes", "no"])}
        with _editable(review):
            findings.set_just_culture(self.reviewer, review, finding, answers, finding.version)
        return f"finding {finding.id} of {review.reference} assessed: {answers}"

    def delete_context(self) -> str:
        """A caseload context deleted (its links to findings go with it)."""
        found = [(r, c) for r in self.reviews for c in r.caseload_contexts]
        if not found:
            return self.add_context()
        review, context = self.rng.choice(found)
        with _editable(review):
            evidence.delete_evidence(self.reviewer, review, context)
        return f"caseload context {context.id} of {review.reference} deleted"

    def remove_participant(self) -> str:
        """A participant removed (their contexts and their being a subject go with them)."""
        found = [
            (r, p)
            for r in self.reviews
            for p in r.participants
            if reviews.why_participant_stays(r, p) is None
        ]
        if not found:
            return self.add_context()
        review, person = self.rng.choice(found)
        with _editable(review):
            reviews.remove_participant(self.reviewer, review, person)
        return f"participant {person.id} removed from {review.reference}"

    def add_action(self) -> str:
        review = self.review()
        if not (review.findings or review.systemic_factors):
            return self.add_factor()  # an action answers a finding or a factor
        level = self.rng.choice(vocab.ACTION_LEVELS).key
        owner = self.rng.choice(["Head of PDU", "HMPPS policy", "Regional director"])
        due = self.rng.choice(["2026-01-15", "2026-06-29", "2026-06-30", "2026-12-01"])
        with _editable(review):
            self.b.action(review, level, owner, due)
        return f"action {level}/{owner}/{due} added to {review.reference}"

    def edit_action(self) -> str:
        found = [(r, a) for r in self.reviews for a in r.actions]
        if not found:
            return self.add_action()
        review, action = self.rng.choice(found)
        if review.status == EDITABLE and self.rng.random() < 0.5:
            change = {
                "owner": self.rng.choice(["Head of PDU", "Chief probation officer"]),
                "level": self.rng.choice(vocab.ACTION_LEVELS).key,
                "due_date": self.rng.choice(["2026-02-01", "2026-08-01"]),
            }
            change["review_date"] = change["due_date"].replace("2026", "2027")
            action_service.update_action(
                self.reviewer, review, action, {**change, "version": action.version}
            )
            return f"action {action.id} of {review.reference} edited: {change}"
        # An agreed plan's action moves on (its owner's updates; as the fixture leaves them).
        action.status = self.rng.choice(["not_started", "in_progress", "done", "verified"])
        action.due_date = self.rng.choice([date(2026, 1, 1), date(2026, 6, 29), date(2026, 9, 1)])
        action.owner = self.rng.choice(["Head of PDU", "HMPPS policy", "Regional director"])
        db.session.commit()
        return f"action {action.id} of {review.reference} now {action.status}"

    def status(self) -> str:
        review = self.review()
        review.status = self.rng.choice(vocab.STATUSES).key
        db.session.commit()
        return f"{review.reference} now {review.status}"

    def region(self) -> str:
        review = self.review()
        region, pdu = self.rng.choice(regions.areas())
        with _editable(review):
            reviews.update_review(
                self.reviewer, review, {"region": region, "pdu": pdu, "version": review.version}
            )
        return f"{review.reference} moved to {region}/{pdu}"

    def all(self) -> list[Callable[[], str]]:
        return [
            self.add_finding,
            self.edit_finding,
            self.delete_finding,
            self.add_factor,
            self.edit_or_delete_factor,
            self.add_context,
            self.add_context_for_someone,
            self.edit_context,
            self.relink_finding,
            self.assess,
            self.delete_context,
            self.remove_participant,
            self.add_action,
            self.edit_action,
            self.status,
            self.region,
        ]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_served_figures_equal_a_fresh_computation_after_every_change(
    seed, five_reviews, make_user, reference
):
    leader = make_user("leadership")
    rng = random.Random(seed)
    changes = Changes(rng, five_reviews["reviews"], five_reviews["builder"])
    for filters in SCOPES:  # every section cached before the first change
        assert _plain(themes.themes(leader, filters)) == reference(leader, filters)
    for step in range(40):
        done = rng.choice(changes.all())()
        for filters in SCOPES:
            served = _plain(themes.themes(leader, filters))
            assert served == reference(leader, filters), (seed, step, done, filters)
        everywhere = {(r.region, r.pdu) for r in db.session.scalars(select(Review))}
        assert set(themes.areas(leader)) == everywhere, (seed, step, done)


def test_a_change_moves_only_the_sections_that_read_it(five_reviews, make_user):
    """An action added moves the action figures' version (and the owners'), not the
    others; a review's judgement and a finding's title are read by no figure and move none;
    a finding's context note moves only the findings (the balance rule)."""
    review = five_reviews["reviews"][3]
    before = cache.section_versions()
    five_reviews["builder"].action(review, "pdu", "Head of PDU", "2026-09-01")
    after = cache.section_versions()
    moved = {s for s in cache.SECTIONS if after[s] != before[s]}
    assert moved == {"actions", "owners"}
    reviews.update_review(
        five_reviews["builder"].reviewer,
        review,
        {"overall_judgement": "A judgement.", "version": review.version},
    )
    assert cache.section_versions() == after
    finding = review.findings[0]
    builder = five_reviews["builder"]
    findings.update_finding(
        builder.reviewer, review, finding, {"title": "Renamed", "version": finding.version}
    )
    assert cache.section_versions() == after  # a finding's title: no figure reads it
    findings.update_finding(
        builder.reviewer, review, finding, {"context_note": NOTE_100, "version": finding.version}
    )
    noted = cache.section_versions()
    assert {s for s in cache.SECTIONS if noted[s] != after[s]} == {"findings"}
    findings.update_finding(
        builder.reviewer, review, finding, {"judgement": "sufficient", "version": finding.version}
    )
    judged = cache.section_versions()
    moved = {s for s in cache.SECTIONS if judged[s] != noted[s]}
    assert moved == {"findings", "just_culture", "attribution"}
    review.region, review.pdu = "London", "Hackney and City"
    db.session.commit()
    assert all(v > judged[s] for s, v in cache.section_versions().items())


def test_an_action_moves_only_the_counter_of_its_reviews_bucket(five_reviews):
    """The action figures are kept in buckets of reviews (cache.BUCKETS): an action added
    moves its review's bucket counter and no other; a change to a review moves the
    buckets' shared version (`action_reviews`) instead."""
    review = five_reviews["reviews"][3]

    def counters() -> dict[int, int | None]:
        return {
            b: data_versions.read(cache.section_name(cache.bucket_name(b)))
            for b in range(cache.BUCKETS)
        }

    before, shared = counters(), cache.section_versions()["action_reviews"]
    five_reviews["builder"].action(review, "pdu", "Head of PDU", "2026-09-01")
    after = counters()
    assert {b for b in after if after[b] != before[b]} == {review.id % cache.BUCKETS}
    assert cache.section_versions()["action_reviews"] == shared
    review.region, review.pdu = "London", "Hackney"
    db.session.commit()
    assert cache.section_versions()["action_reviews"] == shared + 1


def test_a_pdu_renamed_or_resolved_behind_the_orm_moves_every_section(
    five_reviews, make_user, reference
):
    """Renaming a listed region or PDU, or mapping a PDU typed before the list onto it,
    updates the reviews in one statement (no ORM event): each moves every section itself."""
    from sfo_review.models import Pdu, Region

    leader, admin = make_user("leadership"), make_user("admin")
    for filters in SCOPES:
        themes.themes(leader, filters)
    wales = db.session.scalars(select(Region).where(Region.name == "Wales")).one()
    regions.rename_region(admin, wales, {"name": "Cymru"})
    for filters in ({}, {"region": "Cymru"}):
        assert _plain(themes.themes(leader, filters)) == reference(leader, filters)
    pdu = db.session.scalars(select(Pdu).where(Pdu.name == "Gwent")).one()
    regions.rename_pdu(admin, pdu, {"name": "Gwent and Monmouth"})
    for filters in SCOPES:
        assert _plain(themes.themes(leader, filters)) == reference(leader, filters)
    review = five_reviews["reviews"][0]
    review.pdu = "Camden (typed before the list)"
    db.session.commit()
    for filters in SCOPES:
        themes.themes(leader, filters)
    regions.resolve_pdu(
        admin,
        {"region": "London", "value": review.pdu, "pdu": "Hackney and City"},
    )
    for filters in SCOPES:
        assert _plain(themes.themes(leader, filters)) == reference(leader, filters)
