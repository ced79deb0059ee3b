"""GOV.UK components whose HTML depends only on their params, kept once rendered.

The govuk-frontend-jinja macros (the header, the service navigation, the footer, the review
list's filter widgets) see nothing but their params, and every page draws the same few of
them, so each distinct set of params is rendered once per process: a bounded
least-recently-used store per app. Rendering them is most of a simple page's time
otherwise (measured: about 3 ms of a 4 ms page).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any

from flask import current_app
from markupsafe import Markup

LIMIT = 1024


class Store:
    def __init__(self) -> None:
        self._items: OrderedDict[tuple[str, str], Markup] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple[str, str]) -> Markup | None:
        with self._lock:
            html = self._items.get(key)
            if html is not None:
                self._items.move_to_end(key)
            return html

    def put(self, key: tuple[str, str], html: Markup) -> None:
        with self._lock:
            self._items[key] = html
            while len(self._items) > LIMIT:
                self._items.popitem(last=False)


def store() -> Store:
    found: Store = current_app.extensions.setdefault("sfo_rendered_once", Store())
    return found


def rendered_once(
    name: str, render: Callable[[dict[str, Any]], Markup], params: dict[str, Any]
) -> Markup:
    """The HTML of component `name` for `params`, rendered by `render(params)` the first
    time (a GOV.UK macro or a widget's render: already escaped Markup)."""
    key = (name, json.dumps(params, sort_keys=True, default=str))
    cache = store()
    html = cache.get(key)
    if html is None:
        html = render(params)
        cache.put(key, html)
    return html
