"""Page states for the accessibility walk: which pages are built the same way."""

from __future__ import annotations

import hashlib
from itertools import groupby

from bs4 import BeautifulSoup, NavigableString, Tag


def _shape(element: Tag) -> str:
    """What an element is made of, without its words: its tag, class, role, type, current
    marker, whether it holds text, and its children's shapes, where a run of identical
    siblings (a table's rows) counts as one or as two or more — so a repeat (duplicate ids,
    the same link text twice) still makes a state of its own."""
    own = ":".join(
        [
            element.name,
            " ".join(element.get_attribute_list("class")),
            str(element.get("role") or ""),
            str(element.get("type") or ""),
            str(element.get("aria-current") or ""),
            str(any(isinstance(c, NavigableString) and c.strip() for c in element.children)),
        ]
    )
    children = [_shape(c) for c in element.children if isinstance(c, Tag)]
    runs = [(shape, min(len(list(run)), 2)) for shape, run in groupby(children)]
    return own + "(" + ",".join(f"{shape}*{count}" for shape, count in runs) + ")"


def page_state(endpoint: str, html: str) -> tuple[str, str]:
    """A page state: the endpoint and the shape of the page the server sent. Pages built the
    same way for two roles (or two reviews) are the same state, checked once."""
    body = BeautifulSoup(html, "html.parser").body
    assert body is not None
    digest = hashlib.sha256(_shape(body).encode()).hexdigest()
    return endpoint, digest
