"""The Flask template's own example client (client/login.py in its repository), run against the legacy
routes: its payloads, in its order, reading from the answers what it reads."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import date, datetime

import httpx
import pytest
from sanic import Sanic

from backend.config import Settings
from backend.patients.models import Patient
from tests.factories import make_user
from tests.harness import serve_in_process
from tests.helpers import ServerClock

BASE_HEADER = {"Content-Type": "application/json"}


class TemplateClient:
    """client/login.py's functions as they are, but for `requests` (now httpx) and its fixed BASE_URL."""

    def __init__(self, server_url: str) -> None:
        self.base_url = server_url + "/api/"

    @staticmethod
    def _prepare_header(token: str) -> dict[str, str]:
        header = BASE_HEADER.copy()
        header["Authorization"] = f"Bearer {token}"
        return header

    def login(self) -> httpx.Response:
        login_data = {"username": "client", "password": "123456"}
        return httpx.post(self.base_url + "auth/", content=json.dumps(login_data), headers=BASE_HEADER)

    def refresh_login(self, refresh_token: str) -> httpx.Response:
        return httpx.get(self.base_url + "auth/", headers=self._prepare_header(refresh_token))

    def get_patients(self, access_token: str) -> httpx.Response:
        return httpx.get(self.base_url + "patient/", headers=self._prepare_header(access_token))

    def update_patient(self, access_token: str, name: str) -> httpx.Response:
        data = {"name": name}
        return httpx.put(
            self.base_url + "patient/1", content=json.dumps(data), headers=self._prepare_header(access_token)
        )

    def delete_patient(self, access_token: str, id: int) -> httpx.Response:
        return httpx.delete(self.base_url + "patient/" + str(id), headers=self._prepare_header(access_token))

    def add_patient(self, access_token: str) -> httpx.Response:
        date = datetime(1971, 7, 30).isoformat()
        data = {"name": "Hans", "surname": "Meier", "birthday": date}
        return httpx.post(
            self.base_url + "patient/", content=json.dumps(data), headers=self._prepare_header(access_token)
        )

    def logout(self, refresh_token: str) -> httpx.Response:
        return httpx.delete(self.base_url + "auth/", headers=self._prepare_header(refresh_token))

    def main(self, wait: Callable[[], None]) -> dict[str, httpx.Response]:
        """The template's main(), keeping each answer where it printed it; `wait` is its time.sleep(18)."""
        answers: dict[str, httpx.Response] = {}
        response = answers["login"] = self.login()
        access_token = response.json()["access_token"]
        refresh_token = response.json()["refresh_token"]

        answers["patients"] = self.get_patients(access_token)

        wait()
        answers["patients after the wait"] = self.get_patients(access_token)

        response = answers["refresh"] = self.refresh_login(refresh_token)
        access_token = response.json()["access_token"]

        answers["update"] = self.update_patient(access_token, "Harald")

        response = answers["add"] = self.add_patient(access_token)
        patient_id = response.json()["id"]

        answers["patients after the add"] = self.get_patients(access_token)
        answers["delete"] = self.delete_patient(access_token, patient_id)
        answers["update again"] = self.update_patient(access_token, "Luca")
        answers["logout"] = self.logout(refresh_token)
        return answers


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Access tokens as short-lived as Settings allows (the template's .flaskenv gave them 18 s)."""
    return settings.model_copy(update={"access_token_ttl": 30})


async def seed_the_templates_patient() -> Patient:
    """The patient the template's migration creates, whom its client updates as patient 1."""
    return await Patient.create(name="Luca", surname="Nastasi", birthday=date(1997, 7, 28))


async def test_the_templates_client_runs_unchanged(app: Sanic, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = ServerClock(monkeypatch)
    tokens = app.ctx.tokens
    async with serve_in_process(app) as url:
        await make_user("client", roles=("user",), password="123456")
        assert (await seed_the_templates_patient()).id == 1
        answers = await asyncio.to_thread(
            TemplateClient(url).main, wait=lambda: clock.advance(tokens.ttl("access") + tokens.leeway + 1)
        )
        added = answers["add"].json()
        assert not await Patient.exists(id=added["id"])
        assert (await Patient.get(id=1)).name == "Luca"

    statuses = {step: response.status_code for step, response in answers.items()}
    assert statuses == dict.fromkeys(answers, 200) | {"patients after the wait": 401}
    assert answers["patients"].json() == {"patients": [patient_one("Luca")]}
    assert answers["patients after the wait"].json() == {"msg": "Token has expired"}
    assert set(answers["refresh"].json()) == {"access_token"}
    assert answers["update"].json() == patient_one("Harald")
    assert added == {
        "id": added["id"],
        "name": "Hans",
        "surname": "Meier",
        "birthday": "1971-07-30",
        "comments": "",
        "appointments": [],
    }
    assert answers["patients after the add"].json() == {"patients": [patient_one("Harald"), added]}
    assert answers["delete"].json() == {"message": "Patient deleted"}
    assert answers["update again"].json() == patient_one("Luca")
    assert answers["logout"].json() == {"msg": "Access token revoked"}


def patient_one(name: str) -> dict[str, object]:
    return {
        "id": 1,
        "name": name,
        "surname": "Nastasi",
        "birthday": "1997-07-28",
        "comments": "",
        "appointments": [],
    }
