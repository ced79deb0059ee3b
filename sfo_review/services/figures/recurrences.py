"""Lessons not learned (api-v1.1 B): the recurrences recorded at approval, each an earlier
review's action whose factor category came back in a later review of the same PDU.

The period, region and PDU filters apply to the later review (where the factor came back):
a recurrence counts in the period in which the later review was notified.

The rule compares every later review with every earlier one of its PDU, so the rows grow
with the square of a PDU's reviews (about 146,000 at 10,000 synthetic reviews). The figures
therefore carry the exact total and the count per category, and list only the most recent
`LISTED` items; `rows` gives every one, for the CSV download. Three queries.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from sfo_review.extensions import db
from sfo_review.models import Action, ActionRecurrence, Review
from sfo_review.services.figures.scope import Scope

# The most recent recurrences listed in the figures (the API's `items`, the dashboard).
LISTED = 500


def _joined(*columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .select_from(ActionRecurrence)
        .join(Review, Review.id == ActionRecurrence.review_id)
    )


@cache
def _by_category() -> Select[Any]:
    """The count per category, before the scope's conditions (built once, as `_listing`)."""
    return _joined(ActionRecurrence.category, func.count()).group_by(ActionRecurrence.category)


@cache
def _listing() -> Select[Any]:
    """Every recurrence, latest later review first, before the scope's conditions: built
    once, since building it (about 1.2 ms) costs far more than running it on the demo
    data (under 0.1 ms)."""
    earlier = aliased(Review, name="earlier")
    return (
        _joined(
            ActionRecurrence.category,
            Review.pdu,
            ActionRecurrence.action_id,
            earlier.id,
            earlier.reference,
            Review.id,
            Review.reference,
        )
        .join(Action, Action.id == ActionRecurrence.action_id)
        .join(earlier, earlier.id == Action.review_id)
        .order_by(Review.notification_date.desc(), Review.id.desc(), ActionRecurrence.id)
    )


def _item(row: Any) -> dict[str, Any]:
    category, pdu, action_id, earlier_id, earlier_ref, later_id, later_ref = row
    return {
        "category": category,
        "pdu": pdu,
        "action_id": action_id,
        "earlier_review": {"id": earlier_id, "reference": earlier_ref},
        "later_review": {"id": later_id, "reference": later_ref},
    }


def recurrences(scope: Scope) -> dict[str, Any]:
    """`recurrences` of the figures: `{"total", "items", "items_listed", "by_category"}`;
    `items` are the `LISTED` most recent (latest later review first)."""
    by_category: dict[str, int] = {
        str(category): int(count)
        for category, count in db.session.execute(scope.restrict(_by_category()))
    }
    items = [_item(row) for row in db.session.execute(scope.restrict(_listing()).limit(LISTED))]
    return {
        "total": sum(by_category.values()),
        "items": items,
        "items_listed": LISTED,
        "by_category": by_category,
    }


def rows(scope: Scope) -> Iterator[dict[str, Any]]:
    """Every recurrence in the scope, in the same order (streamed, for the CSV file)."""
    listing = scope.restrict(_listing()).execution_options(yield_per=1000)
    for row in db.session.execute(listing):
        yield _item(row)
