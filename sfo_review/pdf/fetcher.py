"""A WeasyPrint URL fetcher that reads only the app's own static files.

WeasyPrint's default fetcher opens any file:// path and any network URL it meets
(CVE-2025-68616, CVE-2026-55073): a stylesheet, image or SVG reference could read
/etc/passwd into a PDF or reach the cloud metadata service. The PDF templates need only
their print stylesheet, so this fetcher allows file URLs whose real path lies inside the
static folder and refuses everything else — network schemes, data: URLs (nothing needs
them) and symlinks or ../ segments that lead outside. It never touches the network, so
there is no redirect to follow.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class FetchRefused(ValueError):
    """A URL the PDF may not load. WeasyPrint logs it, skips the resource and carries on."""


class StaticOnlyFetcher(URLFetcher):
    """Serves file:// URLs inside `static_folder`; refuses every other URL."""

    def __init__(self, static_folder: str | os.PathLike[str]) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.root = Path(os.path.realpath(static_folder))

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        path = self.resolve(url)
        content_type, _encoding = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            path.as_uri(),
            path.read_bytes(),
            {"Content-Type": content_type or "application/octet-stream"},
        )

    def resolve(self, url: str) -> Path:
        """The real path of an allowed URL, or FetchRefused saying why not."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file":
            raise FetchRefused(f"Only the app's own static files may be loaded, not {url!r}")
        if parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"File URLs on another host are refused: {url!r}")
        raw = unquote(parts.path)
        if "\x00" in raw:
            raise FetchRefused(f"Malformed file URL: {url!r}")
        # realpath resolves ../ and symlinks, so the containment check sees the real target.
        real = Path(os.path.realpath(raw))
        if not real.is_relative_to(self.root):
            raise FetchRefused(f"Files outside the static folder are refused: {url!r}")
        if not real.is_file():
            raise FetchRefused(f"No such static file: {url!r}")
        return real
