"""A simulated ATS, written from Greenhouse's published Assessment Partner contract
(developers.greenhouse.io/assessment.html; github.com/grnhse/greenhouse-api-docs,
source/includes/assessment/), not from HireLab's code: it calls the partner's endpoints over real
HTTP with the org-level API key as the Basic user name (a colon appended, Base64-encoded), and
checks every answer against the published response shapes, as Greenhouse validates them before
reporting a malformed one to response_error.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


class ContractViolation(AssertionError):
    """The partner answered something the contract does not allow."""


def _primitive(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


@dataclass
class SimulatedAts:
    base_url: str  # e.g. http://127.0.0.1:5000/integrations/greenhouse
    api_key: str | None

    def request(
        self, method: str, endpoint: str, body: bytes | None = None, query: dict | None = None
    ) -> Answer:
        url = f"{self.base_url}/{endpoint}" + (f"?{urlencode(query)}" if query else "")
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self.api_key is not None:
            token = base64.b64encode(f"{self.api_key}:".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw, head = response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            status, raw, head = error.code, error.read(), dict(error.headers)
        if status >= 500:
            raise ContractViolation(f"{method} {endpoint} answered {status}: {raw[:500]!r}")
        try:
            parsed = json.loads(raw)
        except ValueError:
            raise ContractViolation(f"{endpoint} answered non-JSON: {raw[:200]!r}") from None
        if status >= 300:
            self._check_error(parsed)
        return Answer(status, parsed, head)

    @staticmethod
    def _check_error(body: Any) -> None:
        if not (
            isinstance(body, dict)
            and isinstance(body.get("errors"), list)
            and body["errors"]
            and all(isinstance(m, str) and m for m in body["errors"])
        ):
            raise ContractViolation(f"an error without messages: {body!r}")

    # --- the three calls Greenhouse makes ---------------------------------------------------

    def list_tests(self) -> list[dict[str, str]]:
        answer = self.request("GET", "list_tests")
        assert answer.status == 200, answer
        tests = answer.body
        if not isinstance(tests, list):
            raise ContractViolation("list_tests must answer a JSON list of test objects")
        for test in tests:
            if not (
                isinstance(test, dict)
                and isinstance(test.get("partner_test_id"), str)
                and isinstance(test.get("partner_test_name"), str)
            ):
                raise ContractViolation(
                    f"a test needs partner_test_id and partner_test_name: {test}"
                )
        return tests

    def send_test_raw(self, body: bytes) -> Answer:
        return self.request("POST", "send_test", body)

    def send_test(self, partner_test_id: str, candidate: dict[str, str], url: str) -> str:
        """Order a test (Greenhouse's body: partner_test_id, candidate, sent_by, url)."""
        payload = {"partner_test_id": partner_test_id, "candidate": candidate, "url": url}
        payload["sent_by"] = "recruiter@ats.example"
        answer = self.send_test_raw(json.dumps(payload).encode())
        assert answer.status == 200, answer
        if not isinstance(answer.body, dict) or set(answer.body) != {"partner_interview_id"}:
            raise ContractViolation(
                f"send_test must answer one key, partner_interview_id: {answer}"
            )
        if not isinstance(answer.body["partner_interview_id"], str):
            raise ContractViolation("partner_interview_id must be a string")
        return answer.body["partner_interview_id"]

    def test_status_raw(self, partner_interview_id: str | None) -> Answer:
        query = (
            None if partner_interview_id is None else {"partner_interview_id": partner_interview_id}
        )
        return self.request("GET", "test_status", query=query)

    def test_status(self, partner_interview_id: str) -> dict[str, Any]:
        answer = self.test_status_raw(partner_interview_id)
        assert answer.status == 200, answer
        body = answer.body
        if not isinstance(body, dict) or not isinstance(body.get("partner_status"), str):
            raise ContractViolation(f"test_status needs a partner_status string: {body}")
        if set(body) - {"partner_status", "partner_profile_url", "partner_score", "metadata"}:
            raise ContractViolation(f"test_status has up to four keys: {sorted(body)}")
        if body["partner_status"] == "complete" and not isinstance(
            body.get("partner_profile_url"), str
        ):
            raise ContractViolation("a complete test needs partner_profile_url")
        score = body.get("partner_score")
        if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
            raise ContractViolation("partner_score must be a number")
        metadata = body.get("metadata")
        if metadata is not None and not (
            isinstance(metadata, dict) and all(_primitive(v) for v in metadata.values())
        ):
            raise ContractViolation("metadata must be a flat object of primitive values")
        return body
