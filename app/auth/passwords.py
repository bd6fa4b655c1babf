"""Password hashing with argon2id, and the rules a new password must meet.

The list of common passwords is Django's (django/contrib/auth/common-passwords.txt.gz, 20,000
passwords, BSD licence), shipped in this package: nothing is fetched at run time.
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.errors import DomainError

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt.gz")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def check_new_password(password: str, email: str) -> None:
    """Refuse, with a message saying why, a password that is short, common, or the account's
    own email (or the part before the @)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    lowered = password.strip().lower()
    email = email.strip().lower()
    local_part = email.partition("@")[0]
    if email and (lowered == email or _letters(lowered) in (_letters(email), _letters(local_part))):
        raise DomainError(
            "The password must not contain the account's email address; choose another.",
            field="password",
        )
    if lowered in common_passwords() or len(set(lowered)) < 3:
        raise DomainError(
            "This password is one of the most common ones and is guessed first; choose a "
            "longer phrase of unrelated words.",
            field="password",
        )


def _letters(text: str) -> str:
    return "".join(character for character in text if character.isalpha())


# Verifying against a fixed hash when the email is unknown keeps login timing uniform.
DUMMY_HASH = _hasher.hash("not a real password")
