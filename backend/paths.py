"""Path parameters, decoded, checked and bounded by the router as pydantic does a body's fields.

Sanic routes on the raw path: a segment arrives percent-encoded, as long as the client made it, and
its `int` and `uuid` types accept whatever Python's `int()` and `UUID()` read (`+1`, `0_1`, 32 hex
digits). Each type here is a router pattern whose cast percent-decodes the segment as UTF-8 and
checks it. A segment that fails names nothing: the route does not match, and the answer is 404
whatever the method. The same object is the parameter's schema in the OpenAPI document.

    <x:id>    a database id: 1 to 2**31 - 1 in plain decimal (no sign, leading zero or space)
    <x:bigid> the same for a table whose ids are 64-bit (rows made often): 1 to 2**63 - 1
    <x:name>  a name: 1 to 64 characters (the width of the name columns), no NUL
    <x:uuid>  a UUID in its 8-4-4-4-12 hexadecimal form (replaces Sanic's type of that name)
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from backend.app_types import App
from backend.docs import RawSchema

ID_MAX = 2**31 - 1  # the database's integer columns
BIGID_MAX = 2**63 - 1  # its bigint columns
NAME_MAX_LENGTH = 64  # role.name, user.username

_DECIMAL = re.compile(r"[1-9][0-9]*")
_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")


class PathType(RawSchema):
    """A router pattern: called with the raw segment, it returns the handler's value or raises
    ValueError (the route does not match); sanic-ext documents the parameter with its schema."""

    def __init__(self, label: str, cast: Callable[[str], Any], schema: dict[str, Any]) -> None:
        super().__init__(schema)
        self.label = label
        self.cast = cast
        self.__name__ = f"path_{label}"  # the router calls it by this name in its generated code

    def __call__(self, segment: str) -> Any:
        return self.cast(decoded(segment))


def decoded(segment: str) -> str:
    """The segment's text; ValueError (UnicodeDecodeError is one) when it is not UTF-8 or holds a NUL,
    which PostgreSQL can neither store nor compare."""
    text = unquote_to_bytes(segment).decode("utf-8")
    if "\x00" in text:
        raise ValueError("a NUL character")
    return text


def database_id(text: str, *, maximum: int = ID_MAX) -> int:
    if not _DECIMAL.fullmatch(text) or int(text) > maximum:
        raise ValueError("not a database id")
    return int(text)


def big_database_id(text: str) -> int:
    return database_id(text, maximum=BIGID_MAX)


def name(text: str) -> str:
    if not 1 <= len(text) <= NAME_MAX_LENGTH:
        raise ValueError("not a name's length")
    return text


def canonical_uuid(text: str) -> uuid.UUID:
    if not _UUID.fullmatch(text):
        raise ValueError("not a UUID")
    return uuid.UUID(text)


PATH_TYPES = {
    path_type.label: path_type
    for path_type in (
        PathType("id", database_id, {"type": "integer", "format": "int32", "minimum": 1, "maximum": ID_MAX}),
        PathType(
            "bigid",
            big_database_id,
            {"type": "integer", "format": "int64", "minimum": 1, "maximum": BIGID_MAX},
        ),
        PathType("name", name, {"type": "string", "minLength": 1, "maxLength": NAME_MAX_LENGTH}),
        PathType("uuid", canonical_uuid, {"type": "string", "format": "uuid"}),
    )
}


def register_path_types(app: App) -> None:
    """Before any route is added: the router reads a parameter's type when the route is added. (The
    pattern is not used for routing; the cast decides, whatever the escaping.)"""
    for label, path_type in PATH_TYPES.items():
        app.router.register_pattern(label, path_type, r"^[^/]+$")
