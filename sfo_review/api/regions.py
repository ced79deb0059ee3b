"""`GET /api/v1/regions`: the list of probation regions with their PDUs (issue 19).

Any signed-in API user may read it (the blueprint has authenticated the token): it is the
list a client chooses `region` and `pdu` from, and the names a 422 answer lists.
"""

from __future__ import annotations

from flask import Response, jsonify

from sfo_review.api.blueprint import api_bp
from sfo_review.services import regions as region_service


@api_bp.get("/regions")
def regions() -> Response:
    return jsonify(items=region_service.listing())
