"""`flask seed-bulk --reviews N`: realistic synthetic reviews that obey every rule real ones do."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest
from sqlalchemy import delete, select

from sfo_review import lifecycle, vocab
from sfo_review.cli import bulk_data
from sfo_review.extensions import db
from sfo_review.models import ActionRecurrence, DeadlineExtension, Review, User
from sfo_review.services import reviews as review_service
from sfo_review.services import themes
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
            # api-v1.1 C: rated at approval, on every standard and overall, by the approver
            assert {x.standard for x in r.ratings} == set(vocab.keys(vocab.RATING_STANDARDS))
            assert all(
                x.rating in vocab.keys(vocab.RATINGS)
                and len(x.rationale) >= 20
                and x.rated_by_id == r.approved_by_id
                and x.rated_at == r.approved_at
                for x in r.ratings
            ), r.reference
        else:
            assert not r.ratings
        if r.status == "closed":  # closing needs every action verified (api-v1.1 B)
            assert r.actions and all(
                lifecycle.is_verified(a) and a.completion_note for a in r.actions
            )
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


# --- api-v1.1 B: actions that stick, recurrences, who gets blamed ---------------------------
ADDRESSES = {
    "team": {"pdu", "regional", "national"},
    "organisational": {"regional", "national"},
    "partnership": {"regional", "national"},
    "national": {"national"},
}


def test_actions_have_owners_factors_measures_and_verifiers(seeded):
    leaders = set(db.session.scalars(select(User.id).where(User.role == "leadership")))
    checkers = leaders | set(
        db.session.scalars(select(User.id).where(User.role == "quality_assurer"))
    )
    statuses = set()
    for r in db.session.scalars(select(Review)):
        for a in r.actions:
            statuses.add(a.status)
            assert a.owner_id in leaders and a.owner
            assert a.success_measure and a.review_date and a.review_date >= a.due_date
            assert a.systemic_factors or a.findings
            assert all(f.review_id == r.id for f in a.systemic_factors)
            if lifecycle.is_verified(a):
                assert a.verified_by_id in checkers and a.verified_by_id != a.owner_id
                assert a.verification_note and a.verified_at >= a.completed_at
            if lifecycle.is_done(a):
                assert a.completion_note and a.completed_at
            if r.status in ("approved", "closed"):
                assert a.agreed_at is None or a.agreed_at == r.approved_at
            else:
                assert a.agreed_at is None and a.status == "open"
    assert statuses == {"open", "in_progress", "done", "verified"}


def test_approved_plans_obey_the_action_balance_rule(seeded):
    checked = 0
    for r in db.session.scalars(select(Review).where(Review.status.in_(["approved", "closed"]))):
        blamed = {
            f.id
            for finding in r.findings
            if finding.judgement == "insufficient"
            for f in finding.systemic_factors
        }
        for factor in r.systemic_factors:
            if factor.id in blamed:
                levels = {a.level for a in r.actions if factor in a.systemic_factors}
                assert levels & ADDRESSES[factor.level], (r.reference, factor.category)
                checked += 1
        assert any(a.agreed_at for a in r.actions)
    assert checked


def test_recurrences_follow_the_rule(app, db):
    assert seed(app, "--reviews", "300", "--seed", "3").exit_code == 0
    found = list(db.session.scalars(select(ActionRecurrence)))
    assert found
    for rec in found:
        later, action = rec.review, rec.action
        earlier = action.review
        assert later.pdu == earlier.pdu and later.id != earlier.id
        assert later.status in ("approved", "closed") and earlier.status in ("approved", "closed")
        assert earlier.approved_at < later.approved_at
        assert lifecycle.is_done(action)
        assert action.completed_at.date() < later.notification_date
        assert rec.category in {f.category for f in action.systemic_factors}
        assert rec.category in {f.category for f in later.systemic_factors}
        assert rec.recorded_at == later.approved_at


def test_blame_falls_more_on_people_new_in_role(app, db):
    assert seed(app, "--reviews", "300", "--seed", "3").exit_code == 0
    leader = db.session.scalar(select(User).where(User.role == "leadership"))
    a = themes.themes(leader, {})["individual_attribution"]
    months = a["by_months_in_role"]
    assert a["subjects"] > 20
    new_blamed = months["subjects"]["under_12"] / a["subjects"]
    new_all = months["all"]["under_12"] / a["participants"]
    assert new_blamed > new_all * 1.3
    assert a["by_just_culture_outcome"]["system_learning"] > 0


# --- issue 21: a review with a long chronology ------------------------------------------


def test_a_long_chronology_alone(app, db):
    result = seed(app, "--long-chronology", "1500", "--seed", "3")
    assert result.exit_code == 0, result.output
    review = db.session.scalar(select(Review))
    assert f"Long chronology: review {review.reference} (id {review.id}), 1,500 entries" in (
        result.output
    )
    assert review.status == "in_review"  # still being written: its chronology can change
    entries = review.chronology
    assert len(entries) == 1500
    dates = [e.occurred_on for e in entries]
    assert (max(dates) - min(dates)).days > 4 * 365  # years of contacts
    assert max(dates) <= review.charge_date
    assert len({e.source for e in entries}) >= 6
    significant = sum(e.significant for e in entries)
    assert 0 < significant < len(entries) / 5
    assert {e.known_at_the_time for e in entries} == {"yes", "no", "unclear"}
    lengths = sorted(len(e.summary) for e in entries)
    assert lengths[0] < 80 and lengths[-1] > 300
    assert any("\n\n" in e.summary for e in entries)
    # its findings link to entries of its own chronology, as any review's do
    for finding in review.findings:
        assert all(e.review_id == review.id for e in finding.chronology_entries)


def test_a_long_chronology_beside_bulk_reviews(app, db):
    result = seed(app, "--reviews", "20", "--long-chronology", "200")
    assert result.exit_code == 0, result.output
    assert "Added 21 reviews" in result.output
    counts = sorted(len(r.chronology) for r in db.session.scalars(select(Review)))
    assert counts[-1] == 200 and counts[-2] < 20


@pytest.mark.parametrize("value", ["19", "20001", "abc", "-1"])
def test_a_bad_long_chronology_is_refused(app, db, value):
    result = seed(app, "--long-chronology", value)
    assert result.exit_code == 2
    assert "Invalid value for '--long-chronology'" in result.output
    assert db.session.query(Review).count() == 0


def test_seed_bulk_needs_something_to_add(app, db):
    result = seed(app)
    assert result.exit_code == 2
    assert "Give --reviews N, --long-chronology N or both." in result.output
