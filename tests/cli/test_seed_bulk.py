"""`flask seed-bulk --reviews N`: realistic synthetic reviews that obey every rule real ones do."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest
from sqlalchemy import delete, select

from sfo_review import lifecycle
from sfo_review.cli import bulk_data
from sfo_review.extensions import db
from sfo_review.models import DeadlineExtension, Review, User
from sfo_review.services import reviews as review_service
from tests.conftest import REVIEW_DATA


def seed(app, *args: str):
    db.session.commit()
    return app.test_cli_runner().invoke(args=["seed-bulk", *args])


def digest() -> str:
    rows = db.session.execute(
        select(
            Review.reference,
            Review.region,
            Review.pdu,
            Review.status,
            Review.notification_date,
            Review.effective_due_date,
        ).order_by(Review.reference)
    ).all()
    factors = [
        tuple(sorted((f.category, f.level) for f in r.systemic_factors))
        for r in db.session.scalars(select(Review).order_by(Review.reference))
    ]
    return hashlib.sha256(repr((rows, factors)).encode()).hexdigest()


@pytest.fixture
def seeded(app, db):
    result = seed(app, "--reviews", "60", "--seed", "5")
    assert result.exit_code == 0, result.output
    return result


def test_it_says_what_it_added_and_how_long_it_took(seeded):
    assert re.search(r"Added 60 reviews \([\d,]+ rows\) in \d+\.\d s \(seed 5\)\.", seeded.output)
    assert "bulk-leadership-1@example.gov.uk" in seeded.output


def test_every_review_has_everything_a_review_has(seeded):
    regions = {name: set(pdus) for name, _, pdus in bulk_data.REGIONS}
    items = list(db.session.scalars(select(Review)))
    assert len(items) == 60 and len({r.reference for r in items}) == 60
    for r in items:
        assert re.fullmatch(r"SFO-\d{4}-\d{4}", r.reference)
        assert r.pdu in regions[r.region]
        assert r.notification_date < date.today() and r.charge_date <= r.notification_date
        assert any(p.role_in_case == "responsible_officer" for p in r.participants)
        assert r.chronology and r.caseload_contexts and r.systemic_factors
        assert len(r.findings) >= 2 and all(f.chronology_entries for f in r.findings)
    assert len({r.region for r in items}) >= 6
    assert {r.status for r in items} >= {"in_review", "approved"}


def test_reviews_past_each_gate_obey_its_rules(seeded):
    seen = set()
    for r in db.session.scalars(select(Review)):
        seen.add(r.status)
        if r.status != "in_review":  # it went to factual accuracy: that gate's rules held
            status = r.status
            assert lifecycle.unmet_rules(_at(r, "in_review"), "factual_accuracy") == []
            r.status = status
        if r.status in ("quality_assurance", "approved", "closed"):
            assert all(lifecycle.finding_is_balanced(f) for f in r.findings), r.reference
            # it went to quality assurance: every rule of that gate held (api-v1.1 A)
            status = r.status
            assert lifecycle.unmet_rules(_at(r, "factual_accuracy"), "quality_assurance") == []
            r.status = status
            assert r.overall_judgement and r.countersigner_id
        if r.status in ("approved", "closed"):
            assert r.approved_at and r.approved_by_id == r.countersigner_id
            assert r.approved_at.date() > r.notification_date
        if r.status == "closed":
            assert r.actions and all(a.status == "done" and a.completion_note for a in r.actions)
        agreed = [e for e in r.extensions if e.status == "agreed"]
        expected = agreed[-1].new_due_date if agreed else r.due_date
        assert r.effective_due_date == expected, r.reference
    assert seen >= {"in_review", "approved", "closed"}
    db.session.rollback()


def _at(review: Review, status: str) -> Review:
    review.status = status  # only to ask the transition table; rolled back after the test
    return review


def test_the_same_seed_gives_the_same_reviews(app, seeded):
    first = digest()
    db.session.execute(delete(DeadlineExtension))
    db.session.execute(delete(Review))
    db.session.commit()
    assert seed(app, "--reviews", "60", "--seed", "5").exit_code == 0
    assert digest() == first
    assert seed(app, "--reviews", "5", "--seed", "6").exit_code == 0  # more, never clashing
    assert db.session.query(Review).count() == 65


def test_users_are_reused_and_new_reviews_get_fresh_ids(app, seeded):
    users = db.session.query(User).count()
    assert seed(app, "--reviews", "3", "--seed", "9").exit_code == 0
    assert db.session.query(User).count() == users
    reviewer = db.session.scalar(select(User).where(User.role == "reviewer"))
    made = review_service.create_review(reviewer, REVIEW_DATA)  # sequences moved past the ids
    assert made.id == max(r.id for r in db.session.scalars(select(Review)))


@pytest.mark.parametrize("value", ["0", "-3", "abc", "50001", ""])
def test_a_bad_number_of_reviews_is_refused(app, db, value):
    result = seed(app, "--reviews", value)
    assert result.exit_code == 2
    assert "Invalid value for '--reviews'" in result.output
    assert db.session.query(Review).count() == 0
