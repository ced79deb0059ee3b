"""Shared pieces of the family and criminal case tests."""

from __future__ import annotations

from typing import Any

from sfo_review.models import FamilyContact, FamilyQuestion, Review, User
from sfo_review.services import family as family_service

CONTACT: dict[str, Any] = {
    "occurred_on": "2024-03-04",
    "channel": "meeting",
    "with_whom": "The victim's mother",
    "advocate_offered": True,
    "summary": "Explained the review and what it can and cannot answer.",
}
QUESTION: dict[str, Any] = {
    "question": "Why was he not recalled to prison after the missed appointments?",
    "asked_on": "2024-03-04",
}
HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)>"


def add_contact(reviewer: User, review: Review, **overrides: Any) -> FamilyContact:
    return family_service.add_contact(reviewer, review, {**CONTACT, **overrides})


def add_question(reviewer: User, review: Review, **overrides: Any) -> FamilyQuestion:
    return family_service.add_question(reviewer, review, {**QUESTION, **overrides})
