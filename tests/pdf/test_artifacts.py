"""Page furniture is an artifact (pdf/engine/artifacts.py): every piece of text in a report is
either inside an /Artifact sequence or marked content reachable from the structure tree,
which is what PDF/UA-1 (7.1) and a validator such as veraPDF ask."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject

from sfo_review.models import ReportSnapshot
from sfo_review.pdf.engine import artifacts, install_hooks
from sfo_review.pdf.render import render_pdf

Builder = Callable[..., dict[str, Any]]
TEXT_OPERATORS = {b"Tj", b"TJ", b"'", b'"'}


def resolved(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


@dataclass
class Marking:
    """What a PDF's pages draw, sorted by how their text is marked."""

    tagged: list[int] = field(default_factory=list)  # text operators per page
    artifact: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    structure_types: list[str] = field(default_factory=list)


def structure_nodes(start: Any) -> Iterator[tuple[Any, DictionaryObject]]:
    """`start` and every structure node under it, each with how its parent refers to it."""
    stack: list[Any] = [start]
    while stack:
        ref = stack.pop()
        node = resolved(ref)
        if not isinstance(node, DictionaryObject):
            continue  # an MCID
        yield ref, node
        kids = resolved(node.get("/K"))
        if kids is not None:
            stack.extend(kids if isinstance(kids, ArrayObject) else [kids])


def in_the_tree(reader: PdfReader) -> tuple[set[int], list[str]]:
    """The object numbers of every structure element reachable from the root, their types."""
    seen: set[int] = set()
    types: list[str] = []
    for ref, node in structure_nodes(reader.trailer["/Root"]["/StructTreeRoot"]):
        if isinstance(ref, IndirectObject):
            seen.add(ref.idnum)
        if "/S" in node:
            types.append(str(node["/S"]))
    return seen, types


def marking(pdf: bytes) -> Marking:
    reader = PdfReader(BytesIO(pdf))
    elements, types = in_the_tree(reader)
    nums = resolved(resolved(reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"])["/Nums"])
    parents = {int(nums[i]): resolved(nums[i + 1]) for i in range(0, len(nums), 2)}
    found = Marking(structure_types=types)
    for number, page in enumerate(reader.pages, start=1):
        owners = parents[int(page["/StructParents"])]
        tagged = artifact = 0
        for mcids, in_artifact in text_operators(ContentStream(page.get_contents(), reader)):
            if in_artifact:
                artifact += 1
                if mcids:
                    found.problems.append(f"page {number}: MCID {mcids} inside an artifact")
            elif not mcids:
                found.problems.append(f"page {number}: text neither tagged nor an artifact")
            elif not isinstance(owners[mcids[-1]], IndirectObject) or (
                owners[mcids[-1]].idnum not in elements
            ):
                found.problems.append(f"page {number}: MCID {mcids[-1]} not in the tree")
            else:
                tagged += 1
        found.tagged.append(tagged)
        found.artifact.append(artifact)
    return found


def text_operators(content: ContentStream) -> Iterator[tuple[list[int], bool]]:
    """For each text-showing operator: the MCIDs of the sequences it is in, and whether it
    is inside an artifact."""
    open_sequences: list[tuple[str, int | None]] = []
    for operands, operator in content.operations:
        if operator in (b"BDC", b"BMC"):
            properties = resolved(operands[1]) if operator == b"BDC" else None
            mcid = None
            if isinstance(properties, DictionaryObject) and "/MCID" in properties:
                mcid = int(properties["/MCID"])
            open_sequences.append((str(operands[0]), mcid))
        elif operator == b"EMC":
            open_sequences.pop()
        elif operator in TEXT_OPERATORS:
            mcids = [mcid for _tag, mcid in open_sequences if mcid is not None]
            yield mcids, any(tag == "/Artifact" for tag, _mcid in open_sequences)


@pytest.mark.parametrize("stage", ["quality_assurance", "approved"])
@pytest.mark.parametrize("variant", ["full", "family_summary"])
def test_every_piece_of_text_is_tagged_or_an_artifact(
    rich_review: Builder, stage: str, variant: str
) -> None:
    review = rich_review(stage)["review"]
    pdfs = {"standard": render_pdf(review, variant)}
    if stage == "approved":
        pdfs["archival"] = render_pdf(review, variant, "archival")

    for name, pdf in pdfs.items():
        found = marking(pdf)
        assert found.problems == [], (name, found.problems[:5])
        # The margin marks are on every page, as artifacts; every page has tagged text.
        assert all(count >= 2 for count in found.artifact), (name, found.artifact)
        assert all(count > 0 for count in found.tagged), (name, found.tagged)


def test_the_stored_snapshots_are_marked_the_same_way(rich_review: Builder) -> None:
    review = rich_review("approved", pdfs=True)["review"]
    render_pdf(review, "full")  # stores the snapshots if they are not there yet
    snapshots = ReportSnapshot.query.filter_by(review_id=review.id).all()
    assert snapshots
    for snapshot in snapshots:
        assert marking(snapshot.pdf).problems == []


def test_the_draft_mark_is_drawn_on_every_page_but_is_not_in_the_structure(
    rich_review: Builder,
) -> None:
    review = rich_review("quality_assurance")["review"]
    draft = marking(render_pdf(review, "full"))
    # One more artifact text per page than the approved report has: the DRAFT across it
    # (the DRAFT in the top margin is the other extra one).
    approved = marking(render_pdf(rich_review("approved")["review"], "full"))
    assert min(draft.artifact) >= min(approved.artifact) + 2
    assert draft.structure_types.count("/Div") == approved.structure_types.count("/Div")


def small_document() -> str:
    return """<!DOCTYPE html><html lang="en-GB"><head><title>Furniture</title><style>
      @page { size: A6; @top-center { content: "HEADER MARK"; } }
      .mark { position: fixed; z-index: -1; top: 30mm; font-size: 30pt; }
      p { break-after: page; }
    </style></head><body>
      <div class="mark" aria-hidden="true">WATERMARK</div>
      <p>First page text.</p><p>Second page text <span aria-hidden="true">kept</span>.</p>
    </body></html>"""


def test_a_hidden_positioned_box_and_the_margins_are_artifacts(tmp_path: Path) -> None:
    from weasyprint import HTML

    install_hooks()
    install_hooks()  # idempotent: installing twice does not wrap twice
    pdf = HTML(string=small_document()).write_pdf(pdf_variant="pdf/ua-1")
    found = marking(pdf)

    assert found.problems == []
    assert len(found.artifact) == 2 and all(count >= 2 for count in found.artifact)
    # Only the paragraphs (and their spans) are in the structure: no Div for the mark.
    assert "/Div" not in found.structure_types
    assert found.structure_types.count("/P") == 2
    path = tmp_path / "small.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(  # noqa: S603 - a fixed tool on our own file
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    assert all("WATERMARK" in page and "HEADER MARK" in page for page in pages[:2])
    assert "kept" in pages[1]  # aria-hidden text that is not its own stacking context stays


def test_only_furniture_is_taken_out() -> None:
    from weasyprint import HTML

    install_hooks()
    document = HTML(string=small_document()).render()
    page_box = document.pages[0]._page_box
    margin = [box for box in page_box.children if type(box).__name__ == "MarginBox"]
    assert margin and all(artifacts.is_furniture(box) for box in margin)
    root = next(box for box in page_box.children if box.element_tag == "html")
    kept = [box for box in root.descendants() if box.element_tag == "p"]
    assert kept and not any(artifacts.is_furniture(box) for box in kept)


# ---- one structure element per HTML element, across pages (pdf/engine/structure.py) -------


def elements_of(reader: PdfReader, kind: str) -> list[DictionaryObject]:
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    return [node for _ref, node in structure_nodes(root) if node.get("/S") == kind]


def children(node: DictionaryObject, kind: str) -> list[DictionaryObject]:
    kids = resolved(node["/K"])
    kids = kids if isinstance(kids, ArrayObject) else [kids]
    return [
        resolved(k)
        for k in kids
        if isinstance(resolved(k), DictionaryObject) and resolved(k).get("/S") == kind
    ]


def id_tree(reader: PdfReader) -> dict[str, DictionaryObject]:
    """The structure tree root's IDTree (one node with its names, as written here)."""
    tree = resolved(reader.trailer["/Root"]["/StructTreeRoot"]["/IDTree"])
    names = resolved(tree["/Names"])
    keys = [str(names[i]) for i in range(0, len(names), 2)]
    assert keys == sorted(keys)  # a name tree's names are in order
    return {str(names[i]): resolved(names[i + 1]) for i in range(0, len(names), 2)}


def cells_name_their_own_headers(table: DictionaryObject, reader: PdfReader) -> None:
    ids, named = set(), []
    for _ref, node in structure_nodes(table):
        if node.get("/S") == "/TH" and "/ID" in node:
            ids.add(str(node["/ID"]))
        if node.get("/S") == "/TD":
            named.append([str(h) for h in resolved(node["/A"]).get("/Headers", [])])
    assert named and all(headers and set(headers) <= ids for headers in named)
    found = id_tree(reader)
    for name in ids:  # each header cell can be found by the ID its data cells name
        assert found[name]["/S"] == "/TH" and str(found[name]["/ID"]) == name


LONG_TABLE = """<!DOCTYPE html><html lang="en-GB"><head><title>Long</title><style>
  @page { size: A6; @top-center { content: "HEADER MARK"; } }
  th, td { border: 1px solid black; }
</style></head><body><section><h2>Rows</h2>
<p>%s</p>
<table><thead><tr><th>Number</th><th>Event</th></tr></thead><tbody>%s</tbody></table>
</section><section><h2>After</h2><p>The end.</p></section></body></html>"""


def test_a_table_over_many_pages_is_one_table_with_one_header(tmp_path: Path) -> None:
    from weasyprint import HTML

    install_hooks()
    install_hooks()  # idempotent
    rows = "".join(f"<tr><td>Row {n}</td><td>Event number {n}</td></tr>" for n in range(120))
    long_text = " ".join(["A paragraph long enough to break over a page."] * 60)
    pdf = HTML(string=LONG_TABLE % (long_text, rows)).write_pdf(pdf_variant="pdf/ua-1")
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) > 4

    found = marking(pdf)
    assert found.problems == []
    (table,) = elements_of(reader, "/Table")
    (head,) = children(table, "/THead")
    (body,) = children(table, "/TBody")
    assert len(children(head, "/TR")) == 1
    assert len(children(body, "/TR")) == 120
    cells_name_their_own_headers(table, reader)
    assert len(elements_of(reader, "/Sect")) == 2  # one per <section>, however many pages
    assert len(elements_of(reader, "/P")) == 2  # the long paragraph is one paragraph
    # The header row is still drawn on every page the table is on, as an artifact there.
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(  # noqa: S603 - a fixed tool on our own file
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    table_pages = [page for page in text.split("\f") if "Event number" in page]
    assert len(table_pages) > 2
    assert all("Number" in page and "Event\n" in page for page in table_pages)
    later = [n for n, page in enumerate(text.split("\f")) if "Event number" in page][1:]
    assert all(found.artifact[n] >= 3 for n in later)  # header mark + the two header cells


def test_the_reports_have_one_element_per_section_and_one_chronology_table(
    rich_review: Builder,
) -> None:
    from sfo_review.pdf.render import render_html

    review = rich_review("quality_assurance")["review"]
    for variant in ("full", "family_summary"):
        reader = PdfReader(BytesIO(render_pdf(review, variant)))
        sections = render_html(review, variant).count("<section")
        assert len(elements_of(reader, "/Sect")) == sections
        for table in elements_of(reader, "/Table"):
            assert len(children(table, "/THead")) <= 1
            if children(table, "/THead"):
                cells_name_their_own_headers(table, reader)


def artifact_kinds(pdf: bytes) -> list[set[tuple[str, str]]]:
    """Per page, the (Type, Subtype) of each artifact sequence."""
    reader = PdfReader(BytesIO(pdf))
    pages = []
    for page in reader.pages:
        kinds = set()
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"BDC" and str(operands[0]) == "/Artifact":
                properties = resolved(operands[1])
                kinds.add((str(properties.get("/Type")), str(properties.get("/Subtype"))))
            elif operator == b"BMC" and str(operands[0]) == "/Artifact":
                kinds.add(("", ""))  # WeasyPrint's own: backgrounds, borders
        pages.append(kinds)
    return pages


def test_artifacts_say_what_they_are() -> None:
    from weasyprint import HTML

    install_hooks()
    pdf = HTML(string=small_document()).write_pdf(pdf_variant="pdf/ua-1")
    for kinds in artifact_kinds(pdf):
        assert ("/Pagination", "/Header") in kinds  # the top margin's mark
        assert ("/Pagination", "/Watermark") in kinds  # the hidden mark across the page


def test_the_report_pages_have_a_header_a_footer_and_the_draft_watermark(
    rich_review: Builder,
) -> None:
    pdf = render_pdf(rich_review("quality_assurance")["review"], "full")
    for kinds in artifact_kinds(pdf):
        assert {("/Pagination", "/Header"), ("/Pagination", "/Footer")} <= kinds
        assert ("/Pagination", "/Watermark") in kinds
    approved = render_pdf(rich_review("approved")["review"], "full")
    assert all(("/Pagination", "/Watermark") not in kinds for kinds in artifact_kinds(approved))
