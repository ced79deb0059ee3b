"""The adapter's contract with WeasyPrint and pydyf (sfo_review/pdf/engine/): one test per
hook, each checking that the private names the hook relies on are still there, in the shape
it expects, in the installed libraries. After an upgrade these fail first, naming the hook
and what moved (docs/pdf.md, "When a contract test fails")."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable

import pydyf
import pytest

from sfo_review.pdf import engine

UPGRADE = "WeasyPrint or pydyf upgrade? See docs/pdf.md, 'When a contract test fails'"


def broken(hook: str, what: str) -> str:
    return f"hook {hook!r}: {what} — {UPGRADE}"


def library_name(dotted: str) -> object:
    """The library's own object at `dotted` (behind a hook's replacement), or None."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            obj = inspect.getattr_static(obj, name, None)
            if obj is None:
                return None
        return engine.original(obj)
    return None


def expect_signature(hook: str, dotted: str, parameters: list[str]) -> Callable[..., object]:
    """The function at `dotted`, failing unless it takes exactly `parameters`."""
    found = library_name(dotted)
    if not callable(found):
        pytest.fail(broken(hook, f"{dotted} is gone"))
    names = list(inspect.signature(found).parameters)
    if names != parameters:
        pytest.fail(
            broken(
                hook,
                f"{dotted} changed signature: ({', '.join(names)}), "
                f"the hook expects ({', '.join(parameters)})",
            )
        )
    return found


def expect_source(hook: str, dotted: str, needle: str, why: str) -> None:
    """The source of `dotted` still has `needle` (where the library calls the name)."""
    found = library_name(dotted)
    if found is None or needle not in inspect.getsource(found):
        pytest.fail(broken(hook, f"{dotted} no longer has {needle!r}: {why}"))


def test_compression() -> None:
    """pydyf compresses through its module's name `zlib`, at level 9."""
    hook = "compression"
    if not hasattr(pydyf, "zlib"):
        pytest.fail(broken(hook, "pydyf.zlib is gone: pydyf no longer uses its own zlib name"))
    expect_source(
        hook, "pydyf", "zlib.compressobj(level=", "streams are no longer compressed with it"
    )


def test_page_references() -> None:
    """PDF.page_references is a property over the page tree's Kids, three per page."""
    hook = "page-references"
    current = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(current, property) or current.fget is None:
        pytest.fail(broken(hook, "pydyf.PDF.page_references is no longer a property"))
    compute = engine.original(current.fget)
    assert callable(compute)
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    references = compute(pdf)
    if not (isinstance(references, tuple) and len(references) == 3):
        pytest.fail(broken(hook, "pydyf.PDF.page_references no longer gives one per page"))
    if len(pdf.pages["Kids"]) != 9:
        pytest.fail(broken(hook, "pydyf.PDF.pages['Kids'] no longer grows with each page"))


def test_line_breaking() -> None:
    """Inline layout calls split_first_line by its module's name, with the parameters the
    hook's replacement takes and passes on, and takes the resume index from the result."""
    hook = "line-breaking"
    engine.install_hooks()
    replacement = library_replacement("weasyprint.layout.inline.split_first_line")
    assert callable(replacement)
    passed_on = list(inspect.signature(replacement).parameters)
    expect_signature(hook, "weasyprint.layout.inline.split_first_line", passed_on)
    expect_source(
        hook,
        "weasyprint.layout.inline.split_text_box",
        "resume_index, width, height, baseline = split_first_line(",
        "inline layout no longer calls it by that name, or its result changed shape",
    )


def test_artifact_drawing() -> None:
    """Stacking contexts are drawn through draw.draw_stacking_context, on a stream that
    gives out MCIDs from `_tags` and can mark content."""
    hook = "artifact-drawing"
    expect_signature(hook, "weasyprint.draw.draw_stacking_context", ["stream", "stacking_context"])
    expect_source(
        hook,
        "weasyprint.draw.draw_page",
        "draw_stacking_context(stream, stacking_context)",
        "pages are no longer drawn through the module's name",
    )
    expect_source(
        hook,
        "weasyprint.pdf.stream.Stream.__init__",
        "self._tags = ",
        "the stream no longer keeps its MCIDs in `_tags`",
    )
    expect_signature(
        hook, "weasyprint.pdf.stream.Stream.begin_marked_content", ["self", "tag", "property_list"]
    )
    expect_signature(hook, "weasyprint.pdf.stream.Stream.end_marked_content", ["self"])
    expect_source(
        hook,
        "weasyprint.stacking.StackingContext.__init__",
        "self.box = ",
        "a stacking context no longer says which box it is for",
    )


def test_structure_tree() -> None:
    """The tag tree is built box by box through tags._build_box_tree; an absolutely
    positioned box is behind its placeholder's `_box`; margin boxes are MarginBox."""
    hook = "structure-tree"
    expect_signature(
        hook,
        "weasyprint.pdf.tags._build_box_tree",
        ["box", "parent", "pdf", "page_number", "nums", "annotations", "tags"],
    )
    expect_source(
        hook,
        "weasyprint.pdf.tags.add_tags",
        "_build_box_tree(",
        "the structure tree is no longer built through the module's name",
    )
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.absolute import AbsolutePlaceholder

    box = object()
    if getattr(AbsolutePlaceholder(box), "_box", None) is not box:
        pytest.fail(broken(hook, "weasyprint.layout.absolute.AbsolutePlaceholder._box is gone"))
    if not isinstance(getattr(boxes, "MarginBox", None), type):
        pytest.fail(broken(hook, "weasyprint.formatting_structure.boxes.MarginBox is gone"))


def test_structure_join() -> None:
    """The PDF writer tags the document through weasyprint.pdf's name `add_tags`."""
    hook = "structure-join"
    expect_signature(
        hook, "weasyprint.pdf.add_tags", ["pdf", "document", "pdf_version", "page_streams"]
    )
    expect_source(
        hook,
        "weasyprint.pdf.generate_pdf",
        "add_tags(pdf, document, ",
        "the PDF writer no longer calls it by that name",
    )
    for name in ("objects", "catalog", "page_references"):
        if not hasattr(pydyf.PDF(), name):
            pytest.fail(broken(hook, f"pydyf.PDF has no {name!r}"))
    if not hasattr(pydyf.Dictionary(), "reference"):
        pytest.fail(broken(hook, "pydyf.Dictionary has no `reference`"))


def test_user_agent_stylesheet() -> None:
    """WeasyPrint asks the document for its user-agent stylesheets through
    HTML._ua_stylesheets(forms), and ships css/html5_ua.css."""
    hook = "user-agent-stylesheet"
    expect_signature(hook, "weasyprint.HTML._ua_stylesheets", ["self", "forms"])
    expect_source(
        hook,
        "weasyprint.css.get_all_computed_styles",
        "html._ua_stylesheets(",
        "styles are no longer computed from it",
    )
    if "::marker {" not in engine.user_agent_source():
        pytest.fail(broken(hook, "weasyprint/css/html5_ua.css is gone or has no ::marker rule"))
    css = library_name("weasyprint.CSS")
    if not callable(css) or "counter_style" not in inspect.signature(css).parameters:
        pytest.fail(broken(hook, "weasyprint.CSS takes no counter_style"))


def test_every_hook_has_its_contract_test() -> None:
    tested = {
        name[len("test_") :].replace("_", "-") for name in globals() if name.startswith("test_")
    }
    assert {hook.name for hook in engine.HOOKS} <= tested


def test_the_hooks_are_installed_once_however_often_asked() -> None:
    engine.install_hooks()
    engine.install_hooks()

    for hook in engine.HOOKS:
        assert hook.installed(), f"hook {hook.name!r} is not installed"
    for hook in engine.HOOKS:
        if hook.name == "user-agent-stylesheet":
            continue  # a subclass's override: nothing of WeasyPrint's is replaced
        replacement = library_replacement(hook.replaces)
        assert engine.hook_of(replacement) == hook.name, hook.replaces
        # Installed once: behind the replacement is the library's own, not another wrapper.
        assert engine.hook_of(replacement.sfo_original) is None, hook.name


def library_replacement(dotted: str) -> object:
    """What the library's name `dotted` holds now (a property's getter for a property)."""
    module, _, name = dotted.rpartition(".")
    owner: object
    try:
        owner = importlib.import_module(module)
    except ImportError:
        parent, _, cls = module.rpartition(".")
        owner = getattr(importlib.import_module(parent), cls)
    found = inspect.getattr_static(owner, name)
    return found.fget if isinstance(found, property) else found
