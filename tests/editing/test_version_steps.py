"""Every save of an edit form moves the row's version by exactly 1 (the API contract's rule,
which the browser's stale-edit check relies on as well)."""

from __future__ import annotations

import pytest

from sfo_review.extensions import db
from tests.editing.conftest import form_values
from tests.editing.test_stale_edits import IDS, PAGES, EditPage
from tests.helpers import page


@pytest.mark.parametrize("edit", PAGES, ids=IDS)
def test_saving_an_edit_form_moves_the_version_by_one(
    edit: EditPage, client, login_as, full_review
) -> None:
    data = full_review()
    edit.prepare(data)
    login_as(user=data[edit.editor])
    url = edit.url(data)
    values = form_values(page(client.get(url)))
    before = int(values["version"])
    db.session.expire_all()  # a server's next request starts with nothing loaded

    response = client.post(url, data={**values, **dict(edit.extra), edit.field: "Changed"})

    assert response.status_code == 302, page(response).select(".govuk-error-summary")
    db.session.expire_all()
    assert edit.saved(data) == "Changed"
    assert edit.row(data).version == before + 1


def test_saving_a_finding_with_new_links_moves_its_version_by_one(
    client, login_as, full_review
) -> None:
    data = full_review()
    edit = next(p for p in PAGES if p.name == "finding")
    login_as(user=data["reviewer"])
    url = edit.url(data)
    values = form_values(page(client.get(url)))
    before = int(values["version"])
    db.session.expire_all()

    response = client.post(
        url,
        data={**values, "narrative": "Changed", "caseload_context_ids": [str(data["context"].id)]},
    )

    assert response.status_code == 302
    db.session.expire_all()
    finding = edit.row(data)
    assert [c.id for c in finding.caseload_contexts] == [data["context"].id]
    assert finding.version == before + 1
