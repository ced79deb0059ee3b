"""docs/routes.md, written from the app's URL map: every route, its methods, its endpoint
and the permissions its decorator names. `make routes-doc` writes it; tests/test_house.py
fails when the file and the URL map differ."""

from __future__ import annotations

from collections import defaultdict

from flask import Flask
from werkzeug.routing import Rule

from sfo_review.api.blueprint import PUBLIC_ENDPOINTS

HEADER = """# Routes

Written by `make routes-doc` from the app's URL map (do not edit by hand: the tests fail when
this page and the app differ). *Permissions* are those the route's decorator names
(`@login_required_for(perm.…)`); a route about one review names the permission it needs
when it loads the review (`get_review_or_404(…, perm.…)`), which tests/test_guards.py
checks. The API's contract is shared/docs/api-v1.md.
"""


def _row(app: Flask, rule: Rule) -> str:
    view = app.view_functions[rule.endpoint]
    methods = ", ".join(sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}))
    named = getattr(view, "permissions", None)
    if rule.endpoint in PUBLIC_ENDPOINTS:
        permissions = "public (the API's description)"
    elif rule.endpoint.startswith("api."):
        permissions = "API token (each service checks its permission)"
    elif named:
        permissions = ", ".join(f"`{name}`" for name in named)
    elif named is not None:
        permissions = "signed in (the review's permission when it is loaded)"
    else:
        permissions = "public"
    return f"| {methods} | `{rule.rule}` | `{rule.endpoint}` | {permissions} |"


def routes_markdown(app: Flask) -> str:
    groups: dict[str, list[Rule]] = defaultdict(list)
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            blueprint, _, _ = rule.endpoint.rpartition(".")
            groups[blueprint or "(app)"].append(rule)
    parts = [HEADER]
    for blueprint in sorted(groups):
        parts.append(f"\n## {blueprint}\n")
        parts.append("| methods | path | endpoint | permissions |")
        parts.append("|---|---|---|---|")
        rules = sorted(groups[blueprint], key=lambda r: (r.rule, r.endpoint))
        parts += [_row(app, rule) for rule in rules]
    return "\n".join(parts) + "\n"
