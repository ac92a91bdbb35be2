from __future__ import annotations

from ipaddress import ip_network
from types import SimpleNamespace
from typing import Any

import pytest
from sanic.compat import Header

from backend.proxy import client_ip, request_id

PROXY = [ip_network("10.0.0.0/8")]


def request(peer: str, **headers: str) -> Any:
    return SimpleNamespace(ip=peer, headers=Header({k.replace("_", "-"): v for k, v in headers.items()}))


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert client_ip(request("203.0.113.9", x_forwarded_for="1.2.3.4"), []) == "203.0.113.9"


def test_an_untrusted_peer_cannot_spoof_its_address() -> None:
    assert client_ip(request("203.0.113.9", x_forwarded_for="1.2.3.4"), PROXY) == "203.0.113.9"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x_forwarded_for": "1.2.3.4"}, "1.2.3.4"),
        ({"x_forwarded_for": "6.6.6.6, 1.2.3.4, 10.0.0.7"}, "1.2.3.4"),
        ({"forwarded": 'for=1.2.3.4;proto=https, for="[2001:db8::1]:4711"'}, "2001:db8::1"),
        ({"x_envoy_external_address": "1.2.3.4"}, "1.2.3.4"),
        ({"x_forwarded_for": "not-an-ip"}, "10.0.0.2"),
        ({}, "10.0.0.2"),
    ],
)
def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client(
    headers: dict[str, str], expected: str
) -> None:
    assert client_ip(request("10.0.0.2", **headers), PROXY) == expected


def test_request_ids_are_taken_only_from_trusted_proxies_and_only_when_well_formed() -> None:
    assert request_id(request("10.0.0.2", x_request_id="abc-123"), PROXY, "generated") == "abc-123"
    assert request_id(request("203.0.113.9", x_request_id="abc-123"), PROXY, "generated") == "generated"
    assert request_id(request("10.0.0.2", x_request_id="bad\r\nid"), PROXY, "generated") == "generated"
