"""The measured WeasyPrint speed-ups (pdf/lean.py) keep their promises."""

from __future__ import annotations

import gc
from typing import Any

import pydyf
import pytest
from flask import Flask
from weasyprint import HTML

from sfo_review.pdf import engine, lean

# About the layout itself: every PDF here is laid out for real (tests/conftest.py).
pytestmark = pytest.mark.layout


def test_the_lean_stylesheet_drops_only_the_unused_pseudo_elements() -> None:
    from weasyprint.html import UA

    source = lean.lean_ua_source()

    for rule in ("::footnote-call", "::footnote-marker", "::note-call", "::note-marker"):
        assert f"\n{rule} {{" in UA
        assert f"\n{rule} {{" not in source
    assert "\n::marker {" not in source and "\nli::marker {" in source
    removed = set(UA.splitlines()) - set(source.splitlines())
    assert len(removed) == 6  # five note rules and the universal ::marker
    report_html = lean.report_html_class()
    assert report_html(string="<p>x</p>")._ua_stylesheets() == [lean.lean_ua_stylesheet()]


def test_weasyprint_still_asks_for_its_user_agent_stylesheet_through_the_hook() -> None:
    # If WeasyPrint stops calling HTML._ua_stylesheets, the lean sheet silently stops
    # applying: list items would lose their markers' style, which this would catch.
    assert callable(getattr(HTML, "_ua_stylesheets", None))
    document = lean.report_html_class()(string="<ul><li>one</li></ul>").render()
    assert document.pages


def test_lists_keep_their_bullets_with_the_lean_stylesheet() -> None:
    html = "<html lang='en-GB'><body><ul><li>Alpha</li></ul></body></html>"
    pdf = lean.report_html_class()(string=html).write_pdf()
    from io import BytesIO

    from pypdf import PdfReader

    assert "•" in PdfReader(BytesIO(pdf)).pages[0].extract_text()


def test_page_references_are_the_same_and_follow_new_pages() -> None:
    engine.pages.install()
    engine.pages.install()  # idempotent
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = pdf.page_references
    assert first == tuple(f"{n} 0 R".encode() for n in pdf.pages["Kids"][::3])
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert len(pdf.page_references) == 4


def test_pydyf_compresses_at_level_six() -> None:
    import zlib

    engine.compression.install()
    engine.compression.install()
    data = b"BT /F1 12 Tf (SFO Review) Tj ET\n" * 2000
    asked_for_nine = pydyf.zlib.compressobj(level=9)
    six = zlib.compressobj(level=6)

    assert (
        asked_for_nine.compress(data) + asked_for_nine.flush() == six.compress(data) + six.flush()
    )
    assert pydyf.zlib.decompress(zlib.compress(data)) == data  # the rest is zlib itself


def test_the_collector_is_paused_only_inside_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    # A thread of its own (the job worker's process); this test process may have others
    # (a live server's, from a browser test before it): those are tested on their own.
    monkeypatch.setattr(lean, "alone", lambda: True)
    assert gc.isenabled()
    with lean.no_cyclic_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with lean.no_cyclic_gc():
            pass
        assert not gc.isenabled()  # left as it was
    finally:
        gc.enable()


# ---- 5. bounded line breaking ------------------------------------------------------------

NARROW = "ii " * 1700  # narrow letters: the window WeasyPrint takes fits on one line
BLOCKS = [
    "The officer recorded a missed appointment and sent a warning letter; "
    "the police domestic abuse unit did not reply. " * 12,
    NARROW,
    ("x" * 10 + "\u200b") * 120,  # an over-long word as breaks.py leaves it
    "word\u00adword\u00adword " * 60,  # soft hyphens
    "Ends with a space before bold <strong>text</strong> and more " * 20,
    "Held\u00a0together by no-break spaces, then ordinary ones " * 20,
]


def _document() -> str:
    cells = "".join(
        f"<p class='app-long'>{b}</p><table><tr><td style='width:30mm'>{b}</td><td>{b}</td>"
        f"</tr></table><ul><li>{b}</li></ul>"
        for b in BLOCKS
    )
    return f"<html lang='en-GB'><head><title>Lines</title></head><body>{cells}</body></html>"


def test_weasyprint_still_breaks_lines_through_the_wrapped_function() -> None:
    # If WeasyPrint stops calling layout.inline.split_first_line (or changes its
    # parameters), the window is silently lost: this fails first.
    import inspect

    from weasyprint.layout import inline

    engine.linebreak.install()
    engine.linebreak.install()  # idempotent
    wrapped = inline.split_first_line
    assert wrapped.sfo_windowed
    assert list(inspect.signature(wrapped.sfo_original).parameters) == [
        "text",
        "style",
        "context",
        "max_width",
        "justification_spacing",
        "is_line_start",
        "minimum",
    ]
    calls = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0])
        return wrapped(*args, **kwargs)

    inline.split_first_line = counting
    try:
        HTML(string="<p>One line of text.</p>").render()
    finally:
        inline.split_first_line = wrapped
    assert calls


def test_the_windowed_lines_are_exactly_the_lines_of_the_whole_text(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from weasyprint.layout import inline

    from sfo_review.pdf.render import write_pdfs

    html = _document()
    with app.app_context():
        windowed = write_pdfs(html)["standard"].pdf
        monkeypatch.setattr(inline, "split_first_line", inline.split_first_line.sfo_original)
        whole = write_pdfs(html)["standard"].pdf

    assert windowed == whole


def test_each_line_lays_out_a_window_not_the_rest_of_the_text(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from weasyprint.layout import inline

    from sfo_review.pdf.render import write_pdfs

    html = "<html lang='en-GB'><body><table><tr><td style='width:30mm'>"
    html += f"{NARROW}</td><td>A wider column.</td></tr></table></body></html>"
    laid_out: list[int] = []
    with app.app_context():
        write_pdfs("<p>The engine installs the wrapper.</p>")
        wrapper = inline.split_first_line
        original = wrapper.sfo_original

        def counting(text: str, *args: Any, **kwargs: Any) -> Any:
            laid_out.append(len(text))
            return original(text, *args, **kwargs)

        monkeypatch.setattr(wrapper, "sfo_original", counting)
        write_pdfs(html)
        windowed = sum(laid_out)
        laid_out.clear()
        monkeypatch.setattr(inline, "split_first_line", counting)
        write_pdfs(html)
        whole = sum(laid_out)

    # Characters handed to Pango for the whole document: about a window per line with the
    # wrapper; the rest of the text on every line without it.
    assert windowed < 10 * len(NARROW)
    assert whole > 5 * windowed


# ---- 4. the collector, and other threads -------------------------------------------------

COLLECTOR_STATES = """
import gc, sys, threading
from sfo_review.pdf import render

engine = render.engine(sys.argv[1])
write = engine._write
seen = []

def watching(html, formats):
    seen.append(gc.isenabled())
    return write(html, formats)

engine._write = watching
engine.write("<p>One render, alone in its process.</p>", ("standard",))
print(threading.active_count(), seen, gc.isenabled())
"""


def test_a_render_alone_in_its_process_pauses_the_collector_and_switches_it_back_on(
    app: Flask,
) -> None:
    # A fresh process with one thread, as a job worker's process is.
    import subprocess
    import sys
    from pathlib import Path

    assert app.static_folder is not None
    result = subprocess.run(  # noqa: S603 - this interpreter on our own script
        [sys.executable, "-c", COLLECTOR_STATES, app.static_folder],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.split("\n")[-2] == "1 [False] True"


def test_a_render_beside_another_thread_leaves_the_collector_on(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A web process's other threads serve requests while an approval's PDFs are laid out:
    # the collector is the whole process's, so it must not be paused for them.
    import threading

    from sfo_review.pdf import render

    seen: list[bool] = []
    write = render._Engine._write

    def watching(engine: Any, html: str, formats: tuple[str, ...]) -> Any:
        seen.append(gc.isenabled())
        return write(engine, html, formats)

    monkeypatch.setattr(render._Engine, "_write", watching)
    done = threading.Event()
    other = threading.Thread(target=done.wait, name="another request")
    other.start()
    try:
        with app.app_context():
            render.write_pdfs("<p>A render while another thread is alive.</p>")
    finally:
        done.set()
        other.join()

    assert seen == [True]
    assert gc.isenabled()
