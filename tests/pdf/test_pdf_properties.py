"""The PDF files themselves: tagged PDF/UA-1 with language and title, embedded fonts, real
text, and the archival PDF/A-3b copy of an approved review."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from sfo_review.extensions import db
from sfo_review.models import ReportSnapshot
from sfo_review.pdf.render import render_pdf

Builder = Callable[..., dict[str, Any]]


def resolved(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def fonts_of(reader: PdfReader) -> Iterator[DictionaryObject]:
    seen = set()
    for page in reader.pages:
        fonts = resolved(resolved(page["/Resources"]).get("/Font", {}))
        for ref in fonts.values():
            font = resolved(ref)
            if id(font) not in seen:
                seen.add(id(font))
                yield font


def descriptors(font: DictionaryObject) -> Iterator[DictionaryObject]:
    if "/FontDescriptor" in font:
        yield resolved(font["/FontDescriptor"])
    for descendant in font.get("/DescendantFonts", []):
        yield from descriptors(resolved(descendant))


def structure_tags(reader: PdfReader) -> set[str]:
    found: set[str] = set()
    root = resolved(reader.trailer["/Root"]["/StructTreeRoot"])
    stack = [root]
    while stack:
        node = resolved(stack.pop())
        if isinstance(node, DictionaryObject):
            if "/S" in node:
                found.add(str(node["/S"]))
            kids = node.get("/K")
            if kids is not None:
                kids = resolved(kids)
                stack.extend(kids if isinstance(kids, list) else [kids])
    return found


def xmp(reader: PdfReader) -> str:
    return resolved(reader.trailer["/Root"]["/Metadata"]).get_data().decode("utf-8")


@pytest.fixture
def approved(rich_review: Builder) -> Any:
    return rich_review("approved", pdfs=True)["review"]


@pytest.mark.parametrize("variant", ["full", "family_summary"])
def test_tagged_pdf_ua_with_british_english_and_the_title_as_window_title(
    rich_review: Builder, variant: str
) -> None:
    review = rich_review("quality_assurance")["review"]
    reader = PdfReader(BytesIO(render_pdf(review, variant)))
    catalog = reader.trailer["/Root"]
    label = "Full report" if variant == "full" else "Family summary"
    title = f"Serious Further Offence Review {review.reference} – {label}"

    assert catalog["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata is not None
    assert reader.metadata.title == title
    metadata = xmp(reader)
    assert "<pdfuaid:part>1</pdfuaid:part>" in metadata or 'pdfuaid:part="1"' in metadata
    assert title in metadata
    tags = structure_tags(reader)
    assert {"/H1", "/H2", "/P", "/L", "/LI"} <= tags
    assert {"/Table", "/TR", "/TH", "/TD"} <= tags


def test_every_font_is_embedded_and_is_the_font_the_app_ships(rich_review: Builder) -> None:
    review = rich_review("quality_assurance")["review"]
    for variant in ("full", "family_summary"):
        reader = PdfReader(BytesIO(render_pdf(review, variant)))
        names = set()
        for font in fonts_of(reader):
            names.add(re.sub(r"^[A-Z]{6}\+", "", str(font["/BaseFont"]).lstrip("/")))
            found = list(descriptors(font))
            assert found, f"{font['/BaseFont']} has no descriptor"
            for descriptor in found:
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), (
                    f"{font['/BaseFont']} is not embedded"
                )
        assert names and all(name.startswith("Arimo") for name in names), names


def test_the_text_is_real_text_not_images(rich_review: Builder) -> None:
    reader = PdfReader(BytesIO(render_pdf(rich_review("quality_assurance")["review"], "full")))

    for page in reader.pages:
        xobjects = resolved(resolved(page["/Resources"]).get("/XObject", {}))
        images = [x for x in xobjects.values() if resolved(x).get("/Subtype") == "/Image"]
        assert images == []
        assert page.extract_text().strip()


def test_the_archival_copy_is_pdf_a_3b(approved: Any) -> None:
    snapshot = (
        db.session.query(ReportSnapshot)
        .filter_by(review_id=approved.id, variant="full", format="archival")
        .one()
    )
    pdf = snapshot.pdf
    reader = PdfReader(BytesIO(pdf), strict=True)
    catalog = reader.trailer["/Root"]
    metadata = xmp(reader)

    assert pdf.startswith(b"%PDF-1.7\n%")  # a binary comment on the second line
    assert re.search(r'pdfaid:part(>|=")3', metadata)
    assert re.search(r'pdfaid:conformance(>|=")B', metadata)
    intents = [resolved(i) for i in catalog["/OutputIntents"]]
    assert [str(i["/S"]) for i in intents] == ["/GTS_PDFA1"]
    assert resolved(intents[0]["/DestOutputProfile"]).get_data()[36:40] == b"acsp"  # ICC
    assert "/ID" in reader.trailer
    assert "/Encrypt" not in reader.trailer
    assert reader.metadata is not None
    assert reader.metadata.title in metadata
    for forbidden in ("/JavaScript", "/OpenAction", "/AA"):
        assert forbidden not in catalog
    assert b"/JavaScript" not in pdf and b"/Launch" not in pdf
    for font in fonts_of(reader):
        for descriptor in descriptors(font):
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor)
    assert "/StructTreeRoot" in catalog  # tagged as well
    assert catalog["/Lang"] == "en-GB"


def test_the_archival_copy_says_what_the_standard_one_says(approved: Any) -> None:
    snapshots = {
        s.format: s
        for s in db.session.query(ReportSnapshot).filter_by(review_id=approved.id, variant="full")
    }

    def text(pdf: bytes) -> list[str]:
        return [p.extract_text() for p in PdfReader(BytesIO(pdf)).pages]

    assert text(snapshots["archival"].pdf) == text(snapshots["standard"].pdf)
    assert snapshots["archival"].sha256 != snapshots["standard"].sha256


def test_qpdf_finds_no_syntax_or_stream_errors(approved: Any, tmp_path: Path) -> None:
    pdfs = {
        f"{variant}-{fmt}": render_pdf(approved, variant, fmt)
        for variant in ("full", "family_summary")
        for fmt in ("standard", "archival")
    }
    for name, pdf in pdfs.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        checked = subprocess.run(  # noqa: S603 - a fixed tool on our own file
            ["qpdf", "--check", str(path)], capture_output=True, text=True
        )
        assert checked.returncode == 0, (name, checked.stdout, checked.stderr)
        assert "No syntax or stream encoding errors found" in checked.stdout, name
        assert "WARNING" not in checked.stdout + checked.stderr, name
