"""Path parameters: every route's are typed by backend.paths, and the document states their bounds."""

from __future__ import annotations

import httpx
from sanic import Sanic

from backend.paths import PATH_TYPES


def test_every_path_parameter_is_of_a_checked_type(app: Sanic) -> None:
    """Sanic's own `str` and `int` take any length and `int()`'s spellings (`+1`, `0_1`)."""
    labels = {
        (route.path, param.label)
        for route in app.router.routes
        for param in route.defined_params.values()
        if not route.name.startswith(f"{app.name}.spa.")
    }
    assert labels
    assert {label for _, label in labels} <= set(PATH_TYPES), sorted(labels)


async def test_the_document_states_the_bounds_of_path_parameters(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()
    schemas = {
        parameter["name"]: parameter["schema"]
        for item in document["paths"].values()
        for operation in item.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
    }
    assert schemas["name"] == {"type": "string", "minLength": 1, "maxLength": 64}
    assert schemas["patient_id"] == {"type": "integer", "format": "int32", "minimum": 1, "maximum": 2**31 - 1}
    assert schemas["user_id"] == schemas["measure_id"] == schemas["patient_id"]
    assert schemas["token_id"]["format"] == "uuid"
