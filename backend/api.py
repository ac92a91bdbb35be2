"""What every handler shares: typed request parsing, JSON responses, and their OpenAPI entries.

    @bp.post("/")
    @require_roles("admin")
    @body(UserCreate)
    @returns(201, UserRead)
    async def create_user(request: AppRequest, body: UserCreate) -> HTTPResponse: ...

`body` and `query` validate with pydantic and hand the handler a model; failures are
422 problems that name the field (`loc`), never echo the rejected value. The same
models describe the route in the OpenAPI document, so the docs cannot drift.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Collection
from functools import wraps
from http import HTTPStatus
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo, field_validator
from pydantic_core import ErrorDetails, PydanticCustomError
from sanic import HTTPResponse
from sanic_ext.extensions.openapi import openapi
from sanic_ext.extensions.openapi.definitions import Parameter

from backend.app_types import AppRequest
from backend.docs import RawSchema, media, operations
from backend.errors import AppError, MalformedRequest, UnsupportedMediaType, ValidationFailed, to_problem

Handler = Callable[..., Awaitable[HTTPResponse | None]]  # None: the handler streamed its response
M = TypeVar("M", bound=BaseModel)

_JSON_CONTENT_TYPE = re.compile(r"^application/([a-z0-9.+-]+\+)?json\s*(;.*)?$", re.IGNORECASE)


class InputModel(BaseModel):
    """What a client sends. No text of ours holds a NUL character, and PostgreSQL cannot even
    compare one, so a NUL anywhere is a 422 rather than a database error."""

    @field_validator("*")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        items = value if isinstance(value, list) else [value]
        if any(isinstance(item, str) and "\x00" in item for item in items):
            raise ValueError("must not contain NUL characters")
        return value


def _max_length(metadata: list[Any]) -> int | None:
    """The `max_length` of a field's constraints (`Field(max_length=...)`, `StringConstraints`)."""
    limits = [limit for item in metadata if isinstance(limit := getattr(item, "max_length", None), int)]
    return min(limits, default=None)


T = TypeVar("T")
if TYPE_CHECKING:
    Omittable = Annotated[T | None, "absent"]
else:
    # A field of a partial update (default None): leave it out to keep the value. Its type is not
    # optional, so an explicit null is refused (the column holds none), and the document says so.
    Omittable = Annotated[T, "absent"]


class RequestModel(InputModel):
    """Base of request bodies: unknown fields are an error, so no route sets what it does not offer;
    types are strict, so `0` is not `false` nor `false` a number (JSON's strings still make dates)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)


class QueryModel(InputModel):
    """Base of query strings: unknown parameters are ignored and never filter anything. A value's
    length is checked as sent, before surrounding spaces are stripped, so that the document's
    `maxLength` holds. (Not in bodies: a "before" validator would hand their strict fields a
    Python string where JSON's date strings are expected.)"""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _bound_as_sent(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and info.field_name is not None:
            limit = _max_length(cls.model_fields[info.field_name].metadata)
            if limit is not None and len(value) > limit:
                raise PydanticCustomError(
                    "string_too_long",
                    "String should have at most {max_length} characters",
                    {"max_length": limit},
                )
        return value


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details, the body of every error response."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    request_id: str | None
    errors: list[FieldError] | None = None


def carry_operation(inner: Callable[..., Any], wrapper: Handler) -> Handler:
    """Keep the OpenAPI entry of `inner` on the function that replaces it."""
    store = operations()
    if inner in store:
        store[wrapper] = store.pop(inner)
    return wrapper


def validation_errors(details: list[ErrorDetails], location: str) -> list[dict[str, Any]]:
    """The problem's `errors`, from a ValidationError's `errors(include_url=False, include_input=False)`."""
    return [
        {"loc": [location, *detail["loc"]], "msg": detail["msg"], "type": detail["type"]}
        for detail in details
    ]


_NUMBER = re.compile(r"^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$")


def _iso_text(value: object) -> object:
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.match(value)):
        raise ValueError("must be an ISO 8601 string")
    return value


def _json_integer(value: object) -> object:
    if isinstance(value, bool | str):
        raise ValueError("must be an integer")
    return value


# JSON Schema counts 26.0 as an integer, so a strict body takes it too (with `Field(strict=False)`
# beside it); a string or a boolean is not one.
JsonInteger = BeforeValidator(_json_integer)

# Dates and times are ISO 8601 text, as the document says; pydantic alone also reads 0 or "0.5" as Unix time.
IsoText = BeforeValidator(_iso_text)


def parse_body(request: AppRequest, model: type[M]) -> M:
    content_type = request.headers.get("content-type", "")
    if not _JSON_CONTENT_TYPE.match(content_type):
        raise UnsupportedMediaType("The request body must be JSON (Content-Type: application/json)")
    try:
        return model.model_validate_json(request.body or b"")
    except ValidationError as error:
        details = error.errors(include_url=False, include_input=False)
        if any(detail["type"] == "json_invalid" for detail in details):
            raise MalformedRequest("The request body is not valid JSON") from None
        if any(detail["type"] == "model_type" and not detail["loc"] for detail in details):
            raise ValidationFailed(
                "The request body must be a JSON object",
                errors=[{"loc": ["body"], "msg": "Input should be an object", "type": "model_type"}],
            ) from None
        raise ValidationFailed(
            "The request body is invalid", errors=validation_errors(details, "body")
        ) from None
    except OverflowError:
        raise out_of_range("body") from None


def parse_query(request: AppRequest, model: type[M]) -> M:
    # A blank value (`?until=`) is a value, and is validated: not a date, so 422 rather than ignored.
    args = request.get_args(keep_blank_values=True)
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key not in args:
            continue
        is_list = get_origin(field.annotation) is list or any(
            get_origin(arg) is list for arg in get_args(field.annotation)
        )
        values[key] = args.getlist(key) if is_list else args.get(key)
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise ValidationFailed(
            "The query string is invalid",
            errors=validation_errors(error.errors(include_url=False, include_input=False), "query"),
        ) from None
    except OverflowError:
        raise out_of_range("query") from None


def out_of_range(location: str) -> ValidationFailed:
    """A value that parses but overflows on conversion (a date past year 9999 once moved to UTC)."""
    return ValidationFailed(
        f"The {'request body' if location == 'body' else 'query string'} is invalid",
        errors=[{"loc": [location], "msg": "A value is out of range", "type": "out_of_range"}],
    )


# A handler `body` wraps refuses a bad body before it runs: require_roles may then let a write in on
# a login from the cache of logins, and `body` has it checked afresh once the body is valid.
VALIDATES_BODY_FIRST = "validates_body_first"


def body(model: type[RequestModel]) -> Callable[[Handler], Handler]:
    """Validate the JSON body against `model` and pass it to the handler as `body` (after the
    login check that require_roles left to it, if any)."""

    def decorator(handler: Handler) -> Handler:
        @wraps(handler)
        async def wrapper(request: AppRequest, *args: Any, **kwargs: Any) -> HTTPResponse | None:
            try:
                parsed = parse_body(request, model)
            except AppError as refused:  # answered, not raised: Sanic's exception path cost a 422
                return to_problem(request, refused)  # 5-14% of its worker CPU (SQLite, 2026-12-07)
            if (confirm_login := request.ctx.confirm_login) is not None:
                request.ctx.confirm_login = None
                await confirm_login()
            return await handler(request, *args, body=parsed, **kwargs)

        carry_operation(handler, wrapper)
        operations()[wrapper].body(media("application/json", model), required=True)
        setattr(wrapper, VALIDATES_BODY_FIRST, True)  # kept by functools.wraps above it
        return wrapper

    return decorator


def sort_pattern(allowed: Collection[str]) -> str:
    """The `sort` values `backend.pagination.order_by` accepts: allowed names, `-` for descending."""
    name = "(?:" + "|".join(re.escape(field) for field in sorted(allowed)) + ")"
    return rf"^\s*(?:-?{name}\s*(?:,\s*-?{name}\s*)*)?$"


def query(model: type[QueryModel], *, sort: Collection[str] | None = None) -> Callable[[Handler], Handler]:
    """Validate the query string against `model` and pass it to the handler as `query`; `sort`
    documents the fields a list can be sorted by (paginate checks them)."""

    def decorator(handler: Handler) -> Handler:
        @wraps(handler)
        async def wrapper(request: AppRequest, *args: Any, **kwargs: Any) -> HTTPResponse | None:
            try:
                parsed = parse_query(request, model)
            except AppError as refused:  # answered, not raised, as in `body`
                return to_problem(request, refused)
            return await handler(request, *args, query=parsed, **kwargs)

        carry_operation(handler, wrapper)
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, prop in schema.get("properties", {}).items():
            if name == "sort" and sort is not None:
                prop = {"type": "string", "maxLength": 200, "pattern": sort_pattern(sort)}
                prop["description"] = f"Comma-separated, `-` for descending: {', '.join(sorted(sort))}"
            parameter = Parameter(
                name, RawSchema(prop), location="query", required=name in schema.get("required", [])
            )
            openapi.parameter(parameter=parameter)(wrapper)
        return wrapper

    return decorator


def returns(
    status: int, model: type[BaseModel] | None = None, description: str = ""
) -> Callable[[Handler], Handler]:
    """Document a response; add one per status the route answers. Errors are problem+json."""

    def decorator(handler: Handler) -> Handler:
        content_type = "application/problem+json" if status >= 400 else "application/json"
        content = media(content_type, model) if model is not None else None
        operations()[handler].response(status, content, description or _phrase(status))
        return handler

    return decorator


def _phrase(status: int) -> str:
    return HTTPStatus(status).phrase


def json_response(
    model: BaseModel, *, status: int = 200, headers: dict[str, str] | None = None
) -> HTTPResponse:
    return HTTPResponse(
        model.__pydantic_serializer__.to_json(model),
        status=status,
        headers=headers,
        content_type="application/json",
    )


def created(model: BaseModel, *, location: str) -> HTTPResponse:
    return json_response(model, status=201, headers={"Location": location})


def no_content() -> HTTPResponse:
    return HTTPResponse(status=204)
