"""Every API error is JSON of one shape: {"detail": what to do, "code": why, ...}.

The domain's ApplicationError codes map to the HTTP status a client expects; DRF's own errors
(validation, authentication, throttling, unknown pages) are reshaped to the same body, so a
script handles one format. 400s add "fields" (field -> messages); 409s add "state" and
"allowed" (the moves or actions this user may make now).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from apps.core.errors import ApplicationError
from apps.core.limits import SUMMARY_MAX_LENGTH

STATUS_OF_CODE = {
    "invalid": status.HTTP_400_BAD_REQUEST,
    "forbidden": status.HTTP_403_FORBIDDEN,
    "not_found": status.HTTP_404_NOT_FOUND,
    "illegal_move": status.HTTP_409_CONFLICT,
    "stale": status.HTTP_412_PRECONDITION_FAILED,
    # Another write held the same rows (a deadlock, retried once): nothing saved, try again.
    "busy": status.HTTP_409_CONFLICT,
}

NOT_AUTHENTICATED = (
    "Sign in, or send your API token in the header 'Authorization: Token <key>' (get one on "
    "the 'Your API tokens' page at /api/token/ or with POST /api/v1/auth/token/)."
)


class PreconditionRequired(exceptions.APIException):
    """An update sent without If-Match could overwrite a change its sender has not seen."""

    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = "Send the ETag you read in an If-Match header."


class PayloadTooLarge(exceptions.APIException):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: Django refuses to read it."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class Conflict(exceptions.APIException):
    """Not possible in the object's current state, found by the API itself (e.g. downloading a
    draft still running); the domain's own refusals are ApplicationError("illegal_move")."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "illegal_move"

    def __init__(self, detail: str, *, state: str, allowed: list[str]) -> None:
        super().__init__(detail)
        self.extra = {"state": state, "allowed": allowed}


class NotReady(Conflict):
    """What is asked for is still being made from the object (a revision's text, extracted in
    the background): try again once it is done."""

    default_code = "not_ready"


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """{"field": ["message", ...]}; nested fields become "outer.inner", list items "field.0"."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(flatten_errors(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            flat.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


def _summary(fields: dict[str, list[str]]) -> str:
    parts = [
        " ".join(messages) if name == "non_field_errors" else f"{name}: {' '.join(messages)}"
        for name, messages in fields.items()
    ]
    return "Check your input. " + "; ".join(parts)


def _application_error_body(exc: ApplicationError) -> tuple[dict, int]:
    body = {"detail": exc.message, "code": exc.code}
    extra = dict(exc.extra)
    if "field" in extra and "fields" not in extra:
        # A refusal of one field as a whole (an uploaded file): named as every 400 names it.
        extra["fields"] = {extra.pop("field"): [exc.message]}
    if "fields" in extra:
        body["fields"] = {
            name: [str(message) for message in messages]
            for name, messages in extra.pop("fields").items()
        }
    body.update(extra)
    status_code = STATUS_OF_CODE.get(exc.code, status.HTTP_400_BAD_REQUEST)
    if status_code == status.HTTP_409_CONFLICT:
        body.setdefault("state", "")
        body.setdefault("allowed", [])
    return body, status_code


def api_exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: one JSON error shape for the whole API."""
    if isinstance(exc, ApplicationError):
        from rest_framework.response import Response
        from rest_framework.views import set_rollback

        body, status_code = _application_error_body(exc)
        set_rollback()
        return Response(body, status=status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(
            f"The body is over the {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes the API reads; "
            f"no request needs that much (the longest field, a summary, holds "
            f"{SUMMARY_MAX_LENGTH:,} characters)."
        )
    if isinstance(exc, exceptions.NotAuthenticated):
        exc.detail = exceptions.ErrorDetail(NOT_AUTHENTICATED, code="not_authenticated")

    response = exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django answers 500 and logs it
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_errors(exc.detail)
        response.data = {"detail": _summary(fields), "code": "invalid", "fields": fields}
        return response
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else "error"
    if code == "permission_denied":
        code = "forbidden"
    body = {"detail": str(exc.detail), "code": code}
    if response.status_code == status.HTTP_409_CONFLICT:
        body.update({"state": "", "allowed": [], **getattr(exc, "extra", {})})
    response.data = body
    return response
