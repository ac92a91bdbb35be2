"""The Flask template's routes, so that a client written for it runs unchanged.

    POST   /api/auth/            {username, password} -> {access_token, refresh_token}
    GET    /api/auth/            Bearer refresh token -> {access_token} (no rotation)
    DELETE /api/auth/            Bearer refresh token -> {"msg": "Access token revoked"}
    GET    /api/patient/         -> {"patients": [...]}
    POST   /api/patient/         {name, surname, birthday, comments} -> the patient (200)
    GET    /api/patient/<id>     -> the patient
    PUT    /api/patient/<id>     partial update (null or "" keeps a field) -> the patient
    DELETE /api/patient/<id>     -> {"message": "Patient deleted"}

A thin translation onto the same services, role checks and access log as /api/v1. Token and
login errors keep flask-jwt-extended's `{"msg": ...}` bodies; everything else is problem+json.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from sanic import Blueprint, HTTPResponse
from sanic.response import json
from sanic_ext.extensions.openapi import openapi

from backend import clock
from backend.api import Handler, RequestModel, ResponseModel, body, carry_operation, returns
from backend.app_types import AppRequest
from backend.auth import service as auth_service
from backend.auth.attempts import login_recorded
from backend.auth.decorators import bearer_token, require_roles
from backend.auth.service import SecondFactorNeeded
from backend.auth.tokens import InvalidToken
from backend.docs import media, operations
from backend.errors import Unauthorized
from backend.legacy.inputs import (
    KeptBirthday,
    KeptName,
    KeptText,
    LegacyBirthday,
    LegacyComments,
    LegacyName,
    LegacyPassword,
    LegacyUsername,
)
from backend.patients import service as patients
from backend.patients.schemas import PatientCreate, PatientRead, PatientUpdate, patient_read

bp = Blueprint("legacy", url_prefix="/api")

MESSAGES = {
    "token_expired": "Token has expired",
    "token_revoked": "Token has been revoked",
    "token_blocked": "Token has been revoked",
    "invalid_credentials": "Bad username or password",
    "unauthorized": "Missing Authorization Header",
}


class LegacyLogin(RequestModel):
    username: LegacyUsername | None = None
    password: LegacyPassword | None = None


class LegacyTokens(ResponseModel):
    access_token: str
    refresh_token: str


class LegacyPatient(RequestModel):
    name: LegacyName
    surname: LegacyName
    birthday: LegacyBirthday | None = None
    comments: LegacyComments = ""


class LegacyPatientUpdate(RequestModel):
    name: KeptName = None
    surname: KeptName = None
    birthday: KeptBirthday = None
    comments: KeptText = None


class Message(ResponseModel):
    msg: str


class LegacyPatients(ResponseModel):
    patients: list[PatientRead]


class Deleted(ResponseModel):
    message: str


def msg(status: int, text: str) -> HTTPResponse:
    return json({"msg": text}, status=status)


def flask_errors(handler: Handler) -> Handler:
    """Answer 401s as flask-jwt-extended did: `{"msg": ...}`."""

    @wraps(handler)
    async def wrapper(request: AppRequest, *args: Any, **kwargs: Any) -> HTTPResponse | None:
        try:
            return await handler(request, *args, **kwargs)
        except Unauthorized as error:
            return msg(401, MESSAGES.get(error.code, error.detail))

    carry_operation(handler, wrapper)
    operations()[wrapper].response(401, media("application/json", Message), "Missing or invalid token")
    return wrapper


def legacy_patient(patient: PatientRead) -> dict[str, Any]:
    """The patient as the Flask template showed it (`birthday` and dates as ISO strings)."""
    return patient.model_dump(mode="json")


async def refresh_claims(request: AppRequest) -> Any:
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("Missing Authorization Header")
    try:
        return request.app.ctx.tokens.decode(token, expected="refresh")
    except InvalidToken as error:
        raise auth_service.token_error(error) from None


@bp.post("/auth/")
@openapi.tag("legacy")
@flask_errors
@body(LegacyLogin)
@returns(200, LegacyTokens)
@returns(401, Message)
async def legacy_login(request: AppRequest, body: LegacyLogin) -> HTTPResponse:
    """Log in (Flask template)."""
    session = await login_recorded(request, username=body.username or "", password=body.password or "")
    if isinstance(session, SecondFactorNeeded):  # this API has no second step
        return msg(401, "This account uses two-factor login: log in through /api/v1/auth/login")
    return json({"access_token": session.access.token, "refresh_token": session.refresh.token})


@bp.get("/auth/")
@openapi.tag("legacy")
@openapi.secured("bearer")
@flask_errors
@returns(200, Message)
async def legacy_refresh(request: AppRequest) -> HTTPResponse:
    """A new access token for a refresh token, which stays the same (Flask template)."""
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("Missing Authorization Header")
    access = await auth_service.access_for_refresh_token(
        refresh_token=token, tokens=request.app.ctx.tokens, now=clock.utcnow()
    )
    return json({"access_token": access.token})


@bp.delete("/auth/")
@openapi.tag("legacy")
@openapi.secured("bearer")
@flask_errors
@returns(200, Message)
async def legacy_logout(request: AppRequest) -> HTTPResponse:
    """End the login of a refresh token (Flask template)."""
    claims = await refresh_claims(request)
    await auth_service.revoke_login(login_id=claims.login_id, user_id=claims.user_id, reason="logout")
    return json({"msg": "Access token revoked"})


@bp.get("/patient/")
@openapi.tag("legacy")
@flask_errors
@require_roles("user")
@returns(200, LegacyPatients)
async def legacy_list_patients(request: AppRequest) -> HTTPResponse:
    """Every patient, with appointments and measures (Flask template; no paging)."""
    found = await patients.all_patients()
    return json({"patients": [legacy_patient(patient_read(p)) for p in found]})


@bp.post("/patient/")
@openapi.tag("legacy")
@flask_errors
@require_roles("user")
@body(LegacyPatient)
@returns(200, PatientRead)
async def legacy_create_patient(request: AppRequest, body: LegacyPatient) -> HTTPResponse:
    """Create a patient; 200 (not 201), as the Flask template answered."""
    patient = await patients.create_patient(data=PatientCreate(**body.model_dump()))
    return json(legacy_patient(patient))


@bp.get("/patient/<patient_id:id>")
@openapi.tag("legacy")
@flask_errors
@require_roles("user")
@returns(200, PatientRead)
async def legacy_get_patient(request: AppRequest, patient_id: int) -> HTTPResponse:
    return json(legacy_patient(await patients.read_patient(patient_id=patient_id)))


@bp.put("/patient/<patient_id:id>")
@openapi.tag("legacy")
@flask_errors
@require_roles("user")
@body(LegacyPatientUpdate)
@returns(200, PatientRead)
async def legacy_update_patient(
    request: AppRequest, patient_id: int, body: LegacyPatientUpdate
) -> HTTPResponse:
    """Partial update: fields absent, null or "" stay as they are (Flask template's PUT)."""
    changes = PatientUpdate(**body.model_dump(exclude_none=True))
    return json(legacy_patient(await patients.update_patient(patient_id=patient_id, changes=changes)))


@bp.delete("/patient/<patient_id:id>")
@openapi.tag("legacy")
@flask_errors
@require_roles("user")
@returns(200, Deleted)
async def legacy_delete_patient(request: AppRequest, patient_id: int) -> HTTPResponse:
    await patients.delete_patient(patient_id=patient_id)
    return json({"message": "Patient deleted"})
