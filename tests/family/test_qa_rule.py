"""To quality assurance (api-v1.1 C): every question the family asked has an answer — one
unmet rule per unanswered question, on the Status page and in the 409's fields."""

from __future__ import annotations

import pytest

from sfo_review import lifecycle
from sfo_review.extensions import db
from sfo_review.services import family as family_service
from sfo_review.services import reviews, transitions
from sfo_review.services.errors import Conflict
from tests import helpers_rules
from tests.family.support import add_question
from tests.helpers import page
from tests.helpers_forms import JUDGEMENT, move_to


def _ready_for_qa(data):
    """At factual accuracy with every other rule of the step met."""
    review = move_to(data, "factual_accuracy")
    helpers_rules.settle_statements(review, data["officer"])
    helpers_rules.nothing_to_add(review)
    reviews.update_review(
        data["reviewer"],
        review,
        {
            "version": review.version,
            "overall_judgement": JUDGEMENT,
            "countersigner_email": data["qa"].email,
        },
    )
    return review


def test_an_unanswered_question_blocks_quality_assurance(full_review):
    data = full_review()
    review = _ready_for_qa(data)
    question = add_question(data["reviewer"], review)
    add_question(data["reviewer"], review, question="Who decided he could stay in the hostel?")
    with pytest.raises(Conflict) as raised:
        transitions.transition(data["reviewer"], review, {"to": "quality_assurance"})
    messages = raised.value.fields["family_questions"]
    assert messages == [
        "Answer the family’s question “Why was he not recalled to prison after the missed "
        "appointm…”",
        "Answer the family’s question “Who decided he could stay in the hostel?”",
    ]
    assert set(raised.value.fields) == {"family_questions"}
    unmet = lifecycle.unmet_rules(review, "quality_assurance")
    assert unmet[0].endpoint == "family.answer_question"
    assert dict(unmet[0].params) == {"question_id": question.id}


def test_answered_questions_let_it_pass(full_review):
    data = full_review()
    review = _ready_for_qa(data)
    question = add_question(data["reviewer"], review)
    family_service.update_question(
        data["reviewer"], review, question, {"answer": "He was not recalled because…", "version": 1}
    )
    transitions.transition(data["reviewer"], review, {"to": "quality_assurance"})
    assert review.status == "quality_assurance"


def test_no_questions_no_rule(full_review):
    data = full_review()
    review = _ready_for_qa(data)
    assert lifecycle.unmet_rules(review, "quality_assurance") == []


def test_the_status_page_links_to_where_it_is_answered(full_review, client, login_as):
    data = full_review()
    review = _ready_for_qa(data)
    question = add_question(data["reviewer"], review, question="<b>Why?</b>")
    db.session.commit()
    login_as(user=data["reviewer"])
    html = page(client.get(f"/reviews/{review.id}/status"))
    link = html.find("a", href=f"/reviews/{review.id}/family/questions/{question.id}/answer")
    assert link is not None
    assert "Answer the family’s question “<b>Why?</b>”" in link.get_text()


def test_the_api_409_lists_each_question(api, world):
    w = world("reviewer")
    review = _ready_for_qa(w)
    add_question(w["reviewer"], review)
    db.session.commit()
    response = api.post(
        f"/reviews/{review.id}/transitions", w["tokens"]["reviewer"], {"to": "quality_assurance"}
    )
    assert response.status_code == 409
    assert len(response.get_json()["error"]["fields"]["family_questions"]) == 1
