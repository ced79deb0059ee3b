"""Does an answer of the API conform to its OpenAPI description (sfo_review/api/openapi.yaml)?

`Conformance(document).problems(method, rule, status, media_type, body)` lists what is wrong
with one answer: a status the operation does not declare, a media type it does not declare,
or a JSON body its schema refuses (every response object has `additionalProperties: false`,
so a field the description does not name is refused too). The schemas are checked with
`jsonschema` in the JSON Schema 2020-12 dialect of OpenAPI 3.1, with formats (dates,
timestamps) checked.

tests/openapi_answers.py records every answer of the API in the suite's tests and fails a
test whose answers do not conform.
"""

from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

DOC_URI = "urn:sfo-review:openapi"
BASE = "/api/v1"
FLASK_PARAM = re.compile(r"<(?:[a-z]+:)?(\w+)>")


def path_template(flask_rule: str) -> str:
    """`/api/v1/reviews/<int:review_id>` → `/reviews/{review_id}` (the description's key)."""
    rule = flask_rule[len(BASE) :] if flask_rule.startswith(BASE) else flask_rule
    return FLASK_PARAM.sub(r"{\1}", rule)


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


class Conformance:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        resource = DRAFT202012.create_resource(document)
        self.registry: Registry[Any] = Registry().with_resource(DOC_URI, resource)
        self._validators: dict[str, Draft202012Validator] = {}

    def _resolve(self, item: dict[str, Any]) -> dict[str, Any]:
        ref = item.get("$ref")
        if not isinstance(ref, str):
            return item
        node: Any = self.document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        resolved: dict[str, Any] = node
        return resolved

    def _validator(self, pointer: str) -> Draft202012Validator:
        if pointer not in self._validators:
            self._validators[pointer] = Draft202012Validator(
                {"$ref": f"{DOC_URI}#/{pointer}"},
                registry=self.registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
        return self._validators[pointer]

    def problems(
        self, method: str, rule: str, status: int, media_type: str | None, body: Any
    ) -> list[str]:
        path = path_template(rule)
        what = f"{method.upper()} {path} answered {status}"
        operation = self.document["paths"].get(path, {}).get(method.lower())
        if operation is None:
            return [f"{what}: the description has no such operation"]
        responses = operation["responses"]
        declared = responses.get(str(status))
        if declared is None:
            return [f"{what}: {status} is not a status the description declares for it"]
        response = self._resolve(declared)
        content = response.get("content")
        if not content:
            if media_type and body not in (None, b"", ""):
                return [f"{what}: the description declares no body, but one came"]
            return []
        if media_type not in content:
            return [f"{what}: media type {media_type} is not declared ({', '.join(content)})"]
        if media_type != "application/json":
            return []
        if "$ref" in declared:
            pointer = _pointer(*declared["$ref"].removeprefix("#/").split("/"))
            pointer += "/content/application~1json/schema"
        else:
            pointer = _pointer(
                "paths",
                path,
                method.lower(),
                "responses",
                str(status),
                "content",
                "application/json",
                "schema",
            )
        errors = sorted(self._validator(pointer).iter_errors(body), key=lambda e: list(e.path))
        return [
            f"{what}: at {'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
            for e in errors[:5]
        ]
