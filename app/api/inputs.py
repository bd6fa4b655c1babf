"""What the API accepts, declared once: each request body, query string and upload form is a
model here, from which the endpoint parses it (app/api/endpoints.py) and the document describes
it. Choices and limits come from the domain's own declarations, never copies."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from email_validator import EmailNotValidError, validate_email
from flask import request
from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, WithJsonSchema
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError
from werkzeug.datastructures import FileStorage

from app.api.errors import ApiError
from app.api.shapes import Id, Input
from app.pipeline.operations import MAX_MOVE_DETAILS, SOURCES
from app.pipeline.reasons import LISTED_REASONS


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "Must not contain NUL characters.")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "Must not be empty.")
    return value


def _email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise PydanticCustomError(
            "email", "Not a valid email address: {reason}", {"reason": str(error)}
        ) from None


Title = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    AfterValidator(_no_nul),
    AfterValidator(_not_blank),
]
Email = Annotated[
    str,
    StringConstraints(min_length=1, max_length=254),
    AfterValidator(_no_nul),
    AfterValidator(_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": 254}),
]


def text(max_length: int) -> Any:
    """Optional free text of at most `max_length` characters."""
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_no_nul)]


def absent(kind: Any) -> Any:
    """An optional field: null or left out means "not given" (the document shows only `kind`)."""
    return kind | SkipJsonSchema[None]


class NewJob(Input):
    title: Title
    department: absent(text(120)) = None


class NewCandidate(Input):
    name: Title
    email: Email
    source: Literal[SOURCES]  # type: ignore[valid-type]
    job_id: absent(Id) = Field(None, description="apply to this job at once")


class NewApplication(Input):
    job_id: Id


class NewMove(Input):
    # the operation names the stage "stage" (the pages' field); one application is moved here
    domain_fields: ClassVar[dict[str, str]] = {"stage": "stage_id", "applications": "stage_id"}

    stage_id: Id
    reason: absent(Literal[LISTED_REASONS]) = Field(  # type: ignore[valid-type]
        None, description="For Rejected or Withdrawn: a listed reason of that kind (required)."
    )
    details: absent(text(MAX_MOVE_DETAILS)) = Field(
        None, description="Free text kept with the move."
    )
    backwards: bool = Field(
        False, description="Confirm a move to an earlier stage than the current one."
    )


class Paging(Input):
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=100)


class CandidateSearch(Paging):
    q: text(200) = Field("", description="Full-text search of name, email, notes and résumé.")


class ApplicationsInStage(Paging):
    domain_fields: ClassVar[dict[str, str]] = {"stage": "stage_id"}

    stage_id: absent(Id) = Field(None, description="Only the applications in this stage.")


Upload = Annotated[FileStorage, WithJsonSchema({"type": "string", "format": "binary"})]


class NotebookUpload(Input):
    """Sent as multipart/form-data."""

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="ignore")

    notebook: Upload = Field(
        description="the .ipynb file, sent as multipart/form-data in a file field named 'notebook'"
    )
    ai_disclosure: str = Field(
        "",
        description="How AI assistants were used; required when the exercise's ai_policy is "
        "allowed_with_disclosure.",
    )


def json_object() -> dict[str, Any]:
    if not request.is_json:
        raise ApiError(415, "Send the body as a JSON object with Content-Type: application/json.")
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser recurses: malformed for us, not a 500
        raise ApiError(400, "The JSON body is nested too deeply; send a flat object.") from None
    if not isinstance(data, dict):
        raise ApiError(400, 'The body must be a JSON object, e.g. {"title": "…"}.')
    return data


def form_fields() -> dict[str, Any]:
    return {**request.form.to_dict(), **request.files.to_dict()}
