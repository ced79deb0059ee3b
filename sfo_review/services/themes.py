"""Themes across reviews: what the system keeps showing, for leadership to act on.

One query path for two faces: GET /api/v1/themes returns `themes()` as JSON and the
leadership dashboard draws the same dictionary. The figures are aggregate SQL over the
reviews the caller may see (the review list's visibility rule), filtered by notification
date, region and PDU; services/figures/ has one module per section.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sfo_review import clock
from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import Review, User
from sfo_review.services import validation as v
from sfo_review.services._common import audit, require_permission, use_case
from sfo_review.services.figures import cache
from sfo_review.services.figures.actions import actions, bucket_rows, owners
from sfo_review.services.figures.attribution import individual_attribution
from sfo_review.services.figures.conditions import conditions
from sfo_review.services.figures.deadlines import deadlines
from sfo_review.services.figures.factors import factors
from sfo_review.services.figures.findings import findings
from sfo_review.services.figures.just_culture import just_culture
from sfo_review.services.figures.ratings import ratings
from sfo_review.services.figures.recurrences import recurrences
from sfo_review.services.figures.scope import Scope

THEME_RULES: dict[str, v.Rule] = {
    "from": v.a_date("start date", False, v.NOTIFICATIONS_BEGIN, latest_days=v.A_YEAR_AHEAD),
    "to": v.a_date("end date", False, v.NOTIFICATIONS_BEGIN, latest_days=v.A_YEAR_AHEAD),
    "region": v.short("region", required=False),
    "pdu": v.short("probation delivery unit (PDU)", required=False),
}
REVERSED = "End date must be the same as or after the start date"


def scope(actor: User, data: dict[str, Any]) -> Scope:
    """The reviews the figures count: checks the caller's right and the filters."""
    require_permission(perm.can_read_themes(actor), "Only leadership can read the themes.")
    values = v.clean(data, THEME_RULES)
    start, end = values.get("from"), values.get("to")
    if start and end and end < start:
        v.require({"to": [REVERSED]})
    return Scope(actor, start, end, values.get("region"), values.get("pdu"))


def _who(actor: User) -> list[Any]:
    """Who the figures are for: leadership all see the same; anyone else their own."""
    return [actor.role] if actor.role == "leadership" else [actor.role, actor.id]


def areas(actor: User) -> list[tuple[str, str]]:
    """The (region, PDU) pairs of the reviews `actor` may see: the dashboard's filter choices."""

    def compute() -> dict[str, Any]:
        query = Scope(actor).restrict(select(Review.region, Review.pdu).distinct())
        return {"areas": [[region, pdu] for region, pdu in db.session.execute(query)]}

    found = cache.Sections(["areas", *_who(actor)]).get("areas", compute)
    return [(region, pdu) for region, pdu in found["areas"]]


def action_owners(actor: User) -> list[str]:
    """The owners of the agreed actions `actor` may see: the action list's filter choices."""
    found = cache.Sections(["owners", *_who(actor)]).get(
        "owners", lambda: {"owners": owners(scope(actor, {}))}
    )
    return list(found["owners"])


def cache_parts(within: Scope) -> list[Any]:
    """What the figures for `within` are kept under besides the data versions: who asks,
    the day (overdue is counted against today) and the filters."""
    filters = [within.start, within.end, within.region, within.pdu]
    return [*_who(within.actor), clock.today(), *filters]


def themes(actor: User, data: dict[str, Any]) -> dict[str, Any]:
    """The figures across the reviews `actor` may see (leadership only).

    `data` holds the filters `from` and `to` (notification dates, inclusive), `region` and
    `pdu` (exact). A fixed number of queries, whatever the number of reviews.
    """
    within = scope(actor, data)
    return cache.remember(cache_parts(within), lambda: _compute(within))


def _compute(within: Scope) -> dict[str, Any]:
    """Every section, each from the cache when the data it reads has not changed."""
    sections = cache.Sections(cache_parts(within))
    part = sections.get

    def action_rows() -> list[Any]:
        return sections.in_buckets(
            "actions", lambda buckets: bucket_rows(within, buckets, cache.BUCKETS)
        )

    counted = part("deadlines", lambda: deadlines(within))
    return {
        "filters": {
            "from": within.start.isoformat() if within.start else None,
            "to": within.end.isoformat() if within.end else None,
            "region": within.region,
            "pdu": within.pdu,
        },
        **counted,
        **part("factors", lambda: factors(within, counted["reviews"])),
        **part("findings", lambda: findings(within)),
        **part("just_culture", lambda: just_culture(within)),
        **part("conditions", lambda: conditions(within)),
        **part("actions", lambda: {"actions": actions(within, action_rows())}),
        **part("recurrences", lambda: {"recurrences": recurrences(within)}),
        **part("attribution", lambda: individual_attribution(within)),
        **part("ratings", lambda: ratings(within)),
    }


@use_case
def record_actions_export(actor: User, count: int, filters: dict[str, Any]) -> None:
    """Actions across reviews leave as a CSV file (their text and completion notes):
    recorded like every other export."""
    require_permission(perm.can_read_themes(actor))
    audit(
        None,
        actor,
        "actions.exported",
        f"Exported {count} action{'s' if count != 1 else ''} across reviews as a CSV file",
        {"format": "csv", "count": count, "filters": filters},
    )
