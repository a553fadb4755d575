"""The schema says what the server does: a client generated from it can rely on every line.
Each test reads the published schema and then asks the server the same question."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from apps.api.schema import ERROR_CODES
from tests.api.test_schemathesis import served_schema

pytestmark = pytest.mark.django_db

APPS = Path(__file__).resolve().parents[2] / "apps"


@pytest.fixture(scope="module")
def schema() -> dict:
    return served_schema()


def component(schema: dict, name: str) -> dict:
    return schema["components"]["schemas"][name]


def request_component(schema: dict, path: str, method: str) -> dict:
    body = schema["paths"][path][method]["requestBody"]["content"]["application/json"]
    return component(schema, body["schema"]["$ref"].split("/")[-1])


def test_the_spectacular_command_validates_without_a_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    assert "openapi:" in (tmp_path / "s.yaml").read_text()


def test_the_schema_names_the_server_from_site_url(schema):
    assert schema["servers"][0]["url"] == settings.SITE_URL


@pytest.mark.parametrize(
    ("name", "field"),
    [("Deliverable", "link"), ("Activity", "link"), ("Agency", "website")],
)
def test_blank_able_urls_match_one_way_only(schema, name, field):
    """A blank URL matched both branches of a oneOf: "Multiple matches found" in clients."""
    prop = component(schema, name)["properties"][field]
    assert "oneOf" not in prop
    assert {"type": "string", "maxLength": 0} in prop["anyOf"]


def test_no_one_of_anywhere_accepts_an_empty_string(schema):
    text = repr(schema)
    assert "'oneOf': [{'type': 'string', 'format': 'uri'" not in text
    link = request_component(schema, "/api/v1/deliverables/{id}/transitions/", "post")
    assert "anyOf" in link["properties"]["link"]


def test_if_match_is_required_on_patch_and_a_patch_without_it_is_428(schema, cast, as_role):
    patch = schema["paths"]["/api/v1/deliverables/{id}/"]["patch"]
    if_match = next(p for p in patch["parameters"] if p["name"] == "If-Match")
    assert if_match["required"] is True
    deliverable = cast.deliverable("drafting")
    response = as_role("cochair").patch(
        f"/api/v1/deliverables/{deliverable.pk}/", {"percent_complete": 5}
    )
    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"


def test_the_etag_is_the_version_in_quotes_as_documented(schema, cast, as_role):
    get = schema["paths"]["/api/v1/deliverables/{id}/"]["get"]["responses"]["200"]
    assert get["headers"]["ETag"]["required"] is True
    assert '`version` 3 is ETag "3"' in get["headers"]["ETag"]["description"]
    deliverable = cast.deliverable("drafting")
    response = as_role("reader").get(f"/api/v1/deliverables/{deliverable.pk}/")
    assert response["ETag"] == f'"{response.json()["version"]}"'


def test_location_is_documented_on_the_201_and_the_202(schema):
    opened = schema["paths"]["/api/v1/deliverables/{id}/consensus-rounds/"]["post"]
    drafted = schema["paths"]["/api/v1/report-drafts/"]["post"]
    for response in (opened["responses"]["201"], drafted["responses"]["202"]):
        assert response["headers"]["Location"]["required"] is True
        assert response["headers"]["Location"]["schema"]["format"] == "uri"


def test_retry_after_is_documented_wherever_a_wait_is_answered(schema):
    waits = [
        response
        for item in schema["paths"].values()
        for operation in item.values()
        for code, response in operation["responses"].items()
        if code in {"429", "503"}
    ]
    assert waits
    assert all(r["headers"]["Retry-After"]["schema"]["type"] == "integer" for r in waits)


def test_downloads_are_a_binary_docx_and_an_html_string(schema):
    docx = schema["paths"]["/api/v1/report-drafts/{id}/docx/"]["get"]["responses"]["200"]
    html = schema["paths"]["/api/v1/report-drafts/{id}/html/"]["get"]["responses"]["200"]
    vendor = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert docx["content"][vendor]["schema"] == {"type": "string", "format": "binary"}
    assert html["content"]["text/html"]["schema"] == {"type": "string"}


@pytest.mark.parametrize(
    ("path", "field", "trimmed"),
    [
        ("/api/v1/deliverables/{id}/transitions/", "reason", True),
        ("/api/v1/consensus-rounds/{id}/close/", "reason", True),
        ("/api/v1/auth/token/", "username", True),
        ("/api/v1/auth/token/", "password", False),
    ],
)
def test_text_that_must_not_be_blank_says_so(schema, path, field, trimmed):
    prop = request_component(schema, path, "post")["properties"][field]
    assert prop["minLength"] == 1
    # A trimmed field refuses whitespace only; a password is taken as typed.
    assert prop.get("pattern") == (r"\S" if trimmed else None)


def test_a_blank_or_whitespace_reason_is_refused_as_the_schema_says(cast, as_role):
    deliverable = cast.deliverable("drafting")
    for reason in ["", " \n"]:
        response = as_role("cochair").post(
            f"/api/v1/deliverables/{deliverable.pk}/transitions/",
            {"to": "wg_review", "reason": reason},
        )
        assert response.status_code == 400
        assert "reason" in response.json()["fields"]
    deliverable.refresh_from_db()
    assert deliverable.state == "drafting"


def test_a_reason_that_is_not_text_is_refused_not_stored(cast, as_role):
    deliverable = cast.deliverable("drafting")
    response = as_role("cochair").post(
        f"/api/v1/deliverables/{deliverable.pk}/transitions/", {"to": "wg_review", "reason": 0}
    )
    assert response.status_code == 400
    assert response.json()["fields"]["reason"] == ["Send text (a JSON string), not int."]
    deliverable.refresh_from_db()
    assert (deliverable.state, deliverable.version) == ("drafting", 1)


def test_unknown_fields_are_refused_where_the_schema_closes_the_body(schema, cast, as_role):
    assert (
        request_component(schema, "/api/v1/deliverables/{id}/", "patch")["additionalProperties"]
        is False
    )
    deliverable = cast.deliverable("drafting")
    response = as_role("cochair").patch(
        f"/api/v1/deliverables/{deliverable.pk}/",
        {"percent_complete": 5, "title": "Renamed"},
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["title"]
    deliverable.refresh_from_db()
    assert (deliverable.percent_complete, deliverable.version) != (5, 2)


@pytest.mark.parametrize("value", ["abc", "0", "-5", "201", ""])
def test_a_bad_page_size_is_a_400_naming_it(schema, as_role, value):
    params = schema["paths"]["/api/v1/deliverables/"]["get"]["parameters"]
    page_size = next(p for p in params if p["name"] == "page_size")
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 200}
    response = as_role("reader").get("/api/v1/deliverables/", {"page_size": value})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["page_size"]


def test_a_bad_page_is_a_400_and_a_page_past_the_end_a_404(as_role):
    client = as_role("reader")
    for value in ["abc", "0", "-1"]:
        response = client.get("/api/v1/deliverables/", {"page": value})
        assert response.status_code == 400
        assert list(response.json()["fields"]) == ["page"]
    assert client.get("/api/v1/deliverables/", {"page": 999}).status_code == 404
    assert client.get("/api/v1/deliverables/", {"page": 1, "page_size": 200}).status_code == 200


def test_an_empty_filter_is_refused_not_read_as_any(as_role):
    response = as_role("reader").get("/api/v1/deliverables/?state=")
    assert response.status_code == 400
    assert response.json()["fields"] == {"state": ["Give a value, or leave the parameter out."]}


def codes_in_source() -> set[str]:
    """Every error code the code base raises: code="..." and default_code = "..."."""
    found: set[str] = set()
    for path in APPS.rglob("*.py"):
        if "migrations" in path.parts or path.parts[-2] == "web":
            continue
        text = path.read_text()
        found |= set(re.findall(r'\bcode="([a-z_]+)"', text))
        found |= set(re.findall(r'default_code = "([a-z_]+)"', text))
        found |= set(re.findall(r'"code": "([a-z_]+)"', text))
    return found


def test_every_error_code_the_api_answers_is_listed(schema):
    listed = (
        set(component(schema, "CodeEnum")["enum"])
        if "CodeEnum" in schema["components"]["schemas"]
        else set(component(schema, "Error")["properties"]["code"]["enum"])
    )
    assert listed == set(ERROR_CODES)
    drf_codes = {
        "authentication_failed",
        "method_not_allowed",
        "not_acceptable",
        "unsupported_media_type",
        "throttled",
    }
    assert codes_in_source() | drf_codes <= listed, codes_in_source() - listed
