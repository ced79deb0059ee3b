"""Stylesheets and scripts under addresses that change with their content, kept a year.

Pages name their static files through `url_for("static", filename=...)`, which adds `v`: a
digest of the file's bytes. A request whose `v` is the file's current digest is answered
with `Cache-Control: public, max-age=31536000, immutable`, so a browser loads each
stylesheet and script once, not once more (a 304) on every page; when a file changes, the
pages name a new address. Without `v`, or with one that is not the file's digest (an old
page, the fonts and images a stylesheet names, a module's own imports), the file is
served as before: the browser asks again each time, and gets a 304 when it is unchanged.

The digest is kept per file with the size and modification time it was made for, so a
file changed in place (development) gets a new address at its next page.
"""

from __future__ import annotations

import hashlib
import os
import stat
from typing import Any

from flask import Flask, current_app, request
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

A_YEAR = 31_536_000  # seconds
VERSION = "v"  # the query parameter that names a static file's content

_DIGESTS: dict[str, tuple[int, int, str]] = {}  # path: (mtime_ns, size, digest)


def version(filename: str) -> str | None:
    """The digest of static file `filename` (12 hex digits), or None when it is not a file
    of the static folder."""
    folder = current_app.static_folder
    path = safe_join(folder, filename) if folder else None
    if path is None:
        return None
    try:
        found = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(found.st_mode):
        return None
    kept = _DIGESTS.get(path)
    if kept is not None and kept[:2] == (found.st_mtime_ns, found.st_size):
        return kept[2]
    with open(path, "rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()[:12]
    _DIGESTS[path] = (found.st_mtime_ns, found.st_size, digest)
    return digest


def _add_version(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint != "static" or VERSION in values:
        return
    filename = values.get("filename")
    if isinstance(filename, str) and (digest := version(filename)) is not None:
        values[VERSION] = digest


def _keep_versioned(response: Response) -> Response:
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    asked = request.args.get(VERSION)
    filename = (request.view_args or {}).get("filename")
    if asked and isinstance(filename, str) and asked == version(filename):
        response.cache_control.public = True
        response.cache_control.max_age = A_YEAR
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response


def init_app(app: Flask) -> None:
    app.url_defaults(_add_version)
    app.after_request(_keep_versioned)
