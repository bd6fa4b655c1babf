"""Synthetic candidates uploading notebooks through the JSON API, against a running deployment:
the chaos suite (tests/chaos) and the distributed bench (bench/distributed) share it.

Nothing is faked: each candidate gets a real account, an opened assignment, an invite (candidate
API tokens live as long as one, app/auth/sessions.py) and an API token; uploads are plain
multipart POSTs to /api/v1/assignments/<id>/submissions. Nothing in the app imports this module.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import timedelta

from app.api.tokens import create_token
from app.auth.operations import create_user, issue_invite
from app.grading import operations as grading
from app.models import Role
from app.pipeline import operations as pipeline


@dataclass(frozen=True)
class Uploader:
    """One synthetic candidate: the assignment to upload to and the API token to do it with."""

    assignment_id: int
    token: str


def seed_uploaders(count: int, exercise: str, tag: str) -> list[Uploader]:
    """A job and `count` candidates (emails `<tag>-<n>@synthetic.example`, so batches with
    different tags can share a database), each with an opened `exercise` assignment, an invite
    and an API token. Needs an app context; flushes, the caller commits."""
    job = pipeline.create_job(f"Synthetic {tag}", None)
    uploaders = []
    for n in range(count):
        email = f"{tag}-{n}@synthetic.example"
        candidate = pipeline.add_candidate(f"Candidate {tag} {n}", email, "other")
        application = pipeline.apply(candidate, job, None)
        candidate.user = create_user(email, candidate.name, Role.CANDIDATE, None)
        assignment = grading.assign_exercise(application, exercise, 60, None, timedelta(days=1))
        grading.open_assignment(assignment)
        issue_invite(candidate, None, tag, timedelta(days=1))
        _, token = create_token(candidate.user, tag)
        uploaders.append(Uploader(assignment.id, token))
    return uploaders


@dataclass
class Upload:
    assignment_id: int
    status: int | None  # None: no answer (connection refused, cut or timed out)
    body: dict


def upload_notebook(
    base: str, uploader: Uploader, notebook: bytes, timeout_s: float = 60
) -> Upload:
    """POST `notebook` as `uploader`; any answer (or none) is returned, never raised."""
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    body.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="notebook"; '
        f'filename="notebook.ipynb"\r\nContent-Type: application/x-ipynb+json\r\n\r\n'.encode()
    )
    body.write(notebook)
    body.write(f"\r\n--{boundary}--\r\n".encode())
    request = urllib.request.Request(
        f"{base}/api/v1/assignments/{uploader.assignment_id}/submissions",
        data=body.getvalue(),
        method="POST",
        headers={
            "Authorization": f"Bearer {uploader.token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return Upload(uploader.assignment_id, response.status, json.load(response))
    except urllib.error.HTTPError as error:
        try:
            detail = json.loads(error.read() or b"{}")
        except ValueError:
            detail = {}
        return Upload(uploader.assignment_id, error.code, detail)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return Upload(uploader.assignment_id, None, {})
