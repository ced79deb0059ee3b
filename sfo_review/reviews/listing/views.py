"""The review list (`/`): search, MoJ filters, server-side sorting, pages, the CSV export.

Everything works without JavaScript: the filters are one GET form, the sort links and the
pages are plain links that keep the filters. Problems with the filters are shown next to
each filter (GOV.UK error summary), never as an error page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from sfo_review import permissions as perm
from sfo_review import vocab
from sfo_review.auth.session import actor, login_required_for
from sfo_review.forms_support import submit
from sfo_review.models import User
from sfo_review.reviews import overview as summary
from sfo_review.reviews.blueprint import reviews_bp
from sfo_review.reviews.listing.forms import ReviewFilterForm
from sfo_review.services import regions as region_service
from sfo_review.services import review_export, review_list
from sfo_review.services.errors import ValidationFailed
from sfo_review.services.notifications import long_date

SORT_WORDS = {
    ("due_date", "asc"): "deadline, soonest first",
    ("due_date", "desc"): "deadline, latest first",
    ("notification_date", "asc"): "notification date, oldest first",
    ("notification_date", "desc"): "notification date, newest first",
    ("status", "asc"): "status, from in review to closed",
    ("status", "desc"): "status, from closed to in review",
}


def _list_url(args: dict[str, Any], **changes: Any) -> str:
    merged = {**args, **changes}
    return url_for("reviews.index", **{k: v for k, v in merged.items() if v not in (None, [])})


@dataclass(frozen=True)
class SortLink:
    key: str
    label: str
    href: str
    aria_sort: str  # ascending | descending | none
    next_words: str  # for screen readers: what following the link does


def _sort_links(filters: review_list.Filters) -> dict[str, SortLink]:
    args = filters.as_args()
    links = {}
    for choice in review_list.SORTS:
        current = filters.sort == choice.key
        order = "desc" if current and filters.order == "asc" else "asc"
        aria = ("ascending" if filters.order == "asc" else "descending") if current else "none"
        href = _list_url(args, sort=choice.key, order=order, page=None)
        links[choice.key] = SortLink(
            choice.key, choice.label, href, aria, f"sort by {SORT_WORDS[(choice.key, order)]}"
        )
    return links


SELECTED_HEADINGS = {
    "q": "Search",
    "status": "Status",
    "deadline": "Deadline",
    "offence_category": "Offence category",
    "region": "Region",
    "pdu": "PDU",
    "notified_from": "Notified from",
    "notified_to": "Notified to",
}
LABELLED = {
    "status": vocab.STATUSES,
    "deadline": review_list.DEADLINE_FILTERS,
    "offence_category": vocab.OFFENCE_CATEGORIES,
}


def _value_text(name: str, value: Any) -> str:
    if name in LABELLED:
        return vocab.label(LABELLED[name], value)
    if isinstance(value, date):
        return long_date(value)
    return str(value)


def _selected(filters: review_list.Filters) -> list[tuple[str, list[tuple[str, str]]]]:
    """The MoJ filter's 'Selected filters': each value with a link that removes only it."""
    args = filters.as_args()
    groups = []
    for name, heading in SELECTED_HEADINGS.items():
        value = getattr(filters, name)
        values = list(value) if isinstance(value, tuple) else [value] if value else []
        tags = []
        for item in values:
            rest = [x for x in args[name] if x != item] if isinstance(args[name], list) else None
            tags.append((_value_text(name, item), _list_url(args, **{name: rest}, page=None)))
        if tags:
            groups.append((heading, tags))
    return groups


def _pagination(page: review_list.Page) -> dict[str, Any] | None:
    """Parameters of the GOV.UK pagination component: first, last, and the pages around this."""
    if page.pages <= 1:
        return None
    args = page.filters.as_args()
    near = {1, page.pages, page.number - 1, page.number, page.number + 1}
    items: list[dict[str, Any]] = []
    previous = 0
    for number in sorted(n for n in near if 1 <= n <= page.pages):
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append(
            {
                "number": number,
                "href": _list_url(args, page=number),
                "current": number == page.number,
            }
        )
        previous = number
    params: dict[str, Any] = {"items": items, "landmarkLabel": "Pages of the list"}
    if page.number > 1:
        params["previous"] = {"href": _list_url(args, page=page.number - 1)}
    if page.number < page.pages:
        params["next"] = {"href": _list_url(args, page=page.number + 1)}
    return params


def _page_problem(page: review_list.Page) -> str | None:
    if page.past_the_end is None:
        return None
    pages = f"{page.pages} page{'s' if page.pages != 1 else ''}"
    return (
        f"There is no page {page.past_the_end}: the list has {pages}. This is page {page.number}."
    )


def _read_page_number(form: ReviewFilterForm) -> int:
    raw = request.args.get("page")
    try:
        return review_list.parse_page(raw)
    except ValidationFailed as exc:
        form.form_errors.extend(exc.fields["page"])
        return 1


def _officer_asked(user: User, page: review_list.Page | None) -> dict[int, Any]:
    if user.role != "officer" or page is None:
        return {}
    reviews = [row.review for row in page.rows]
    parts = summary.officer_parts(user, (r.id for r in reviews))
    return {
        r.id: (summary.asked_links(r, parts[r.id]), summary.asked_by(r, parts[r.id]))
        for r in reviews
    }


def _read_filters(user: User) -> tuple[ReviewFilterForm, review_list.Filters | None]:
    """The filters of the query string, or None with every problem on the form.

    The service checks the rest even when a box could not be read, so all the problems show
    at once; those about the sort (hidden fields) go to the top of the page.
    """
    form = ReviewFilterForm(formdata=request.args)
    form.offer(_area_choices(user), review_list.deadline_filters(user))
    typed = form.validate()
    filters = submit(form, lambda: review_list.parse_filters(form.values(), user))
    for hidden in (form.sort, form.order):
        form.form_errors.extend(hidden.errors)
        hidden.errors = []
    return form, filters if typed else None


@reviews_bp.route("/")
@login_required_for(perm.can_list_reviews, perm.can_manage_users)
def index() -> str | BaseResponse:
    user = actor()
    if not perm.can_list_reviews(user):
        return redirect(url_for("admin.users"))  # admins never see review content
    form, filters = _read_filters(user)
    page = None
    if filters is not None:
        number = _read_page_number(form)
        page = review_list.find(user, filters, number)
        problem = _page_problem(page)
        if problem:
            form.form_errors.append(problem)
    waiting = (
        review_list.waiting_for_countersignature(user) if user.role == "quality_assurer" else None
    )
    return render_template(
        "reviews/index.html",
        form=form,
        asked=_officer_asked(user, page),
        waiting=waiting,
        **_results(page),
    )


def _results(page: review_list.Page | None) -> dict[str, Any]:
    """What the template shows of a page of results (nothing while the filters are wrong)."""
    if page is None:
        return {"page": None, "selected": [], "sort_links": {}, "pagination": None}
    filters = page.filters
    return {
        "page": page,
        "selected": _selected(filters),
        "sort_links": _sort_links(filters),
        "sort_words": SORT_WORDS[(filters.sort, filters.order)],
        "pagination": _pagination(page),
        "export_url": url_for("reviews.export_reviews", **filters.as_args()),
    }


@reviews_bp.route("/reviews.csv")
@login_required_for(perm.can_export_review_list)
def export_reviews() -> str | BaseResponse:
    """The filtered list as a CSV file; with a problem in the filters, the list explains it."""
    user = actor()
    _, filters = _read_filters(user)
    if filters is not None:
        chunks = review_export.export_csv(user, filters)
        response = Response(chunks, mimetype="text/csv")
        response.headers["Content-Disposition"] = (
            f'attachment; filename="{review_export.csv_filename()}"'
        )
        return response
    query = request.query_string.decode("utf-8", "replace")
    return redirect(url_for("reviews.index") + (f"?{query}" if query else ""))


def _area_choices(user: User) -> dict[str, list[str]]:
    """The filter's regions and PDUs: the list (retired PDUs too), and any value the
    reviews the user sees have that is not on the list yet (until an admin maps it)."""
    found = review_list.choices(user)
    listed = region_service.areas()
    return {
        "region": sorted({r for r, _ in listed} | set(found["region"])),
        "pdu": sorted({p for _, p in listed} | set(found["pdu"])),
    }
