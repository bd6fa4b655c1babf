"""The OpenAPI 3 document of /api/v1, served at /api/v1/openapi.json.

Written by hand next to the views; tests/api/test_openapi.py fails when a route is missing here or
a path here has no route, and a schemathesis run checks the responses against these schemas.
"""

from __future__ import annotations

from typing import Any

from app.auth import policy
from app.models import Role

JSON = "application/json"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


def obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
ID = {"type": "integer", "minimum": 1}
TIME = {"type": "string", "format": "date-time"}


def page_of(item: str) -> dict[str, Any]:
    return obj(
        {
            "items": {"type": "array", "items": ref(item)},
            "page": INTEGER,
            "per_page": INTEGER,
            "total": INTEGER,
        }
    )


SCHEMAS: dict[str, Any] = {
    "Error": obj(
        {
            "error": obj(
                {
                    "status": INTEGER,
                    "message": STRING,
                    "fields": {"type": "object", "additionalProperties": STRING},
                },
                required=["status", "message"],
            )
        }
    ),
    "User": obj(
        {"id": ID, "email": STRING, "name": STRING, "role": {"enum": [r.value for r in Role]}}
    ),
    "Stage": obj(
        {
            "id": ID,
            "name": STRING,
            "position": INTEGER,
            "kind": {"enum": ["normal", "hired", "rejected", "withdrawn"]},
        }
    ),
    "Job": obj(
        {"id": ID, "title": STRING, "department": STRING, "is_open": BOOLEAN, "created_at": TIME}
    ),
    "JobDetail": {
        "allOf": [
            ref("Job"),
            obj({"stages": {"type": "array", "items": ref("Stage")}}),
        ]
    },
    "Candidate": obj(
        {"id": ID, "name": STRING, "email": STRING, "source": STRING, "created_at": TIME}
    ),
    "CandidateDetail": {
        "allOf": [
            ref("Candidate"),
            obj({"applications": {"type": "array", "items": ref("Application")}}),
        ]
    },
    "Transition": obj(
        {
            "id": ID,
            "from_stage_id": nullable(INTEGER),
            "to_stage_id": ID,
            "at": TIME,
            # null for candidates: who moved them and why is internal (app/auth/policy.py)
            "actor_id": nullable(INTEGER),
            "reason": nullable(STRING),
        }
    ),
    "Application": obj(
        {
            "id": ID,
            "candidate_id": ID,
            "job_id": ID,
            "stage": ref("Stage"),
            "applied_at": TIME,
            "stage_entered_at": TIME,
        }
    ),
    "ApplicationDetail": {
        "allOf": [
            ref("Application"),
            obj({"transitions": {"type": "array", "items": ref("Transition")}}),
        ]
    },
    "GroupScore": obj(
        {
            "id": STRING,
            "title": STRING,
            "dimension": STRING,
            "score": NUMBER,
            "max_score": NUMBER,
            "message": STRING,
        }
    ),
    "TestOutcome": obj({"id": STRING, "group": STRING, "outcome": STRING, "message": STRING}),
    "RedFlag": obj(
        {
            "kind": STRING,
            "meaning": STRING,
            "weight": STRING,
            "message": STRING,
            "group": STRING,
            "group_title": STRING,
            "test": STRING,
            "run_id": ID,
            "review_url": STRING,
        }
    ),
    "Run": obj(
        {
            "id": ID,
            "status": {"enum": ["queued", "running", "graded", "failed"]},
            "attempts": INTEGER,
            "queued_at": TIME,
            "finished_at": nullable(TIME),
            "cells_done": INTEGER,
            "cells_total": INTEGER,
            "verdict": nullable(STRING),
            "score": nullable(NUMBER),
            "max_score": nullable(NUMBER),
            "duration_s": nullable(NUMBER),
            "groups": {"type": "array", "items": ref("GroupScore")},
            "message": {**STRING, "description": "staff only"},
            "tests": {"type": "array", "items": ref("TestOutcome"), "description": "staff only"},
            "red_flags": {
                "type": "array",
                "items": ref("RedFlag"),
                "description": "red-flag evidence the hidden tests recorded; staff only",
            },
        },
        required=["id", "status", "attempts", "groups", "score", "max_score"],
    ),
    "Submission": obj(
        {
            "id": ID,
            "assignment_id": ID,
            "application_id": ID,
            "exercise": STRING,
            "filename": STRING,
            "sha256": STRING,
            "size_bytes": INTEGER,
            "submitted_at": TIME,
            "ai_policy": nullable(STRING),
            "ai_disclosure": STRING,
            "runs": {"type": "array", "items": ref("Run")},
        }
    ),
    "Assignment": obj(
        {"id": ID, "exercise": STRING, "opened_at": nullable(TIME), "deadline_at": nullable(TIME)}
    ),
    "Scorecard": obj(
        {
            "id": ID,
            "interview_id": ID,
            "application_id": ID,
            "interviewer_id": ID,
            "version": INTEGER,
            "status": {"enum": ["draft", "submitted"]},
            "rubric_id": STRING,
            "rubric_version": INTEGER,
            "scores": {
                "type": "array",
                "items": obj(
                    {
                        "dimension": STRING,
                        "level": nullable(STRING),
                        "value": nullable(INTEGER),
                        "notes": STRING,
                    }
                ),
            },
            "signals": {"type": "array", "items": STRING},
            "red_flags": {"type": "array", "items": STRING},
            "recommendation": nullable(STRING),
            "notes": STRING,
            "submitted_at": nullable(TIME),
            "superseded_at": nullable(TIME),
        }
    ),
    "JobsPage": page_of("Job"),
    "CandidatesPage": page_of("Candidate"),
    "ApplicationsPage": page_of("Application"),
    "SubmissionList": obj({"items": {"type": "array", "items": ref("Submission")}}),
    "ScorecardList": obj({"items": {"type": "array", "items": ref("Scorecard")}}),
    "NewJob": {
        "type": "object",
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 200},
            "department": {"type": "string", "maxLength": 120},
        },
        "required": ["title"],
        "additionalProperties": False,
    },
    "NewCandidate": {
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "email": {"type": "string", "format": "email", "maxLength": 254},
            "source": {
                "enum": [
                    "referral",
                    "careers site",
                    "job board",
                    "sourced",
                    "agency",
                    "university",
                    "other",
                ]
            },
            "job_id": {**ID, "description": "apply to this job at once"},
        },
        "required": ["name", "email", "source"],
        "additionalProperties": False,
    },
    "NewApplication": {
        "type": "object",
        "properties": {"job_id": ID},
        "required": ["job_id"],
        "additionalProperties": False,
    },
    "NewMove": {
        "type": "object",
        "properties": {
            "stage_id": ID,
            "reason": {
                "type": "string",
                "description": "for Rejected or Withdrawn: a listed reason (required there)",
            },
            "details": {"type": "string", "description": "free text kept with the move"},
        },
        "required": ["stage_id"],
        "additionalProperties": False,
    },
}

ERRORS = {
    "400": "The input is invalid: `message` says what to fix, `fields` names each bad field.",
    "401": "No token, or an unknown or revoked one.",
    "403": "The token's user has a role that may not do this.",
    "404": "No such object, or the token's user may not see it.",
    "409": "Conflicts with existing data (e.g. the email is taken, already applied).",
    "413": "The body is larger than allowed.",
    "415": "The body is not JSON (Content-Type: application/json).",
}


def error_responses(*codes: int) -> dict[str, Any]:
    return {
        str(code): {"$ref": f"#/components/responses/E{code}"} for code in (401, 403, 404, *codes)
    }


def id_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": ID}


SEARCH_QUERY = {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}}
PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100000}},
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
    },
]


def operation(
    summary: str,
    roles: tuple[str, ...],
    response: str,
    status: int = 200,
    params: list[dict[str, Any]] | None = None,
    body: str | None = None,
    errors: tuple[int, ...] = (),
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "description": f"Roles: {', '.join(roles)}.",
        "parameters": params or [],
        "responses": {
            str(status): {
                "description": "OK" if status == 200 else "Created",
                "content": {JSON: {"schema": ref(response)}},
            },
            **error_responses(*errors),
        },
    }
    if body is not None:
        op["requestBody"] = {"required": True, "content": {JSON: {"schema": ref(body)}}}
        op["responses"].update(error_responses(400, 415))
    return op


ALL = tuple(role.value for role in policy.EVERYONE)
STAFF = tuple(role.value for role in policy.STAFF)
RECRUITING = tuple(role.value for role in policy.RECRUITING)


def paths() -> dict[str, Any]:
    app_id, job_id = id_param("application_id"), id_param("job_id")
    return {
        "/api/v1/openapi.json": {
            "get": {
                "summary": "This document",
                "security": [],
                "responses": {"200": {"description": "OpenAPI 3 document"}},
            }
        },
        "/api/v1/me": {"get": operation("The token's user", ALL, "User")},
        "/api/v1/jobs": {
            "get": operation("List jobs", RECRUITING, "JobsPage", params=PAGING, errors=(400,)),
            "post": operation(
                "Create a job with the default pipeline",
                RECRUITING,
                "JobDetail",
                201,
                body="NewJob",
            ),
        },
        "/api/v1/jobs/{job_id}": {
            "get": operation("A job and its stages", RECRUITING, "JobDetail", params=[job_id])
        },
        "/api/v1/jobs/{job_id}/applications": {
            "get": operation(
                "A job's applications, optionally in one stage",
                RECRUITING,
                "ApplicationsPage",
                params=[job_id, *PAGING, {"name": "stage_id", "in": "query", "schema": ID}],
                errors=(400,),
            )
        },
        "/api/v1/candidates": {
            "get": operation(
                "List candidates (q: full-text search of name, email, notes, résumé)",
                RECRUITING,
                "CandidatesPage",
                params=[*PAGING, SEARCH_QUERY],
                errors=(400,),
            ),
            "post": operation(
                "Add a candidate (and apply them to a job)",
                RECRUITING,
                "CandidateDetail",
                201,
                body="NewCandidate",
                errors=(409,),
            ),
        },
        "/api/v1/candidates/{candidate_id}": {
            "get": operation(
                "A candidate and their applications",
                RECRUITING,
                "CandidateDetail",
                params=[id_param("candidate_id")],
            )
        },
        "/api/v1/candidates/{candidate_id}/applications": {
            "post": operation(
                "Apply a candidate to a job",
                RECRUITING,
                "ApplicationDetail",
                201,
                params=[id_param("candidate_id")],
                body="NewApplication",
                errors=(409,),
            )
        },
        "/api/v1/applications/{application_id}": {
            "get": operation(
                "An application and its stage history (object-level access applies)",
                ALL,
                "ApplicationDetail",
                params=[app_id],
            )
        },
        "/api/v1/applications/{application_id}/moves": {
            "post": operation(
                "Move an application to another stage of its job",
                RECRUITING,
                "Transition",
                201,
                params=[app_id],
                body="NewMove",
            )
        },
        "/api/v1/applications/{application_id}/submissions": {
            "get": operation(
                "An application's submissions with their grading runs",
                ALL,
                "SubmissionList",
                params=[app_id],
            )
        },
        "/api/v1/applications/{application_id}/scorecards": {
            "get": operation(
                "The scorecards the token's user may read (independence rule)",
                STAFF,
                "ScorecardList",
                params=[app_id],
            )
        },
        "/api/v1/assignments/{assignment_id}/start": {
            "post": operation(
                "Start the exercise's time box (candidates, their own assignments)",
                ("candidate",),
                "Assignment",
                params=[id_param("assignment_id")],
                errors=(400,),
            )
        },
        "/api/v1/assignments/{assignment_id}/submissions": {
            "post": {
                **operation(
                    "Upload a notebook; it is queued for grading",
                    ("candidate",),
                    "Submission",
                    201,
                    params=[id_param("assignment_id")],
                    errors=(400, 409, 413),
                ),
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "notebook": {"type": "string", "format": "binary"},
                                    "ai_disclosure": {
                                        "type": "string",
                                        "description": "How AI assistants were used; required "
                                        "when the exercise's ai_policy is "
                                        "allowed_with_disclosure",
                                    },
                                },
                                "required": ["notebook"],
                            }
                        }
                    },
                },
            }
        },
        "/api/v1/submissions/{submission_id}": {
            "get": operation(
                "A submission with its grading runs (candidates see their status page's view)",
                ALL,
                "Submission",
                params=[id_param("submission_id")],
            )
        },
        "/api/v1/submissions/{submission_id}/regrade": {
            "post": operation(
                "Queue a new grading run of a stored submission",
                RECRUITING,
                "Run",
                201,
                params=[id_param("submission_id")],
                errors=(409,),
            )
        },
        "/api/v1/scorecards/{scorecard_id}": {
            "get": operation(
                "One scorecard, if the independence rule lets the token's user read it",
                STAFF,
                "Scorecard",
                params=[id_param("scorecard_id")],
            )
        },
    }


def document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "HireLab API",
            "version": "1",
            "description": (
                "Authenticate with a personal API token: `Authorization: Bearer <token>` "
                "(create one under API tokens, or `flask --app wsgi create-token`). The token acts "
                "as its user, with that user's role and object-level access."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths(),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
            "responses": {
                f"E{code}": {
                    "description": description,
                    "content": {JSON: {"schema": ref("Error")}},
                }
                for code, description in ERRORS.items()
            },
        },
    }
