"""The PDF's URL fetcher reads only the app's own static files: no other file, no network."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from flask import Flask

from sfo_review.pdf.fetcher import FetchRefused, StaticOnlyFetcher
from sfo_review.pdf.render import write_pdf
from tests.report_fixtures import pdf_pages


@pytest.fixture
def static_root(tmp_path: Path) -> Path:
    root = tmp_path / "static"
    (root / "pdf").mkdir(parents=True)
    (root / "pdf" / "print.css").write_text("body { color: black; }")
    (tmp_path / "secret.txt").write_text("not for the PDF")
    (root / "pdf" / "leak.css").symlink_to(tmp_path / "secret.txt")
    return root


@pytest.fixture
def fetcher(static_root: Path) -> StaticOnlyFetcher:
    return StaticOnlyFetcher(static_root)


def test_a_file_inside_static_is_served(fetcher: StaticOnlyFetcher, static_root: Path) -> None:
    response = fetcher.fetch((static_root / "pdf" / "print.css").as_uri())

    assert response.read() == b"body { color: black; }"
    assert response.content_type == "text/css"
    response.close()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/style.css",
        "ftp://example.com/file.css",
        "data:text/css,body{color:red}",
        "file://evil.example/etc/passwd",
    ],
)
def test_other_files_and_every_network_url_are_refused(
    fetcher: StaticOnlyFetcher, url: str
) -> None:
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)


@pytest.mark.parametrize(
    "escape", ["/../secret.txt", "/pdf/../../secret.txt", "/%2e%2e/secret.txt"]
)
def test_a_path_escaping_static_is_refused(
    fetcher: StaticOnlyFetcher, static_root: Path, escape: str
) -> None:
    with pytest.raises(FetchRefused, match="outside the static folder"):
        fetcher.fetch(static_root.as_uri() + escape)


def test_a_symlink_out_of_static_is_refused(fetcher: StaticOnlyFetcher, static_root: Path) -> None:
    with pytest.raises(FetchRefused, match="outside the static folder"):
        fetcher.fetch((static_root / "pdf" / "leak.css").as_uri())


def test_a_missing_static_file_is_refused(fetcher: StaticOnlyFetcher, static_root: Path) -> None:
    with pytest.raises(FetchRefused, match="No such static file"):
        fetcher.fetch((static_root / "pdf" / "missing.css").as_uri())


class _Redirector(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        type(self).hits += 1
        self.send_response(302)
        self.send_header("Location", "file:///etc/passwd")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def redirecting_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Redirector)
    _Redirector.hits = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/style.css"
    server.shutdown()
    server.server_close()


def test_a_redirect_is_never_followed_nor_even_requested(
    fetcher: StaticOnlyFetcher, redirecting_server: str
) -> None:
    with pytest.raises(FetchRefused):
        fetcher.fetch(redirecting_server)

    assert _Redirector.hits == 0


def test_rendering_skips_refused_resources_and_carries_on(
    app: Flask,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    redirecting_server: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Alembic's fileConfig (run by the app fixture) disables loggers that already exist.
    monkeypatch.setattr(logging.getLogger("weasyprint"), "disabled", False)
    html = f"""<!DOCTYPE html><html lang="en-GB"><head><title>t</title>
      <link rel="stylesheet" href="file:///etc/passwd">
      <link rel="stylesheet" href="../../../../../../etc/passwd">
      <link rel="stylesheet" href="{redirecting_server}">
      </head><body><p>Still rendered</p>
      <img src="http://169.254.169.254/latest/meta-data/" alt="metadata">
      <img src="file:///etc/hostname" alt="host"></body></html>"""
    assert app.static_folder is not None

    with caplog.at_level(logging.WARNING):
        pdf = write_pdf(html, app.static_folder)

    text = "".join(pdf_pages(pdf, tmp_path))
    assert "Still rendered" in text
    assert "root:" not in text
    assert _Redirector.hits == 0
    refused = caplog.text
    assert "file:///etc/passwd" in refused
    assert "169.254.169.254" in refused


def test_the_print_stylesheet_loads_through_the_fetcher(app: Flask, tmp_path: Path) -> None:
    html = """<!DOCTYPE html><html lang="en-GB"><head><title>t</title>
      <link rel="stylesheet" href="pdf/print.css"></head><body><p>Body</p></body></html>"""
    assert app.static_folder is not None

    pages = pdf_pages(write_pdf(html, app.static_folder), tmp_path)

    # The margin boxes come from static/pdf/print.css: it was fetched (the cover, page 1,
    # carries no page number; its @font-face fonts came through the fetcher too).
    assert pages[0].count("OFFICIAL-SENSITIVE") == 2
    assert "Body" in pages[0]
