"""The measured WeasyPrint speed-ups (reports/lean.py) keep their promises."""

from __future__ import annotations

import gc

import pydyf
from weasyprint import HTML

from sfo_review.reports import lean


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
    lean.cache_page_references()
    lean.cache_page_references()  # idempotent
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = pdf.page_references
    assert first == tuple(f"{n} 0 R".encode() for n in pdf.pages["Kids"][::3])
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert len(pdf.page_references) == 4


def test_pydyf_compresses_at_level_six() -> None:
    import zlib

    lean.faster_compression()
    lean.faster_compression()
    data = b"BT /F1 12 Tf (SFO Review) Tj ET\n" * 2000
    asked_for_nine = pydyf.zlib.compressobj(level=9)
    six = zlib.compressobj(level=6)

    assert (
        asked_for_nine.compress(data) + asked_for_nine.flush() == six.compress(data) + six.flush()
    )
    assert pydyf.zlib.decompress(zlib.compress(data)) == data  # the rest is zlib itself


def test_the_collector_is_paused_only_inside_the_block() -> None:
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
