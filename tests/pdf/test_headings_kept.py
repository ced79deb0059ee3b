"""Headings keep with what follows, everywhere in the PDFs: a heading, and the short
introduction under it, never end a page apart from the table they introduce."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import CSS, HTML

PRINT_CSS = Path(__file__).resolve().parents[2] / "static" / "pdf" / "print.css"

SECTION = """
<h2>3. Chronology</h2>
<p class="app-small app-muted">12 entries in date order, numbered so that findings can refer
to them.</p>
<table><thead><tr><th>Entry and date</th><th>Source</th><th>What happened</th></tr></thead>
<tbody>{rows}</tbody></table>
"""
ROW = "<tr><td>{n}. 2 May 2023</td><td>Police</td><td>Row {n} of the table</td></tr>"


def _pages(filler_lines: int) -> list[str]:
    filler = "".join(f"<p>Filler line {i}</p>" for i in range(filler_lines))
    rows = "".join(ROW.format(n=n) for n in range(1, 13))
    html = f"<html><body>{filler}{SECTION.format(rows=rows)}</body></html>"
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


@pytest.mark.layout
@pytest.mark.parametrize("filler_lines", [*range(27, 34), *range(59, 66)])
def test_the_heading_and_its_introduction_go_with_the_first_row(filler_lines):
    pages = _pages(filler_lines)
    heading = next(i for i, text in enumerate(pages) if "3. Chronology" in text)
    assert "12 entries in date order" in pages[heading]
    assert "Row 1 of the table" in pages[heading], (
        f"with {filler_lines} lines before it the heading ends page {heading + 1} alone"
    )
