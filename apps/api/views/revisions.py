"""A deliverable's revisions: upload (multipart), list, read, download, compare two, mark one
superseded or withdrawn, retry a failed text extraction. Every write is apps.documents.services'
(who may, what is accepted, what a revision does to an open round)."""

from contextlib import contextmanager

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiRequest,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from apps.core.errors import ApplicationError
from apps.deliverables.models import Deliverable
from apps.documents.diff import diff_html, paragraph_diff
from apps.documents.files import ACCEPTED, max_bytes, revision_file_response
from apps.documents.models import Revision, text_paragraphs
from apps.documents.services import revision_status_set, revision_text_retry, revision_upload

from .. import selectors
from ..errors import NotReady, PayloadTooLarge
from ..schema import LIST_ERRORS, READ_ERRORS, errors, location_header
from ..serializers.base import HistoryPage
from ..serializers.revisions import (
    RevisionDiffQuerySerializer,
    RevisionDiffSerializer,
    RevisionSerializer,
    RevisionStatusSerializer,
    RevisionUploadSerializer,
)
from ..throttling import MoveThrottle
from .base import AnyAccept, ApiView, history_response, parsed_body, parsed_query
from .deliverables import naming_moves
from .revision_docs import (
    DELIVERABLE_ID,
    DIFF_EXAMPLE,
    IF_NONE_MATCH_SHA256,
    NUMBER,
    REVISION_EXAMPLE,
    SHA256_ETAG,
    STATUS_EXAMPLE,
)

# Room for the note, the reason and the multipart framing around a file of the largest size.
MULTIPART_MARGIN = 1024 * 1024


@contextmanager
def naming_revision_state(state: str):
    """A 409 on a revision names where it stands (its status, or its text's state)."""
    try:
        yield
    except ApplicationError as exc:
        if exc.code == "illegal_move":
            exc.extra.setdefault("state", state)
            exc.extra.setdefault("allowed", [])
        raise


WRITE_ERRORS = errors(400, 401, 403, 404, 409, 415, 429)


class RevisionLookup:
    """For the views under a revision's URL (its own, its comments'): the deliverable from
    `id` and the revision from `number`, each a 404 that says where to look."""

    kwargs: dict

    def deliverable(self) -> Deliverable:
        if not hasattr(self, "_deliverable"):
            try:
                self._deliverable = Deliverable.objects.select_related("lead_group").get(
                    pk=self.kwargs["id"]
                )
            except Deliverable.DoesNotExist:
                raise exceptions.NotFound(
                    f"No deliverable with id {self.kwargs['id']!r}; the list is at "
                    f"{reverse('api:deliverable-list')}."
                ) from None
        return self._deliverable

    def revision(self) -> Revision:
        deliverable = self.deliverable()
        revision = selectors.revision_of(deliverable=deliverable, number=int(self.kwargs["number"]))
        if revision is None:
            listed = reverse("api:revision-list", kwargs={"id": deliverable.pk})
            raise exceptions.NotFound(
                f"'{deliverable}' has no revision {int(self.kwargs['number']):02d}; its "
                f"revisions are listed at {listed}."
            )
        revision.deliverable = deliverable  # the services ask who leads it
        return revision


@extend_schema(tags=["revisions"])
@extend_schema_view(
    list=extend_schema(
        summary="The deliverable's revisions, newest first",
        parameters=[DELIVERABLE_ID],
        responses={200: RevisionSerializer(many=True), **errors(*LIST_ERRORS)},
        examples=[REVISION_EXAMPLE],
    ),
    create=extend_schema(
        summary="Upload a revision (the lead group's co-chairs, the secretariat)",
        description="multipart/form-data: `file` (a DOCX, ODT or PDF whose name agrees with "
        "its bytes, at most REVISION_MAX_MB) and `note` (what changed). While a consensus "
        "round is open, also `kind` (substantive: the round is cancelled; editorial: it goes "
        "on, on the new text) and `reason`. A file of another type, an empty one, one whose "
        "name and bytes disagree or one over REVISION_MAX_MB is refused with 400 "
        "(`fields.file` says why) and nothing is stored; a body far over the limit is refused "
        "with 413 before it is read. The text is extracted in the background: `text_state`.",
        parameters=[DELIVERABLE_ID, location_header(201, "the new revision")],
        request={
            "multipart/form-data": OpenApiRequest(
                RevisionUploadSerializer,
                encoding={"file": {"contentType": ", ".join(ACCEPTED)}},
            )
        },
        responses={201: RevisionSerializer, **WRITE_ERRORS, **errors(413)},
        examples=[REVISION_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="One revision: its facts, and where its file, history and diff are",
        parameters=[DELIVERABLE_ID, NUMBER],
        responses={200: RevisionSerializer, **errors(*READ_ERRORS)},
        examples=[REVISION_EXAMPLE],
    ),
)
class RevisionViewSet(RevisionLookup, ApiView, viewsets.GenericViewSet):
    """A deliverable's text, as uploaded: numbered 00, 01, … and never overwritten or deleted.
    Each keeps its uploader, size, SHA-256 and content type (found in the bytes)."""

    serializer_class = RevisionSerializer
    queryset = Revision.objects.none()  # reads go through the selectors, by deliverable
    lookup_field = "number"
    lookup_value_regex = r"\d+"

    def initialize_request(self, request, *args, **kwargs):
        # The parsers depend on the action (multipart for the upload only): know it first.
        self.action = self.action_map.get(request.method.lower())
        return super().initialize_request(request, *args, **kwargs)

    def get_parsers(self):
        if getattr(self, "action", None) == "create":
            return [MultiPartParser()]
        return super().get_parsers()

    def get_throttles(self):
        if self.action in ("create", "status", "text_retry"):
            return [MoveThrottle()]
        return super().get_throttles()

    def get_object(self) -> Revision:
        return self.revision()

    def _rendered(self, revision: Revision, status_code: int = 200) -> Response:
        fresh = selectors.revision_of(deliverable=revision.deliverable, number=revision.number)
        return Response(self.get_serializer(fresh).data, status=status_code)

    def list(self, request, id=None):
        page = self.paginate_queryset(selectors.revisions_list(deliverable=self.deliverable()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, id=None):
        deliverable = self.deliverable()
        self._refuse_a_body_far_too_large(request)
        body = parsed_body(RevisionUploadSerializer, request)
        with naming_moves(deliverable, request.user):
            revision = revision_upload(
                deliverable=deliverable,
                actor=request.user,
                file=body["file"],
                note=body["note"],
                kind=body.get("kind", ""),
                reason=body.get("reason", ""),
            )
        response = self._rendered(revision, status.HTTP_201_CREATED)
        # A plain str: WSGI servers that check header types refuse the serializer's own.
        response["Location"] = str(response.data["url"])
        return response

    @staticmethod
    def _refuse_a_body_far_too_large(request) -> None:
        """Before the body is read (and spooled to disk): the service measures the file itself,
        this spares the server a body that cannot be a revision whatever it holds."""
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_bytes() + MULTIPART_MARGIN:
            raise PayloadTooLarge(
                f"The upload is {length / 1024 / 1024:.1f} MB; a revision may be at most "
                f"{settings.REVISION_MAX_MB} MB (REVISION_MAX_MB). Send a smaller file, e.g. "
                "without embedded videos, or a PDF."
            )

    def retrieve(self, request, id=None, number=None):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Mark a revision superseded or withdrawn, with the reason",
        description="The lead group's co-chairs or the secretariat. The text a round is "
        "deciding on, or decided on, stays current (409), as does one already marked.",
        parameters=[DELIVERABLE_ID, NUMBER],
        request=RevisionStatusSerializer,
        responses={200: RevisionSerializer, **WRITE_ERRORS},
        examples=[STATUS_EXAMPLE, REVISION_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def status(self, request, id=None, number=None):
        revision = self.get_object()
        body = parsed_body(RevisionStatusSerializer, request)
        with naming_revision_state(revision.status):
            revision_status_set(
                revision=revision, actor=request.user, status=body["status"], reason=body["reason"]
            )
        return self._rendered(revision)

    @extend_schema(
        summary="Extract a revision's text again, after a failure",
        description="The lead group's co-chairs or the secretariat; only a failed extraction "
        "(`text_state` failed) is retried, else 409. Answers at once, `text_state` pending.",
        parameters=[DELIVERABLE_ID, NUMBER],
        request=None,
        responses={200: RevisionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="text/retry", url_name="text-retry")
    def text_retry(self, request, id=None, number=None):
        revision = self.get_object()
        with naming_revision_state(revision.text_state):
            revision_text_retry(revision=revision, actor=request.user)
        return self._rendered(revision)

    @extend_schema(
        summary="Download the revision's file",
        description="The bytes as uploaded, as an attachment (sandboxed, nosniff), with the "
        "SHA-256 as ETag; its content type is the revision's.",
        parameters=[DELIVERABLE_ID, NUMBER, IF_NONE_MATCH_SHA256, SHA256_ETAG],
        responses={
            **{
                (200, media_type): OpenApiResponse(
                    OpenApiTypes.BINARY, description="The file, in the type it was found to be."
                )
                for media_type in ACCEPTED
            },
            (304, "application/json"): OpenApiResponse(
                description="The copy you hold (If-None-Match) is this file."
            ),
            **{(code, "application/json"): body for code, body in errors(401, 404).items()},
        },
    )
    @action(detail=True, methods=["get"], content_negotiation_class=AnyAccept)
    def file(self, request, id=None, number=None):
        revision = self.get_object()
        etag = f'"{revision.sha256}"'
        sent = request.headers.get("If-None-Match", "")
        held = {tag.strip().removeprefix("W/") for tag in sent.split(",")}
        if etag in held or "*" in held:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
            response["ETag"] = etag
            return response
        return revision_file_response(revision)

    @extend_schema(
        summary="What changed between two revisions",
        description="Paragraph by paragraph, each replaced paragraph word by word, and the "
        "same as inline HTML. `from` or `to` missing, not a number, or no revision of this "
        "deliverable: 400 naming it. A revision whose text is not extracted yet (or failed): "
        "409 not_ready, with the text's state.",
        parameters=[DELIVERABLE_ID, RevisionDiffQuerySerializer],
        responses={200: RevisionDiffSerializer, **errors(400, 401, 404, 409)},
        examples=[DIFF_EXAMPLE],
    )
    @action(detail=False, methods=["get"])
    def diff(self, request, id=None):
        deliverable = self.deliverable()
        query = parsed_query(RevisionDiffQuerySerializer, request)
        old, new = query["from"], query["to"]
        found = selectors.revision_texts(deliverable=deliverable, numbers={old, new})
        unknown = {name: n for name, n in (("from", old), ("to", new)) if n not in found}
        if unknown:
            latest = selectors.revisions_list(deliverable=deliverable).first()
            have = f"its revisions are 00 to {latest.label}" if latest else "it has none yet"
            raise exceptions.ValidationError(
                {
                    name: [f"'{deliverable}' has no revision {n:02d}: {have}."]
                    for name, n in unknown.items()
                }
            )
        for revision in (found[old], found[new]):
            self._refuse_unless_extracted(revision)
        operations = paragraph_diff(
            text_paragraphs(found[old].text), text_paragraphs(found[new].text)
        )
        data = {
            "from": old,
            "to": new,
            "operations": [
                {**op, "words": [{"op": kind, "text": text} for kind, text in op["words"]]}
                for op in operations
            ],
            "html": str(diff_html(operations)),
        }
        return Response(RevisionDiffSerializer(data).data)

    @staticmethod
    def _refuse_unless_extracted(revision: Revision) -> None:
        if revision.text_state == Revision.TextState.DONE:
            return
        if revision.text_state == Revision.TextState.FAILED:
            retry = reverse(
                "api:revision-text-retry",
                kwargs={"id": revision.deliverable_id, "number": revision.number},
            )
            detail = (
                f"Revision {revision.label}'s text could not be extracted "
                f"({revision.text_error or 'no reason kept'}): the lead group's co-chairs or "
                f"the secretariat may retry it (POST {retry})."
            )
        else:
            detail = (
                f"Revision {revision.label}'s text is not extracted yet "
                f"({revision.get_text_state_display()}): try again in a moment."
            )
        raise NotReady(detail, state=revision.text_state, allowed=[])

    @extend_schema(
        summary="History: who changed what, when, and why",
        parameters=[DELIVERABLE_ID, NUMBER],
        responses={200: HistoryPage, **errors(*READ_ERRORS)},
    )
    @action(detail=True, methods=["get"])
    def history(self, request, id=None, number=None):
        return history_response(self, self.get_object())
