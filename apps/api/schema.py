"""What the OpenAPI schema says about errors and headers, declared once for every endpoint."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong and what to do about it.")
    code = serializers.CharField(
        help_text="Why, for scripts: not_authenticated, authentication_failed, forbidden, "
        "not_found, method_not_allowed, not_acceptable, unsupported_media_type, parse_error, "
        "stale, precondition_required, throttled."
    )


class FieldErrorSerializer(ErrorSerializer):
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Per field (query parameter or body field), what to fix; input that is wrong "
        "as a whole is under non_field_errors.",
    )


class ConflictErrorSerializer(ErrorSerializer):
    state = serializers.CharField(help_text="The current state of the deliverable or round.")
    allowed = serializers.ListField(
        child=serializers.CharField(),
        help_text="For a deliverable: the states this user may move it to now. For a "
        "consensus round: the actions this user may take on it now.",
    )


_ERRORS = {
    400: (FieldErrorSerializer, "Invalid input: `fields` says what to fix in each field."),
    401: (ErrorSerializer, "Not signed in, or the token is unknown or revoked."),
    403: (ErrorSerializer, "Signed in, but this is not yours to do (the detail says who may)."),
    404: (ErrorSerializer, "No such object, or no such page of the list."),
    409: (
        ConflictErrorSerializer,
        "Not possible from the current state: the detail names the state and what is allowed.",
    ),
    412: (
        ErrorSerializer,
        "Stale: the object changed since the ETag sent in If-Match. GET it again and retry.",
    ),
    415: (ErrorSerializer, "The body is not JSON: send Content-Type: application/json."),
    428: (ErrorSerializer, "If-Match missing: send the ETag from your last GET."),
    429: (ErrorSerializer, "Too many attempts: wait the number of seconds in Retry-After."),
    503: (
        ErrorSerializer,
        "The attempt counters cannot be reached for the moment: nothing was tried; try again "
        "shortly (Retry-After).",
    ),
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The documented error responses of an endpoint, e.g. `**errors(400, 401, 404)`."""
    return {code: OpenApiResponse(_ERRORS[code][0], description=_ERRORS[code][1]) for code in codes}


READ_ERRORS = (401, 404)
LIST_ERRORS = (400, 401, 404)

IF_MATCH_REQUIRED = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ETag from your last GET of the deliverable, e.g. "3". Required: without '
    "it the update is refused with 428; with an old one, 412.",
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='Optional: the ETag from your last GET, e.g. "3". When sent, the move is '
    "refused with 412 if the deliverable changed since.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag you hold: 304 with no body when the deliverable is unchanged.",
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 304],
    description='The deliverable\'s version, e.g. "3": send it back in If-Match to update.',
)
