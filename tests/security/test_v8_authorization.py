"""ASVS 5.0 chapter V8, authorization: function level (every route, enumerated from the router) and
object level (children under the wrong parent, another user's logins)."""

from __future__ import annotations

import re
import uuid
from typing import Literal

import httpx
import pytest
from sanic import Sanic

from backend.app import create_app
from backend.auth.models import Token
from backend.config import Settings
from tests.factories import make_user
from tests.harness import serve_in_process
from tests.helpers import Caller, bearer, caller, login

Access = Literal["public", "refresh", "authenticated", "user", "admin"]

# Who may call each route, as the router names it. A route missing here fails
# test_every_route_has_a_declared_policy: nothing new ships without a decision.
POLICY: dict[tuple[str, str], Access] = {
    ("GET", "healthz"): "public",
    ("GET", "readyz"): "public",
    # By address, not token: METRICS_ALLOW's addresses (loopback by default) only, 404 elsewhere,
    # 405 for the other methods (tests/metrics/test_metrics.py).
    **{(method, "metrics"): "public" for method in ("GET", "POST", "PUT", "PATCH", "DELETE")},
    ("GET", "api/v1/openapi.json"): "public",
    ("GET", "api/v1/docs"): "public",
    ("GET", "api/v1/docs/sanic-ext/openapi.json"): "public",
    ("POST", "api/v1/auth/login"): "public",
    ("POST", "api/v1/auth/login/mfa"): "public",  # takes the mfa_token of the password step
    ("POST", "api/auth"): "public",  # the Flask template's /api/auth/: the slash is optional
    ("POST", "api/v1/auth/refresh"): "refresh",
    ("POST", "api/v1/auth/logout"): "refresh",
    ("GET", "api/auth"): "refresh",
    ("DELETE", "api/auth"): "refresh",
    ("POST", "api/v1/auth/logout-all"): "authenticated",
    ("GET", "api/v1/auth/me"): "authenticated",
    ("PUT", "api/v1/auth/me/password"): "authenticated",
    ("GET", "api/v1/auth/me/tokens"): "authenticated",
    ("DELETE", "api/v1/auth/me/tokens/<token_id:uuid>"): "authenticated",
    ("GET", "api/v1/auth/me/api-keys"): "authenticated",
    ("POST", "api/v1/auth/me/api-keys"): "authenticated",
    ("GET", "api/v1/auth/me/api-keys/<key_id:uuid>"): "authenticated",
    ("DELETE", "api/v1/auth/me/api-keys/<key_id:uuid>"): "authenticated",
    ("POST", "api/v1/auth/me/mfa/totp"): "authenticated",
    ("POST", "api/v1/auth/me/mfa/totp/confirm"): "authenticated",
    ("DELETE", "api/v1/auth/me/mfa"): "authenticated",
    ("GET", "api/v1/patients"): "user",
    ("POST", "api/v1/patients"): "user",
    ("GET", "api/v1/patients/<patient_id:id>"): "user",
    ("PATCH", "api/v1/patients/<patient_id:id>"): "user",
    ("DELETE", "api/v1/patients/<patient_id:id>"): "user",
    ("GET", "api/v1/patients/<patient_id:id>/measures"): "user",
    ("GET", "api/v1/patients/<patient_id:id>/appointments"): "user",
    ("POST", "api/v1/patients/<patient_id:id>/appointments"): "user",
    ("GET", "api/v1/patients/<patient_id:id>/appointments/<appointment_id:id>"): "user",
    ("PATCH", "api/v1/patients/<patient_id:id>/appointments/<appointment_id:id>"): "user",
    ("DELETE", "api/v1/patients/<patient_id:id>/appointments/<appointment_id:id>"): "user",
    ("GET", "api/v1/patients/<patient_id:id>/appointments/<appointment_id:id>/measures"): "user",
    ("POST", "api/v1/patients/<patient_id:id>/appointments/<appointment_id:id>/measures"): "user",
    (
        "GET",
        "api/v1/patients/<patient_id:id>/appointments/<appointment_id:id>/measures/<measure_id:id>",
    ): "user",
    (
        "PATCH",
        "api/v1/patients/<patient_id:id>/appointments/<appointment_id:id>/measures/<measure_id:id>",
    ): "user",
    (
        "DELETE",
        "api/v1/patients/<patient_id:id>/appointments/<appointment_id:id>/measures/<measure_id:id>",
    ): "user",
    ("GET", "api/v1/categories"): "user",
    ("GET", "api/patient"): "user",
    ("POST", "api/patient"): "user",
    ("GET", "api/patient/<patient_id:id>"): "user",
    ("PUT", "api/patient/<patient_id:id>"): "user",
    ("DELETE", "api/patient/<patient_id:id>"): "user",
    ("POST", "api/v1/categories"): "admin",
    ("GET", "api/v1/users"): "admin",
    ("POST", "api/v1/users"): "admin",
    ("GET", "api/v1/users/<user_id:id>"): "admin",
    ("PATCH", "api/v1/users/<user_id:id>"): "admin",
    ("DELETE", "api/v1/users/<user_id:id>"): "admin",
    ("PUT", "api/v1/users/<user_id:id>/password"): "admin",
    ("GET", "api/v1/users/<user_id:id>/tokens"): "admin",
    ("DELETE", "api/v1/users/<user_id:id>/tokens"): "admin",
    ("DELETE", "api/v1/users/<user_id:id>/mfa"): "admin",
    ("PATCH", "api/v1/tokens/<token_id:uuid>"): "admin",
    ("GET", "api/v1/roles"): "admin",
    ("POST", "api/v1/roles"): "admin",
    ("PATCH", "api/v1/roles/<name:name>"): "admin",
    ("DELETE", "api/v1/roles/<name:name>"): "admin",
    ("GET", "api/v1/access-log"): "admin",
    ("GET", "api/v1/access-log/export"): "admin",
    ("GET", "api/v1/access-log/stats"): "admin",
    ("GET", "api/v1/audit-events"): "admin",
    ("GET", "api/v1/audit-events/export"): "admin",
    ("GET", "api/v1/lockouts"): "admin",
    ("DELETE", "api/v1/lockouts/<lockout_id:bigid>"): "admin",
    ("GET", "api/v1/api-keys"): "admin",
    ("DELETE", "api/v1/api-keys/<key_id:uuid>"): "admin",
}
# Routes open to a user who must change their password first (after an admin reset).
DURING_PASSWORD_CHANGE = {("GET", "api/v1/auth/me"), ("PUT", "api/v1/auth/me/password")}
# Routes open to a user whose role requires two-factor login before they turn it on.
DURING_MFA_ENROLLMENT = {
    ("GET", "api/v1/auth/me"),
    ("POST", "api/v1/auth/me/mfa/totp"),
    ("POST", "api/v1/auth/me/mfa/totp/confirm"),
}
PARAMETER = re.compile(r"<(\w+):(\w+)>")


def router_routes(app: Sanic) -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in app.router.routes
        for method in route.methods
        if method not in {"HEAD", "OPTIONS"}
    }


def concrete(path: str, target_id: int = 1) -> str:
    """A request path for a router path: ids that need not exist, since authorization comes first."""
    values = {"id": str(target_id), "bigid": str(target_id), "uuid": str(uuid.uuid4()), "name": "user"}
    return "/" + PARAMETER.sub(lambda match: values[match.group(2)], path)


async def call(client: httpx.AsyncClient, method: str, path: str, headers: dict[str, str]) -> httpx.Response:
    body = {} if method in {"POST", "PUT", "PATCH"} else None
    return await client.request(method, concrete(path), json=body, headers=headers)


def routes_with(*levels: Access) -> list[tuple[str, str]]:
    return sorted(route for route, access in POLICY.items() if access in levels)


def test_every_route_has_a_declared_policy(app: Sanic) -> None:
    """ASVS 8.1.1, 8.2.1: the policy table above is the documentation, and it is complete."""
    routes = router_routes(app)
    assert routes - POLICY.keys() == set(), "routes without a declared policy"
    assert POLICY.keys() - routes == set(), "policy for routes that no longer exist"


async def test_every_protected_route_refuses_anonymous_and_garbage_tokens(client: httpx.AsyncClient) -> None:
    """ASVS 8.2.1, 7.2.1: no token, or a token that is not ours, is 401 on every protected route."""
    wrong = []
    for method, path in routes_with("refresh", "authenticated", "user", "admin"):
        for headers in ({}, bearer("not-a-jwt"), {"Authorization": "Basic cm9vdDpyb290"}):
            response = await call(client, method, path, headers)
            if response.status_code != 401:
                wrong.append((method, path, headers, response.status_code))
    assert wrong == []


async def test_every_admin_route_is_403_for_a_plain_user(
    client: httpx.AsyncClient, user: Caller, nobody: Caller
) -> None:
    """ASVS 8.2.1: a user without role `admin` reaches no admin function, whatever the method."""
    wrong = []
    for method, path in routes_with("admin"):
        for who in (user, nobody):
            response = await call(client, method, path, who.headers)
            if response.status_code != 403 or response.json()["code"] != "forbidden":
                wrong.append((method, path, who.username, response.status_code))
    assert wrong == []


async def test_every_patient_route_is_403_without_role_user(
    client: httpx.AsyncClient, nobody: Caller
) -> None:
    """ASVS 8.2.1: patient data is for role `user`; holding `admin` alone is not enough."""
    admin_only = await caller(client, "admin-only", ("admin",))
    wrong = []
    for method, path in routes_with("user"):
        for who in (nobody, admin_only):
            response = await call(client, method, path, who.headers)
            if response.status_code != 403:
                wrong.append((method, path, who.username, response.status_code))
    assert wrong == []


async def test_the_routes_for_any_caller_admit_a_caller_without_roles(
    client: httpx.AsyncClient, nobody: Caller
) -> None:
    """The control for the tests above: a role-less login works, so their 403s are about roles."""
    assert (await client.get("/api/v1/auth/me", headers=nobody.headers)).status_code == 200
    assert (await client.get("/api/v1/auth/me/tokens", headers=nobody.headers)).status_code == 200


async def test_a_pending_password_change_locks_every_other_route(client: httpx.AsyncClient) -> None:
    """ASVS 8.2.1, 6.4.1: after an admin reset the temporary password opens only the password change."""
    await make_user("temporary", roles=("admin", "user"), password_change_required=True)
    headers = bearer((await login(client, "temporary"))["access_token"])
    wrong = []
    for method, path in routes_with("authenticated", "user", "admin"):
        response = await call(client, method, path, headers)
        allowed = (method, path) in DURING_PASSWORD_CHANGE
        if allowed == (response.status_code == 403 and response.json()["code"] == "password_change_required"):
            wrong.append((method, path, response.status_code))
    assert wrong == []


@pytest.fixture
async def two_patients(client: httpx.AsyncClient, user: Caller) -> dict[str, dict[str, int]]:
    """Two patients, each with an appointment holding a measure."""
    category = await client.post(
        "/api/v1/categories",
        json={"name": "blood"},
        headers=(await caller(client, "cat-admin", ("admin",))).headers,
    )
    made: dict[str, dict[str, int]] = {}
    for name in ("a", "b"):
        body = {
            "name": name,
            "surname": name,
            "appointments": [
                {
                    "date": "2024-01-01T10:00:00Z",
                    "measures": [
                        {
                            "category_id": category.json()["id"],
                            "marker": "hb",
                            "value": 1.0,
                            "timestamp": "2024-01-01T10:00:00Z",
                        }
                    ],
                }
            ],
        }
        patient = (await client.post("/api/v1/patients", json=body, headers=user.headers)).json()
        appointment = patient["appointments"][0]
        made[name] = {
            "patient": patient["id"],
            "appointment": appointment["id"],
            "measure": appointment["measures"][0]["id"],
        }
    return made


async def test_children_under_the_wrong_parent_are_404(
    client: httpx.AsyncClient, user: Caller, two_patients: dict[str, dict[str, int]]
) -> None:
    """ASVS 8.2.2: an appointment or a measure is reached only through its own patient and appointment;
    reading, changing, deleting or adding through another parent is 404 and changes nothing."""
    a, b = two_patients["a"], two_patients["b"]
    pa, aa, ma = a["patient"], a["appointment"], a["measure"]
    pb, ab = b["patient"], b["appointment"]
    measure = {"category_id": 1, "marker": "x", "value": 1.0, "timestamp": "2024-01-01T10:00:00Z"}
    wrong_parent = [
        ("GET", f"/api/v1/patients/{pb}/appointments/{aa}", None),
        ("PATCH", f"/api/v1/patients/{pb}/appointments/{aa}", {"notes": "hijacked"}),
        ("DELETE", f"/api/v1/patients/{pb}/appointments/{aa}", None),
        ("GET", f"/api/v1/patients/{pb}/appointments/{aa}/measures", None),
        ("POST", f"/api/v1/patients/{pb}/appointments/{aa}/measures", measure),
        ("GET", f"/api/v1/patients/{pb}/appointments/{aa}/measures/{ma}", None),
        ("GET", f"/api/v1/patients/{pa}/appointments/{ab}/measures/{ma}", None),
        ("PATCH", f"/api/v1/patients/{pa}/appointments/{ab}/measures/{ma}", {"value": 9.0}),
        ("DELETE", f"/api/v1/patients/{pb}/appointments/{ab}/measures/{ma}", None),
        ("DELETE", f"/api/v1/patients/{pa}/appointments/{ab}/measures/{ma}", None),
    ]
    for method, path, body in wrong_parent:
        response = await client.request(method, path, json=body, headers=user.headers)
        assert response.status_code == 404, (method, path, response.status_code)
    kept = await client.get(f"/api/v1/patients/{pa}/appointments/{aa}/measures/{ma}", headers=user.headers)
    assert kept.status_code == 200
    assert kept.json()["value"] == 1.0
    appointment = (await client.get(f"/api/v1/patients/{pa}/appointments/{aa}", headers=user.headers)).json()
    assert appointment["notes"] == ""
    assert len(appointment["measures"]) == 1


async def test_another_users_login_cannot_be_ended_through_the_self_service_route(
    client: httpx.AsyncClient, user: Caller, admin: Caller
) -> None:
    """ASVS 8.2.2: `/auth/me/tokens/{id}` reaches only the caller's own logins; another user's is 404."""
    admin_login = await Token.filter(user_id=admin.user_id).first()
    assert admin_login is not None
    response = await client.delete(f"/api/v1/auth/me/tokens/{admin_login.id}", headers=user.headers)
    assert response.status_code == 404
    assert (await client.get("/api/v1/users", headers=admin.headers)).status_code == 200


async def test_a_role_change_is_in_force_on_the_next_request(
    client: httpx.AsyncClient, admin: Caller, user: Caller
) -> None:
    """ASVS 8.3.2, 7.4.2: roles are read per request, not from the token: removing `user` denies
    the same token at once, and deactivating the account ends its logins."""
    assert (await client.get("/api/v1/patients", headers=user.headers)).status_code == 200
    changed = await client.patch(f"/api/v1/users/{user.user_id}", json={"roles": []}, headers=admin.headers)
    assert changed.status_code == 200
    assert (await client.get("/api/v1/patients", headers=user.headers)).status_code == 403
    await client.patch(f"/api/v1/users/{user.user_id}", json={"is_active": False}, headers=admin.headers)
    assert (await client.get("/api/v1/auth/me", headers=user.headers)).status_code == 401
    refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token})
    assert refreshed.status_code == 401


async def test_user_objects_never_carry_the_password_hash(client: httpx.AsyncClient, admin: Caller) -> None:
    """ASVS 8.2.3: no response shows a password or its hash, to anyone, admins included."""
    responses = [
        await client.get("/api/v1/auth/me", headers=admin.headers),
        await client.get("/api/v1/users", headers=admin.headers),
        await client.get(f"/api/v1/users/{admin.user_id}", headers=admin.headers),
        await client.post(
            "/api/v1/users",
            json={"username": "fresh-user", "password": "a long enough passphrase"},
            headers=admin.headers,
        ),
    ]
    for response in responses:
        assert response.status_code in {200, 201}
        assert "password_hash" not in response.text
        assert "$2b$" not in response.text


async def test_a_role_that_requires_two_factor_locks_every_other_route_until_enrollment(
    settings: Settings,
) -> None:
    """ASVS 6.3.3: with MFA_REQUIRED_ROLES=admin, an admin without two-factor can only enroll."""
    app = create_app(
        settings.model_copy(update={"mfa_required_roles": ["admin"]}), name=f"v8_{uuid.uuid4().hex}"
    )
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as client:
        await make_user("unenrolled", roles=("admin", "user"))
        headers = bearer((await login(client, "unenrolled"))["access_token"])
        wrong = []
        for method, path in routes_with("authenticated", "user", "admin"):
            response = await call(client, method, path, headers)
            allowed = (method, path) in DURING_MFA_ENROLLMENT
            if allowed == (
                response.status_code == 403 and response.json()["code"] == "mfa_enrollment_required"
            ):
                wrong.append((method, path, response.status_code))
    assert wrong == []
