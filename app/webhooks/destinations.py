"""Where webhooks may be sent: never to this machine or a private network unless allow-listed.

An endpoint URL whose host resolves to a loopback, private, link-local (cloud metadata at
169.254.169.254 included), shared, reserved, multicast or unspecified address is refused when it
is saved AND again at every delivery (a DNS name may be re-pointed after it was saved: "DNS
rebinding"); the delivery then connects to exactly the address that was checked. On-premise
receivers are allowed explicitly with WEBHOOK_ALLOWED_HOSTS: a comma-separated list of host
names, addresses or networks (e.g. "hooks.internal, 10.20.0.0/16").
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.request
from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import current_app, has_app_context

from app.errors import DomainError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata"})


class DestinationRefused(DomainError):
    """The URL points somewhere webhooks must not go."""


def allowed_hosts() -> list[str]:
    """The WEBHOOK_ALLOWED_HOSTS setting, as a list."""
    if not has_app_context():
        return []
    value = current_app.config.get("WEBHOOK_ALLOWED_HOSTS", "")
    items = value.split(",") if isinstance(value, str) else list(value)
    return [item.strip().lower() for item in items if item.strip()]


def _allow_listed(host: str, address: Address, allowed: Iterable[str]) -> bool:
    for item in allowed:
        if item == host:
            return True
        try:
            if address in ipaddress.ip_network(item, strict=False):
                return True
        except ValueError:
            continue  # a host name, compared above
    return False


def _public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def checked_address(
    url: str, allowed: Iterable[str] | None = None, unresolvable_ok: bool = False
) -> str:
    """The address a webhook to `url` may connect to, or DestinationRefused saying why.
    Every address the host resolves to must be acceptable (no mixing a public and a private one).
    `unresolvable_ok` (when saving): a name that does not resolve yet passes with "" — every
    delivery checks it again."""
    allowed = allowed_hosts() if allowed is None else [a.strip().lower() for a in allowed]
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        raise DestinationRefused("Give a full http:// or https:// URL.", field="url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError):
        if unresolvable_ok and host not in METADATA_HOSTS:
            return ""
        raise DestinationRefused(
            f"The host {host} does not resolve; check the URL.", field="url"
        ) from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    for address in addresses:
        if _allow_listed(host, address, allowed):
            continue
        if host in METADATA_HOSTS or not _public(address):
            raise DestinationRefused(
                f"{host} resolves to {address}, a loopback, private, link-local or metadata "
                "address: webhooks are not sent there. For a receiver on your own network, "
                "add it to WEBHOOK_ALLOWED_HOSTS.",
                field="url",
            )
    return str(addresses[0])


def check_for_delivery(url: str) -> tuple[str | None, str]:
    """(the address to connect to, "") or (None, why the delivery is refused)."""
    try:
        return checked_address(url), ""
    except DestinationRefused as refused:
        return None, refused.message


class _PinnedHTTPConnection(http.client.HTTPConnection):
    pinned_address = ""

    def connect(self) -> None:
        self.sock = socket.create_connection((self.pinned_address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    pinned_address = ""

    def connect(self) -> None:
        sock = socket.create_connection((self.pinned_address, self.port), self.timeout)
        # The certificate is checked against the host name, the socket goes to the checked address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def pinned_handlers(address: str) -> list[urllib.request.BaseHandler]:
    """urllib handlers that connect to `address` whatever the URL's host resolves to now."""

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, request):
            connection = type("Pinned", (_PinnedHTTPConnection,), {"pinned_address": address})
            return self.do_open(connection, request)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, request):
            connection = type("Pinned", (_PinnedHTTPSConnection,), {"pinned_address": address})
            return self.do_open(connection, request, context=self._context)  # type: ignore[attr-defined]

    return [HTTP(), HTTPS()]
