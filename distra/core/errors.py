"""Domain errors: each carries a stable machine-readable code and an HTTP status.

Services raise them; the API and pages turn them into responses. ``fields`` maps a field name to a
list of ``{"code", "message"}`` so that a client can show each problem beside its input.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldProblem:
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass
class DomainError(Exception):
    message: str
    code: str = "invalid"
    status: int = 400
    fields: dict[str, list[FieldProblem]] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "fields": {name: [p.as_dict() for p in problems] for name, problems in self.fields.items()},
        }


class ValidationFailed(DomainError):
    def __init__(self, fields: dict[str, list[FieldProblem]], message: str = "The data is not valid."):
        super().__init__(message=message, code="validation_error", status=422, fields=fields)

    @classmethod
    def from_django(cls, exc) -> ValidationFailed:
        """Build from a django.core.exceptions.ValidationError (per field where it has fields)."""
        problems: dict[str, list[FieldProblem]] = {}
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                key = "__all__" if name == "__all__" else name
                for err in errors:
                    message = err.message % err.params if err.params else err.message
                    problems.setdefault(key, []).append(FieldProblem(err.code or "invalid", str(message)))
        else:
            for err in exc.error_list:
                message = err.message % err.params if err.params else err.message
                problems.setdefault("__all__", []).append(FieldProblem(err.code or "invalid", str(message)))
        return cls(problems)


class NotFound(DomainError):
    def __init__(self, message: str = "Not found."):
        super().__init__(message=message, code="not_found", status=404)


class Forbidden(DomainError):
    def __init__(self, message: str = "Your role may not do this."):
        super().__init__(message=message, code="forbidden", status=403)


class Conflict(DomainError):
    def __init__(self, message: str, code: str = "conflict"):
        super().__init__(message=message, code=code, status=409)
