"""API plumbing every router shares: authentication, the error shape, pagination and sorting.

Every error is JSON ``{"code", "message", "fields"}``: a stable machine-readable code, a human
message, and per field a list of ``{"code", "message"}``.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import json
import logging
import uuid
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DataError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import model_validator

from distra.core.errors import DomainError, ValidationFailed

logger = logging.getLogger("distra.api")


# Row ids are positive 64-bit integers. Declaring the range turns a client's out-of-range id into a
# 422 instead of an integer overflow in the database driver (SQLite raises OverflowError).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Pagination(LimitOffsetPagination):
    """ninja's limit/offset pagination with a bounded offset (an unbounded one overflows SQLite)."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=10**9)


class PatchIn(Schema):
    """Base of the PATCH bodies. ninja's Schema reads attributes from any object, so a body of
    ``[]``, ``42`` or ``"x"`` would pass as an empty change; only a JSON object may."""

    @model_validator(mode="before")
    @classmethod
    def _json_object_only(cls, data):
        if not isinstance(getattr(data, "_obj", data), dict):  # ninja has wrapped it in a DjangoGetter
            raise ValueError("The body must be an object of the fields to change.")
        return data


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[dict[str, str]]] = {}


class BearerAuth(HttpBearer):
    def authenticate(self, request, token: str):
        from distra.accounts.services import token_authenticate

        user = token_authenticate(token)
        if user is not None:
            request.user = user  # so the audit trail (simple-history) records who changed what
        return user


class SessionAuth(APIKeyCookie):
    """The web pages' session, for calls the pages make; CSRF is enforced on unsafe methods."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request):
        # Only a signed-in session needs CSRF protection. Without one there is nothing to check,
        # and a request whose bearer token was refused must get a 401, not a CSRF 403.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        return user if key and user is not None and user.is_authenticated else None


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"code": code, "message": message, "fields": fields or {}}


def field_path(loc) -> str:
    """A validation error's location as a field path: ``lines[2].quantity`` (list items by index)."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _ninja_validation_fields(errors: list[dict]) -> dict[str, list[dict[str, str]]]:
    fields: dict[str, list[dict[str, str]]] = {}
    for err in errors:
        loc = [part for part in err.get("loc", ()) if part not in ("body", "query", "path", "form", "file", "header", "cookie", "payload", "filters")]
        name = field_path(loc) or "__all__"
        fields.setdefault(name, []).append({"code": str(err.get("type", "invalid")), "message": str(err.get("msg", "Invalid value."))})
    return fields


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def ninja_validation(request, exc: NinjaValidationError):
        if any(err.get("type") == "json_invalid" for err in exc.errors):
            return api.create_response(request, error_body("malformed_json", "The request body is not valid JSON."), status=400)
        return api.create_response(
            request, error_body("validation_error", "The request is not valid.", _ninja_validation_fields(exc.errors)), status=422
        )

    @api.exception_handler(DjangoValidationError)
    def django_validation(request, exc: DjangoValidationError):
        return domain_error(request, ValidationFailed.from_django(exc))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, error_body("not_authenticated", "Sign in or send a valid bearer token."), status=401)

    @api.exception_handler(AuthorizationError)
    def forbidden(request, exc):
        return api.create_response(request, error_body("forbidden", "Your role may not do this."), status=403)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return api.create_response(request, error_body("forbidden", str(exc) or "Your role may not do this."), status=403)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error_body("not_found", "Not found."), status=404)

    @api.exception_handler(MultiPartParserError)
    def malformed_multipart(request, exc):
        # Reading request.POST (django-axes does, on a failed sign-in) parses a body labelled
        # multipart/form-data; a missing or broken boundary is the client's error, not ours.
        return api.create_response(request, error_body("malformed_body", "The request body cannot be parsed."), status=400)

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        return api.create_response(request, error_body("throttled", "Too many requests; slow down."), status=429)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return api.create_response(request, error_body("malformed_json", "The request body is not valid JSON."), status=400)
        code = {400: "bad_request", 403: "csrf_failed", 405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type"}.get(exc.status_code, "error")
        return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)

    def nul_or_unexpected(request, exc: Exception):
        # PostgreSQL refuses NUL characters in text: psycopg raises ValueError when one is in a
        # filter and the database a DataError when one is written (a JSON body may carry
        # "\u0000"; query strings and forms are refused earlier by RejectNulCharacters).
        if "NUL" in str(exc):
            return api.create_response(request, error_body("invalid_character", "Text may not contain NUL (0x00) characters."), status=400)
        return unexpected(request, exc)

    api.add_exception_handler(ValueError, nul_or_unexpected)
    api.add_exception_handler(DataError, nul_or_unexpected)

    @api.exception_handler(Exception)
    def unexpected(request, exc: Exception):
        logger.exception("unhandled API error", extra={"path": request.path})
        return api.create_response(request, error_body("server_error", "Something went wrong on our side; it has been logged."), status=500)


ERROR_RESPONSES = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def apply_sort(qs, sort: str | None, allowed: set[str], default: str):
    """Order ``qs`` by ``sort`` ("name" or "-name"), one of ``allowed``; the primary key breaks
    ties so that pages never overlap or skip rows. An unknown field is a 422."""
    from distra.core.errors import FieldProblem

    sort = sort or default
    field = sort.lstrip("-")
    if field not in allowed:
        raise ValidationFailed({"sort": [FieldProblem("invalid_choice", f"Sort by one of: {', '.join(sorted(allowed))} (prefix - for descending).")]})
    tiebreak = "-pk" if sort.startswith("-") else "pk"
    return qs.order_by(sort, tiebreak)


def resolve_ids(payload: dict, user, refs: dict[str, tuple[str, type]]) -> dict:
    """Replace ``<name>_id`` keys in ``payload`` by the rows they name, looked up in ``user``'s
    scope: ``refs`` maps the payload key to (field name, model). An unknown or out-of-scope id is a
    422 on that field, so a client cannot probe for rows it may not see."""
    from distra.core.errors import FieldProblem

    problems = {}
    for key, (field, model) in refs.items():
        if key not in payload:
            continue
        value = payload.pop(key)
        if value is None:
            payload[field] = None
            continue
        row = model.objects.for_user(user).filter(pk=value).first()
        if row is None:
            problems[key] = [FieldProblem("not_found", f"No {model._meta.verbose_name} with id {value} in your scope.")]
        payload[field] = row
    if problems:
        raise ValidationFailed(problems)
    return payload


def get_scoped_or_404(model, user, pk):
    """The row with ``pk`` if ``user`` may see it; 404 otherwise (also when it exists elsewhere)."""
    from distra.core.errors import NotFound

    row = model.objects.for_user(user).filter(pk=pk).first()
    if row is None:
        raise NotFound(f"No {model._meta.verbose_name} with id {pk}.")
    return row



def fast_answer(schema, obj, *, status: int = 200):
    """``obj`` rendered as ``schema`` describes it, as ninja would render it (the same resolvers,
    the same JSON encoder), without validating the output: for the hot path's answer, where
    ninja's per-attribute validation of a nested answer costs about 3 ms. Only for answers whose
    values already have their schema's types (a test compares the two renderings)."""
    from django.http import HttpResponse
    from ninja.responses import NinjaJSONEncoder

    return HttpResponse(json.dumps(_dump(schema, obj), cls=NinjaJSONEncoder), status=status, content_type="application/json")


# The leaf types of an answer, written by the JSON encoder's own rules (DjangoJSONEncoder's for
# dates and times) while ``_dump`` walks it, rather than by a call back from the encoder's C loop
# per value (a 5-line order has about 70).
_ENCODER = DjangoJSONEncoder()
_LEAVES = {decimal.Decimal: str, uuid.UUID: str, datetime.datetime: _ENCODER.default, datetime.date: _ENCODER.default}


def _dump(schema, obj) -> dict:
    plan = _dump_plan(schema)
    out = {}
    read = obj.__getitem__ if isinstance(obj, dict) else functools.partial(getattr, obj)
    for name, resolver, nested, many in plan:
        value = resolver(obj) if resolver is not None else read(name)
        if nested is not None and value is not None:
            value = [_dump(nested, item) for item in value] if many else _dump(nested, value)
        else:
            leaf = _LEAVES.get(type(value))
            if leaf is not None:
                value = leaf(value)
        out[name] = value
    return out


@functools.cache
def _dump_plan(schema) -> tuple:
    """(name, resolver, nested schema, is a list) per field of ``schema``."""
    import typing

    from ninja import Schema

    plan = []
    for name, field in schema.model_fields.items():
        resolver = getattr(schema, f"resolve_{name}", None)
        annotation, many = field.annotation, False
        if typing.get_origin(annotation) is list:
            annotation, many = typing.get_args(annotation)[0], True
        nested = annotation if isinstance(annotation, type) and issubclass(annotation, Schema) else None
        plan.append((name, resolver, nested, many))
    return tuple(plan)
