"""The chronology page's paging and filters (issue 21: reviews with thousands of entries).

A GET form (no CSRF: it changes nothing) reads the filters from the query string —
significant events only, a date range, a source — and the page number; the entries of one
page are read from the database (counted, then one page of them in date order), never the
whole chronology. Bad input is named next to its field, never ignored: a date that is not
a date, an end before the start, a source the chronology does not have. A page number that
is not a whole number from 1 is a problem shown above the page; one past the end shows the
last page and says so.

The same arguments carry the person's place to the add, change and delete pages and back
(`place_args`), so they come back to the page they were on: after a change, to the page
where the entry now is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSelect
from sqlalchemy import ColumnElement, and_, func, or_, select
from wtforms import SelectField, SelectMultipleField
from wtforms.validators import ValidationError

from sfo_review.extensions import db
from sfo_review.fields import TextDateField
from sfo_review.forms_support import select_choices
from sfo_review.models import ChronologyEntry, Review
from sfo_review.services import review_list
from sfo_review.services.errors import ValidationFailed

PAGE_SIZE = 100
# The query arguments that make a place in the chronology (and nothing else is passed on).
PLACE_ARGS = ("significant", "from", "to", "source", "view", "page")


class SourceField(SelectField):
    """A source the review's chronology has; anything else is named as a problem."""

    widget = GovSelect()

    def __init__(self, label: str, **kw: Any) -> None:
        super().__init__(label, validate_choice=False, **kw)
        self.known: set[str] = set()

    def offer(self, values: list[str]) -> None:
        self.known = set(values)
        self.choices = select_choices([("", "Any source"), *((v, v) for v in values)])

    def pre_validate(self, form: Any) -> None:
        if self.data and self.data not in self.known:
            raise ValidationError("Select a source from the list")


class ChronologyFilterForm(FlaskForm):
    class Meta:
        csrf = False

    significant = SelectMultipleField(
        "Significance",
        choices=select_choices([("1", "Significant events only")]),
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    date_from = TextDateField(
        "From",
        "from date",
        name="from",
        description="For example, 1/4/2021",
    )
    date_to = TextDateField(
        "To",
        "to date",
        name="to",
        description="For example, 31/3/2022",
    )
    source = SourceField("Source")

    def validate_significant(self, field: SelectMultipleField) -> None:
        if any(value != "1" for value in field.data or []):
            raise ValidationError("Select ‘Significant events only’ or leave it unselected")

    def validate_date_to(self, field: TextDateField) -> None:
        start = self.date_from.data
        if field.data and start and field.data < start:
            raise ValidationError("The to date must be the same as or after the from date")


@dataclass(frozen=True)
class Filters:
    significant: bool = False
    start: date | None = None
    end: date | None = None
    source: str | None = None

    @property
    def active(self) -> bool:
        return self.significant or bool(self.start or self.end or self.source)

    def as_args(self) -> dict[str, str]:
        """The query arguments of these filters (dates as YYYY-MM-DD, which the form reads)."""
        args = {}
        if self.significant:
            args["significant"] = "1"
        if self.start:
            args["from"] = self.start.isoformat()
        if self.end:
            args["to"] = self.end.isoformat()
        if self.source:
            args["source"] = self.source
        return args

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.significant:
            found.append(ChronologyEntry.significant.is_(True))
        if self.start:
            found.append(ChronologyEntry.occurred_on >= self.start)
        if self.end:
            found.append(ChronologyEntry.occurred_on <= self.end)
        if self.source:
            found.append(ChronologyEntry.source == self.source)
        return found

    def matches(self, entry: ChronologyEntry) -> bool:
        return (
            (entry.significant or not self.significant)
            and (self.start is None or entry.occurred_on >= self.start)
            and (self.end is None or entry.occurred_on <= self.end)
            and (self.source is None or entry.source == self.source)
        )


@dataclass
class Page:
    entries: list[ChronologyEntry]
    total: int  # entries matching the filters
    all_entries: int  # entries in the whole chronology
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


def sources(review: Review) -> list[str]:
    """The sources the review's chronology has, in alphabetical order."""
    rows = db.session.scalars(
        select(ChronologyEntry.source)
        .where(ChronologyEntry.review_id == review.id)
        .distinct()
        .order_by(ChronologyEntry.source)
    )
    return list(rows)


def read_filters(form: ChronologyFilterForm) -> Filters | None:
    """The typed filters, or None when any is a problem (named on its field)."""
    if not form.validate():
        return None
    return Filters(
        significant=bool(form.significant.data),
        start=form.date_from.data,
        end=form.date_to.data,
        source=form.source.data or None,
    )


def read_page_number(raw: str | None) -> tuple[int, str | None]:
    """The page asked for, or page 1 and the problem with what was typed."""
    try:
        return review_list.parse_page(raw), None
    except ValidationFailed as exc:
        return 1, exc.fields["page"][0]


def _count(review: Review, conditions: list[ColumnElement[bool]]) -> int:
    count = db.session.scalar(
        select(func.count(ChronologyEntry.id)).where(
            ChronologyEntry.review_id == review.id, *conditions
        )
    )
    return int(count or 0)


def find(review: Review, filters: Filters, number: int, size: int = PAGE_SIZE) -> Page:
    """One page of the entries matching `filters`, in date order; a page past the end is
    the last page (never an offset beyond the rows counted, however large the number)."""
    conditions = filters.conditions()
    total = _count(review, conditions)
    all_entries = _count(review, []) if conditions else total
    pages = max(1, math.ceil(total / size))
    past_the_end = number if number > pages else None
    number = min(number, pages)
    entries = list(
        db.session.scalars(
            select(ChronologyEntry)
            .where(ChronologyEntry.review_id == review.id, *conditions)
            .order_by(ChronologyEntry.occurred_on, ChronologyEntry.id)
            .offset((number - 1) * size)
            .limit(size)
        )
    )
    return Page(entries, total, all_entries, number, size, filters, past_the_end)


def page_of(review: Review, entry: ChronologyEntry, filters: Filters, size: int = PAGE_SIZE) -> int:
    """The page on which `entry` is listed with `filters` (it must match them)."""
    before = or_(
        ChronologyEntry.occurred_on < entry.occurred_on,
        and_(ChronologyEntry.occurred_on == entry.occurred_on, ChronologyEntry.id < entry.id),
    )
    return _count(review, [*filters.conditions(), before]) // size + 1


def pagination(page: Page, url: Any) -> dict[str, Any] | None:
    """Parameters of the GOV.UK pagination component: first, last and the pages around this
    one. `url(number)` gives a page's address (with the filters and the view)."""
    if page.pages <= 1:
        return None
    near = {1, page.pages, page.number - 1, page.number, page.number + 1}
    items: list[dict[str, Any]] = []
    previous = 0
    for number in sorted(n for n in near if 1 <= n <= page.pages):
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": url(number), "current": number == page.number})
        previous = number
    params: dict[str, Any] = {"items": items, "landmarkLabel": "Pages of the chronology"}
    if page.number > 1:
        params["previous"] = {"href": url(page.number - 1)}
    if page.number < page.pages:
        params["next"] = {"href": url(page.number + 1)}
    return params


def filter_form(review: Review, args: Any) -> ChronologyFilterForm:
    form = ChronologyFilterForm(formdata=args)
    form.source.offer(sources(review))
    return form


def place_args(review: Review, args: Any) -> dict[str, str]:
    """The place in the chronology (filters, view and page) named by `args`, checked: only
    the arguments the page knows, each a value it would accept, are passed on."""
    filters = (
        read_filters(filter_form(review, args)) if any(a in args for a in PLACE_ARGS) else None
    )
    place = filters.as_args() if filters else {}
    if args.get("view") == "timeline":
        place["view"] = "timeline"
    number, problem = read_page_number(args.get("page"))
    if problem is None and number > 1:
        place["page"] = str(number)
    return place


def filters_of(place: dict[str, str]) -> Filters:
    """The filters of a place made by `place_args`."""
    return Filters(
        significant=place.get("significant") == "1",
        start=date.fromisoformat(place["from"]) if "from" in place else None,
        end=date.fromisoformat(place["to"]) if "to" in place else None,
        source=place.get("source"),
    )


def return_args(review: Review, args: Any, entry: ChronologyEntry | None = None) -> dict[str, str]:
    """Where to go back to in the chronology from a page reached with `args`: the same
    filters and view; the page where `entry` is when it matches them (after adding or
    changing it), else the page the person was on, or the last page if it has gone."""
    place = place_args(review, args)
    filters = filters_of(place)
    place.pop("page", None)
    if entry is not None and filters.matches(entry):
        number = page_of(review, entry, filters)
    else:
        number, _ = read_page_number(args.get("page"))
        number = min(number, max(1, math.ceil(_count(review, filters.conditions()) / PAGE_SIZE)))
    if number > 1:
        place["page"] = str(number)
    return place
