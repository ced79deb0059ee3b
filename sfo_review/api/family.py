"""API v1.1 C routes for contact with the victim's family and the questions they asked.

Never officers: to them (participants included) every route answers 404, as if the review
did not exist (loaders.get_family_review_or_404). The reviewer writes; quality assurance
and leadership read. The rules live in services/family.py.
"""

from __future__ import annotations

from flask import Response, jsonify
from flask.typing import ResponseReturnValue

from sfo_review import permissions as perm
from sfo_review.api.blueprint import api_bp
from sfo_review.api.helpers import (
    api_user,
    created,
    json_body,
    no_content,
    query_args,
    viewed,
)
from sfo_review.api.serializers import JSON, day, timestamp, user_json
from sfo_review.loaders import ReviewAction, get_child_or_404, get_family_review_or_404
from sfo_review.models import FamilyContact, FamilyQuestion, Review
from sfo_review.services import family as family_service
from sfo_review.services import family_summary

CONTACTS = "/reviews/<int:review_id>/family-contacts"
QUESTIONS = "/reviews/<int:review_id>/family-questions"


def contact_json(contact: FamilyContact) -> JSON:
    return {
        "id": contact.id,
        "version": contact.version,
        "occurred_on": day(contact.occurred_on),
        "channel": contact.channel,
        "with_whom": contact.with_whom,
        "advocate_offered": contact.advocate_offered,
        "summary": contact.summary,
        "recorded_by": user_json(contact.recorded_by, api_user()),
        "created_at": timestamp(contact.created_at),
        "updated_at": timestamp(contact.updated_at),
    }


def question_json(question: FamilyQuestion) -> JSON:
    return {
        "id": question.id,
        "version": question.version,
        "question": question.question,
        "asked_on": day(question.asked_on),
        "answered": family_service.is_answered(question),
        "answer": question.answer,
        "answered_at": timestamp(question.answered_at),
        "answered_by": user_json(question.answered_by, api_user()),
        "created_at": timestamp(question.created_at),
        "updated_at": timestamp(question.updated_at),
    }


def _review(review_id: int, action: ReviewAction = perm.can_see_family) -> Review:
    return get_family_review_or_404(review_id, api_user(), action)


# Contacts ----------------------------------------------------------------------------------


@api_bp.get(CONTACTS)
def family_contacts(review_id: int) -> Response:
    review = viewed(_review(review_id), "contacts with the family")
    return jsonify(items=[contact_json(c) for c in family_service.contacts(review)])


@api_bp.post(CONTACTS)
def add_family_contact(review_id: int) -> ResponseReturnValue:
    review = _review(review_id, perm.can_write_family_record)
    return created(contact_json(family_service.add_contact(api_user(), review, json_body())))


@api_bp.get(CONTACTS + "/<int:contact_id>")
def family_contact(review_id: int, contact_id: int) -> Response:
    review = viewed(_review(review_id), "contacts with the family")
    return jsonify(contact_json(get_child_or_404(review, FamilyContact, contact_id)))


@api_bp.patch(CONTACTS + "/<int:contact_id>")
def update_family_contact(review_id: int, contact_id: int) -> Response:
    review = _review(review_id, perm.can_write_family_record)
    item = get_child_or_404(review, FamilyContact, contact_id)
    item = family_service.update_contact(api_user(), review, item, json_body())
    return jsonify(contact_json(item))


@api_bp.delete(CONTACTS + "/<int:contact_id>")
def delete_family_contact(review_id: int, contact_id: int) -> ResponseReturnValue:
    review = _review(review_id, perm.can_write_family_record)
    item = get_child_or_404(review, FamilyContact, contact_id)
    family_service.delete_contact(api_user(), review, item)
    return no_content()


# Questions ---------------------------------------------------------------------------------


@api_bp.get(QUESTIONS)
def family_questions(review_id: int) -> Response:
    review = viewed(_review(review_id), "the family's questions")
    return jsonify(items=[question_json(q) for q in family_service.questions(review)])


@api_bp.post(QUESTIONS)
def add_family_question(review_id: int) -> ResponseReturnValue:
    review = _review(review_id, perm.can_write_family_record)
    return created(question_json(family_service.add_question(api_user(), review, json_body())))


@api_bp.get(QUESTIONS + "/<int:question_id>")
def family_question(review_id: int, question_id: int) -> Response:
    review = viewed(_review(review_id), "the family's questions")
    return jsonify(question_json(get_child_or_404(review, FamilyQuestion, question_id)))


@api_bp.patch(QUESTIONS + "/<int:question_id>")
def update_family_question(review_id: int, question_id: int) -> Response:
    review = _review(review_id, perm.can_write_family_record)
    item = get_child_or_404(review, FamilyQuestion, question_id)
    item = family_service.update_question(api_user(), review, item, json_body())
    return jsonify(question_json(item))


@api_bp.delete(QUESTIONS + "/<int:question_id>")
def delete_family_question(review_id: int, question_id: int) -> ResponseReturnValue:
    review = _review(review_id, perm.can_write_family_record)
    item = get_child_or_404(review, FamilyQuestion, question_id)
    family_service.delete_question(api_user(), review, item)
    return no_content()


# The summary written for the family ------------------------------------------------------


@api_bp.get("/reviews/<int:review_id>/family-summary/check")
def family_summary_check(review_id: int) -> Response:
    """The check of the stored summary; `readability` is an addition (docs/api-additions.md)."""
    query_args()
    review = viewed(_review(review_id), "the summary for the family's check")
    return jsonify(family_summary.check(review))
