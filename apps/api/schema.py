"""What the OpenAPI schema says about errors and headers, declared once for every endpoint."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

# Every `code` the API answers with; a script may switch on them.
ERROR_CODES = {
    "invalid": "400: the input is wrong; `fields` says what to fix.",
    "unreachable_not_acknowledged": "400: opening a round with eligible agencies nobody can be "
    "written to (`unreachable`); name them in acknowledge_unreachable.",
    "date_out_of_range": "400: a date outside 1957-01-01 .. 2200-12-31.",
    "parse_error": "400: the body is not valid JSON, or nested too deep.",
    "not_authenticated": "401: no credentials sent.",
    "authentication_failed": "401: the token is unknown, expired or revoked.",
    "forbidden": "403: signed in, but not yours to do.",
    "not_found": "404: no such object or page.",
    "method_not_allowed": "405: the method is not served on this URL.",
    "not_acceptable": "406: the Accept header names nothing the API serves.",
    "illegal_move": "409: not possible from the current state.",
    "busy": "409: another write held the same rows; nothing saved, try again.",
    "not_ready": "409: not made yet (a revision's text is being extracted); try again shortly.",
    "stale": "412: the object changed since the ETag sent in If-Match.",
    "too_large": "413: the body is over the size the API reads.",
    "unsupported_media_type": "415: the body is not JSON.",
    "precondition_required": "428: If-Match missing (or *).",
    "throttled": "429: too many attempts; wait Retry-After seconds.",
    "locked_out": "429: too many failed sign-ins for this account; wait Retry-After seconds.",
    "try_again_shortly": "503: the attempt counters cannot be reached; try again shortly.",
    "error": "Any other refusal (not expected: report it).",
}


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong and what to do about it.")
    code = serializers.ChoiceField(
        choices=list(ERROR_CODES),
        help_text="Why, for scripts: "
        + "; ".join(f"{code} ({why})" for code, why in ERROR_CODES.items()),
    )


class FieldErrorSerializer(ErrorSerializer):
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Per field (query parameter or body field), what to fix; input that is wrong "
        "as a whole is under non_field_errors.",
    )
    unreachable = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="unreachable_not_acknowledged: the acronyms of the eligible agencies nobody "
        "can be written to, to name in acknowledge_unreachable.",
    )


class ConflictErrorSerializer(ErrorSerializer):
    state = serializers.CharField(
        help_text="The current state of the deliverable or round (of a revision's text, for "
        "not_ready; of a meeting's minutes or an agenda item, for their moves)."
    )
    allowed = serializers.ListField(
        child=serializers.CharField(),
        help_text="For a deliverable: the states this user may move it to now. For a "
        "consensus round: the actions this user may take on it now.",
    )
    open_objections = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Opening a round while the previous objected round has open objections: "
        "their item ids (consensus-rounds/{id}/objections/{item}/answer/ answers each).",
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
    413: (ErrorSerializer, "The body is over the size the API reads (code too_large)."),
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
    required=True,
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
    required=True,
    description='The deliverable\'s version in quotes: `version` 3 is ETag "3". Send it back in '
    "If-Match to update.",
)


def location_header(status_code: int, what: str) -> OpenApiParameter:
    return OpenApiParameter(
        "Location",
        OpenApiTypes.URI,
        OpenApiParameter.HEADER,
        response=[status_code],
        required=True,
        description=f"The URL of {what} (the `url` of the body).",
    )


RETRY_AFTER = {
    "schema": {"type": "integer", "minimum": 0},
    "description": "Seconds to wait before trying again.",
}


class NonBlankTextExtension(OpenApiSerializerFieldExtension):
    """Input text that is refused when blank says so: minLength 1, and a non-space character
    (the field trims "\\n" to "" and refuses it). Responses are left as they are."""

    target_class = "rest_framework.fields.CharField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        field = self.target
        refuses_blank = not (field.read_only or field.allow_blank)
        if direction == "request" and refuses_blank and schema.get("type") == "string":
            schema.setdefault("minLength", 1)
            if field.trim_whitespace:
                schema.setdefault("pattern", r"\S")
        return schema


# --- what the generated schema gains after drf-spectacular (POSTPROCESSING_HOOKS) -------------

_EMPTY_STRING = {"type": "string", "maxLength": 0}


def _blank_or_format(node: dict) -> None:
    """`oneOf: [{format: uri}, {maxLength: 0}]` -> anyOf: to a client that does not check
    formats a blank string matches both branches, which oneOf forbids ("Multiple matches")."""
    if isinstance(node, dict):
        branches = node.get("oneOf")
        if isinstance(branches, list) and len(branches) == 2 and _EMPTY_STRING in branches:
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            _blank_or_format(value)
    elif isinstance(node, list):
        for value in node:
            _blank_or_format(value)


_BLANK_ENUM = {"$ref": "#/components/schemas/BlankEnum"}


def _blank_able_choices(result: dict) -> None:
    """`oneOf: [XEnum, BlankEnum]` -> one enum `XOrBlankEnum` that lists "" with X's values.
    openapi-generator's Python target reads the oneOf as a model named `str` and warns."""
    schemas = result.get("components", {}).get("schemas", {})

    def visit(node):
        if isinstance(node, dict):
            branches = node.get("oneOf")
            if isinstance(branches, list) and len(branches) == 2 and _BLANK_ENUM in branches:
                [other] = [b["$ref"] for b in branches if b != _BLANK_ENUM]
                name = other.rsplit("/", 1)[1]
                combined = name.removesuffix("Enum") + "OrBlankEnum"
                schemas.setdefault(
                    combined,
                    {
                        **schemas[name],
                        "enum": [*schemas[name]["enum"], ""],
                        "description": f'{schemas[name].get("description", "")}\n* `""` - not set',
                    },
                )
                del node["oneOf"]
                node["allOf"] = [{"$ref": f"#/components/schemas/{combined}"}]
            for value in list(node.values()):
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(result.get("paths", {}))
    visit(list(schemas.values()))
    schemas.pop("BlankEnum", None)
    result["components"]["schemas"] = dict(sorted(schemas.items()))


def _closed_request_bodies(result: dict, generator) -> None:
    """Request bodies of serializers that refuse unknown fields say additionalProperties: false."""
    schemas = result.get("components", {}).get("schemas", {})
    for component in generator.registry._components.values():
        serializer = component.object
        if getattr(serializer, "refuses_unknown_fields", False) and component.name in schemas:
            schemas[component.name]["additionalProperties"] = False


def _retry_after_on_waits(result: dict) -> None:
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for code, response in operation.get("responses", {}).items():
                if code in {"429", "503"}:
                    response.setdefault("headers", {})["Retry-After"] = RETRY_AFTER


def postprocess(result, generator, request, public):
    """SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]: what the schema says beyond the fields."""
    _blank_or_format(result)
    _blank_able_choices(result)
    _closed_request_bodies(result, generator)
    _retry_after_on_waits(result)
    return result
