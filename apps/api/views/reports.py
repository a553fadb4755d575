"""Annual report drafts: request one, poll it, download its files."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.reports.files import (
    DOCX_MEDIA_TYPE,
    PDF_MEDIA_TYPE,
    DraftNotDone,
    FileKind,
    report_draft_file_response,
)
from apps.reports.models import ReportDraft
from apps.reports.services import report_draft_request

from .. import selectors
from ..errors import Conflict
from ..schema import LIST_ERRORS, READ_ERRORS, errors, location_header
from ..serializers.reports import (
    ReportDraftQuerySerializer,
    ReportDraftRequestSerializer,
    ReportDraftSerializer,
)
from .base import AnyAccept, RecordViewSet, parsed_body


def download_schema(kind: str, media_type: str, body: OpenApiTypes):
    return extend_schema(
        summary=f"Download the draft's {kind}",
        description="Only once the draft is done: before that, 409 with its state and progress.",
        responses={
            (200, media_type): OpenApiResponse(body, description=f"The {kind}."),
            **{(code, "application/json"): body for code, body in errors(401, 404, 409).items()},
        },
    )


@extend_schema(tags=["annual report drafts"])
@extend_schema_view(
    list=extend_schema(
        summary="List annual report drafts",
        parameters=[ReportDraftQuerySerializer],
        responses={200: ReportDraftSerializer(many=True), **errors(*LIST_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="One draft: poll it until its state is done (or failed, with the error)",
        responses={200: ReportDraftSerializer, **errors(*READ_ERRORS)},
    ),
    create=extend_schema(
        summary="Request a draft of the annual report (secretariat)",
        description="Queues the year's next version and answers 202 at once, with the draft's "
        "URL in Location: poll it until `state` is done, then download docx_url / html_url / "
        "pdf_url.",
        parameters=[location_header(202, "the draft: poll it")],
        request=ReportDraftRequestSerializer,
        responses={202: ReportDraftSerializer, **errors(400, 401, 403, 415)},
    ),
)
class ReportDraftViewSet(RecordViewSet):
    """Drafts of the annual report: each request makes the year's next version, drafted in the
    background from the record; the DOCX is for the secretariat to edit, the HTML to preview, the
    PDF (the preview laid out on A4) to read or send as it will print."""

    queryset = ReportDraft.objects.all()
    serializer_class = ReportDraftSerializer
    query_serializer_class = ReportDraftQuerySerializer

    def records(self, **filters):
        return selectors.report_drafts_list(**filters)

    def create(self, request):
        body = parsed_body(ReportDraftRequestSerializer, request)
        draft = report_draft_request(year=body["year"], actor=request.user)
        draft = self.records().get(pk=draft.pk)  # the task may have run already (no broker)
        data = self.get_serializer(draft).data
        # A plain str: the serializer's Hyperlink is refused by WSGI servers that check types.
        location = str(data["url"])
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": location})

    def _download(self, kind: FileKind):
        draft = self.get_object()
        try:
            return report_draft_file_response(
                draft=draft, kind=kind, as_attachment=kind in ("docx", "pdf")
            )
        except DraftNotDone as not_done:
            # The API refuses a state with a 409 (the admin, a 404), saying what to poll.
            detail = not_done.summary
            if draft.state != ReportDraft.State.FAILED:
                where = reverse("api:report-draft-detail", args=[draft.pk])
                detail += f"; poll {where} until it is done"
            raise Conflict(f"{detail}.", state=draft.state, allowed=[]) from None

    @download_schema("DOCX", DOCX_MEDIA_TYPE, OpenApiTypes.BINARY)
    @action(detail=True, methods=["get"], content_negotiation_class=AnyAccept)
    def docx(self, request, pk=None):
        return self._download("docx")

    @download_schema("HTML preview", "text/html", OpenApiTypes.STR)
    @action(detail=True, methods=["get"], content_negotiation_class=AnyAccept)
    def html(self, request, pk=None):
        return self._download("html")

    @download_schema("PDF", PDF_MEDIA_TYPE, OpenApiTypes.BINARY)
    @action(detail=True, methods=["get"], content_negotiation_class=AnyAccept)
    def pdf(self, request, pk=None):
        return self._download("pdf")
