"""What the schema shows of the meetings endpoints and the round's outcome and notices: their
path parameters, the files, and examples of each body (apps/api/views/meetings.py, rounds.py)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from apps.meetings.files import DOCX, ICS

from ..schema import errors

MEETING_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The meeting's id."
)
ITEM = OpenApiParameter(
    "item", OpenApiTypes.INT, OpenApiParameter.PATH, description="The agenda item's id."
)
DECISION = OpenApiParameter(
    "decision", OpenApiTypes.INT, OpenApiParameter.PATH, description="The decision's id."
)

# Writes: a refusal of the input (400), of the user (403), of the state (409); 415 for a body
# that is not JSON. Read-only tokens are refused with 403 as everywhere.
MEETING_WRITE_ERRORS = errors(400, 401, 403, 404, 409, 415)


def download(kind: str, media_type: str, body) -> dict:
    return {
        (200, media_type): OpenApiResponse(body, description=kind),
        **{(code, "application/json"): error for code, error in errors(401, 404).items()},
    }


AGENDA_DOCX_RESPONSES = download(
    "The agenda as DOCX: the meeting's facts, then each item in order.", DOCX, OpenApiTypes.BINARY
)
AGENDA_ICS_RESPONSES = download(
    "The meeting as an iCalendar event (RFC 5545) in its own time zone, the agenda in its "
    "description; no event for a meeting of the record known only by its year.",
    ICS,
    OpenApiTypes.STR,
)

_ESA = {
    "id": 2,
    "url": "https://tracker.example.org/api/v1/agencies/2/",
    "acronym": "ESA",
    "name": "European Space Agency",
}
_SECRETARIAT = {"id": 1, "username": "secretariat", "name": "ISECG Secretariat"}
_MEETING_REF = {
    "id": 12,
    "url": "https://tracker.example.org/api/v1/meetings/12/",
    "title": "ISECG Plenary, Paris",
    "kind": "plenary",
    "starts_on": "2026-12-08",
}

SCHEDULE_EXAMPLE = OpenApiExample(
    "A plenary in Paris",
    request_only=True,
    value={
        "title": "ISECG Plenary, Paris",
        "kind": "plenary",
        "starts_at": "2026-12-08T09:00:00+01:00",
        "ends_at": "2026-12-08T17:00:00+01:00",
        "time_zone": "Europe/Paris",
        "place": "ESA Headquarters, Paris",
        "host_agency": "ESA",
    },
)
MEETING_EXAMPLE = OpenApiExample(
    "A scheduled plenary",
    response_only=True,
    value={
        **_MEETING_REF,
        "starts_precision": "day",
        "ends_on": "2026-12-08",
        "starts_at": "2026-12-08T08:00:00Z",
        "ends_at": "2026-12-08T16:00:00Z",
        "time_zone": "Europe/Paris",
        "place": "ESA Headquarters, Paris",
        "call_link": "",
        "host_agency": _ESA,
        "chair": None,
        "is_sample": False,
        "minutes": "",
        "minutes_approved_in": None,
        "source": "",
        "history_url": "https://tracker.example.org/api/v1/meetings/12/history/",
        "agenda_url": "https://tracker.example.org/api/v1/meetings/12/agenda/",
        "attendance_url": "https://tracker.example.org/api/v1/meetings/12/attendance/",
        "decisions_url": "https://tracker.example.org/api/v1/meetings/12/decisions/",
        "agenda_docx_url": "https://tracker.example.org/api/v1/meetings/12/agenda/docx/",
        "agenda_ics_url": "https://tracker.example.org/api/v1/meetings/12/agenda/ics/",
    },
)
MINUTES_EXAMPLE = OpenApiExample(
    "Minutes",
    request_only=True,
    value={"minutes": "1. Opening. The chair welcomed the delegations.\n2. Agenda adopted."},
)
APPROVE_EXAMPLE = OpenApiExample(
    "Approved at the next meeting", request_only=True, value={"at_meeting": 13}
)
AGENDA_ITEM_EXAMPLE = OpenApiExample(
    "A consensus item",
    response_only=True,
    value={
        "id": 40,
        "url": "https://tracker.example.org/api/v1/meetings/12/agenda/40/",
        "meeting": 12,
        "position": 2,
        "kind": "round_decision",
        "title": "Consensus on Global Exploration Roadmap (TWG)",
        "note": "",
        "round": {
            "id": 5,
            "url": "https://tracker.example.org/api/v1/consensus-rounds/5/",
            "state": "open",
            "deadline": "2026-12-18",
        },
        "deliverable": {
            "id": 7,
            "url": "https://tracker.example.org/api/v1/deliverables/7/",
            "title": "Global Exploration Roadmap",
            "edition": "4th",
            "state": "in_consensus",
        },
        "structural_change": None,
        "previous_meeting": None,
        "added_by": _SECRETARIAT,
        "removed": False,
        "remove_url": "https://tracker.example.org/api/v1/meetings/12/agenda/40/remove/",
    },
)
FREE_ITEM_EXAMPLE = OpenApiExample(
    "Any other business", request_only=True, value={"title": "Any other business"}
)
ORDER_EXAMPLE = OpenApiExample("New order", request_only=True, value={"item_ids": [41, 40, 42]})
REMOVE_EXAMPLE = OpenApiExample(
    "Moved", request_only=True, value={"reason": "Moved to the May teleconference."}
)
ATTENDANCE_EXAMPLE = OpenApiExample(
    "Three agencies",
    request_only=True,
    value={
        "rows": [
            {"agency": "ESA", "status": "present", "represented_by": "J. Doe (head)"},
            {"agency": "JAXA", "status": "present"},
            {"agency": "NASA", "status": "apologies"},
        ]
    },
)
OUTCOME_EXAMPLE = OpenApiExample(
    "Concur, but one abstention",
    request_only=True,
    value={
        "meeting": 12,
        "default": "concur",
        "exceptions": [{"agency": "JAXA", "position": "abstain"}],
    },
)
DECISION_EXAMPLE = OpenApiExample(
    "Consensus reached",
    response_only=True,
    value={
        "id": 3,
        "url": "https://tracker.example.org/api/v1/meetings/12/decisions/3/",
        "meeting": _MEETING_REF,
        "round": {
            "id": 5,
            "url": "https://tracker.example.org/api/v1/consensus-rounds/5/",
            "deliverable": {
                "id": 7,
                "url": "https://tracker.example.org/api/v1/deliverables/7/",
                "title": "Global Exploration Roadmap",
                "edition": "4th",
                "state": "approved",
            },
            "state": "closed",
            "outcome": "consensus",
        },
        "revision": None,
        "statement": "RESOLVED: Global Exploration Roadmap: consensus reached (concur: ESA, "
        "NASA; abstain: JAXA).",
        "positions_recorded": 3,
        "recorded_by": _SECRETARIAT,
        "recorded_at": "2026-12-08T10:30:00Z",
        "positions": [
            {
                "agency": _ESA,
                "position": "concur",
                "rationale": "",
                "recorded_at": "2026-12-08T10:30:00Z",
            }
        ],
    },
)
OTHER_CHANNEL_EXAMPLE = OpenApiExample(
    "Phoned",
    request_only=True,
    value={"agency": "ESA", "note": "Phoned the head of delegation, 3 May."},
)
NOTICES_EXAMPLE = OpenApiExample(
    "Told by mail",
    response_only=True,
    value={
        "agency": _ESA,
        "reachable": True,
        "told": True,
        "notices": [
            {
                "kind": "opened",
                "status": "delivered",
                "created_at": "2026-11-20T09:00:00Z",
                "note": "",
                "recorded_by": None,
            }
        ],
    },
)
