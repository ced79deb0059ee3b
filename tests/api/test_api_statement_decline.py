"""API additions: declining to give a statement, and changing one's mind."""

from __future__ import annotations

from tests.api.support import error
from tests.helpers_forms import HOSTILE


def test_the_api_declines_hides_the_kept_draft_and_refuses_bad_reasons(api, world):
    w = world("officer", "reviewer")
    officer, reviewer = w["tokens"]["officer"], w["tokens"]["reviewer"]
    base = f"/reviews/{w['id']}/statements"
    assert api.post(base, officer, {"body": "Private draft"}).status_code == 201
    for body, status in [
        ({}, 422),
        ({"reason": "  "}, 422),
        ({"reason": 12}, 422),
        ({"reason": "x" * 20_001}, 422),
        ({"reason": "ok", "extra": 1}, 422),
        ([], 400),
    ]:
        response = api.post(base + "/decline", officer, body)
        assert response.status_code == status, (body, response.get_json())
        assert error(response)
    response = api.post(base + "/decline", officer, {"reason": HOSTILE})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["status"], body["decline_reason"], body["body"]) == ("declined", HOSTILE, "")
    assert body["declined_at"].endswith("+00:00") or body["declined_at"].endswith("Z")
    listed = api.get(base, reviewer).get_json()["items"]
    assert [(s["status"], s["body"]) for s in listed] == [("declined", "")]
    again = api.post(base + "/decline", officer, {"reason": "again"})
    assert again.status_code == 409 and error(again)["code"] == "conflict"
    reopened = api.post(f"{base}/{body['id']}/withdraw-decline", officer)
    assert reopened.status_code == 200
    assert (reopened.get_json()["status"], reopened.get_json()["body"]) == (
        "draft",
        "Private draft",
    )
