"""templates/_tag.html draws GOV.UK Frontend's tag without govukTag's attributes macro (for
speed on the lists): its markup must stay exactly govukTag's, whitespace apart."""

from __future__ import annotations

import re

import pytest
from flask import Flask

CASES = [
    ("Draft", "", None),
    ("In review", "govuk-tag--blue", None),
    ("Overdue", "govuk-tag--red app-tag--wide", "action-7-status"),
    ("<script>alert(1)</script>", "govuk-tag--grey", None),
    ('"quoted" & <b>bold</b>', "", "tag-1"),
]


def _normalised(markup: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", markup))).strip()


@pytest.mark.parametrize(("text", "classes", "id_"), CASES)
def test_the_list_tag_is_govuk_tags_markup(app: Flask, text: str, classes: str, id_: str | None):
    ours = app.jinja_env.from_string(
        '{% from "_tag.html" import tag %}{{ tag(text, classes, id) }}'
    ).render(text=text, classes=classes, id=id_)
    params: dict[str, object] = {"text": text}
    if classes:
        params["classes"] = classes
    if id_:
        params["attributes"] = {"id": id_}
    theirs = app.jinja_env.from_string(
        '{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}'
        "{{ govukTag(params) }}"
    ).render(params=params)
    assert _normalised(ours) == _normalised(theirs)
    assert "<script>" not in ours
