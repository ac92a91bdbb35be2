"""`Idempotency-Key` on `POST /patients`: a client that lost the answer retries with the same key.

The key is scoped to the user and stored with the patient in the creation's own transaction, so
either both exist or neither does. The same key with the same body replays the 201 (with the
patient as it is now); with another body it is refused. Two concurrent requests with one key
create one patient: the loser's transaction fails on the unique key and it replays the winner's.
"""

from __future__ import annotations

import hashlib
import re

import orjson
from tortoise.exceptions import IntegrityError

from backend.errors import ValidationFailed
from backend.patients import service
from backend.patients.models import PatientIdempotencyKey
from backend.patients.schemas import PatientCreate, PatientRead

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")  # printable ASCII, no spaces: a UUID fits


def parse_key(value: str | None) -> str | None:
    if value is None:
        return None
    if not KEY_PATTERN.fullmatch(value):
        raise ValidationFailed(
            f"{HEADER} must be 1 to 255 printable ASCII characters without spaces",
            errors=[{"loc": ["header", HEADER], "msg": "Invalid idempotency key", "type": "value_error"}],
        )
    return value


def request_hash(data: PatientCreate) -> str:
    """The body as validated, so that key order and spacing do not make two requests differ."""
    canonical = orjson.dumps(data.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()


async def create_patient_once(data: PatientCreate, *, user_id: int, key: str) -> PatientRead:
    digest = request_hash(data)
    if (existing := await _replay(user_id, key, digest)) is not None:
        return existing
    try:
        return await service.create_patient(
            data=data,
            also=lambda patient: PatientIdempotencyKey.create(
                user_id=user_id, key=key, request_hash=digest, patient=patient
            ),
        )
    except IntegrityError:  # a concurrent request with this key won: its patient is the answer
        if (existing := await _replay(user_id, key, digest)) is not None:
            return existing
        raise


async def _replay(user_id: int, key: str, digest: str) -> PatientRead | None:
    stored = await PatientIdempotencyKey.get_or_none(user_id=user_id, key=key)
    if stored is None:
        return None
    if stored.request_hash != digest:
        raise ValidationFailed(
            f"This {HEADER} was used with a different request body",
            code="idempotency_key_reused",
            errors=[{"loc": ["header", HEADER], "msg": "Key reused with another body", "type": "reused"}],
        )
    return await service.read_patient(patient_id=stored.patient_id)  # type: ignore[attr-defined]
