"""The Executive Summary of a year's annual report: read it with its ETag, write it with
If-Match (reports.narratives refuses a write over a version the client has not read), and its
history. A year whose summary nobody has written reads as version 0 with an empty text."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.limits import FIRST_YEAR, LAST_YEAR
from apps.reports.models import ReportNarrative
from apps.reports.narratives import NOT_WRITTEN, narrative_version, report_narrative_write

from ..errors import PreconditionRequired
from ..schema import READ_ERRORS, errors
from ..serializers.base import HistoryPage
from ..serializers.report_summaries import ReportSummarySerializer, ReportSummaryWriteSerializer
from .base import _ETAG, ApiView, history_response, parsed_body

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ETag of your last GET, e.g. "3". Required to rewrite a written summary '
    '(without it 428); for the first text send "0" or nothing. A summary written since: 412.',
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    required=True,
    description='The summary\'s version in quotes: `version` 3 is ETag "3", "0" until it is '
    "written. Send it back in If-Match to write it.",
)


def _expected_version(request, current: ReportNarrative | None) -> int:
    """The version the client read, from If-Match; a first text may come without one."""
    header = request.headers.get("If-Match", "").strip()
    version = narrative_version(current)
    if not header or header == "*":
        if current is None and not header:
            return NOT_WRITTEN  # a first text: refused if someone writes one meanwhile
        raise PreconditionRequired(
            f'Send the ETag you read in an If-Match header (e.g. If-Match: "{version}" after '
            "GET of this summary), so a write never replaces a text you have not read."
        )
    versions = [int(m.group(1)) for tag in header.split(",") if (m := _ETAG.match(tag.strip()))]
    if not versions:
        raise exceptions.ParseError(
            f"If-Match {header!r} is not an ETag of this summary: send the ETag header of your "
            f'last GET, e.g. "{version}".'
        )
    return version if version in versions else versions[0]


@extend_schema(tags=["annual report summaries"])
class ReportSummaryViewSet(ApiView, viewsets.GenericViewSet):
    """The secretariat's Executive Summary of each year's annual report, used by every draft of
    that year's report once written. Each write is its next version (the ETag)."""

    queryset = ReportNarrative.objects.all()
    serializer_class = ReportSummarySerializer
    lookup_field = "year"
    lookup_value_regex = r"\d{1,4}"

    def _narrative(self, year: str) -> tuple[int, ReportNarrative | None]:
        year = int(year)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise exceptions.NotFound(
                f"There is no annual report for {year}: give a year from {FIRST_YEAR}."
            )
        return year, ReportNarrative.objects.select_related("written_by").filter(year=year).first()

    def _rendered(self, year: int, narrative: ReportNarrative | None) -> Response:
        summary = {
            "year": year,
            "written": narrative is not None,
            "version": narrative_version(narrative),
            "executive_summary": narrative.executive_summary if narrative else "",
            "written_by": narrative.written_by if narrative else None,
            "updated_at": narrative.updated_at if narrative else None,
        }
        response = Response(self.get_serializer(summary).data)
        response["ETag"] = f'"{summary["version"]}"'
        return response

    @extend_schema(
        summary="A year's Executive Summary (version 0 and empty until written)",
        parameters=[ETAG],
        responses={200: ReportSummarySerializer, **errors(*READ_ERRORS)},
    )
    def retrieve(self, request, year=None):
        return self._rendered(*self._narrative(year))

    @extend_schema(
        summary="Write the year's Executive Summary (secretariat; If-Match to rewrite it)",
        description="The whole text, as the report should print it; `reason` is kept in the "
        "history. A blank or oversized text: 400 naming the field. Anyone but the secretariat: "
        "403. Rewriting a written summary needs the ETag of your last GET in If-Match: without "
        "it 428, with an old one 412 (its body has the current `version`), and nothing saved.",
        parameters=[IF_MATCH, ETAG],
        request=ReportSummaryWriteSerializer,
        responses={
            200: ReportSummarySerializer,
            **errors(400, 401, 403, 404, 412, 415, 428),
        },
    )
    def update(self, request, year=None):
        year, current = self._narrative(year)
        body = parsed_body(ReportSummaryWriteSerializer, request)
        narrative = report_narrative_write(
            year=year,
            executive_summary=body["executive_summary"],
            actor=request.user,
            reason=body.get("reason", ""),
            expected_version=_expected_version(request, current),
        )
        return self._rendered(year, narrative)

    @extend_schema(
        summary="History: who wrote each version, when, and why",
        responses={200: HistoryPage, **errors(*READ_ERRORS)},
    )
    @action(detail=True, methods=["get"])
    def history(self, request, year=None):
        _, narrative = self._narrative(year)
        if narrative is None:
            self.paginate_queryset(ReportNarrative.history.none())
            return self.get_paginated_response([])
        return history_response(self, narrative)
