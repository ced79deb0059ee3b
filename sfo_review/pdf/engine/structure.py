"""Hook `structure-join`: one structure element per HTML element, across page breaks (tagged
PDF for screen readers).

WeasyPrint 70 builds the structure tree page by page, so an element broken across pages
becomes one structure element per page: the chronology of the reference review was 15
tables, each section several `Sect`s, a paragraph over a page break two paragraphs, and the
header row the chronology repeats on each page was read out again as a new `THead` each
time. After WeasyPrint has built its tree, the hook's wrapper of `add_tags` (the name
`weasyprint.pdf.add_tags`, which WeasyPrint's PDF writer calls) joins them:

- siblings that are fragments of the same HTML element (and the same structure type) on
  different pages become one element; their children follow each other (structure
  elements re-parented, marked content of the later page as a marked-content reference
  with its page), and the parent tree points the moved marked content and link
  annotations at the joined element;
- a table's header row repeated on a later page is drawn again, so it is marked as what it
  is — a pagination artifact — and left out of the tree; the data cells of that page name
  the first page's header cells as their headers;
- the header cells' IDs, which data cells name as their headers, get the IDTree PDF 1.7
  requires for them (WeasyPrint writes none).

What came from which HTML element is recorded by the structure tree builder's wrapper in
artifacts.py while WeasyPrint builds the tree (`record`). The joining works on pydyf's
objects as WeasyPrint leaves them, so all of it lives here, in the adapter.
tests/pdf/test_artifacts.py checks the result: one `Table` with one `THead` and every
row, one element per section, every data cell's headers among its table's header cells,
every piece of text tagged or an artifact.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, TypeAlias
from xml.etree.ElementTree import Element

from sfo_review.pdf.engine.hooks import Hook, hook_of, mark

if TYPE_CHECKING:
    from pydyf import PDF, Dictionary
    from weasyprint.document import Document
    from weasyprint.pdf.stream import Stream

    # What a structure element's /K holds: another element (its reference), marked content
    # on the element's page (an MCID), or a marked-content or object reference.
    Kid: TypeAlias = bytes | int | Dictionary

NAME = "structure-join"
_state = threading.local()


def record(element: Dictionary, origin: Element | None) -> None:
    """Note the HTML element a structure element was made for (first note wins: the
    innermost box that made it). Structure elements live in the PDF's object list until it
    is written, so their ids stay theirs."""
    origins: dict[int, Element] | None = getattr(_state, "origins", None)
    if origins is not None and origin is not None:
        origins.setdefault(id(element), origin)


def install() -> None:
    """Wrap WeasyPrint's add_tags (idempotent)."""
    import weasyprint.pdf as pdf_module

    if installed():
        return
    add_tags = pdf_module.add_tags

    def add_tags_joined(
        pdf: PDF, document: Document, pdf_version: str | None, page_streams: list[Stream]
    ) -> None:
        _state.origins = {}
        try:
            add_tags(pdf, document, pdf_version, page_streams)
            _Joiner(pdf, page_streams, _state.origins).run()
        finally:
            _state.origins = None

    pdf_module.add_tags = mark(add_tags_joined, NAME, add_tags)


def installed() -> bool:
    import weasyprint.pdf as pdf_module

    return hook_of(pdf_module.add_tags) == NAME


HOOK = Hook(
    NAME,
    "weasyprint.pdf.add_tags",
    "fragments of one HTML element on several pages joined into one structure element",
    install,
    installed,
)


class _Joiner:
    def __init__(self, pdf: PDF, page_streams: list[Stream], origins: dict[int, Element]) -> None:
        import pydyf

        self.pydyf = pydyf
        self.origins = origins
        self.objects: dict[bytes, Dictionary] = {
            obj.reference: obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary)
        }
        self.pages = {ref: n for n, ref in enumerate(pdf.page_references)}
        self.page_streams = page_streams
        self.root = self.objects[pdf.catalog["StructTreeRoot"]]
        self.document = self.objects[self.root["K"][0]]
        self.parent_tree = self.objects[self.root["ParentTree"]]
        self.moved: dict[bytes, bytes] = {}  # structure element -> the one it joined
        self.dropped_mcids: dict[int, set[int]] = {}  # page -> MCIDs now artifacts
        self.mcid_positions: dict[int, dict[int, list[int]]] = {}  # page -> MCID -> indexes

    # ---- helpers ----
    def element(self, kid: Kid) -> Dictionary | None:
        if isinstance(kid, bytes):
            obj = self.objects.get(kid)
            if obj is not None and obj.get("Type") == "/StructElem":
                return obj
        return None

    def origin(self, element: Dictionary) -> Element | None:
        return self.origins.get(id(element))

    def descendants(self, element: Dictionary) -> Iterator[Dictionary]:
        yield element
        for kid in element["K"]:
            child = self.element(kid)
            if child is not None:
                yield from self.descendants(child)

    # ---- joining ----
    def run(self) -> None:
        self.join_children(self.document)
        self.rewrite_parent_tree()
        self.add_id_tree()

    def add_id_tree(self) -> None:
        """The structure tree root's IDTree, which PDF 1.7 (14.7.2) requires when elements
        have IDs: WeasyPrint gives header cells IDs, which data cells name in `Headers`,
        but no IDTree to find them by (a name tree: one node, its names in order)."""
        named = {
            element["ID"].string: element.reference
            for element in self.descendants(self.document)
            if "ID" in element
        }
        if named:
            names: list[object] = []
            for key in sorted(named):
                names += [self.pydyf.String(key), named[key]]
            self.root["IDTree"] = self.pydyf.Dictionary({"Names": self.pydyf.Array(names)})

    def join_children(self, parent: Dictionary) -> None:
        kept: list[Kid] = []
        for kid in parent["K"]:
            element = self.element(kid)
            previous = self.element(kept[-1]) if kept else None
            if (
                element is not None
                and previous is not None
                and self.origin(element) is not None
                and self.origin(element) is self.origin(previous)
                and element["S"] == previous["S"]
                and element["Pg"] != previous["Pg"]
            ):
                self.absorb(previous, element)
                continue
            kept.append(kid)
        parent["K"] = self.pydyf.Array(kept)
        for kid in kept:
            element = self.element(kid)
            if element is not None:
                self.join_children(element)

    def absorb(self, first: Dictionary, later: Dictionary) -> None:
        """`later`'s children after `first`'s; `later` leaves the tree."""
        kids = list(later["K"])
        if first["S"] == "/Table":
            kids = self.without_repeated_header(first, later, kids)
        for kid in kids:
            child = self.element(kid)
            if child is not None:
                child["P"] = first.reference
                first["K"].append(kid)
            elif isinstance(kid, int):
                if later["Pg"] == first["Pg"]:
                    first["K"].append(kid)
                else:
                    first["K"].append(
                        self.pydyf.Dictionary({"Type": "/MCR", "Pg": later["Pg"], "MCID": kid})
                    )
            else:
                first["K"].append(kid)  # an object reference (a link annotation) or an MCR
        self.moved[later.reference] = first.reference

    def without_repeated_header(
        self, first: Dictionary, later: Dictionary, kids: list[Kid]
    ) -> list[Kid]:
        heads = {id(self.origin(head)): head for head in self.kids(first, "/THead")}
        kept = []
        for kid in kids:
            element = self.element(kid)
            head = None
            if element is not None and element["S"] == "/THead":
                head = heads.get(id(self.origin(element)))
            if head is not None and self.to_artifact(element):
                self.rename_headers(later, element, head)
                continue
            kept.append(kid)
        return kept

    def kids(self, element: Dictionary, kind: str) -> list[Dictionary]:
        children = (self.element(kid) for kid in element["K"])
        return [child for child in children if child is not None and child["S"] == kind]

    def positions(self, page: int) -> dict[int, list[int]]:
        """Where each MCID's property list is in the page's content stream (read once)."""
        if page not in self.mcid_positions:
            found: dict[int, list[int]] = {}
            for index, item in enumerate(self.page_streams[page].stream):
                if isinstance(item, self.pydyf.Dictionary) and "MCID" in item:
                    found.setdefault(item["MCID"], []).append(index)
            self.mcid_positions[page] = found
        return self.mcid_positions[page]

    def to_artifact(self, head: Dictionary) -> bool:
        """Mark the repeated header's drawn content as a pagination artifact, if all of it
        is found in its page's content stream (else it stays tagged)."""
        marks: list[tuple[int, int]] = []
        for element in self.descendants(head):
            for kid in element["K"]:
                if isinstance(kid, int):
                    marks.append((self.pages[element["Pg"]], kid))
                elif self.element(kid) is None:
                    return False  # a link or a marked-content reference: leave it tagged
        found: list[tuple[list[object], int]] = []
        for page, mcid in marks:
            where = self.positions(page).get(mcid, [])
            if len(where) != 1 or where[0] == 0:
                return False
            found.append((self.page_streams[page].stream, where[0]))
        for items, index in found:
            items[index - 1] = "/Artifact"
            items[index] = self.pydyf.Dictionary({"Type": "/Pagination", "Subtype": "/Header"})
        for page, mcid in marks:
            self.dropped_mcids.setdefault(page, set()).add(mcid)
        return True

    def rename_headers(self, later: Dictionary, repeated: Dictionary, head: Dictionary) -> None:
        """The data cells of `later` named the repeated header's cells: name the first's."""
        first_ids = {
            cell["ID"].string.split("-", 1)[1]: cell["ID"]
            for cell in self.descendants(head)
            if "ID" in cell
        }
        renamed = {}
        for cell in self.descendants(repeated):
            if "ID" in cell:
                position = cell["ID"].string.split("-", 1)[1]
                if position in first_ids:
                    renamed[cell["ID"].string] = first_ids[position]
        for cell in self.descendants(later):
            headers = cell.get("A", {}).get("Headers") if cell is not later else None
            if headers is not None:
                cell["A"]["Headers"] = self.pydyf.Array(renamed.get(h.string, h) for h in headers)

    def rewrite_parent_tree(self) -> None:
        def final(ref: object) -> object:
            while isinstance(ref, bytes) and ref in self.moved:
                ref = self.moved[ref]
            return ref

        nums = self.parent_tree["Nums"]
        page_count = len(self.page_streams)
        for i in range(0, len(nums), 2):
            key, value = nums[i], nums[i + 1]
            if key < page_count and isinstance(value, self.pydyf.Array):
                dropped = self.dropped_mcids.get(key, set())
                nums[i + 1] = self.pydyf.Array(
                    b"null" if mcid in dropped else final(ref) for mcid, ref in enumerate(value)
                )
            else:
                nums[i + 1] = final(value)
