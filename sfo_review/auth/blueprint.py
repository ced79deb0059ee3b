"""The auth blueprint (sign-in, sign-out, passwords, the session's routes) and where a
sign-in may send the browser next."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, url_for

auth_bp = Blueprint("auth", __name__)


# The characters a URL's path, query and fragment may hold as they are (RFC 3986, with %
# for the rest): no control character, CR or LF, space, backslash or non-ASCII letter.
_URL_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/%?#"
)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: `target` — the decoded value, exactly what would be
    redirected to — when it is a plain path on this site, otherwise the review list.

    A plain path starts with "/" and then neither "/" nor a backslash (browsers read both
    as the start of another host), and holds only URL characters.
    """
    if (
        target
        and target.startswith("/")
        and target[1:2] not in ("/", "\\")
        and set(target) <= _URL_CHARACTERS
    ):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme:
            return target
    return url_for("reviews.index")
