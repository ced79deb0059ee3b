"""The error pages' titles, by HTTP status: web.py's error handlers and the blueprints' own
(evidence's "file too large") draw the same page with them. A module of its own, importing
nothing, so a blueprint need not import web.py (which imports the blueprints).
"""

from __future__ import annotations

ERROR_TITLES = {
    400: "There is a problem with your request",
    403: "You do not have permission to see or do this",
    404: "Page not found",
    405: "That action is not possible here",
    409: "This cannot be done now",
    413: "The file or text you sent is too large",
    414: "The web address is too long",
    422: "There is a problem with what you entered",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the report could not be produced",
}
