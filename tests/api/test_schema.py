"""The OpenAPI schema is complete (every route, every method) and says what each can answer."""

import re

import pytest
from django.urls import get_resolver
from drf_spectacular.validation import validate_schema

from tests.api.test_schemathesis import served_schema

pytestmark = pytest.mark.django_db

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema() -> dict:
    return served_schema()


def api_routes() -> dict[str, set[str]]:
    """{"/api/v1/deliverables/{id}/transitions/": {"get", "post"}, ...} from the URLconf."""
    api = get_resolver().url_patterns
    routes: dict[str, set[str]] = {}

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            text = str(pattern.pattern).lstrip("^").rstrip("$")
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, prefix + text)
                continue
            path = "/" + prefix + text
            view = pattern.callback
            cls = getattr(view, "cls", None)
            if not path.startswith("/api/v1/") or cls is None or cls.__name__ == "Root":
                continue
            # (?P<pk>...) is {id} in the schema, as drf-spectacular names it; others keep theirs.
            path = re.sub(
                r"\(\?P<(\w+)>[^)]*\)", lambda m: "{" + ("id" if m[1] == "pk" else m[1]) + "}", path
            )
            actions = getattr(view, "actions", None)
            if actions is not None:
                methods = set(actions)
            else:
                methods = {m for m in HTTP_METHODS if hasattr(cls, m)}
            routes.setdefault(path, set()).update(methods & HTTP_METHODS)

    walk(api, "")
    return routes


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_the_schema_served_at_api_schema_is_the_one_tested(cast, client_for, schema):
    served = client_for(cast.reader).get("/api/schema/", {"format": "json"})
    assert served.json() == schema


def test_every_route_and_method_is_documented(schema):
    routes = api_routes()
    assert len(routes) > 30
    documented = {
        path: {m for m in item if m in HTTP_METHODS} for path, item in schema["paths"].items()
    }
    assert documented == routes


def test_every_operation_has_a_summary_and_json_errors(schema):
    for path, method, operation in operations(schema):
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), where
        responses = operation["responses"]
        assert "401" in responses, where
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                media = response["content"]["application/json"]["schema"]["$ref"]
                assert media.split("/")[-1] in {"Error", "FieldError", "ConflictError"}, where


def test_object_operations_document_404_and_writes_document_400_and_403(schema):
    for path, method, operation in operations(schema):
        where = f"{method.upper()} {path}"
        responses = operation["responses"]
        if "{id}" in path:
            assert "404" in responses, where
        if method in {"post", "patch"}:
            assert {"400", "415"} <= set(responses), where
            if path != "/api/v1/auth/token/":
                assert "403" in responses, where


def test_workflow_writes_document_409_and_updates_document_412(schema):
    paths = schema["paths"]
    for path in [
        "/api/v1/deliverables/{id}/transitions/",
        "/api/v1/deliverables/{id}/consensus-rounds/",
        "/api/v1/consensus-rounds/{id}/positions/",
        "/api/v1/consensus-rounds/{id}/close/",
        "/api/v1/consensus-rounds/{id}/extend/",
        "/api/v1/consensus-rounds/{id}/cancel/",
    ]:
        assert "409" in paths[path]["post"]["responses"], path
    patch = paths["/api/v1/deliverables/{id}/"]["patch"]
    assert {"409", "412", "428"} <= set(patch["responses"])
    assert "ETag" in patch["responses"]["200"]["headers"]
    assert any(p["name"] == "If-Match" for p in patch["parameters"])
    assert "412" in paths["/api/v1/deliverables/{id}/transitions/"]["post"]["responses"]


def test_the_transition_request_names_every_state(schema):
    body = schema["paths"]["/api/v1/deliverables/{id}/transitions/"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    to = schema["components"]["schemas"][ref]["properties"]["to"]
    enum_ref = to.get("$ref") or to["allOf"][0]["$ref"]
    states = schema["components"]["schemas"][enum_ref.split("/")[-1]]["enum"]
    assert set(states) == {
        "planned",
        "drafting",
        "wg_review",
        "submitted",
        "in_consensus",
        "approved",
        "published",
        "withdrawn",
        "deferred",
        "sam_endorsement",
    }


def test_downloads_are_documented_as_files(schema):
    docx = schema["paths"]["/api/v1/report-drafts/{id}/docx/"]["get"]["responses"]
    assert list(docx["200"]["content"]) == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ]
    assert "409" in docx
    created = schema["paths"]["/api/v1/report-drafts/"]["post"]["responses"]
    assert "202" in created
