"""The OpenAPI 3.1 description (sfo_review/api/openapi.yaml) and the code agree.

(a) every route of the URL map under /api/v1 is described, and nothing else is; (b) every
enum equals the code's vocabulary it names (`x-vocab`), and a map's required keys the one
its `x-vocab-keys` names; GET /themes's answer is described at every level; request bodies
and query parameters equal the service's field rules they name (`x-sfo-rules`, blank text
included); the document is valid OpenAPI 3.1.
(c) The answers of every API test are checked against it by tests/openapi_answers.py; the
last tests here (and test_openapi_themes.py) show that check reports a field or a status the
description lacks.
"""

from __future__ import annotations

import copy
import importlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from sfo_review.api import description
from sfo_review.services import validation as v
from tests.api.openapi_conformance import BASE, Conformance, path_template

DOC = description.document()
METHODS = {"get", "post", "patch", "put", "delete"}


def _resolve(dotted: str) -> Any:
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _values(dotted: str | list[str]) -> list[str]:
    names = [dotted] if isinstance(dotted, str) else dotted
    out: list[str] = []
    for name in names:
        found = _resolve(name)
        if isinstance(found, str):
            out.append(found)
            continue
        # a vocabulary of strings, of (key, label) choices, or of objects with a key (bands)
        out += [
            item if isinstance(item, str) else getattr(item, "key", None) or item[0]
            for item in found
        ]
    return out


def _walk(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{where}/{i}")


def test_the_description_is_valid_openapi_3_1():
    assert DOC["openapi"].startswith("3.1.")
    validate(DOC)  # openapi-spec-validator: raises on any problem


def test_it_is_served_as_json_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == DOC


def _described() -> set[tuple[str, str]]:
    return {(m.upper(), p) for p, item in DOC["paths"].items() for m in item if m in METHODS}


def _routed(app: Flask) -> set[tuple[str, str]]:
    return {
        (method, path_template(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(BASE + "/")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_described_and_nothing_else(app):
    routed, described = _routed(app), _described()
    assert sorted(routed - described) == [], "routes missing from the description"
    assert sorted(described - routed) == [], "described operations the app does not have"
    assert len(routed) >= 70


def test_path_parameters_are_those_of_the_route(app):
    for path, item in DOC["paths"].items():
        named = set(re.findall(r"{(\w+)}", path))
        for method, operation in item.items():
            given = {
                p["$ref"].rsplit("/", 1)[-1] if "$ref" in p else p["name"]
                for p in operation.get("parameters", [])
                if "$ref" in p or p["in"] == "path"
            }
            assert given == named, f"{method.upper()} {path}"


def test_every_enum_is_the_codes_vocabulary():
    checked = 0
    for where, node in _walk(DOC):
        if "enum" not in node:
            continue
        assert "x-vocab" in node, f"{where}: an enum must name the vocabulary it comes from"
        values = [e for e in node["enum"] if e is not None]
        assert values == _values(node["x-vocab"]), where
        nullable = None in node["enum"]
        types = node.get("type")
        assert nullable == (isinstance(types, list) and "null" in types), where
        checked += 1
    assert checked > 60


def test_every_map_with_a_key_for_each_word_of_a_vocabulary_names_it():
    """A map (an object keyed by data, not by named properties) that always holds every key of
    a vocabulary names it with `x-vocab-keys`: its `required` keys are that vocabulary's."""
    checked = 0
    for where, node in _walk(DOC):
        values = node.get("additionalProperties")
        is_map = "properties" not in node and isinstance(values, dict) and values != {}
        if "x-vocab-keys" in node:
            assert is_map, f"{where}: x-vocab-keys on a node that is not a map"
            assert node["required"] == _values(node["x-vocab-keys"]), where
            checked += 1
        elif is_map:
            assert "required" not in node, f"{where}: required keys must name their vocabulary"
    assert checked >= 9


def _themes_schemas() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema node of GET /themes's answer, following the named schemas it uses."""
    seen: set[str] = set()
    todo = ["Themes"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for where, node in _walk(DOC["components"]["schemas"][name], name):
            ref = node.get("$ref")
            if isinstance(ref, str):
                todo.append(ref.rsplit("/", 1)[-1])
            elif where.rsplit("/", 1)[-1] not in ("properties", "required", "enum"):
                yield where, node


def test_the_themes_answer_is_described_at_every_level():
    """No `{}` (anything) below GET /themes: every value has a type, every object is closed
    (`additionalProperties: false`) or a map with a schema for its values, every list says
    what its items are, and every named field says what it is."""
    count = 0
    for where, node in _themes_schemas():
        if where.endswith("/propertyNames"):
            continue
        count += 1
        assert "type" in node, f"{where}: no type"
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        if "object" in types:
            closed = node.get("additionalProperties")
            assert closed is False or isinstance(closed, dict), f"{where}: not closed"
            if closed is False:
                assert set(node["required"]) == set(node["properties"]), where
            for name, prop in node.get("properties", {}).items():
                described = prop.get("description") or "$ref" in prop
                assert described, f"{where}/{name}: no description"
        if "array" in types:
            assert "items" in node, f"{where}: a list without items"
    assert count >= 60


def _rule_schema_problems(field: str, rule: v.Rule, schema: dict[str, Any]) -> list[str]:
    types = schema.get("type")
    types = [types] if isinstance(types, str) else list(types or [])
    wanted = {
        "short": "string",
        "long": "string",
        "email": "string",
        "enum": "string",
        "date": "string",
        "int": "integer",
        "bool": "boolean",
        "enum_list": "array",
        "ids": "array",
    }[rule.kind]
    problems = []
    if wanted not in types:
        problems.append(f"{field}: type {types}, the rule is {rule.kind}")
    if rule.kind in ("short", "long", "email"):
        limit = v.SHORT_MAX if rule.kind in ("short", "email") else v.LONG_MAX
        if schema.get("maxLength") != limit:
            problems.append(f"{field}: maxLength {schema.get('maxLength')}, the rule's {limit}")
    if rule.kind == "enum" and [e for e in schema.get("enum", []) if e] != list(rule.choices):
        problems.append(f"{field}: enum differs from the rule's choices")
    if rule.kind == "enum_list" and schema["items"].get("enum") != list(rule.choices):
        problems.append(f"{field}: item enum differs from the rule's choices")
    if rule.kind == "int" and (schema.get("minimum"), schema.get("maximum")) != (
        rule.minimum,
        rule.maximum,
    ):
        problems.append(f"{field}: range differs from the rule's")
    if rule.kind == "date" and schema.get("format") != "date":
        problems.append(f"{field}: not format date")
    if rule.kind in ("short", "long", "email"):
        problems += _blank_text_problems(field, rule, schema)
    return problems


def _rule_accepts(rule: v.Rule, value: Any) -> bool:
    try:
        v.clean({"field": value}, {"field": rule})
    except v.ValidationFailed:
        return False
    return True


def _blank_text_problems(field: str, rule: v.Rule, schema: dict[str, Any]) -> list[str]:
    """An empty or blank text is "none" for an optional text field (accepted) and refused for
    a required one: the schema must accept and refuse the same."""
    checker = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    problems = []
    for blank in ("", "   "):
        service, described = _rule_accepts(rule, blank), checker.is_valid(blank)
        if service != described:
            verbs = {True: "accepts", False: "refuses"}
            problems.append(
                f"{field}: the service {verbs[service]} {blank!r}, the schema {verbs[described]} it"
            )
    return problems


OPTIONAL_EMAIL = {"type": ["string", "null"], "maxLength": v.SHORT_MAX}
STRICT = r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$"


@pytest.mark.parametrize(
    "rule, schema, words",
    [
        (v.email("email", required=False), {**OPTIONAL_EMAIL, "pattern": STRICT}, "accepts ''"),
        (
            v.long("notes", required=False),
            {"type": ["string", "null"], "maxLength": v.LONG_MAX, "minLength": 1},
            "the service accepts '', the schema refuses it",
        ),
        (
            v.short("title"),
            {"type": "string", "maxLength": v.SHORT_MAX},
            "the service refuses '   ', the schema accepts it",
        ),
    ],
)
def test_the_rule_check_compares_blank_text_with_the_service(rule, schema, words):
    """The check above fails when a schema refuses the "" an optional field accepts as none,
    or accepts the blank a required field refuses."""
    problems = _rule_schema_problems("field", rule, schema)
    assert any(words in p for p in problems), problems
    fixed = {**schema, "pattern": r"\S"} if rule.required else OPTIONAL_EMAIL
    fixed = {**fixed, "maxLength": schema["maxLength"]}
    assert _rule_schema_problems("field", rule, fixed) == []


def _bodies() -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in DOC["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody")
            if body:
                yield f"{method.upper()} {path}", body["content"]["application/json"]["schema"]


def test_request_bodies_are_the_services_field_rules():
    checked = 0
    for where, schema in _bodies():
        for sub_where, node in _walk(schema, where):
            if "x-sfo-rules" not in node:
                continue
            rules: dict[str, v.Rule] = {}
            for name in node["x-sfo-rules"]:
                rules.update(_resolve(name))
            props = node["properties"]
            extra = set(props) - set(rules)
            assert extra <= {"version", "ratings", "just_culture"}, (sub_where, extra)
            assert set(rules) <= set(props), (sub_where, set(rules) - set(props))
            assert node["additionalProperties"] is False, sub_where
            required = set(node.get("required", []))
            if node.get("x-sfo-partial"):
                assert required == ({"version"} if "version" in props else set()), sub_where
            else:
                assert required == {k for k, r in rules.items() if r.required}, sub_where
            for field, rule in rules.items():
                assert not _rule_schema_problems(field, rule, props[field]), (
                    sub_where,
                    _rule_schema_problems(field, rule, props[field]),
                )
                nullable = "null" in (props[field].get("type") or [])
                assert nullable == (not rule.required or rule.kind == "ids"), (sub_where, field)
            checked += 1
    assert checked >= 25


def test_query_parameters_are_the_services_rules():
    for path, item in DOC["paths"].items():
        for operation in item.values():
            for param in operation.get("parameters", []):
                if "x-sfo-rules" not in param:
                    continue
                rules = _resolve(param["x-sfo-rules"])
                rule = rules[param["name"]]
                assert bool(param.get("required")) == rule.required, (path, param["name"])
                schema = param["schema"]
                if rule.kind == "short":  # a query's text: only its length is the rule's
                    assert schema["maxLength"] == v.SHORT_MAX
                    continue
                problems = _rule_schema_problems(param["name"], rule, schema)
                assert not problems, (path, problems)


def test_every_operation_declares_the_token_and_its_errors():
    for path, item in DOC["paths"].items():
        for method, operation in item.items():
            public = operation.get("security") == []
            codes = set(operation["responses"])
            assert public or "401" in codes, f"{method} {path}"
            assert "503" in codes, f"{method} {path}"
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= codes, f"{method} {path}"
            if "{review_id}" in path:
                assert "404" in codes, f"{method} {path}"
    assert DOC["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"


def test_the_report_is_a_pdf():
    answer = DOC["paths"]["/reviews/{review_id}/report.pdf"]["get"]["responses"]["200"]
    assert list(answer["content"]) == ["application/pdf"]


# (c) The check of the answers can fail --------------------------------------------------------

REVIEW_RULE = "/api/v1/reviews/<int:review_id>/participants/<int:participant_id>"
ANSWER = {
    "id": 3,
    "user": {"id": 5, "name": "Ola Officer", "email": None},
    "role_in_case": "responsible_officer",
    "created_at": "2026-01-05T10:00:00+00:00",
}


def test_a_conforming_answer_passes():
    assert Conformance(DOC).problems("GET", REVIEW_RULE, 200, "application/json", ANSWER) == []


def test_a_field_missing_from_the_description_is_reported():
    changed = copy.deepcopy(DOC)
    del changed["components"]["schemas"]["Participant"]["properties"]["created_at"]
    changed["components"]["schemas"]["Participant"]["required"].remove("created_at")
    problems = Conformance(changed).problems("GET", REVIEW_RULE, 200, "application/json", ANSWER)
    assert problems and "created_at" in problems[0] and "unexpected" in problems[0]


def test_a_status_missing_from_the_description_is_reported():
    changed = copy.deepcopy(DOC)
    del changed["paths"]["/reviews/{review_id}/participants/{participant_id}"]["get"]["responses"][
        "403"
    ]
    error = {"error": {"code": "forbidden", "message": "No."}}
    problems = Conformance(changed).problems("GET", REVIEW_RULE, 403, "application/json", error)
    assert problems == [
        "GET /reviews/{review_id}/participants/{participant_id} answered 403: 403 is not a "
        "status the description declares for it"
    ]


@pytest.mark.parametrize(
    "body, words",
    [
        ({**ANSWER, "role_in_case": "bystander"}, "is not one of"),
        ({**ANSWER, "created_at": "yesterday"}, "date-time"),
        ({k: val for k, val in ANSWER.items() if k != "user"}, "'user' is a required property"),
    ],
)
def test_a_wrong_value_type_or_missing_field_is_reported(body, words):
    problems = Conformance(DOC).problems("GET", REVIEW_RULE, 200, "application/json", body)
    assert problems and words in problems[0], problems


def test_an_error_answer_must_have_the_contracts_body():
    problems = Conformance(DOC).problems(
        "GET", REVIEW_RULE, 404, "application/json", {"message": "Not found"}
    )
    assert problems


def test_a_204_has_no_body_and_no_content_type(app, db, world, api):
    data = world("reviewer")
    review_id, token = data["id"], data["tokens"]["reviewer"]
    factor = api.post(
        f"/reviews/{review_id}/systemic-factors",
        token,
        {"category": "other", "level": "team", "description": "A wider factor."},
    )
    assert factor.status_code == 201, factor.get_json()
    response = api.delete(f"/reviews/{review_id}/systemic-factors/{factor.get_json()['id']}", token)
    assert response.status_code == 204
    assert response.get_data() == b""
    assert "Content-Type" not in response.headers
