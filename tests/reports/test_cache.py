"""The content-keyed PDF cache: an unchanged review never renders twice, a changed one always."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from sfo_review.cli.ratings_data import approval
from sfo_review.extensions import db
from sfo_review.models import RenderedReport
from sfo_review.pdf import render
from sfo_review.pdf.content import DISCLOSABLE
from sfo_review.services import evidence
from sfo_review.services.reports import exports as report_exports
from sfo_review.services.reports import snapshots as report_snapshots
from sfo_review.services.reports import work as report_work
from tests import helpers_rules

Builder = Callable[..., dict[str, Any]]


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every real render, counted (the renders still happen)."""
    seen: list[str] = []
    real = render.write_pdfs

    def counting(html: str, formats: tuple[str, ...] = ("standard",)) -> Any:
        seen.append(html)
        return real(html, formats)

    for module in (report_snapshots, report_work):  # approved PDFs, and drafts'
        monkeypatch.setattr(module, "write_pdfs", counting)
    return seen


def export(built: dict[str, Any], variant: str = "full") -> bytes:
    result = report_exports.export_report(built["reviewer"], built["review"], variant)
    assert result.pdf is not None
    return result.pdf


def test_a_repeat_export_of_unchanged_content_is_not_rendered_again(
    rich_review: Builder, renders: list[str]
) -> None:
    built = rich_review("factual_accuracy")

    first = export(built)
    second = export(built)

    assert first == second
    assert len(renders) == 1
    row = db.session.query(RenderedReport).one()
    assert (row.variant, row.state, row.page_count) == ("full", "ready", row.page_count)
    assert row.sha256 == render.sha256_hex(first)
    assert row.stamp is not None


def test_each_variant_has_its_own_entry(rich_review: Builder, renders: list[str]) -> None:
    built = rich_review("factual_accuracy")

    export(built, "full")
    export(built, "family_summary")
    export(built, "family_summary")

    assert len(renders) == 2
    assert {r.variant for r in db.session.query(RenderedReport)} == {"full", "family_summary"}


def test_a_change_to_the_review_renders_it_again(rich_review: Builder, renders: list[str]) -> None:
    built = rich_review("factual_accuracy")
    before = export(built)

    evidence.add_chronology_entry(
        built["reviewer"],
        built["review"],
        {"occurred_on": "2023-05-30", "source": "Police", "summary": "A new entry."},
    )
    after = export(built)

    assert len(renders) == 2
    assert after != before
    assert "A new entry." in renders[-1]
    assert db.session.query(RenderedReport).count() == 1  # the newer PDF replaced the older


def test_a_renamed_person_renders_it_again(rich_review: Builder, renders: list[str]) -> None:
    built = rich_review("factual_accuracy")
    export(built)

    built["officer"].name = "Someone Else Entirely"
    db.session.commit()
    export(built)

    assert len(renders) == 2
    assert "Someone Else Entirely" in renders[-1]


def test_a_change_that_prints_nothing_new_reuses_the_pdf(
    rich_review: Builder, renders: list[str], make_user: Callable[..., Any]
) -> None:
    built = rich_review("factual_accuracy")
    stranger = make_user("officer", name="Ottoline Unprinted")
    export(built)
    stamp = db.session.query(RenderedReport).one().stamp
    from sfo_review.services import users

    # Someone's password changes (the session token rotates): nothing printed changed, so
    # the stamp stays and the stored PDF is answered as it is.
    users.change_password(built["officer"], built["officer"], "another-horse-battery-2026")
    export(built)
    assert len(renders) == 1
    assert db.session.query(RenderedReport).one().stamp == stamp

    # A name changes, of someone this review never names: the stamp moves (names print),
    # the HTML is built again and, its content key being the same, the PDF is restamped.
    stranger.name = "Ottoline Still Unprinted"
    db.session.commit()
    export(built)

    assert len(renders) == 1
    assert db.session.query(RenderedReport).one().stamp != stamp


def test_the_reference_points_are_part_of_the_content(
    rich_review: Builder, renders: list[str], app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = rich_review("factual_accuracy")
    export(built)
    monkeypatch.setitem(app.config, "CASELOAD_REFERENCE_MAX", 40)

    export(built)

    assert len(renders) == 2


def test_approval_drops_the_drafts_cached_pdfs(rich_review: Builder) -> None:
    built = rich_review("quality_assurance")
    export(built)
    assert db.session.query(RenderedReport).count() == 1
    from sfo_review.services import transitions

    helpers_rules.address_factors(built["review"])  # api-v1.1 B: the action balance rule
    transitions.transition(built["qa"], built["review"], approval())

    drafts = db.session.query(RenderedReport).filter(
        RenderedReport.variant.not_like("participant-%"),  # participants' copies: held
        RenderedReport.variant != DISCLOSABLE,  # the family summary without its mark: held
    )
    assert drafts.count() == 0


def test_the_content_key_follows_the_html_and_the_engine(db: Any) -> None:
    key = render.content_key("<p>a</p>", "full")

    assert key == render.content_key("<p>a</p>", "full")
    assert key != render.content_key("<p>b</p>", "full")
    assert key != render.content_key("<p>a</p>", "family_summary")
    assert len(key) == 64
