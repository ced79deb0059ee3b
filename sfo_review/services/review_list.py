"""The review list: search, filters, sorting and pages, for the browser, its CSV export
(services/review_export.py) and the API.

Every list starts from `reviews.visible_reviews_query` (the same rule as
permissions.can_see_review), so a filter can only narrow what the caller may see. The
filters are checked here once — the browser's filter form and the API's query string give
the same values and get the same messages — and every filter and sort has an index
(migration 0005). A page is read with a fixed number of queries, whatever its length.

Filters combine with AND across kinds and OR within one kind (two statuses: either).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, exists, func, literal_column, or_, select
from sqlalchemy.orm import joinedload

from sfo_review import lifecycle, vocab
from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import DeadlineExtension, Review, User
from sfo_review.models.review import STATUS_ORDER_SQL
from sfo_review.services import validation as v
from sfo_review.services._common import require_permission
from sfo_review.services.deadlines import (
    DUE_SOON,
    FLAG_LABELS,
    OVERDUE,
    DeadlineWindow,
    deadline_window,
)
from sfo_review.services.errors import ValidationFailed
from sfo_review.services.figures import cache
from sfo_review.services.reviews import visible_reviews_query

EXTENSION_REQUESTED = "extension_requested"
DEADLINE_FILTERS = (
    vocab.Choice(OVERDUE, "Overdue"),
    vocab.Choice(DUE_SOON, "Due soon"),
    vocab.Choice(EXTENSION_REQUESTED, "Extension waiting for a decision"),
)
SORTS = (
    vocab.Choice("due_date", "Deadline"),
    vocab.Choice("notification_date", "Notified"),
    vocab.Choice("status", "Status"),
)
DEFAULT_SORT, DEFAULT_ORDER = "due_date", "asc"
ORDERS = ("asc", "desc")
SEARCH_MAX = 50
MAX_PER_PAGE = 200

# The ORDER BY of a status sort is the indexed expression itself (ix_reviews_status_order_id).
STATUS_ORDER: ColumnElement[int] = literal_column(
    f"({STATUS_ORDER_SQL.replace('CASE status', 'CASE reviews.status')})"
)
SORT_COLUMNS: dict[str, Any] = {
    "due_date": Review.effective_due_date,
    "notification_date": Review.notification_date,
    "status": STATUS_ORDER,
}

FILTER_RULES: dict[str, v.Rule] = {
    "q": v.short("search text", required=False),
    "status": v.enum_list("status", vocab.keys(vocab.STATUSES), required=False),
    "deadline": v.enum_list("deadline", vocab.keys(DEADLINE_FILTERS), required=False),
    "offence_category": v.enum(
        "offence category", vocab.keys(vocab.OFFENCE_CATEGORIES), required=False
    ),
    "region": v.short("region", required=False),
    "pdu": v.short("probation delivery unit (PDU)", required=False),
    "notified_from": v.a_date(
        "notified from date", False, v.NOTIFICATIONS_BEGIN, latest_days=v.A_YEAR_AHEAD
    ),
    "notified_to": v.a_date(
        "notified to date", False, v.NOTIFICATIONS_BEGIN, latest_days=v.A_YEAR_AHEAD
    ),
    "sort": v.enum("sort", vocab.keys(SORTS), required=False),
    "order": v.enum("order", ORDERS, required=False),
}


@dataclass(frozen=True)
class Filters:
    """A checked set of filters; the defaults list everything, soonest deadline first."""

    q: str | None = None
    status: tuple[str, ...] = ()
    deadline: tuple[str, ...] = ()
    offence_category: str | None = None
    region: str | None = None
    pdu: str | None = None
    notified_from: date | None = None
    notified_to: date | None = None
    sort: str = DEFAULT_SORT
    order: str = DEFAULT_ORDER

    @property
    def active(self) -> bool:
        """Whether anything narrows the list (the sort does not)."""
        return bool(self.as_args(sorting=False))

    def as_args(self, sorting: bool = True) -> dict[str, Any]:
        """The filters as query-string values (links to pages, other sorts, the export);
        defaults are left out, so links stay short."""
        args: dict[str, Any] = {}
        for name in FILTER_RULES:
            value = getattr(self, name)
            is_default = value in (DEFAULT_SORT, DEFAULT_ORDER)
            if name in ("sort", "order") and (not sorting or is_default):
                continue
            if isinstance(value, date):
                args[name] = value.isoformat()
            elif isinstance(value, tuple):
                if value:
                    args[name] = list(value)
            elif value:
                args[name] = value
        return args


def deadline_filters(actor: User | None) -> tuple[vocab.Choice, ...]:
    """The deadline filters `actor` may use (officers never see extension requests)."""
    if actor is None or perm.can_see_extension_requests(actor):
        return DEADLINE_FILTERS
    return tuple(c for c in DEADLINE_FILTERS if c.key != EXTENSION_REQUESTED)


def parse_filters(data: Mapping[str, Any], actor: User | None = None) -> Filters:
    """Check the filters (from the form or the query string); ValidationFailed names each."""
    rules = dict(FILTER_RULES)
    allowed = vocab.keys(deadline_filters(actor))
    rules["deadline"] = v.enum_list("deadline", allowed, required=False)
    errors: dict[str, list[str]] = {}
    try:
        values = v.clean(data, rules)
    except ValidationFailed as exc:  # the other checks still run: every problem at once
        errors.update(exc.fields)
        fine = {k: value for k, value in data.items() if k in rules and k not in errors}
        values = v.clean(fine, rules, partial=True)
    q = (values.get("q") or "").strip()
    if len(q) > SEARCH_MAX:
        errors["q"] = [f"Search text must be {SEARCH_MAX} characters or fewer"]
    elif q and not re.fullmatch(r"[\w\- ]+", q):
        errors["q"] = [
            "Search for a reference (like SFO-2025-0012), a CRN (like X123456) or initials "
            "(like JM): use only letters, numbers and hyphens"
        ]
    start, end = values.get("notified_from"), values.get("notified_to")
    if start and end and end < start:
        errors["notified_to"] = [
            "The notified to date must be the same as or after the notified from date"
        ]
    v.require(errors)
    return Filters(
        q=q.upper() or None,
        status=tuple(values.get("status") or ()),
        deadline=tuple(values.get("deadline") or ()),
        offence_category=values.get("offence_category"),
        region=values.get("region"),
        pdu=values.get("pdu"),
        notified_from=start,
        notified_to=end,
        sort=values.get("sort") or DEFAULT_SORT,
        order=values.get("order") or DEFAULT_ORDER,
    )


def parse_page(raw: Any, name: str = "page", maximum: int | None = None) -> int:
    """A page number (or page size, up to `maximum`) typed by a person or a client.

    Any whole number from 1 is a page (one past the end is answered by `find`, which never
    sends the database an offset beyond the rows it counted, however large the number).
    """
    if raw is None or raw == "":
        return 1
    text = str(raw).strip()
    label = name.replace("_", " ").capitalize()
    if not re.fullmatch(r"[0-9]{1,40}", text) or int(text) < 1:
        raise ValidationFailed({name: [f"{label} must be a whole number, like 2"]})
    if maximum is not None and int(text) > maximum:
        raise ValidationFailed({name: [f"{label} must be a whole number from 1 to {maximum}"]})
    return int(text)


def default_page_size() -> int:
    size: int = current_app.config["REVIEW_LIST_PAGE_SIZE"]
    return size


def _deadline_condition(kind: str, window: DeadlineWindow) -> ColumnElement[bool]:
    if kind == EXTENSION_REQUESTED:
        return Review.id.in_(
            select(DeadlineExtension.review_id).where(
                DeadlineExtension.status == lifecycle.REQUESTED
            )
        )
    return window.overdue_sql() if kind == OVERDUE else window.due_soon_sql()


def _where(query: Select[Any], filters: Filters, window: DeadlineWindow) -> Select[Any]:
    if filters.q:
        q = filters.q
        query = query.where(
            or_(Review.reference == q, Review.case_reference == q, Review.person_initials == q)
        )
    if filters.status:
        query = query.where(Review.status.in_(filters.status))
    if filters.deadline:
        query = query.where(or_(*(_deadline_condition(k, window) for k in filters.deadline)))
    for name in ("offence_category", "region", "pdu"):
        value = getattr(filters, name)
        if value:
            query = query.where(getattr(Review, name) == value)
    if filters.notified_from:
        query = query.where(Review.notification_date >= filters.notified_from)
    if filters.notified_to:
        query = query.where(Review.notification_date <= filters.notified_to)
    return query


def _ordered(query: Select[Any], filters: Filters) -> Select[Any]:
    column = SORT_COLUMNS[filters.sort]
    if filters.order == "desc":
        return query.order_by(column.desc(), Review.id.desc())
    return query.order_by(column.asc(), Review.id.asc())


def _visible(actor: User) -> Select[tuple[Review]]:
    return visible_reviews_query(actor)


def _waiting_extension() -> Any:
    return (
        exists()
        .where(
            DeadlineExtension.review_id == Review.id,
            DeadlineExtension.status == lifecycle.REQUESTED,
        )
        .label("extension_requested")
    )


@dataclass(frozen=True)
class Row:
    """One review as the lists show it: the flags come from its columns, not more queries."""

    review: Review
    flag: str | None
    extension_requested: bool

    @property
    def flag_label(self) -> str | None:
        return FLAG_LABELS.get(self.flag) if self.flag else None


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    total: int
    number: int
    size: int
    filters: Filters
    past_the_end: int | None = None  # the page asked for, when there was no such page

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.number * self.size, self.total)


def _row(review: Review, waiting: bool, window: DeadlineWindow) -> Row:
    return Row(review, window.flag(review.status, review.effective_due_date), bool(waiting))


def _rows(actor: User, result: Any, window: DeadlineWindow) -> list[Row]:
    shown = perm.can_see_extension_requests(actor)
    return [_row(review, waiting and shown, window) for review, waiting in result]


def _eager(query: Select[Any]) -> Select[Any]:
    return query.options(joinedload(Review.reviewer), joinedload(Review.countersigner))


def find(
    actor: User, filters: Filters, number: int = 1, size: int | None = None, clamp: bool = True
) -> Page:
    """One page of the reviews `actor` may see that match `filters`.

    Three queries whatever the page's length: the count, the ids of the page (so rows skipped
    by the offset are never joined), and those reviews with their reviewer, countersigner
    and waiting requests. A page past the end gives the last page when `clamp` (the
    browser, with `past_the_end` saying which was asked for), or no rows (the API: a client
    following `next` never gets there).
    """
    require_permission(perm.can_list_reviews(actor), "Your role has no access to review content.")
    size = size or default_page_size()
    window = deadline_window()
    filtered = _where(_visible(actor), filters, window)
    total = db.session.scalar(filtered.with_only_columns(func.count(Review.id))) or 0
    pages = max(1, math.ceil(total / size))
    asked = None
    if number > pages and clamp:
        number, asked = pages, number
    rows: list[Row] = []
    if (number - 1) * size < total:
        page_ids = _ordered(filtered.with_only_columns(Review.id), filters)
        ids = list(db.session.scalars(page_ids.offset((number - 1) * size).limit(size)))
        query = _eager(select(Review, _waiting_extension()).where(Review.id.in_(ids)))
        found = {
            review.id: (review, waiting) for review, waiting in db.session.execute(query).unique()
        }
        rows = _rows(actor, (found[i] for i in ids), window)
    return Page(rows, total, number, size, filters, asked)


def find_all(actor: User, filters: Filters) -> list[Row]:
    """Every matching review, in order (the API without pages, the CSV export): one query."""
    require_permission(perm.can_list_reviews(actor), "Your role has no access to review content.")
    window = deadline_window()
    query = _eager(_ordered(_where(_visible(actor), filters, window), filters))
    query = query.add_columns(_waiting_extension())
    return _rows(actor, db.session.execute(query).unique(), window)


def choices(actor: User) -> dict[str, list[str]]:
    """The regions and PDUs of the reviews `actor` may see (the filter's options). Every
    review's, for those who see them all, is kept with the figures (services/figures/
    cache.py), which a change to any review makes anew; the few reviews of anyone else are
    read each time (who sees them changes with more than the reviews)."""
    if perm.sees_every_review(actor):
        return cache.remember(
            ["review-list-areas"],
            lambda: {name: _every_value(getattr(Review, name)) for name in ("region", "pdu")},
        )
    found: dict[str, list[str]] = {}
    for name in ("region", "pdu"):
        column = getattr(Review, name)
        query = _visible(actor).with_only_columns(column).distinct().order_by(column)
        found[name] = list(db.session.scalars(query))
    return found


def _every_value(column: Any) -> list[str]:
    """The distinct values of an indexed column in order, one index probe per value (a
    "skip scan": neither SQLite nor PostgreSQL before 18 does one for DISTINCT, and reading
    every row of a national table for a dozen regions is what makes a list slow)."""
    first = select(func.min(column).label("value")).cte("found", recursive=True)
    following = select(
        select(func.min(column)).where(column > first.c.value).scalar_subquery()
    ).where(first.c.value.is_not(None))
    values = first.union_all(following)
    return list(db.session.scalars(select(values.c.value).where(values.c.value.is_not(None))))


def waiting_for_countersignature(actor: User) -> list[Review]:
    """The reviews at quality assurance that name `actor` as their countersigner, soonest
    deadline first: what a quality assurer's home page shows before anything else."""
    query = (
        select(Review)
        .where(
            Review.status == lifecycle.QUALITY_ASSURANCE,
            Review.countersigner_id == actor.id,
        )
        .order_by(Review.effective_due_date, Review.id)
    )
    return list(db.session.scalars(query))
