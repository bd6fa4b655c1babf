"""The value types of settings (app/config.py): each parser takes the variable's text and
returns the value, or raises ValueError saying what the variable takes."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

SANDBOX_BACKENDS = ("auto", "docker", "local")
QUEUE_SCHEMES = ("sqlite", "redis", "rediss", "unix", "memory")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Limit:
    """A rate limit: `limit` hits per `window_s` seconds (app/auth/rate_limit.py)."""

    limit: int
    window_s: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        """ "10/300" → 10 hits per 300 seconds."""
        try:
            count, seconds = (int(part) for part in text.split("/"))
        except ValueError:
            raise ValueError(
                f"rate limit {text!r}: write it as HITS/SECONDS, e.g. 10/300"
            ) from None
        if count < 1 or seconds < 1:
            raise ValueError(f"rate limit {text!r}: both numbers must be positive")
        return cls(count, seconds)


def text(raw: str) -> str:
    return raw


def path(raw: str) -> Path:
    if not raw.strip():
        raise ValueError("give a path")
    return Path(raw)


def flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError("write 1 or 0 (true/false, yes/no, on/off)")


def integer(minimum: int | None = None, maximum: int | None = None) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise ValueError("write a whole number") from None
        if minimum is not None and value < minimum:
            raise ValueError(f"it must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise ValueError(f"it must be at most {maximum}")
        return value

    return parse


def number(positive: bool = False) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        try:
            value = float(raw.strip())
        except ValueError:
            raise ValueError("write a number of seconds, e.g. 2.5") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("write a finite number")
        if positive and value <= 0:
            raise ValueError("it must be more than 0")
        return value

    return parse


def choice(*choices: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices:
            raise ValueError(f"use one of {', '.join(choices)}")
        return value

    return parse


def comma_list(allowed: tuple[str, ...]) -> Callable[[str], tuple[str, ...]]:
    def parse(raw: str) -> tuple[str, ...]:
        names = tuple(name.strip() for name in raw.split(",") if name.strip())
        unknown = [name for name in names if name not in allowed]
        if unknown:
            raise ValueError(f"unknown {', '.join(unknown)}; use some of {', '.join(allowed)}")
        return names

    return parse


def host_list(raw: str) -> tuple[str, ...]:
    """Comma-separated host names, addresses or networks ("hooks.internal, 10.20.0.0/16")."""
    items = tuple(item.strip().lower() for item in raw.split(",") if item.strip())
    for item in items:
        if "/" in item or item.replace(".", "").isdigit() or ":" in item:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is neither an address nor a network") from None
        elif any(char.isspace() for char in item):
            raise ValueError(f"{item!r} is not a host name")
    return items


def queue_url(raw: str) -> str:
    scheme = urlsplit(raw).scheme
    if scheme not in QUEUE_SCHEMES:
        raise ValueError("use sqlite:///path or redis://host:port/db")
    return raw


def database_url(raw: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(raw)
    except ArgumentError:
        raise ValueError("write an SQLAlchemy URL: postgresql+psycopg://user@host/db") from None
    return raw


def public_url(raw: str) -> str:
    value = raw.strip()
    if value and (urlsplit(value).scheme not in {"http", "https"} or not urlsplit(value).netloc):
        raise ValueError("write a full address, e.g. https://hire.example.com, or leave it empty")
    return value
