"""The one error type the domain raises; the API and UI map its code to their own terms."""

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "invalid"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    NOT_COMMITTED = "not_committed"
    OVER_DISBURSED = "over_disbursed"
    COMMITMENT_HAS_DISBURSEMENTS = "commitment_has_disbursements"
    MISSING_RATE = "missing_rate"
    NOT_A_PARTY = "not_a_party"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    PERMISSION_DENIED = "permission_denied"
    PERIOD_LOCKED = "period_locked"
    APPROVAL_REQUIRED = "approval_required"
    SELF_APPROVAL = "self_approval"
    ALREADY_DECIDED = "already_decided"
    CHANGE_FAILED = "change_failed"


class DomainError(Exception):
    """A business rule refused an operation; nothing was changed."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        field: str | None = None,
        errors: dict[str, list[str]] | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        # Every field's messages when validation found several ("__all__" for non-field ones).
        self.errors = errors or ({field or "__all__": [message]})

    def __repr__(self) -> str:
        return f"DomainError({self.code!s}, {self.message!r}, field={self.field!r})"
