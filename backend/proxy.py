"""Who sent a request: the peer, or what a trusted proxy says about the client behind it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from backend.app_types import AppRequest

Network = IPv4Network | IPv6Network
_FORWARDED_FOR = re.compile(r'for="?\[?([^\]";,]+)\]?(?::\d+)?"?', re.IGNORECASE)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# What the database keeps of a client's address and user agent (the login list, the access log).
MAX_IP_LENGTH = 64
MAX_USER_AGENT_LENGTH = 512


def _parse_ip(value: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(value.strip())
    except ValueError:
        return None


def is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    ip = _parse_ip(address)
    return ip is not None and any(ip in network for network in trusted)


def peer_address(request: AppRequest) -> str:
    return request.ip or ""


def forwarded_chain(request: AppRequest) -> list[str]:
    """Hops named by the proxy headers, client first (`Forwarded` wins over `X-Forwarded-For`)."""
    if forwarded := request.headers.getall("forwarded", []):
        return [match.group(1) for header in forwarded for match in _FORWARDED_FOR.finditer(header)]
    hops = [
        hop.strip() for header in request.headers.getall("x-forwarded-for", []) for hop in header.split(",")
    ]
    if hops:
        return [hop for hop in hops if hop]
    envoy = request.headers.get("x-envoy-external-address", "").strip()
    return [envoy] if envoy else []


def client_ip(request: AppRequest, trusted: Sequence[Network]) -> str:
    """The peer, unless it is a trusted proxy: then the right-most hop that is not trusted."""
    address = peer_address(request)
    if not trusted or not is_trusted(address, trusted):
        return address
    for hop in reversed(forwarded_chain(request)):
        if _parse_ip(hop) is None:
            return address
        if not is_trusted(hop, trusted):
            return hop
        address = hop
    return address


def request_id(request: AppRequest, trusted: Sequence[Network], generate: str) -> str:
    """A trusted proxy's X-Request-ID when well-formed, else the generated one."""
    sent = request.headers.get("x-request-id", "")
    if sent and trusted and is_trusted(peer_address(request), trusted) and _REQUEST_ID.match(sent):
        return sent
    return generate


def header_text(request: AppRequest, name: str) -> str:
    """A header as text that can be stored: bytes that are not UTF-8, which Sanic keeps as lone
    surrogates that no database driver encodes, become U+FFFD."""
    value = request.headers.get(name, "")
    return (
        value.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if not value.isascii() else value
    )
