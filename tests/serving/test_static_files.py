"""Stylesheets and scripts at addresses that change with their content (static_files.py):
kept by the browser for a year under the address a page names, asked for again otherwise."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from sfo_review import static_files

STATIC = Path(__file__).resolve().parents[2] / "static"
KEPT = "public, max-age=31536000, immutable"
IMPORT = re.compile(r"""\bimport\b[^'"]*['"]([^'"]+)['"]""")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _static_addresses(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    found = [str(tag["href"]) for tag in soup.select("link[rel=stylesheet][href]")]
    found += [str(tag["src"]) for tag in soup.select("script[src]")]
    return found


def _kept(response: TestResponse) -> bool:
    control = response.headers.get("Cache-Control", "")
    return "immutable" in control and "max-age=31536000" in control


@pytest.mark.parametrize(
    "role", [None, "reviewer", "officer", "quality_assurer", "leadership", "admin"]
)
def test_every_stylesheet_and_script_a_page_names_carries_its_content_digest(
    client: FlaskClient, login_as: Callable[..., Any], role: str | None
) -> None:
    if role:
        login_as(role)
    response = client.get("/" if role else "/sign-in", follow_redirects=True)
    assert response.status_code == 200
    addresses = _static_addresses(response.get_data(as_text=True))
    assert len(addresses) >= 4  # GOV.UK's, MoJ's and our stylesheet; init.js
    for address in addresses:
        parts = urlsplit(address)
        assert parts.path.startswith("/static/"), address
        path = STATIC / parts.path.removeprefix("/static/")
        assert parse_qs(parts.query)["v"] == [_digest(path)], address
        served = client.get(address)
        assert served.status_code == 200 and served.headers["Cache-Control"] == KEPT
        assert served.get_data() == path.read_bytes()
        served.close()


def test_without_the_digest_or_with_another_the_file_is_asked_for_again(
    client: FlaskClient, db: Any
) -> None:
    current = _digest(STATIC / "css" / "app.css")
    for query in ("", "?v=", "?v=0", "?v=abc123abc123", "?v=%3Cscript%3E", "?v=" + "f" * 2000):
        response = client.get("/static/css/app.css" + query)
        assert response.status_code == 200, query
        assert not _kept(response), query
        assert "no-cache" in response.headers["Cache-Control"], query
        assert response.get_data() == (STATIC / "css" / "app.css").read_bytes()
        response.close()
    first = client.get(f"/static/css/app.css?v={current}")
    etag = first.headers["ETag"]
    first.close()
    again = client.get(f"/static/css/app.css?v={current}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and _kept(again)
    unversioned = client.get("/static/css/app.css", headers={"If-None-Match": etag})
    assert unversioned.status_code == 304 and not _kept(unversioned)


def test_no_file_no_folder_and_nothing_outside_gets_a_version(
    app: Flask, client: FlaskClient, db: Any
) -> None:
    with app.test_request_context():
        assert url_for("static", filename="vendor/govuk/assets") == "/static/vendor/govuk/assets"
        assert url_for("static", filename="no-such-file.css") == "/static/no-such-file.css"
        assert url_for("static", filename="../config.py") == "/static/../config.py"
        assert static_files.version("../config.py") is None
        assert static_files.version("/etc/passwd") is None
    for address in ("/static/no-such-file.css?v=1", "/static/../config.py?v=1"):
        response = client.get(address)
        assert response.status_code == 404 and not _kept(response)


def test_a_file_changed_in_place_gets_a_new_address(
    app: Flask, client: FlaskClient, db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    sheet = tmp_path / "sheet.css"
    sheet.write_text("body { color: black; }")
    with app.test_request_context():
        before = url_for("static", filename="sheet.css")
    sheet.write_text("body { color: navy; }")
    later = os.stat(sheet).st_mtime_ns + 1_000_000_000
    os.utime(sheet, ns=(later, later))
    with app.test_request_context():
        after = url_for("static", filename="sheet.css")
    assert before != after and after == f"/static/sheet.css?v={_digest(sheet)}"
    old = client.get(before)
    assert old.status_code == 200 and not _kept(old)  # an old page gets today's file
    assert old.get_data(as_text=True) == "body { color: navy; }"
    old.close()
    new = client.get(after)
    assert new.status_code == 200 and _kept(new)
    new.close()


def test_no_script_a_page_names_is_also_imported_by_another_at_another_address(
    client: FlaskClient, login_as: Callable[..., Any]
) -> None:
    """An ES module's address is its identity: named by a page with `v` and imported by a
    script without it, it would load and run twice."""
    login_as("reviewer")
    named = {
        urlsplit(src).path
        for src in _static_addresses(client.get("/").get_data(as_text=True))
        if urlsplit(src).path.endswith(".js")
    }
    imported = set()
    for script in (STATIC / "js").glob("*.js"):
        for target in IMPORT.findall(script.read_text()):
            imported.add(urljoin(f"/static/js/{script.name}", target))
    assert "/static/vendor/govuk/govuk-frontend.min.js" in imported  # what init.js starts
    assert named and not named & imported
