"""Request id: taken from X-Request-ID when a proxy set a sane one, else generated; logged on
every line the request produces, echoed in the response, and one access-log line per request."""

import logging
import re
import time
import uuid

from django.http import HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError

from distra.core.logging import request_id_var

_SAFE_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
access_log = logging.getLogger("distra.access")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class RejectNulCharacters:
    """Answer 400 to a query string or form holding a NUL character: no text field can store
    one (PostgreSQL refuses it outright), so it is bad input, not a server error. JSON bodies are
    caught where the API parses them (distra.core.api)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        params = [request.GET]
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            try:
                params.append(request.POST)
            except MultiPartParserError:
                # Django remembers the failure and would hand the view an empty form: answer now.
                return bad_request(request, "malformed_body", "The request body cannot be parsed.")
        if any("\x00" in key or "\x00" in value for query in params for key, values in query.lists() for value in values):
            return bad_request(request, "invalid_character", "Text may not contain NUL (0x00) characters.")
        return self.get_response(request)


def bad_request(request, code: str, message: str):
    """A 400 in the API's error shape for API paths, plain text for pages."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message, "fields": {}}, status=400)
    return HttpResponseBadRequest(message)
