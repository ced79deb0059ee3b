"""The dashboard's figures drawn once per change of what they show, not once per view.

The page is a layout, the filter form and nine fragments (templates/dashboard/_deadlines.html
and the others in `SECTIONS`), each drawn from the sections of the figures named there. A
fragment's HTML is kept in the figures cache (services/figures/cache.py: Redis or the
worker's memory, for FIGURES_CACHE_SECONDS) under the data versions of those sections and
the parts the figures themselves are kept under (who asks, the day, the filters). A view
whose fragments are all kept draws only the layout and the form, without reading the
figures at all; after an action is added only the fragment of the action figures is drawn
again. The versions are read before anything is drawn, so a fragment is never kept under a
version newer than the data it shows.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from jinja2 import Environment
from markupsafe import Markup

from sfo_review import vocab
from sfo_review.dashboard import charts, page, tables
from sfo_review.services.figures import cache

# Each fragment, and the sections of the figures it reads (besides the filters, which are
# part of every key). tests/dashboard/test_fragments.py checks that a fragment reads
# nothing else.
SECTIONS: dict[str, tuple[str, ...]] = {
    "dashboard/_deadlines.html": ("deadlines",),
    "dashboard/_themes.html": ("factors",),
    "dashboard/_findings.html": ("findings",),
    "dashboard/_just_culture.html": ("just_culture",),
    "dashboard/_who_gets_blamed.html": ("attribution",),
    "dashboard/_conditions.html": ("conditions",),
    "dashboard/_actions.html": ("actions",),
    "dashboard/_recurrences.html": ("recurrences",),
    "dashboard/_ratings.html": ("ratings",),
}


class Lazy(Mapping[str, Any]):
    """`builders` applied to the figures on first use of each name (a table or a chart):
    a view that draws one fragment builds only what that fragment shows."""

    def __init__(self, builders: Mapping[str, Callable[[dict[str, Any]], Any]], figures: Any):
        self.builders = builders
        self.figures = figures
        self.built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self.built:
            self.built[name] = self.builders[name](self.figures)
        return self.built[name]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name not in self.builders:
            raise AttributeError(name)
        return self[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.builders)

    def __len__(self) -> int:
        return len(self.builders)


def context(figures: dict[str, Any], today: date) -> dict[str, Any]:
    """What the fragments are drawn with: the figures, and the tables, charts and sentences
    made from them, each built when a fragment first uses it."""
    return {
        "figures": figures,
        "tables": Lazy(tables.BUILDERS, figures),
        "charts": Lazy(page.CHARTS, figures),
        "text": Lazy({"scope": page.scope_text, "blame": page.blame_sentences}, figures),
        "scope_args": page.scope_args(figures),  # the filters: part of every fragment's key
        "today": today,
        "vocab": vocab,  # the only name of the app's own template context they use
    }


@functools.cache
def fingerprint(env: Environment) -> str:
    """A hash of what draws the fragments (the dashboard's templates, and the code that
    builds their tables and charts), part of every key: the cache may be Redis, shared by
    the workers of the release before, whose fragments must not be served by this one."""
    digest = hashlib.sha256()
    assert env.loader is not None  # noqa: S101 - the app's templates are always loaded
    for name in sorted(n for n in env.loader.list_templates() if n.startswith("dashboard/")):
        digest.update(name.encode() + env.loader.get_source(env, name)[0].encode())
    for module in (charts, page, tables):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]


class Fragments:
    """The page's fragments for one view: `fragment(template)` is its HTML, from the cache
    when kept for the current versions of its sections, drawn with `context()` otherwise
    (built once, on the first fragment drawn)."""

    def __init__(self, parts: list[Any], context: Callable[[], dict[str, Any]]) -> None:
        self.parts = parts
        self.context = context
        self.built: dict[str, Any] | None = None
        on = int(current_app.config.get("FIGURES_CACHE_SECONDS", 0)) > 0
        self.versions = cache.section_versions() if on else {}

    def __call__(self, template: str) -> Markup:
        versions = [self.versions.get(section) for section in SECTIONS[template]]
        drawn_by = fingerprint(current_app.jinja_env)
        key = "sfo-review:dashboard:" + json.dumps(
            [template, drawn_by, versions, *self.parts], default=str
        )
        return Markup(cache.through_text(key, lambda: self.draw(template)))  # noqa: S704 - drawn by the template, which escapes

    def draw(self, template: str) -> str:
        if self.built is None:
            self.built = self.context()
        return current_app.jinja_env.get_template(template).render(self.built)
