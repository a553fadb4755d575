"""What the schema shows of the revisions endpoints: their path parameters, the file's headers
and examples of a revision, a diff and a status change (apps/api/views/revisions.py)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

DELIVERABLE_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The deliverable's id."
)
NUMBER = OpenApiParameter(
    "number",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="The revision's number: 0 for 00, 1 for 01, …",
)
SHA256_ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 304],
    required=True,
    description="The file's SHA-256 in quotes (the revision's `sha256`).",
)
IF_NONE_MATCH_SHA256 = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag (SHA-256) of the copy you hold: 304 with no body when it is this file.",
)

_SHA = "9f2c4e0b6d1a3f5e7c9b0a2d4f6e8c1b3a5d7f9e0c2b4a6d8f1e3c5b7a9d0e2f"
REVISION_EXAMPLE = OpenApiExample(
    "Revision 01",
    response_only=True,
    value={
        "url": "https://tracker.example.org/api/v1/deliverables/7/revisions/1/",
        "deliverable": 7,
        "number": 1,
        "label": "01",
        "original_name": "GER 2025 draft v2.docx",
        "content_type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "size": 48213,
        "sha256": _SHA,
        "note": "Chapter 3 rewritten after the WG review.",
        "kind": "draft",
        "kind_reason": "",
        "uploaded_by": {"id": 4, "username": "cochair-twg", "name": "Cochair-Twg"},
        "uploaded_at": "2025-05-12T09:30:00Z",
        "status": "current",
        "status_reason": "",
        "is_sample": False,
        "text_state": "done",
        "text_error": "",
        "file_url": "https://tracker.example.org/api/v1/deliverables/7/revisions/1/file/",
        "diff_url": "https://tracker.example.org/api/v1/deliverables/7/revisions/diff/?from=0&to=1",
        "history_url": "https://tracker.example.org/api/v1/deliverables/7/revisions/1/history/",
    },
)
DIFF_EXAMPLE = OpenApiExample(
    "00 to 01",
    response_only=True,
    value={
        "from": 0,
        "to": 1,
        "operations": [
            {"op": "equal", "old": "Introduction", "new": "Introduction", "words": []},
            {
                "op": "replace",
                "old": "The Moon first.",
                "new": "The Moon and Mars.",
                "words": [
                    {"op": "equal", "text": "The Moon "},
                    {"op": "delete", "text": "first"},
                    {"op": "insert", "text": "and Mars"},
                    {"op": "equal", "text": "."},
                ],
            },
            {"op": "insert", "old": None, "new": "A new closing paragraph.", "words": []},
        ],
        "html": '<div class="revision-diff"><p>Introduction</p><p class="diff-replace">The '
        'Moon <del>first</del><ins>and Mars</ins>.</p><p class="diff-insert"><ins>A new '
        "closing paragraph.</ins></p></div>",
    },
)
STATUS_EXAMPLE = OpenApiExample(
    "Superseded",
    request_only=True,
    value={"status": "superseded", "reason": "Replaced by 02, which fixes the figures."},
)
