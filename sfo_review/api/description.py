"""The API's OpenAPI 3.1 description (issue 19): `sfo_review/api/openapi.yaml`, kept beside the
code and read once, served as JSON at `GET /api/v1/openapi.json` and as a page for people at
`GET /api/v1/docs`. Both are public (no token): they describe the interface, never any data.

tests/api/test_openapi*.py fail when the description and the code differ (routes, request
fields, enums, status codes and the answers the API tests receive).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from flask import Response, render_template
from markupsafe import Markup, escape

from sfo_review.api.blueprint import PUBLIC_ENDPOINTS, api_bp

DESCRIPTION_FILE = Path(__file__).with_name("openapi.yaml")
METHODS = ("get", "post", "patch", "put", "delete")
__all__ = ["PUBLIC_ENDPOINTS", "document", "page"]


@cache
def document() -> dict[str, Any]:
    """The description as loaded from the YAML file (read once per process)."""
    loaded = yaml.safe_load(DESCRIPTION_FILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)  # noqa: S101 - the file is ours, checked by the tests
    return loaded


@cache
def document_json() -> str:
    return json.dumps(document(), ensure_ascii=False)


@api_bp.get("/openapi.json")
def openapi_json() -> Response:
    return Response(document_json(), mimetype="application/json")


@api_bp.get("/docs")
def docs() -> str:
    return render_template("api/docs.html", page=page())


# ---- the page --------------------------------------------------------------------------------


@api_bp.app_template_filter("inline_code")
def inline_code(text: str) -> Markup:
    """The description's `backticks` as <code>; everything else escaped."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # an odd backtick: show the text as it is
        return escape(text)
    return Markup("").join(
        Markup("<code>{}</code>").format(part) if i % 2 else escape(part)
        for i, part in enumerate(parts)
    )


@dataclass(frozen=True)
class Field:
    name: str
    required: bool
    kind: str  # the type in words, e.g. "text (up to 200 characters)"
    description: str = ""
    link: str | None = None  # a schema's anchor when the type is one of the schemas


@dataclass(frozen=True)
class Answer:
    status: str
    description: str
    media: str | None
    kind: str
    link: str | None


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    public: bool
    parameters: list[Field]
    body: list[Field]
    body_kind: str | None
    body_required: bool
    answers: list[Answer]


@dataclass(frozen=True)
class Tag:
    name: str
    description: str
    operations: list[Operation] = field(default_factory=list)


@dataclass(frozen=True)
class Schema:
    name: str
    description: str
    fields: list[Field]
    kind: str


@dataclass(frozen=True)
class Page:
    title: str
    version: str
    description: str
    base: str
    tags: list[Tag]
    schemas: list[Schema]
    operations: int


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def _null_free(schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schema without `null`, and whether null is allowed."""
    for key in ("oneOf", "anyOf"):
        options = schema.get(key)
        if options:
            others = [s for s in options if s.get("type") != "null"]
            if len(others) == 1 and len(others) < len(options):
                return others[0], True
    types = _types(schema)
    if "null" in types:
        rest = dict(schema, type=[t for t in types if t != "null"])
        if isinstance(rest.get("enum"), list):
            rest["enum"] = [e for e in rest["enum"] if e is not None]
        return rest, True
    return schema, False


WORDS = {
    "string": "text",
    "integer": "whole number",
    "number": "number",
    "boolean": "true or false",
    "object": "object",
    "array": "list",
}


def _limits(schema: dict[str, Any]) -> list[str]:
    limits = []
    if "maxLength" in schema:
        limits.append(f"up to {schema['maxLength']:,} characters")
    if "minLength" in schema:
        limits.append(f"at least {schema['minLength']} characters")
    if "minimum" in schema and "maximum" in schema:
        limits.append(f"{schema['minimum']} to {schema['maximum']}")
    elif "minimum" in schema:
        limits.append(f"{schema['minimum']} or more")
    if schema.get("pattern") == r"\S":
        limits.append("not blank")
    elif "pattern" in schema:
        limits.append(f"matching {schema['pattern']}")
    return limits


FORMATS = {"date": "date (YYYY-MM-DD)", "date-time": "timestamp (ISO 8601, UTC)"}


def _scalar(schema: dict[str, Any]) -> str:
    types = [t for t in _types(schema) if t != "null"]
    words = FORMATS.get(schema.get("format", "")) or (
        " or ".join(WORDS.get(t, t) for t in types) or "any value"
    )
    limits = _limits(schema)
    return f"{words} ({', '.join(limits)})" if limits else words


def describe(schema: dict[str, Any]) -> tuple[str, str | None]:
    """A schema in words, and the anchor of the named schema it is (if any)."""
    schema, nullable = _null_free(schema)
    suffix = ", or null" if nullable else ""
    name = _ref_name(schema)
    if name:
        return f"{name}{suffix}", f"schema-{name}"
    if "enum" in schema:
        values = ", ".join(f"“{e}”" for e in schema["enum"])
        return f"one of {values}{suffix}", None
    if [t for t in _types(schema) if t != "null"] == ["array"]:
        inner, link = describe(schema.get("items", {}))
        text = f"list of {inner}"
        if schema.get("minItems"):
            text += f" (at least {schema['minItems']})"
        return text + suffix, link
    each = schema.get("additionalProperties")
    if "properties" not in schema and isinstance(each, dict) and each:
        inner, link = describe(each)
        return f"object with {_keys(schema)}; each value {inner}{suffix}", link
    return _scalar(schema) + suffix, None


def _keys(schema: dict[str, Any]) -> str:
    """The keys of a map (an object keyed by data) in words."""
    names = schema.get("propertyNames") or {}
    required = schema.get("required") or []
    quoted = ", ".join(f"“{k}”" for k in names.get("enum") or required)
    if "enum" in names:
        return f"the keys {quoted} (all present)" if required else f"any of the keys {quoted}"
    if required:
        return f"the keys {quoted} (all present) and any other"
    if "pattern" in names:
        return f"keys matching {names['pattern']}"
    return "keys of any text"


def _resolve(doc: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    name = _ref_name(item)
    if name is None:
        return item
    _, _, section, key = item["$ref"].split("/")
    found: dict[str, Any] = doc["components"][section][key]
    return found


def _fields(schema: dict[str, Any]) -> list[Field]:
    schema, _ = _null_free(schema)
    required = set(schema.get("required", []))
    fields = []
    for name, prop in (schema.get("properties") or {}).items():
        kind, link = describe(prop)
        words = prop.get("description", "")
        named = _ref_name(prop)
        if not words and named:  # a named schema without words of its own: the schema's
            words = document()["components"]["schemas"].get(named, {}).get("description", "")
        fields.append(Field(name, name in required, kind, words, link))
    return fields


def _parameter(doc: dict[str, Any], raw: dict[str, Any]) -> Field:
    item = _resolve(doc, raw)
    kind, link = describe(item.get("schema", {}))
    where = "path" if item["in"] == "path" else "query"
    return Field(
        item["name"],
        bool(item.get("required")),
        f"{kind}, in the {where}",
        item.get("description", ""),
        link,
    )


def _answers(doc: dict[str, Any], responses: dict[str, Any]) -> list[Answer]:
    answers = []
    for status, raw in responses.items():
        item = _resolve(doc, raw)
        media, kind, link = None, "", None
        for media, content in (item.get("content") or {}).items():
            if media == "application/pdf":
                kind = "PDF file"
            else:
                kind, link = describe(content.get("schema", {}))
            break
        answers.append(Answer(str(status), item.get("description", ""), media, kind, link))
    return answers


def _operation(doc: dict[str, Any], path: str, method: str, raw: dict[str, Any]) -> Operation:
    body = raw.get("requestBody")
    body_fields: list[Field] = []
    body_kind = None
    if body:
        schema = body["content"]["application/json"]["schema"]
        body_fields = _fields(schema)
        body_kind = schema.get("description") or ("JSON object" if body_fields else "")
    return Operation(
        method=method.upper(),
        path=path,
        anchor=raw["operationId"],
        summary=raw.get("summary", ""),
        description=raw.get("description", ""),
        public=raw.get("security") == [],
        parameters=[_parameter(doc, p) for p in raw.get("parameters", [])],
        body=body_fields,
        body_kind=body_kind,
        body_required=bool(body and body.get("required")),
        answers=_answers(doc, raw["responses"]),
    )


@cache
def page() -> Page:
    """What the page shows, worked out once from the description."""
    doc = document()
    tags = {t["name"]: Tag(t["name"], t.get("description", "")) for t in doc.get("tags", [])}
    count = 0
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                raw = item[method]
                tag = raw.get("tags", ["Other"])[0]
                tags.setdefault(tag, Tag(tag, ""))
                tags[tag].operations.append(_operation(doc, path, method, raw))
                count += 1
    schemas = []
    for name, raw in doc["components"]["schemas"].items():
        kind, _ = describe(raw) if "properties" not in raw else ("object", None)
        schemas.append(Schema(name, raw.get("description", ""), _fields(raw), kind))
    info = doc["info"]
    return Page(
        title=info["title"],
        version=info["version"],
        description=info.get("description", ""),
        base=doc["servers"][0]["url"],
        tags=[t for t in tags.values() if t.operations],
        schemas=schemas,
        operations=count,
    )
