"""Fixtures for the review list tests: reviews spread over every filter, seen by leadership."""

from __future__ import annotations

import pytest

from sfo_review.extensions import db

# (crn, initials, offence category, region, PDU, notified, status)
SPREAD = [
    ("A111111", "AB", "murder", "London", "Lambeth", "2025-01-10", "in_review"),
    ("B222222", "CD", "rape", "London", "Hackney and City", "2025-03-03", "factual_accuracy"),
    (
        "C333333",
        "AB",
        "manslaughter",
        "Wales",
        "Swansea, Neath Port Talbot",
        "2025-05-20",
        "approved",
    ),
    (
        "D444444",
        "EF",
        "murder",
        "Wales",
        "Cardiff and the Vale of Glamorgan",
        "2025-07-01",
        "quality_assurance",
    ),
    ("E555555", "GH", "arson_endangering_life", "North West", "Wirral", "2025-09-15", "closed"),
]


def spread_reviews(make_user, make_review, specs=SPREAD) -> dict:
    """Reviews spread over regions, PDUs, offences, dates and statuses, all by one reviewer."""
    reviewer = make_user("reviewer")
    made = []
    for crn, initials, category, region, pdu, notified, status in specs:
        review = make_review(
            reviewer,
            case_reference=crn,
            person_initials=initials,
            offence_category=category,
            region=region,
            pdu=pdu,
            charge_date=notified,
            notification_date=notified,
        )
        review.status = status  # the list reads the column; the lifecycle is tested elsewhere
        made.append(review)
    db.session.commit()
    return {"reviewer": reviewer, "reviews": made}


@pytest.fixture
def listed(make_user, make_review):
    return lambda: spread_reviews(make_user, make_review)


@pytest.fixture
def as_leadership(client, login_as, listed):
    data = listed()
    login_as("leadership")
    return data
