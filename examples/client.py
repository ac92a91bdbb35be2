"""A small REST client for sanic-rest-template: log in, call the API, refresh once when the
access token has expired, log out.

    .venv/bin/python examples/client.py --url http://127.0.0.1:8000 --username admin --password '...'
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

import httpx


class ApiError(Exception):
    def __init__(self, response: httpx.Response) -> None:
        problem = response.json() if response.headers.get("content-type", "").endswith("json") else {}
        super().__init__(f"{response.status_code} {problem.get('detail', response.reason_phrase)}")
        self.status = response.status_code
        self.code = problem.get("code")


class ApiClient:
    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=10)
        self.access_token: str | None = None
        self.refresh_token: str | None = None

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def login(self, username: str, password: str) -> None:
        response = self.http.post("/api/v1/auth/login", json={"username": username, "password": password})
        if response.status_code != 200:
            raise ApiError(response)
        self._keep(response.json())

    def refresh(self) -> None:
        response = self.http.post("/api/v1/auth/refresh", json={"refresh_token": self.refresh_token})
        if response.status_code != 200:
            raise ApiError(response)
        self._keep(response.json())

    def logout(self) -> None:
        self.http.post("/api/v1/auth/logout", json={"refresh_token": self.refresh_token})
        self.access_token = self.refresh_token = None

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call the API; when the access token has expired, refresh once and try again."""
        response = self._send(method, path, **kwargs)
        if response.status_code == 401 and response.json().get("code") == "token_expired":
            self.refresh()
            response = self._send(method, path, **kwargs)
        if response.status_code >= 400:
            raise ApiError(response)
        return response.json() if response.content else None

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.access_token}"}
        return self.http.request(method, path, headers=headers, **kwargs)

    def _keep(self, tokens: dict[str, Any]) -> None:
        self.access_token = tokens["access_token"]
        self.refresh_token = tokens["refresh_token"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", help="asked for when omitted")
    args = parser.parse_args(argv)

    api = ApiClient(args.url)
    api.login(args.username, args.password or getpass.getpass())
    me = api.request("GET", "/api/v1/auth/me")
    print(f"Logged in as {me['username']} with roles {', '.join(me['roles'])}")

    created = api.request(
        "POST",
        "/api/v1/patients",
        json={
            "name": "Harald",
            "surname": "Meier",
            "birthday": "1961-04-02",
            "comments": "from the example client",
        },
    )
    print(f"Created patient {created['id']}: {created['name']} {created['surname']}")
    page = api.request("GET", "/api/v1/patients", params={"q": "meier", "per_page": 5})
    print(f"{page['total']} patient(s) match 'meier'")

    api.logout()
    print("Logged out")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ApiError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
