"""The Greenhouse Assessment Partner contract: request bodies read into plain values, and errors.

Published at developers.greenhouse.io/assessment.html (its source:
github.com/grnhse/greenhouse-api-docs, source/includes/assessment/). The partner hosts
list_tests, send_test, test_status and response_error, behind HTTP Basic auth with the API key
as the user name. The contract's errors are status codes (401: the API key failed, 404: nothing
found); it fixes no error body, so ours is the shape Greenhouse itself reports errors in
(response_error): {"errors": ["..."]}, each message saying what to fix.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from app.auth.operations import normalise_email

STATUS_COMPLETE = "complete"  # the one value the contract fixes: Greenhouse stops polling at it
STATUS_IN_PROGRESS = "in_progress"
STATUS_NOT_STARTED = "not_started"
MAX_FIELD = 200
MAX_URL = 2000


class ContractError(Exception):
    """A refused partner request: an HTTP status and a message saying what to fix."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class SendTest:
    """A send_test request, checked: what the ATS ordered for whom."""

    partner_test_id: str
    first_name: str
    last_name: str
    preferred_name: str
    email: str
    url: str  # where to send the PATCH "test completed"; also the ATS's id of this order

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def order_key(self) -> str:
        """The ATS's id of this order, hashed: Greenhouse gives every take-home test its own url."""
        return hashlib.sha256(self.url.encode()).hexdigest()

    def fingerprint(self) -> str:
        """What makes two requests with the same `url` the same order."""
        return hashlib.sha256(f"{self.partner_test_id}\n{self.email}".encode()).hexdigest()


def json_object(raw: bytes) -> dict[str, Any]:
    """The request body as a JSON object, or a 400 saying what is wrong with it."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ContractError(
            400, f"The body is not valid JSON ({error}); send a JSON object."
        ) from None
    if not isinstance(body, dict):
        raise ContractError(400, 'The body must be a JSON object, e.g. {"partner_test_id": …}.')
    return body


def _text(container: dict[str, Any], key: str, where: str, required: bool = True) -> str:
    value = container.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ContractError(400, f"{where}{key} is required.")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ContractError(400, f"{where}{key} must be a string.")
    text = str(value).strip()
    limit = MAX_URL if key == "url" else MAX_FIELD
    if len(text) > limit:
        raise ContractError(400, f"{where}{key} is longer than {limit} characters.")
    return text


def send_test(body: dict[str, Any]) -> SendTest:
    """Read a send_test body (partner_test_id, candidate{first_name, last_name, preferred_name,
    email, …}, url). resume_url, phone_number, greenhouse_profile_url and sent_by are accepted and
    not kept: HireLab stores no personal data it does not need."""
    test_id = _text(body, "partner_test_id", "")
    candidate = body.get("candidate")
    if not isinstance(candidate, dict):
        raise ContractError(
            400, "candidate is required: an object with first_name, last_name and email."
        )
    where = "candidate."
    first, last = _text(candidate, "first_name", where), _text(candidate, "last_name", where)
    preferred = _text(candidate, "preferred_name", where, required=False)
    email = normalise_email(_text(candidate, "email", where))
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email:
        raise ContractError(400, f"candidate.email '{email}' is not an email address.")
    url = _text(body, "url", "")
    if not url.lower().startswith(("https://", "http://")):
        raise ContractError(
            400, "url must be the full http(s) URL HireLab sends the 'test completed' PATCH to."
        )
    return SendTest(test_id, first, last, preferred, email, url)


def interview_id(args: dict[str, str]) -> str:
    value = (args.get("partner_interview_id") or "").strip()
    if not value:
        raise ContractError(
            400, "Give the partner_interview_id query parameter (send_test returned it)."
        )
    return value
