"""backend/docs.py builds the OpenAPI document with these of sanic-ext (25.12.0): not a patch,
but internals all the same (tests/test_openapi.py checks the document itself)."""

from __future__ import annotations

import inspect

from sanic_ext.extensions.openapi.builders import OperationStore, SpecificationBuilder
from sanic_ext.extensions.openapi.extension import OpenAPIExtension
from sanic_ext.extensions.openapi.types import Schema


def test_the_builders_are_singletons_that_can_be_reset() -> None:
    assert OperationStore() is OperationStore()
    assert SpecificationBuilder() is SpecificationBuilder()
    assert callable(SpecificationBuilder.reset)
    assert list(inspect.signature(SpecificationBuilder.build).parameters) == ["self", "app"]


def test_a_schema_serializes_through_its_serialize_method() -> None:
    assert callable(Schema.serialize)
    assert isinstance(OpenAPIExtension.name, str)
    assert callable(OpenAPIExtension.label)
