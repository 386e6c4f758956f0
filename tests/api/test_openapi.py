"""The OpenAPI document the PWA is built against, and errors that stay HTML on staff pages."""

from __future__ import annotations

import pytest

SCREENER_PATHS = {
    "/api/v1/screener/{token}",
    "/api/v1/screener/{token}/started",
    "/api/v1/screener/{token}/submissions",
}


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def _refs(value) -> list[str]:
    if isinstance(value, dict):
        own = [value["$ref"]] if isinstance(value.get("$ref"), str) else []
        return own + [ref for item in value.values() for ref in _refs(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in _refs(item)]
    return []


def _resolve(document: dict, ref: str) -> object:
    node: object = document
    for part in ref.removeprefix("#/").split("/"):
        assert isinstance(node, dict)
        assert part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def test_the_document_names_the_api_and_its_three_paths(document):
    assert document["info"] == {"title": "Wellthread parent screener API", "version": "1"}
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == SCREENER_PATHS
    assert set(document["paths"]["/api/v1/screener/{token}"]) >= {"get"}
    assert "post" in document["paths"]["/api/v1/screener/{token}/submissions"]


def test_every_input_and_output_has_a_schema_and_every_reference_resolves(document):
    schemas = document["components"]["schemas"]
    assert {"ScreenerSession", "SubmissionCreate", "Submission", "Error"} <= set(schemas)
    submit = document["paths"]["/api/v1/screener/{token}/submissions"]["post"]
    assert submit["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SubmissionCreate"
    }
    assert "201" in submit["responses"]
    assert {"404", "413", "415", "422", "429"} <= set(submit["responses"])
    for ref in _refs(document):
        _resolve(document, ref)


def test_the_documented_outputs_hold_no_score_band_or_flag(document):
    schemas = document["components"]["schemas"]
    outputs = ["ScreenerSession", "Instrument", "Question", "Continuation", "Submission"]
    names = {prop for name in outputs for prop in schemas[name]["properties"]}
    assert not {n for n in names if any(w in n for w in ("score", "band", "flag", "positive"))}


def test_the_error_shape_is_documented(document):
    detail = document["components"]["schemas"]["ErrorDetail"]
    assert set(detail["properties"]) == {"code", "message", "fields"}


def test_no_documentation_ui_loads_third_party_assets(client):
    for path in ("/api/v1/swagger-ui", "/api/v1/redoc", "/api/v1/rapidoc"):
        assert client.get(path).status_code == 404


def test_staff_pages_keep_their_html_errors_and_the_api_its_json(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert page.mimetype == "text/html"
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.get_json()["error"]["code"] == "not_found"
    wrong_method = client.get("/api/v1/screener/" + "A" * 32 + "/submissions")
    assert wrong_method.status_code == 405
    assert wrong_method.get_json()["error"]["code"] == "method_not_allowed"
