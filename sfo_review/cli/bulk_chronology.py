"""`flask seed-bulk --long-chronology N`: one review still being written whose chronology has
N entries — a long supervision's contact log, years of it — for the paged chronology page,
its timeline and the full PDF at that size (issue 21).

The entries read like a contact log: most are routine (appointments kept, checks made,
letters sent), from several sources, over years before the offence; a few are significant;
whether each was known to the practitioner at the time varies; the text runs from one line
to several paragraphs.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sfo_review.cli import bulk_data as data
from sfo_review.cli.bulk_data import stamps

if TYPE_CHECKING:
    from sfo_review.cli.bulk_reviews import ReviewMaker

# Sources of a contact log, weighted: probation's own records most of all.
SOURCES: tuple[tuple[str, int], ...] = (
    ("Probation", 52),
    ("Police", 12),
    ("Prison", 6),
    ("Children's services", 8),
    ("Health", 7),
    ("Court", 4),
    ("MAPPA", 3),
    ("Approved premises", 4),
    ("Housing", 4),
)
KNOWN: tuple[tuple[str, int], ...] = (("yes", 70), ("no", 18), ("unclear", 12))
ROUTINE = (
    "Reporting appointment kept; no concerns raised.",
    "Telephone contact; said work is going well and he is looking for a flat.",
    "Missed appointment; a letter sent offering another date.",
    "Appointment rearranged at his request because of a medical appointment.",
    "Drug test negative.",
    "Accredited programme session attended; engaged well according to the facilitator.",
    "Home visit carried out with a colleague; the address was tidy and no one else present.",
    "Police intelligence check made; nothing new recorded.",
    "Children's services check made; the case remains closed to them.",
    "Text message reminder of the next appointment sent.",
    "Supervision plan reviewed with him; objectives unchanged.",
    "Letter received from his GP confirming medication.",
    "Housing officer called to say the tenancy is at risk because of arrears.",
    "Unpaid work hours completed this week: six.",
)
SIGNIFICANT = (
    "Police shared a domestic abuse call-out to his partner's address; no arrest was made.",
    "Partner disclosed controlling behaviour during a joint visit; a safety plan was not made.",
    "Risk of serious harm assessment reviewed and left at medium despite new information.",
    "Case transferred to a new officer; the handover note did not mention the partner.",
    "Breach proceedings considered after three missed appointments and not started.",
    "MAPPA referral discussed with the senior probation officer; not made.",
    "Released on licence; the prison's handover arrived after release.",
)
DETAIL = (
    "The officer recorded the contact the same day.",
    "The senior probation officer was not told.",
    "No further action was recorded.",
    "The record does not say whether the partner was present.",
    "The next appointment was set for two weeks later.",
    "The officer had 61 cases at the time and two trainees to support.",
    "The information was sent by secure email and filed without comment.",
    "He said he had been drinking less since he started work.",
    "The case note refers to a telephone call that is not otherwise recorded.",
    "The team's duty officer handled the contact because the officer was on leave.",
)
YEARS = 6  # the log runs over this many years before the offence


def _summary(maker: ReviewMaker, significant: bool) -> str:
    rng = maker.rng
    first = rng.choice(SIGNIFICANT if significant else ROUTINE + data.CHRONOLOGY)
    shape = rng.random()
    if shape < 0.55:  # one line
        return first
    if shape < 0.9:  # a few sentences
        return " ".join([first, *rng.sample(DETAIL, rng.randrange(1, 4))])
    # several paragraphs: a pasted case note
    paragraphs = [
        " ".join([first, *rng.sample(DETAIL, rng.randrange(2, 5))]),
        *(" ".join(rng.sample(DETAIL, rng.randrange(2, 6))) for _ in range(rng.randrange(1, 4))),
    ]
    return "\n\n".join(paragraphs)


def add_long_chronology(maker: ReviewMaker, rows: dict[str, list[dict[str, Any]]], n: int) -> int:
    """Add a review in review with exactly `n` chronology entries to `rows`; returns its id."""
    rng = maker.rng
    review = maker.review(rows, in_review=True)
    review_id: int = review["id"]
    # The review's own few entries (its findings link to them) stay; the rest make up the log.
    own = [e for e in rows["chronology_entries"] if e["review_id"] == review_id]
    if n < len(own):
        raise ValueError(f"A long chronology has at least {len(own)} entries")
    charged: date = review["charge_date"]
    start = charged - timedelta(days=365 * YEARS)
    span = (charged - start).days
    sources = [s for s, _ in SOURCES]
    source_weights = [w for _, w in SOURCES]
    known = [k for k, _ in KNOWN]
    known_weights = [w for _, w in KNOWN]
    days = sorted(rng.randrange(span) for _ in range(n - len(own)))
    for day in days:
        significant = rng.random() < 0.04
        rows["chronology_entries"].append(
            {
                "id": maker._id("chronology_entries"),
                "review_id": review_id,
                "occurred_on": start + timedelta(days=day),
                "source": rng.choices(sources, source_weights)[0],
                "summary": _summary(maker, significant),
                "significant": significant,
                "known_at_the_time": rng.choices(known, known_weights)[0],
                **stamps(review["notification_date"]),
            }
        )
    return review_id
