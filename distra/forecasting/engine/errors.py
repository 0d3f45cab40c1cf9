"""The one error the engine raises for bad input: a DomainError with a stable code per problem."""

from __future__ import annotations

from distra.core.errors import DomainError, FieldProblem


class ForecastInputError(DomainError):
    """Bad forecast input. ``code`` is one of: not_a_table, bad_horizon, bad_frequency, bad_level,
    missing_columns, empty_history, bad_dates, irregular_dates, missing_values, bad_values,
    negative_sales, duplicate_rows, bad_exogenous, future_incomplete."""

    def __init__(self, code: str, message: str, field: str | None = None):
        fields = {field: [FieldProblem(code, message)]} if field else {}
        super().__init__(message=message, code=code, status=422, fields=fields)
