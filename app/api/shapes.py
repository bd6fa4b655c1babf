"""The building blocks of every API shape: the base model, common field types, and `ShownTo`,
the field-level visibility rule that app/auth/policy.py decides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import FunctionType
from typing import Annotated, Any, ClassVar, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema
from pydantic.json_schema import SkipJsonSchema

from app.models import User
from app.security import MAX_ID

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# isoformat() as the API always wrote it ("+00:00", not pydantic's "Z")
Time = Annotated[
    datetime,
    PlainSerializer(datetime.isoformat, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


@dataclass(frozen=True)
class ShownTo:
    """Field metadata: the policy question deciding whether a viewer gets this field at all.

    A field the viewer may not see is left out of the response (not sent as null)."""

    may_see: Callable[[User], bool]
    who: str  # for the document, e.g. "staff only"

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        json_schema = handler(schema)
        return {**json_schema, "description": f"{self.who.capitalize()}; absent otherwise."}


class Shape(BaseModel):
    """A response shape. Build it from a row with `of` (fields read by name, or by the row's
    attribute path their `validation_alias` names) or, where parts depend on the viewer, with
    `for_viewer`; serialise it with `as_json()`."""

    model_config = ConfigDict(
        frozen=True, from_attributes=True, validate_by_name=True, validate_by_alias=True
    )

    @classmethod
    def of(cls, row: Any) -> Any:
        return cls.model_validate(row)

    @classmethod
    def for_viewer(cls, viewer: User, row: Any, **parts: Any) -> Self:
        """Like `of`, but `parts` (what the policy decided for this viewer) replace the row's
        attributes, and a `ShownTo` field the viewer may not see is never read (so absent).
        A part may be a function: it runs only when its field is read."""
        hidden = set()
        for name, field in cls.model_fields.items():
            rule = next((m for m in field.metadata if isinstance(m, ShownTo)), None)
            if rule is not None and not rule.may_see(viewer):
                alias = field.validation_alias
                hidden |= {name, alias} if isinstance(alias, str) else {name}
        return cls.model_validate(_AsSeen(row, parts, hidden))

    def as_json(self) -> dict[str, Any]:
        # exclude_unset: an optional field the viewer may not see was never set, so it is absent
        return self.model_dump(mode="json", exclude_unset=True)


class _AsSeen:
    """A row as one viewer sees it (see Shape.for_viewer)."""

    def __init__(self, row: Any, parts: dict[str, Any], hidden: set[Any]) -> None:
        self._row, self._parts, self._hidden = row, parts, hidden

    def __getattr__(self, name: str) -> Any:
        if name in self._hidden:
            raise AttributeError(name)
        if name in self._parts:
            part = self._parts[name]
            return part() if isinstance(part, FunctionType) else part
        return getattr(self._row, name)


class Input(BaseModel):
    """A request body or query string: unknown fields are refused, nothing is coerced in a body.

    `domain_fields` maps a field name an operation's DomainError uses to this input's name."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    domain_fields: ClassVar[dict[str, str]] = {}


class ErrorDetail(Shape):
    status: int
    message: str
    fields: dict[str, str] | SkipJsonSchema[None] = None  # absent when no field is to blame


class Error(Shape):
    """Every refused API request answers this: {"error": {"status", "message", "fields"?}}."""

    error: ErrorDetail


Item = TypeVar("Item", bound=Shape)


class Page(Shape, Generic[Item]):
    items: list[Item]
    page: int
    per_page: int
    total: int

    @classmethod
    def of(cls, items: list[Any], paging: Any, total: int) -> Any:
        """One page of `paging` (the request's page and per_page) out of `total` items."""
        return cls(items=items, page=paging.page, per_page=paging.per_page, total=total)


class Items(Shape, Generic[Item]):
    items: list[Item]
