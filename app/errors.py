"""Domain errors raised by operations; views turn them into form errors or flash messages."""


class DomainError(Exception):
    """A request that the domain refuses, with a message for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class DomainErrors(DomainError):
    """Several refusals found at once (every gap of a form), reported together."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__(" ".join(error.message for error in errors), field=errors[0].field)
        self.errors = errors


class DuplicateError(DomainError):
    """A unique value (an email, an application) already exists; `existing_id` names it."""

    def __init__(self, message: str, field: str | None = None, existing_id: int | None = None):
        super().__init__(message, field)
        self.existing_id = existing_id


class InvalidInvite(DomainError):
    """An invite link that is tampered with, expired or revoked."""

    def __init__(self, message: str, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired
