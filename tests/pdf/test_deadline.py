"""The render time limit: a render past it stops, in any thread, with a clear failure."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from sfo_review.pdf.deadline import RenderTimedOut, remaining, time_limit
from sfo_review.pdf.render import ReportUnavailable, render_pdf, write_pdfs

# About the layout itself: every PDF here is laid out for real (tests/conftest.py).
pytestmark = pytest.mark.layout

Builder = Callable[..., dict[str, Any]]
HTML = "<!DOCTYPE html><html lang='en-GB'><head><title>t</title></head><body>{}</body></html>"


def test_a_render_over_the_time_limit_raises_a_clear_error(
    rich_review: Builder, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    review = rich_review("factual_accuracy")["review"]
    monkeypatch.setitem(app.config, "PDF_RENDER_TIMEOUT_SECONDS", 0.001)

    with pytest.raises(ReportUnavailable, match="could not be produced") as failure:
        render_pdf(review, "full")

    assert "time limit" in failure.value.detail


def test_a_failing_render_raises_a_clear_error(
    rich_review: Builder, monkeypatch: pytest.MonkeyPatch
) -> None:
    review = rich_review("factual_accuracy")["review"]

    def broken(self: Any, html: str, formats: tuple[str, ...]) -> Any:
        raise OSError("disk full")

    monkeypatch.setattr("sfo_review.pdf.render._Engine._write", broken)

    with pytest.raises(ReportUnavailable, match="could not be produced") as failure:
        render_pdf(review, "full")

    assert "disk full" in failure.value.detail


def test_a_render_in_another_thread_is_stopped_not_abandoned(app: Flask) -> None:
    """The time limit stops the render itself: the thread ends, nothing runs on."""
    outcome: dict[str, BaseException | bytes] = {}
    html = HTML.format("<p>Long text.</p>" * 3000)

    def work() -> None:
        with app.app_context():
            app.config["PDF_RENDER_TIMEOUT_SECONDS"] = 0.05
            try:
                outcome["pdf"] = write_pdfs(html)["standard"].pdf
            except ReportUnavailable as exc:
                outcome["error"] = exc
            finally:
                app.config["PDF_RENDER_TIMEOUT_SECONDS"] = 120

    before = threading.active_count()
    worker = threading.Thread(target=work)
    worker.start()
    worker.join(120)

    assert not worker.is_alive()
    assert isinstance(outcome.get("error"), ReportUnavailable)
    assert threading.active_count() == before


def test_the_limit_belongs_to_the_thread_that_set_it(app: Flask) -> None:
    assert remaining() is None
    with time_limit(30):
        left = remaining()
        assert left is not None and 0 < left <= 30
        seen: list[float | None] = []
        other = threading.Thread(target=lambda: seen.append(remaining()))
        other.start()
        other.join()
        assert seen == [None]
    assert remaining() is None


def test_the_check_raises_from_inside_weasyprint(app: Flask) -> None:
    from weasyprint import HTML as WeasyHTML

    with pytest.raises(RenderTimedOut), time_limit(0):
        WeasyHTML(string=HTML.format("<p>x</p>")).write_pdf()
