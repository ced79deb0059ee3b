"""The review overview's next step comes from lifecycle.unmet_rules: it never says everything
is in place while a rule (api-v1.1 A's included) is unmet."""

from __future__ import annotations

from sfo_review.extensions import db
from sfo_review.services import reviews as review_service
from tests import helpers_rules
from tests.helpers_forms import JUDGEMENT, move_to, page


def _ready_but_not_heard(data):
    move_to(data, "factual_accuracy")
    review = data["review"]
    helpers_rules.settle_statements(review, data["officer"])
    review_service.update_review(
        data["reviewer"],
        review,
        {
            "version": review.version,
            "overall_judgement": JUDGEMENT,
            "countersigner_email": data["qa"].email,
        },
    )


def test_the_overview_lists_the_window_rule_and_never_says_ready(client, login_as, full_review):
    data = full_review()
    _ready_but_not_heard(data)
    login_as(user=data["reviewer"])
    soup = page(client.get(f"/reviews/{data['review'].id}"))
    assert soup.select_one("#ready") is None
    rules = [a.get_text(strip=True) for a in soup.select("#unmet-rules a")]
    assert len(rules) == 1
    assert rules[0].startswith(f"{data['officer'].name} is still within their factual accuracy")
    # Once everyone has had their say, it is ready.
    helpers_rules.nothing_to_add(data["review"])
    soup = page(client.get(f"/reviews/{data['review'].id}"))
    assert soup.select_one("#unmet-rules") is None
    assert soup.select_one("#ready").get_text(strip=True) == (
        "Everything this step needs is in place."
    )


def test_the_overview_lists_a_shortfall_rule(client, login_as, full_review):
    data = full_review()
    _ready_but_not_heard(data)
    helpers_rules.nothing_to_add(data["review"])
    data["entry"].known_at_the_time = "unclear"
    db.session.commit()
    login_as(user=data["reviewer"])
    soup = page(client.get(f"/reviews/{data['review'].id}"))
    assert soup.select_one("#ready") is None
    link = soup.select_one("#unmet-rules a")
    assert "must rest on what was known at the time" in link.get_text()
    assert client.get(link["href"]).status_code == 200
