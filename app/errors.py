"""Domain errors raised by operations; views turn them into form errors or flash messages."""


class DomainError(Exception):
    """A request that the domain refuses, with a message for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class DuplicateError(DomainError):
    """A unique value (an email, an application) already exists."""


class InvalidInvite(DomainError):
    """An invite link that is tampered with, expired or revoked."""

    def __init__(self, message: str, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired
