"""The PDF reports: templates/pdf/ rendered with WeasyPrint through a static-only fetcher.

Two variants: the full report (everything, for the service) and the family summary (plain
English for a bereaved family: no officer names, statements, replies or per-person figures).
Two formats of each: `standard` — tagged PDF/UA-1, British English, the title shown as the
window title — and `archival` — PDF/A-3b, also tagged — stored for approved reviews.

The templates use their own Jinja environment with autoescape always on, so text typed
into a review prints literally and is never read as HTML; long text becomes paragraphs
through the `paragraphs` filter (escaped line by line), never through `|safe`. Every text
that reaches a PDF — each `{{ … }}` (the environment's `finalize`) and each line of the
`lines` and `paragraphs` filters — first gets break opportunities in over-long words
(breaks.py), so no text can make the layout take unbounded time.

Speed (docs/pdf.md): the print stylesheet and the embedded font are parsed once per
process and reused by every render (the `_Engine`); one layout serves both formats when
both are wanted; a render stops at its time limit (deadline.py).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask import Flask, current_app
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.runtime import LoopContext
from markupsafe import Markup, escape

from sfo_review import just_culture, vocab
from sfo_review.models import Review
from sfo_review.pdf import action_plan, content, lean, participant
from sfo_review.pdf.breaks import breakable
from sfo_review.pdf.content import LONDON
from sfo_review.pdf.deadline import RenderTimedOut, current_limit, remaining, time_limit
from sfo_review.pdf.engine import install_hooks
from sfo_review.pdf.fetcher import StaticOnlyFetcher
from sfo_review.services.errors import ServiceError

__all__ = ["ReportUnavailable", "render_html", "render_pdf", "sha256_hex"]

VARIANTS = vocab.keys(vocab.REPORT_VARIANTS)
FORMATS = ("standard", "archival")
TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "pdf"
STYLESHEET = "pdf/print.css"
# WeasyPrint options of each format. Both are tagged (a structure tree for screen readers).
FORMAT_OPTIONS: dict[str, dict[str, str | bool]] = {
    "standard": {"pdf_variant": "pdf/ua-1"},
    "archival": {"pdf_variant": "pdf/a-3b", "pdf_tags": True},
}
# Bumped when something outside the HTML changes what a PDF looks like (cache keys).
ENGINE_VERSION = "2"


class ReportUnavailable(ServiceError):
    """The PDF could not be produced (timed out or failed); nothing was stored."""

    code = "report_unavailable"
    status = 503

    def __init__(self, detail: str = "") -> None:
        message = (
            "The report could not be produced. Try again in a few minutes; if it keeps "
            "happening, tell the service support team."
        )
        super().__init__(message)
        self.detail = detail


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    pages: int
    seconds: float


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---- HTML ------------------------------------------------------------------------------


def render_html(review: Review, variant: str, linked_stylesheet: bool = True) -> str:
    """The HTML of `variant`. WeasyPrint gets the stylesheet parsed once instead of the link
    (`linked_stylesheet=False`); any other reader (a browser) needs the link."""
    return render_htmls(review, [variant], linked_stylesheet)[variant]


def render_htmls(
    review: Review, variants: list[str], linked_stylesheet: bool = True
) -> dict[str, str]:
    """The HTML of each of `variants` (as render_html), from one load of the review: every
    load queries each collection the templates use again (approval builds them all)."""
    for variant in variants:
        if variant not in VARIANTS and not participant.is_key(variant):
            raise ValueError(f"Unknown report variant {variant!r}")
    loaded = content.load(review)
    return {variant: _html(loaded, variant, linked_stylesheet) for variant in variants}


def _html(review: Review, variant: str, linked_stylesheet: bool) -> str:
    own_copy = participant.is_key(variant)  # a participant's copy: pdf/participant.py
    name = participant.VARIANT if own_copy else variant
    template = _environment(current_app).get_template(f"{name}.html")
    context = content.common(review, "full" if own_copy else variant)
    if own_copy:
        context.update(participant.content(review, variant))
    else:
        context.update(_BUILDERS[variant](review))
    context["linked_stylesheet"] = linked_stylesheet
    return template.render(**context)


# Each variant's own template context (the common part: content.common).
_BUILDERS = {
    "full": content.full,
    "family_summary": content.family,
    "action_plan": action_plan.content,
}


def _environment(app: Flask) -> Environment:
    env: Environment | None = app.extensions.get("sfo_pdf_jinja")
    if env is None:
        env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=True,  # always: these templates are not chosen by file extension
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            finalize=_breakable_output,
        )
        env.filters["long_date"] = long_date
        env.filters["paragraphs"] = paragraphs
        env.filters["lines"] = lines
        env.filters["css_string"] = css_string
        env.globals["vocab"] = vocab
        env.globals["join_word"] = join_word
        env.globals["just_culture"] = just_culture
        app.extensions["sfo_pdf_jinja"] = env
    return env


def long_date(value: date | datetime | None) -> str:
    """GOV.UK style dates: 2 May 2023 (timestamps in UK time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return f"{value.day} {value:%B %Y}"


def join_word(loop: LoopContext) -> str:
    """What goes after an item of a {% for %} loop in a sentence: ", ", " and " or nothing."""
    if loop.last:
        return ""
    return " and " if loop.revindex == 2 else ", "


def _breakable_output(value: object) -> object:
    """What every `{{ … }}` prints: plain text gets its break opportunities (markup from
    our filters and macros already has them, and is not text to change). Values in
    attributes pass here too: the templates' ids and classes are far shorter than
    breaks.LONGEST_RUN, so they are never changed (test_long_words checks the links)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return breakable(value)
    return value


_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def lines(text: str | None) -> Markup:
    """Text escaped, its line breaks kept as <br>, over-long words made breakable."""
    if not text:
        return Markup("")
    rows = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    return Markup("<br>").join(escape(breakable(row)) for row in rows)


def paragraphs(text: str | None) -> Markup:
    """Long text as <p> paragraphs (a blank line starts a new one), escaped."""
    if not text:
        return Markup("")
    blocks = _BLANK_LINES.split(text.replace("\r\n", "\n").replace("\r", "\n").strip())
    return Markup("\n").join(
        Markup('<p class="app-long">%s</p>') % lines(b) for b in blocks if b.strip()
    )


def css_string(value: str) -> Markup:
    """`value` as the inside of a double-quoted CSS string in a <style> element."""
    out = []
    for char in value:
        if char in '"\\<>&' or ord(char) < 32 or ord(char) == 127:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return Markup("".join(out))  # noqa: S704 - every character that could end the string is escaped


# ---- PDF -------------------------------------------------------------------------------


class _Engine:
    """Per process: the fetcher, the parsed print stylesheet and its fonts, and a lock.

    Parsing the stylesheet and loading the @font-face fonts once saves that work on every
    render. WeasyPrint's font configuration is not made for two renders at once, so renders
    in one process take turns (they are CPU-bound under the GIL anyway). Downloads leave
    their renders to the job worker (services/reports/work.py); in a web process only an
    approval through the API lays out PDFs, as the contract asks.
    """

    def __init__(self, static_folder: str) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        install_hooks()
        self.html_class = lean.report_html_class()
        self.static_folder = static_folder
        self.fetcher = StaticOnlyFetcher(static_folder)
        self.base_url = Path(static_folder).resolve().as_uri() + "/"
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(
            url=self.base_url + STYLESHEET, url_fetcher=self.fetcher, font_config=self.font_config
        )
        self.fingerprint = fingerprint(static_folder)
        self.lock = threading.Lock()

    def write(self, html: str, formats: tuple[str, ...]) -> dict[str, RenderedPdf]:
        if not self.lock.acquire(timeout=-1 if (left := remaining()) is None else left):
            raise RenderTimedOut(current_limit())  # waited its whole time for its turn
        try:
            with lean.no_cyclic_gc():
                return self._write(html, formats)
        finally:
            self.lock.release()

    def _write(self, html: str, formats: tuple[str, ...]) -> dict[str, RenderedPdf]:
        started = time.perf_counter()
        document = self.html_class(
            string=html, base_url=self.base_url, url_fetcher=self.fetcher
        ).render(stylesheets=[self.stylesheet], font_config=self.font_config)
        pages = len(document.pages)
        out = {}
        for name in formats:
            pdf: bytes = document.write_pdf(**FORMAT_OPTIONS[name])
            out[name] = RenderedPdf(pdf, pages, time.perf_counter() - started)
        return out


_FINGERPRINTS: dict[str, str] = {}
_FINGERPRINTS_LOCK = threading.Lock()


def fingerprint(static_folder: str | None = None) -> str:
    """Everything that shapes a PDF besides its review: the stylesheet and its fonts, the
    templates, the code that builds their content, and WeasyPrint's version (a deploy that
    changes any of them must not serve a PDF cached before it). Read from the files, once
    per process, without loading WeasyPrint: web processes, which lay out no PDF, key the
    cache with it too."""
    folder = static_folder or current_app.static_folder
    assert folder is not None  # noqa: S101 - create_app always sets it
    with _FINGERPRINTS_LOCK:
        if folder not in _FINGERPRINTS:
            static = Path(folder)
            shaping = [(static / STYLESHEET).read_bytes()]
            fonts = sorted((static / "vendor" / "fonts").rglob("*.woff2"))
            shaping += [p.read_bytes() for p in fonts]
            shaping += [p.read_bytes() for p in sorted(TEMPLATES.glob("*.html"))]
            shaping += [p.read_bytes() for p in sorted(Path(__file__).parent.rglob("*.py"))]
            shaping += [(Path(__file__).parent.parent / "vocab.py").read_bytes()]
            version = importlib.metadata.version("weasyprint")
            _FINGERPRINTS[folder] = sha256_hex(
                f"{ENGINE_VERSION}|{version}|{FORMAT_OPTIONS!r}|".encode() + b"|".join(shaping)
            )
        return _FINGERPRINTS[folder]


_ENGINES: dict[str, _Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine(static_folder: str | None = None) -> _Engine:
    folder = static_folder or current_app.static_folder
    assert folder is not None  # noqa: S101 - create_app always sets it
    with _ENGINES_LOCK:
        if folder not in _ENGINES:
            _ENGINES[folder] = _Engine(folder)
        return _ENGINES[folder]


def render_pdf(review: Review, variant: str, fmt: str = "standard") -> bytes:
    """The PDF of `variant` in format `fmt`, or ReportUnavailable."""
    return render_formats(review, variant, (fmt,))[fmt].pdf


def render_formats(
    review: Review, variant: str, formats: tuple[str, ...] = ("standard",)
) -> dict[str, RenderedPdf]:
    """`variant` in each of `formats` from one layout, within the configured time limit."""
    return write_pdfs(render_html(review, variant, linked_stylesheet=False), formats)


def write_pdfs(html: str, formats: tuple[str, ...] = ("standard",)) -> dict[str, RenderedPdf]:
    """The PDFs of `html` (WeasyPrint's own time limit applies), or ReportUnavailable."""
    timeout = float(current_app.config["PDF_RENDER_TIMEOUT_SECONDS"])
    try:
        with time_limit(timeout):
            return engine().write(html, formats)
    except RenderTimedOut as exc:
        current_app.logger.error("PDF rendering took longer than %s seconds", timeout)
        raise ReportUnavailable(str(exc)) from exc
    except Exception as exc:
        current_app.logger.error("PDF rendering failed", exc_info=exc)
        raise ReportUnavailable(repr(exc)) from exc


def write_pdf(html: str, static_folder: str) -> bytes:
    """Any HTML through the static-only fetcher (what it links is fetched, if allowed)."""
    from weasyprint import HTML

    eng = engine(static_folder)
    with eng.lock:
        pdf: bytes = HTML(string=html, base_url=eng.base_url, url_fetcher=eng.fetcher).write_pdf()
    return pdf


def content_key(html: str, variant: str) -> str:
    """What a cached PDF is keyed by: the document and everything else that shapes it."""
    return sha256_hex(f"{variant}|{fingerprint()}|".encode() + html.encode())
