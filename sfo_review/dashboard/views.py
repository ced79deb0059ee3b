"""The leadership dashboard: thin views over services.themes (the same figures as the API).

Filters are GET forms, so every view of the figures has its own address; every table has a
CSV download carrying the same filters.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Response, abort, render_template, request
from flask_wtf import FlaskForm

from sfo_review import clock, vocab
from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.dashboard import fragments, tables
from sfo_review.dashboard.blueprint import dashboard_bp
from sfo_review.dashboard.forms import ActionFilterForm, ScopeForm, options_html
from sfo_review.dashboard.tables import BUILDERS, Table
from sfo_review.models import Action
from sfo_review.services import csv_cells, review_list
from sfo_review.services import regions as region_service
from sfo_review.services import themes as theme_service
from sfo_review.services.errors import ValidationFailed
from sfo_review.services.figures import actions as action_figures
from sfo_review.services.figures import recurrences as recurrence_figures

# Service field → form field (the form cannot call a field `from`).
FIELDS = {"from": "start", "to": "end"}
PER_PAGE = 50
PAGE_ERROR = "Page must be a whole number, 1 or more"


def _figures(form: ScopeForm) -> dict[str, Any] | None:
    """The figures for valid filters; None (with every error on the form) otherwise."""
    if not _check(form):
        return None
    return theme_service.themes(actor(), form.service_data())


def _check(form: ScopeForm) -> bool:
    """Typing and choices (the form), then the service's own rules (dates in order), so
    every problem is shown at once."""
    valid = form.validate()
    try:
        theme_service.scope(actor(), form.service_data())
    except ValidationFailed as exc:
        _show(form, exc)
        return False
    return valid


def _show(form: FlaskForm, exc: ValidationFailed) -> None:
    """The service's messages next to the filter they concern."""
    for name, messages in exc.fields.items():
        field = getattr(form, FIELDS.get(name, name), None)
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.extend(messages)


def _scope_form(form_class: type[ScopeForm] = ScopeForm) -> ScopeForm:
    form = form_class(formdata=request.args)
    # The list of regions and PDUs, and any value the reviews have that is not on it yet.
    form.fill_choices(sorted(set(region_service.areas()) | set(theme_service.areas(actor()))))
    return form


def _csv(header: Iterable[str], rows: Iterable[Iterable[Any]], filename: str) -> Response:
    """UTF-8 CSV with the byte order mark Excel needs; text cells that a spreadsheet would
    run as a formula are neutralised (a leading apostrophe)."""
    return Response(
        csv_cells.document(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _problem(form: FlaskForm, status: int = 422) -> tuple[str, int]:
    return render_template("dashboard/filter_problem.html", form=form), status


@dashboard_bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"options_html": options_html}


@dashboard_bp.route("")
@login_required_for(perm.can_see_dashboard)
def dashboard() -> str | tuple[str, int]:
    form = _scope_form()
    today = clock.today()
    if not _check(form):
        page_html = render_template(
            "dashboard/dashboard.html", form=form, fragment=None, today=today
        )
        return page_html, 422
    data = form.service_data()
    within = theme_service.scope(actor(), data)

    def context() -> dict[str, Any]:
        """What the fragments are drawn from, built only when one is not kept."""
        return fragments.context(theme_service.themes(actor(), data), today)

    return render_template(
        "dashboard/dashboard.html",
        form=form,
        fragment=fragments.Fragments(theme_service.cache_parts(within), context),
        today=today,
    )


@dashboard_bp.route("/tables/<name>.csv")
@login_required_for(perm.can_see_dashboard)
def table_csv(name: str) -> Response | tuple[str, int]:
    if name not in BUILDERS:
        abort(404)
    form = _scope_form()
    figures = _figures(form)
    if figures is None:
        return _problem(form)
    table: Table = BUILDERS[name](figures)
    if name == "recurrences":
        # Every recurrence, read now: the figures list only the most recent
        # (services/figures/recurrences.py), and there may be a hundred thousand.
        within = theme_service.scope(actor(), form.service_data())
        every = (tables.recurrence_row(item) for item in recurrence_figures.rows(within))
        return _csv((c.header for c in table.columns), every, table.filename)
    return _csv((c.header for c in table.columns), table.rows, table.filename)


def _page_number() -> int | None:
    """The page asked for, read as the review list reads it; None when it is not one."""
    try:
        return review_list.parse_page(request.args.get("page", "1"))
    except ValidationFailed:
        return None


def _actions_form() -> ActionFilterForm:
    form = _scope_form(ActionFilterForm)
    assert isinstance(form, ActionFilterForm)  # noqa: S101 - made from that class just above
    form.fill_owners(theme_service.action_owners(actor()))
    return form


def _action_page(
    form: ActionFilterForm, number: int, per_page: int | None
) -> action_figures.ActionPage | None:
    if not _check(form):
        return None
    return action_figures.action_list(
        theme_service.scope(actor(), form.service_data()),
        form.state.data or None,
        form.level.data or None,
        form.owner.data or None,
        number,
        per_page,
    )


@dashboard_bp.route("/actions")
@login_required_for(perm.can_see_dashboard)
def actions() -> str | tuple[str, int]:
    form = _actions_form()
    number = _page_number()
    if number is None:
        form.form_errors.append(PAGE_ERROR)
        return render_template("dashboard/actions.html", form=form, listing=None, args={}), 422
    listing = _action_page(form, number, PER_PAGE)
    status = 422 if listing is None else 200
    args = {k: v for k, v in request.args.items(multi=True) if k != "page"}
    return (
        render_template(
            "dashboard/actions.html",
            form=form,
            listing=listing,
            args=args,
            is_overdue=action_figures.is_overdue,
        ),
        status,
    )


ACTION_COLUMNS = (
    "Review",
    "Region",
    "PDU",
    "Action",
    "Owner",
    "Level",
    "Due date",
    "Status",
    "Overdue",
    "Completed on",
    "Completion note",
)


@dashboard_bp.route("/actions.csv")
@login_required_for(perm.can_see_dashboard)
def actions_csv() -> Response | tuple[str, int]:
    form = _actions_form()
    listing = _action_page(form, 1, per_page=None)
    if listing is None:
        return _problem(form)
    # The rows first: the export's audit event commits, which expires what was loaded.
    rows = [_action_row(a) for a in listing.items]
    filters = {k: v for k, v in request.args.items() if v}
    theme_service.record_actions_export(actor(), len(rows), filters)
    return _csv(ACTION_COLUMNS, rows, "sfo-actions.csv")


def _action_row(a: Action) -> list[Any]:
    return [
        a.review.reference,
        a.review.region,
        a.review.pdu,
        a.description,
        a.owner,
        vocab.label(vocab.ACTION_LEVELS, a.level),
        a.due_date.isoformat(),
        vocab.label(vocab.ACTION_STATUSES, a.status),
        "yes" if action_figures.is_overdue(a) else "no",
        a.completed_at.date().isoformat() if a.completed_at else None,
        a.completion_note,
    ]
