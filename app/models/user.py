"""Staff and candidate accounts."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import String, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.extensions import db
from app.models.notification import Notification
from app.models.types import UTCDateTime, enum_column, now_utc

if TYPE_CHECKING:
    from app.models.candidate import Candidate


class Role(enum.StrEnum):
    ADMIN = "admin"
    RECRUITER = "recruiter"
    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"

    @property
    def label(self) -> str:
        return self.value.capitalize()


STAFF_ROLES = (Role.ADMIN, Role.RECRUITER, Role.INTERVIEWER)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    # Candidates have no password: they sign in through an invite link.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Moved on by app/auth/sessions.end_sessions: every session cookie naming an older value ends.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    # IANA zone every time is shown in (stored times stay UTC).
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # Notification kinds (app/notifications) this user turned off, comma-separated.
    muted_notifications: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    candidate: Mapped[Candidate | None] = relationship(back_populates="user")
    # The navigation's badge. Deferred: loaded in the statement that loads the signed-in user
    # (app/auth/sessions.load_user), or by its own query when read on a user loaded otherwise.
    unread_notifications: Mapped[int] = column_property(
        select(func.count())
        .where(Notification.user_id == id, Notification.read_at.is_(None))
        .correlate_except(Notification)
        .scalar_subquery(),
        deferred=True,
    )

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def get_id(self) -> str:
        """What the session cookie stores: id and session epoch (app/auth/sessions.py)."""
        return f"{self.id}:{self.session_epoch or 0}"

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"
