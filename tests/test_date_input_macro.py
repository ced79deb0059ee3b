"""templates/_date_input.html draws GOV.UK Frontend's date input without govuk-frontend-jinja's
attributes macro (the dashboard's filters, for speed): its markup must stay exactly what the
GovDateInput widget draws through govukDateInput, whitespace apart, in every state."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from sfo_review.dashboard.forms import ScopeForm

HOSTILE = '"><script>alert(1)</script>'
STATES = [
    [],
    [("from", "2024-02-01"), ("to", "2024-03-31")],
    [("from", "1"), ("from", "4"), ("from", "2025")],
    [("from", "30"), ("from", "2"), ("from", "2024")],
    [("from", "2024-02-30")],
    [("from", ""), ("from", "4"), ("from", "")],
    [("from", HOSTILE), ("from", "x"), ("from", "<b>")],
    [("to", "2024-01-01"), ("from", "2024-02-01")],
]


def _normalised(markup: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", markup))).strip()


def _both(app: Flask, form: ScopeForm, field: str) -> tuple[str, str]:
    ours = app.jinja_env.from_string(
        '{% from "_date_input.html" import date_input %}'
        '{{ date_input(form[name], "govuk-fieldset__legend--s") }}'
    ).render(form=form, name=field)
    legend = form[field].label.text
    theirs = app.jinja_env.from_string(
        '{{ form[name](params={"fieldset": {"legend": {"text": legend,'
        ' "classes": "govuk-fieldset__legend--s"}}}) }}'
    ).render(form=form, name=field, legend=legend)
    return ours, theirs


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("field", ["start", "end"])
def test_the_filter_date_is_govuk_date_inputs_markup(app: Flask, state: list, field: str):
    with app.test_request_context("/dashboard"):
        form = ScopeForm(MultiDict(state), meta={"csrf": False})
        form.validate()
        ours, theirs = _both(app, form, field)
    assert _normalised(ours) == _normalised(theirs)
    assert "<script>" not in ours


def test_a_date_given_as_data_is_drawn_the_same(app: Flask):
    with app.test_request_context("/dashboard"):
        form = ScopeForm(meta={"csrf": False}, data={"start": date(2025, 4, 1)})
        form.start.raw_data = None
        ours, theirs = _both(app, form, "start")
    assert 'value="01"' in ours
    assert _normalised(ours) == _normalised(theirs)
