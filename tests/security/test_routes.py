"""Every URL the app serves, for every role, against one declared table of who may do what.

The test walks Django's URL resolver: a route missing from the table (a new view) fails, as does
a table entry no route matches. Each route is requested as each role: GET for reading, and for
the routes that write, the write itself with a valid body (inside a savepoint rolled back after
each request, so every role meets the same data). A refused write must change nothing.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from apps.api.services import api_token_create
from apps.core.mail import mail_after_commit
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous", "reader", "delegate", "cochair", "other_cochair", "sam", "secretariat",
    "staff_reader", "staff_cochair", "operator",
)  # fmt: skip
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
STAFF = frozenset({"staff_reader", "staff_cochair", "operator"})
SECRETARIAT = frozenset({"secretariat", "operator"})  # the operator is a superuser
TWG_COCHAIRS = frozenset({"cochair", "staff_cochair"}) | SECRETARIAT
NASA_SPEAKERS = frozenset({"delegate"}) | SECRETARIAT
COMMENTERS = frozenset({"delegate", "cochair", "other_cochair", "staff_cochair"}) | SECRETARIAT

# What an outcome looks like: "ok" a page or a done write, "login" sent to a sign-in page (or
# 401 from the API), "refused" 403, "absent" 404, "method" 405.


@dataclass(frozen=True)
class Rule:
    """GET: who may read it. write: (method, who may, body builder) when the route writes."""

    read: frozenset = SIGNED_IN
    write: tuple = ()  # (method, who, body(world) -> dict, format) ...
    read_absent: bool = False  # GET is 405 (a write-only route) or 404 for everyone
    public: bool = False  # no sign-in needed
    api: bool = False  # DRF: 401 instead of a redirect to the login page
    kwargs: object = None  # world -> URL kwargs
    query: object = None  # world -> query string ("?from=0&to=0"), for a route that needs one
    done: str = "ok"  # what a write that is allowed answers


def pk(key):
    return lambda w: {"pk": w[key].pk}


def w(method, who, body, fmt=None):
    return (method, frozenset(who), body, fmt)


def revision_kwargs(world):
    return {"pk": world["revision"].deliverable_id, "number": world["revision"].number}


def failed_revision_kwargs(world):
    """Only a failed extraction is retried: the world's revision failed, for this route."""
    from apps.documents.models import Revision

    Revision.objects.filter(pk=world["revision"].pk).update(text_state="failed", text_error="x")
    return revision_kwargs(world)


def api_revision_kwargs(world):
    return {"id": world["revision"].deliverable_id, "number": world["revision"].number}


def api_failed_revision_kwargs(world):
    return {"id": failed_revision_kwargs(world)["pk"], "number": world["revision"].number}


def extracted_self_diff(world) -> str:
    """A diff reads extracted text: the world's revision's, extracted, compared with itself."""
    from apps.documents.models import Revision

    Revision.objects.filter(pk=world["revision"].pk).update(text_state="done", text="Text")
    return f"?from={world['revision'].number}&to={world['revision'].number}"


def commented_revision_kwargs(world):
    """Comments are taken during WG review and rounds: a revision of the deliverable in one."""
    revision = factories.RevisionFactory(deliverable=world["in_consensus"])
    return {"pk": revision.deliverable_id, "number": revision.number}


def api_commented_revision_kwargs(world):
    kwargs = commented_revision_kwargs(world)
    return {"id": kwargs["pk"], "number": kwargs["number"]}


def api_comment_kwargs(world):
    revision = world["comment"].revision
    return {
        "id": revision.deliverable_id,
        "number": revision.number,
        "comment_id": world["comment"].pk,
    }


def agenda_item_kwargs(world):
    """The world's meeting with two items on its agenda: the second is moved up, or taken off."""
    from apps.meetings.models import AgendaItem

    if "agenda" not in world:
        world["agenda"] = [
            AgendaItem.objects.create(
                meeting=world["meeting"],
                kind="other",
                position=position,
                title=title,
                added_by=world["round"].opened_by,
            )
            for position, title in enumerate(("Opening", "Any other business"), start=1)
        ]
    return {"pk": world["meeting"].pk, "item": world["agenda"][1].pk}


def agenda_order(world) -> str:
    """The agenda as the meeting's page shows it, which a move sends back."""
    return ",".join(str(item.pk) for item in world["agenda"])


def later_meeting_kwargs(world):
    """Minutes are approved at a later meeting than the one they record."""
    if "later_meeting" not in world:
        later = world["meeting"].starts_on + datetime.timedelta(days=90)
        world["later_meeting"] = factories.PlenaryMeetingFactory(starts_on=later)
    return {"pk": world["meeting"].pk}


def attended_round_kwargs(world):
    """An outcome is recorded for the agencies present: ESA and JAXA attended the round's
    meeting."""
    from apps.meetings.services import attendance_record

    if "attended" not in world:
        agencies = world["round"].eligible_agencies.filter(acronym__in=["ESA", "JAXA"])
        world["attended"] = attendance_record(
            meeting=world["meeting"],
            actor=world["round"].opened_by,
            rows={agency: ("present", "") for agency in agencies},
        )
    return {"pk": world["round"].pk}


def proposal_kwargs(world):
    """A proposed change to TWG's mandate: its co-chairs and the secretariat may amend or
    withdraw it, the secretariat put it to a round."""
    from apps.groups.changes import structural_change_propose

    if "proposal" not in world:
        world["proposal"] = structural_change_propose(
            actor=world["round"].opened_by,
            kind="mandate_change",
            summary="A sharper mandate for TWG.",
            effective_on=timezone.localdate() + datetime.timedelta(days=60),
            groups=[world["twg"]],
            new_mandate="Coordinates the technical work.",
        )
    return {"pk": world["proposal"].pk}


def awaiting_kwargs(world):
    """A change agreed by consensus, awaiting the SAMs: the secretariat records their word."""
    if "awaiting" not in world:
        world["awaiting"] = factories.StructuralChangeFactory(
            kind="mandate_change",
            new_mandate="Coordinates the technical work.",
            effective_on=timezone.localdate() + datetime.timedelta(days=60),
            state="awaiting_endorsement",
            needs_sam_endorsement=True,
        )
        world["awaiting"].groups.add(world["twg"])
    return {"pk": world["awaiting"].pk}


def proposal_form(world) -> dict:
    return {
        "kind": "mandate_change", "groups": [world["twg"].pk], "summary": "Sharper",
        "effective": TOMORROW, "new_mandate": "New text",
    }  # fmt: skip


def highlight_kwargs(world):
    """Two 2024 highlights (the walk's writes are rolled back): the second is the one written."""
    from apps.reports.highlights import report_highlight_write

    if "highlights" not in world:
        world["highlights"] = [
            report_highlight_write(
                year=2024, actor=world["round"].opened_by, heading=heading, text="Walked."
            )
            for heading in ("First", "Second")
        ]
    return {"year": 2024, "pk": world["highlights"][1].pk}


def highlight_form(**fields):
    """A form on one of the 2024 highlights, from the version there is."""

    def body(world) -> dict:
        world["highlights"][1].refresh_from_db()
        return {"seen_version": world["highlights"][1].version, **fields}

    return body


def summary_form(world) -> dict:
    """The 2024 Executive Summary's form, from the version there is (0: none written yet)."""
    from apps.reports.models import ReportNarrative
    from apps.reports.narratives import narrative_version

    seen = narrative_version(ReportNarrative.objects.filter(year=2024).first())
    return {"executive_summary": "Walked.", "seen_version": seen, "reason": "The walk"}


CHANGE_PROPOSERS = TWG_COCHAIRS  # a change to TWG: its co-chairs and the secretariat
PROPOSE_FORM_READERS = TWG_COCHAIRS | {"other_cochair"}  # any co-chair opens the form
TODAY_ISO = timezone.localdate().isoformat()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TOMORROW = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
MEETING = {
    "title": "December plenary", "kind": "plenary", "day": TOMORROW, "starts": "09:00",
    "ends": "17:00", "time_zone": "Europe/Paris",
}  # fmt: skip
TOKEN_FORM = {"action": "create", "name": "walk", "scope": "read", "expires_in_days": "90"}


def notification_kwargs(world):
    """One of the reader's notifications: only its person opens it."""
    from apps.watching.models import Notification

    planned = world["planned"]
    notification = Notification.objects.create(
        user=world["user"], event="deliverable.edited", deliverable=planned, title="Edited",
        url=planned.get_absolute_url(), source="walk:1", delivery="none",
    )  # fmt: skip
    return {"pk": notification.pk}


def feed_kwargs(kind):
    """A live feed address of the reader: the secret in the path is the credential."""

    def kwargs(world):
        from apps.watching.feed_addresses import feed_address_issue

        return {"token": feed_address_issue(actor=world["user"], kind=kind).secret}

    return kwargs


WEB = {
    "web:home": Rule(),
    "web:deliverables": Rule(),
    "web:deliverables-csv": Rule(),
    "web:deliverable": Rule(kwargs=pk("planned")),
    "web:progress": Rule(
        read_absent=True,
        kwargs=pk("planned"),
        write=(
            w(
                "post",
                TWG_COCHAIRS,
                lambda x: {
                    "percent_complete": 40,
                    "rag": "green",
                    "next_milestone": "WG review",
                    "target_date": "",
                    "status_note": "",
                    "seen_version": x["planned"].version,
                    "reason": "",
                },
            ),
        ),
    ),
    "web:move": Rule(
        read_absent=True,
        kwargs=pk("planned"),
        write=(w("post", TWG_COCHAIRS, lambda x: {"to": "drafting", "reason": "Go"}),),
    ),
    "web:round-open": Rule(
        read_absent=True,
        kwargs=pk("submitted"),
        write=(w("post", SECRETARIAT, lambda x: {"channel": "plenary", "deadline": TOMORROW}),),
    ),
    "web:round": Rule(kwargs=pk("round")),
    "web:revision-upload": Rule(
        read_absent=True,
        kwargs=pk("planned"),
        write=(
            w(
                "post",
                TWG_COCHAIRS,
                lambda x: {"file": SimpleUploadedFile("t.pdf", PDF_BYTES), "note": "Draft"},
            ),
        ),
    ),
    "web:revision-diff": Rule(kwargs=lambda x: {"pk": x["revision"].deliverable_id}),
    "web:revision-file": Rule(kwargs=revision_kwargs),
    "web:revision-status": Rule(
        read_absent=True,
        kwargs=revision_kwargs,
        write=(w("post", TWG_COCHAIRS, lambda x: {"status": "superseded", "reason": "Later"}),),
    ),
    "web:revision-retry": Rule(
        read_absent=True,
        kwargs=failed_revision_kwargs,
        write=(w("post", TWG_COCHAIRS, lambda x: {}),),
    ),
    "web:revision-comments": Rule(
        kwargs=commented_revision_kwargs,
        write=(w("post", COMMENTERS, lambda x: {"body": "Walked."}),),
    ),
    "web:objection-answer": Rule(
        read_absent=True,
        kwargs=pk("objection"),
        write=(w("post", NASA_SPEAKERS, lambda x: {"status": "withdrawn"}),),
    ),
    "web:position": Rule(
        read_absent=True,
        kwargs=pk("round"),
        write=(w("post", NASA_SPEAKERS, lambda x: {"agency": "NASA", "position": "concur"}),),
    ),
    "web:round-decide": Rule(
        read_absent=True,
        kwargs=lambda x: {"pk": x["round"].pk, "action": "extend"},
        write=(w("post", SECRETARIAT, lambda x: {"reason": "More time", "deadline": TOMORROW}),),
    ),
    "web:round-outcome": Rule(
        read_absent=True,
        kwargs=attended_round_kwargs,
        write=(
            w("post", SECRETARIAT, lambda x: {"meeting": x["meeting"].pk, "default": "concur"}),
        ),
    ),
    "web:round-other-channel": Rule(
        read_absent=True,
        kwargs=pk("round"),
        write=(w("post", SECRETARIAT, lambda x: {"agency": "JAXA", "note": "Phoned, 3 May"}),),
    ),
    "web:groups": Rule(),
    "web:appointment-dates-settle": Rule(
        read=SECRETARIAT,
        kwargs=pk("account"),
        write=(w("post", SECRETARIAT, lambda x: {"choice": str(x["account"].pk), "reason": "Y"}),),
    ),
    "web:changes": Rule(),
    "web:change-new": Rule(
        read=PROPOSE_FORM_READERS, write=(w("post", CHANGE_PROPOSERS, proposal_form),)
    ),
    "web:change": Rule(kwargs=proposal_kwargs),
    "web:change-amend": Rule(
        read_absent=True,
        kwargs=proposal_kwargs,
        write=(
            w(
                "post",
                CHANGE_PROPOSERS,
                lambda x: {
                    "amend-summary": "Sharper still",
                    "amend-effective": TOMORROW,
                    "amend-new_mandate": "Newer text",
                    "amend-reason": "Clearer",
                    "amend-seen_version": x["proposal"].version,
                },
            ),
        ),
    ),
    "web:change-withdraw": Rule(
        read_absent=True,
        kwargs=proposal_kwargs,
        write=(w("post", CHANGE_PROPOSERS, lambda x: {"withdraw-reason": "Overtaken"}),),
    ),
    "web:change-round-open": Rule(
        read_absent=True,
        kwargs=proposal_kwargs,
        write=(w("post", SECRETARIAT, lambda x: {"channel": "plenary", "deadline": TOMORROW}),),
    ),
    "web:change-endorse": Rule(
        read_absent=True,
        kwargs=awaiting_kwargs,
        write=(
            w(
                "post",
                SECRETARIAT,
                lambda x: {"endorse-endorsed_on": TODAY_ISO, "endorse-decision": "Approved"},
            ),
        ),
    ),
    "web:group": Rule(kwargs=lambda x: {"pk": x["twg"].pk}),
    "web:outlook-add": Rule(
        read_absent=True,
        kwargs=lambda x: {"pk": x["twg"].pk},
        write=(w("post", TWG_COCHAIRS, lambda x: {"year": 2027, "text": "We will."}),),
    ),
    "web:outlook-edit": Rule(
        read_absent=True,
        kwargs=pk("outlook"),
        write=(
            w(
                "post",
                TWG_COCHAIRS,
                lambda x: {
                    f"o{x['outlook'].pk}-text": "Revised",
                    f"o{x['outlook'].pk}-assessment": "",
                    f"o{x['outlook'].pk}-assessment_note": "",
                    f"o{x['outlook'].pk}-seen_version": x["outlook"].version,
                },
            ),
        ),
    ),
    "web:agencies": Rule(),
    "web:meetings": Rule(),
    "web:meeting-new": Rule(read=SECRETARIAT, write=(w("post", SECRETARIAT, lambda x: MEETING),)),
    "web:meeting": Rule(kwargs=pk("meeting")),
    "web:meeting-agenda-docx": Rule(kwargs=pk("meeting")),
    "web:meeting-agenda-ics": Rule(kwargs=pk("meeting")),
    "web:meeting-agenda-build": Rule(
        read_absent=True, kwargs=pk("meeting"), write=(w("post", SECRETARIAT, lambda x: {}),)
    ),
    "web:meeting-agenda-add": Rule(
        read_absent=True,
        kwargs=pk("meeting"),
        write=(w("post", SECRETARIAT, lambda x: {"title": "Any other business"}),),
    ),
    "web:meeting-agenda-move": Rule(
        read_absent=True,
        kwargs=agenda_item_kwargs,
        write=(w("post", SECRETARIAT, lambda x: {"direction": "up", "order": agenda_order(x)}),),
    ),
    "web:meeting-agenda-take-off": Rule(
        read_absent=True,
        kwargs=agenda_item_kwargs,
        write=(w("post", SECRETARIAT, lambda x: {"reason": "Covered under item 1"}),),
    ),
    "web:meeting-attendance": Rule(
        read_absent=True,
        kwargs=pk("meeting"),
        write=(w("post", SECRETARIAT, lambda x: {f"a{x['agency'].pk}-status": "present"}),),
    ),
    "web:meeting-minutes": Rule(
        read_absent=True,
        kwargs=pk("meeting"),
        write=(w("post", SECRETARIAT, lambda x: {"minutes": "1. Opening."}),),
    ),
    "web:meeting-minutes-approve": Rule(
        read_absent=True,
        kwargs=later_meeting_kwargs,
        write=(w("post", SECRETARIAT, lambda x: {"at_meeting": x["later_meeting"].pk}),),
    ),
    "web:overview": Rule(),
    "web:reports": Rule(),
    "web:report-request": Rule(
        read_absent=True,
        write=(w("post", SECRETARIAT, lambda x: {"year": 2024}),),
    ),
    "web:report": Rule(kwargs=pk("draft")),
    # The Executive Summary: read by anyone signed in, written by the secretariat.
    "web:report-summary": Rule(
        kwargs=lambda x: {"year": 2024},
        write=(w("post", SECRETARIAT, summary_form),),
    ),
    # The year's highlights, on the same page: written by the secretariat.
    "web:report-highlight-add": Rule(
        read_absent=True,
        kwargs=lambda x: {"year": 2024},
        write=(w("post", SECRETARIAT, lambda x: {"heading": "Walked", "text": "Walked."}),),
    ),
    "web:report-highlight-edit": Rule(
        read_absent=True,
        kwargs=highlight_kwargs,
        write=(w("post", SECRETARIAT, highlight_form(heading="Walked", text="Walked.")),),
    ),
    "web:report-highlight-move": Rule(
        read_absent=True,
        kwargs=highlight_kwargs,
        write=(w("post", SECRETARIAT, highlight_form(direction="up")),),
    ),
    "web:report-highlight-show": Rule(
        read_absent=True,
        kwargs=highlight_kwargs,
        write=(w("post", SECRETARIAT, highlight_form(shown="no")),),
    ),
    "web:report-status": Rule(kwargs=pk("draft")),
    "web:report-file": Rule(
        read_absent=True, kwargs=pk("draft"), write=(w("post", SECRETARIAT, lambda x: {}),)
    ),
    "web:feed": Rule(),
    "web:notifications": Rule(),
    "web:notification-open": Rule(read=frozenset({"reader"}), kwargs=notification_kwargs),
    "web:notifications-read": Rule(read_absent=True, write=(w("post", SIGNED_IN, lambda x: {}),)),
    "web:watch": Rule(
        read_absent=True,
        write=(
            w(
                "post",
                SIGNED_IN,
                lambda x: {"scope": "deliverable", "target": x["planned"].pk, "action": "watch"},
            ),
        ),
    ),
    "web:feed-addresses": Rule(
        write=(w("post", SIGNED_IN, lambda x: {"kind": "calendar", "action": "issue"}),)
    ),
    # Whoever holds the address reads the feed as its owner; no session is asked for.
    "web:feed-watched": Rule(public=True, kwargs=feed_kwargs("atom")),
    "web:feed-calendar": Rule(public=True, kwargs=feed_kwargs("calendar")),
    # Browsers ask for it on every site, before anyone signs in: a redirect to the static SVG.
    "web:favicon": Rule(public=True),
    "api:token-page": Rule(write=(w("post", SIGNED_IN, lambda x: TOKEN_FORM),)),
    "api:docs": Rule(),
    "healthz": Rule(public=True),
    "livez": Rule(public=True),
    "login": Rule(public=True),
    "logout": Rule(read_absent=True, write=(w("post", SIGNED_IN, lambda x: {}),), done="login"),
    "password_change": Rule(),
    "password_change_done": Rule(),
    "password_reset": Rule(public=True),
    "password_reset_done": Rule(public=True),
    "password_reset_confirm": Rule(public=True, kwargs=lambda x: {"uidb64": "MQ", "token": "x"}),
    "password_reset_complete": Rule(public=True),
}


def api(**rule):
    return Rule(api=True, **rule)


API_COLLECTIONS = {
    "agency": "agency", "working-group": "twg", "cochair-appointment": "appointment",
    "outlook-item": "outlook", "deliverable": "planned", "activity": "activity",
    "meeting": "meeting", "consensus-round": "round", "report-draft": "draft",
    "structural-change": "proposal", "appointment-account": "account",
}  # fmt: skip

API = {
    "api:api-root": api(),
    "api:schema": api(),
    "api:not-found": api(read_absent=True, public=True, kwargs=lambda x: {"rest": "nothing/"}),
    # DELETE revokes the token a request carries: a browser's session carries none (400).
    "api:auth-token": api(
        read_absent=True,
        write=(w("delete", SIGNED_IN, lambda x: {}),),
        done="status 400",
    ),
    "api:api-token-list": api(),
    # Revoking a token by id: its owner (the reader), or a superuser; GET is not offered.
    "api:api-token-detail": api(
        read_absent=True,
        kwargs=pk("api_token"),
        write=(w("delete", {"reader", "operator"}, lambda x: {}),),
    ),
    "api:deliverable-transitions": api(
        kwargs=pk("planned"),
        write=(w("post", TWG_COCHAIRS, lambda x: {"to": "drafting", "reason": "Go"}, "json"),),
    ),
    "api:deliverable-consensus-rounds": api(
        kwargs=pk("submitted"),
        write=(w("post", SECRETARIAT, lambda x: {"channel": "plenary"}, "json"),),
    ),
    "api:consensus-round-positions": api(
        kwargs=pk("round"),
        write=(
            w("post", NASA_SPEAKERS, lambda x: {"position": "concur", "agency": "NASA"}, "json"),
        ),
    ),
    "api:consensus-round-close": api(
        read_absent=True,
        kwargs=pk("expired_round"),
        write=(w("post", SECRETARIAT, lambda x: {"reason": "Deadline passed"}, "json"),),
    ),
    "api:consensus-round-extend": api(
        read_absent=True,
        kwargs=pk("round"),
        write=(w("post", SECRETARIAT, lambda x: {"reason": "More", "deadline": TOMORROW}, "json"),),
    ),
    "api:consensus-round-cancel": api(
        read_absent=True,
        kwargs=pk("round"),
        write=(w("post", SECRETARIAT, lambda x: {"reason": "Withdrawn"}, "json"),),
    ),
    "api:revision-list": api(
        kwargs=lambda x: {"id": x["planned"].pk},
        write=(
            w(
                "post",
                TWG_COCHAIRS,
                lambda x: {"file": SimpleUploadedFile("t.pdf", PDF_BYTES), "note": "Draft"},
            ),
        ),
    ),
    "api:revision-detail": api(kwargs=api_revision_kwargs),
    "api:revision-history": api(kwargs=api_revision_kwargs),
    "api:revision-file": api(kwargs=api_revision_kwargs),
    "api:revision-diff": api(
        kwargs=lambda x: {"id": x["revision"].deliverable_id}, query=extracted_self_diff
    ),
    "api:revision-status": api(
        read_absent=True,
        kwargs=api_revision_kwargs,
        write=(w("post", TWG_COCHAIRS, lambda x: {"status": "withdrawn", "reason": "No"}, "json"),),
    ),
    "api:revision-text-retry": api(
        read_absent=True,
        kwargs=api_failed_revision_kwargs,
        write=(w("post", TWG_COCHAIRS, lambda x: {}, "json"),),
    ),
    "api:revision-comment-list": api(
        kwargs=api_commented_revision_kwargs,
        write=(w("post", COMMENTERS, lambda x: {"body": "Walked."}, "json"),),
    ),
    "api:revision-comment-detail": api(kwargs=api_comment_kwargs),
    "api:objection-list": api(kwargs=lambda x: {"id": x["round"].pk}),
    "api:objection-answer": api(
        read_absent=True,
        kwargs=lambda x: {"id": x["objection"].round_id, "item": x["objection"].pk},
        write=(w("post", NASA_SPEAKERS, lambda x: {"status": "withdrawn"}, "json"),),
    ),
    "api:appointment-account-settle": api(
        read_absent=True,
        kwargs=pk("account"),
        write=(w("post", SECRETARIAT, lambda x: {"reason": "The later report"}, "json"),),
    ),
    "api:report-draft-docx": api(kwargs=pk("draft")),
    "api:report-draft-html": api(kwargs=pk("draft")),
    "api:report-draft-pdf": api(kwargs=pk("draft")),
}
for basename, key in API_COLLECTIONS.items():
    API[f"api:{basename}-list"] = api()
    API[f"api:{basename}-detail"] = api(kwargs=proposal_kwargs if key == "proposal" else pk(key))
    API[f"api:{basename}-history"] = api(kwargs=proposal_kwargs if key == "proposal" else pk(key))
API_CHANGE = {
    "kind": "mandate_change", "groups": ["TWG"], "summary": "Sharper", "effective_on": TOMORROW,
    "new_mandate": "New text",
}  # fmt: skip
API |= {
    "api:structural-change-list": api(
        write=(w("post", CHANGE_PROPOSERS, lambda x: API_CHANGE, "json"),)
    ),
    "api:structural-change-detail": api(
        kwargs=proposal_kwargs,
        write=(w("patch", CHANGE_PROPOSERS, lambda x: {"summary": "x", "reason": "y"}, "json"),),
    ),
    "api:structural-change-withdraw": api(
        read_absent=True,
        kwargs=proposal_kwargs,
        write=(w("post", CHANGE_PROPOSERS, lambda x: {"reason": "Overtaken"}, "json"),),
    ),
    "api:structural-change-consensus-rounds": api(
        kwargs=proposal_kwargs,
        write=(w("post", SECRETARIAT, lambda x: {"channel": "plenary"}, "json"),),
    ),
    "api:structural-change-endorse": api(
        read_absent=True,
        kwargs=awaiting_kwargs,
        write=(
            w(
                "post",
                SECRETARIAT,
                lambda x: {"endorsed_on": TODAY_ISO, "decision": "Approved"},
                "json",
            ),
        ),
    ),
}
# A year's Executive Summary (2024 has none in the walk: a first text needs no If-Match).
API |= {
    "api:report-summary-detail": api(
        kwargs=lambda x: {"year": 2024},
        write=(w("put", SECRETARIAT, lambda x: {"executive_summary": "Walked."}, "json"),),
    ),
    "api:report-summary-history": api(kwargs=lambda x: {"year": 2024}),
}
API["api:report-draft-list"] = api(
    write=(w("post", SECRETARIAT, lambda x: {"year": 2024}, "json"),)
)
API["api:deliverable-detail"] = api(
    kwargs=pk("planned"),
    write=(w("patch", TWG_COCHAIRS, lambda x: {"percent_complete": 30}, "json"),),
)


# The plenary through the API: a meeting's agenda (the web's two items), attendance, minutes
# and decisions; a round's outcome (ESA recorded present) and how each agency was told.
def api_agenda_kwargs(world):
    return {"id": agenda_item_kwargs(world)["pk"]}


def api_agenda_item_kwargs(world):
    kwargs = agenda_item_kwargs(world)
    return {"id": kwargs["pk"], "item": kwargs["item"]}


def attended_round_kwargs(world):
    from apps.meetings.models import Attendance

    eligible = world["round"].eligible_agencies
    # ESA in the cast; in a world of the record (the Redis-down reads), its first agency.
    agency = eligible.filter(acronym="ESA").first() or eligible.order_by("acronym").first()
    Attendance.objects.get_or_create(
        meeting=world["meeting"], agency=agency,
        defaults={"status": "present", "recorded_by": world["round"].opened_by,
                  "recorded_at": timezone.now()},
    )  # fmt: skip
    return {"pk": world["round"].pk}


def decision_kwargs(world):
    """A decision on the round whose deadline passed, so the open round's outcome is free."""
    from apps.meetings.models import Decision

    decision, _ = Decision.objects.get_or_create(
        meeting=world["meeting"], round=world["expired_round"],
        defaults={"statement": "RESOLVED: walked.", "positions_recorded": 0,
                  "recorded_by": world["round"].opened_by, "recorded_at": timezone.now()},
    )  # fmt: skip
    return {"id": world["meeting"].pk, "decision": decision.pk}


def reordered(world) -> list[int]:
    return [item.pk for item in world["agenda"]][::-1]


NASA_PRESENT = [{"agency": "NASA", "status": "present"}]
API_MEETING = {
    "title": "Walked plenary", "kind": "plenary", "starts_at": "2026-12-08T09:00:00+01:00",
    "ends_at": "2026-12-08T17:00:00+01:00", "time_zone": "Europe/Paris", "host_agency": "ESA",
}  # fmt: skip
API |= {
    "api:meeting-list": api(write=(w("post", SECRETARIAT, lambda x: API_MEETING, "json"),)),
    "api:meeting-detail": api(
        kwargs=pk("meeting"),
        write=(w("patch", SECRETARIAT, lambda x: {"minutes": "1. Opening."}, "json"),),
    ),
    "api:meeting-approve-minutes": api(
        read_absent=True,
        kwargs=later_meeting_kwargs,
        write=(w("post", SECRETARIAT, lambda x: {"at_meeting": x["later_meeting"].pk}, "json"),),
    ),
    "api:meeting-agenda-list": api(
        kwargs=api_agenda_kwargs,
        write=(w("post", SECRETARIAT, lambda x: {"title": "Any other business"}, "json"),),
    ),
    "api:meeting-agenda-detail": api(kwargs=api_agenda_item_kwargs),
    "api:meeting-agenda-build": api(
        read_absent=True,
        kwargs=api_agenda_kwargs,
        write=(w("post", SECRETARIAT, lambda x: {}, "json"),),
    ),
    "api:meeting-agenda-order": api(
        read_absent=True,
        kwargs=api_agenda_kwargs,
        write=(w("put", SECRETARIAT, lambda x: {"item_ids": reordered(x)}, "json"),),
    ),
    "api:meeting-agenda-remove": api(
        read_absent=True,
        kwargs=api_agenda_item_kwargs,
        write=(w("post", SECRETARIAT, lambda x: {"reason": "Covered under item 1"}, "json"),),
    ),
    "api:meeting-agenda-docx": api(kwargs=api_agenda_kwargs),
    "api:meeting-agenda-ics": api(kwargs=api_agenda_kwargs),
    "api:meeting-attendance-list": api(
        kwargs=api_agenda_kwargs,
        write=(w("post", SECRETARIAT, lambda x: {"rows": NASA_PRESENT}, "json"),),
    ),
    "api:meeting-decision-list": api(kwargs=api_agenda_kwargs),
    "api:meeting-decision-detail": api(kwargs=decision_kwargs),
    "api:consensus-round-outcome": api(
        read_absent=True,
        kwargs=attended_round_kwargs,
        write=(w("post", SECRETARIAT, lambda x: {"meeting": x["meeting"].pk}, "json"),),
    ),
    "api:consensus-round-notices": api(
        kwargs=pk("round"),
        write=(w("post", SECRETARIAT, lambda x: {"agency": "ESA", "note": "Phoned"}, "json"),),
    ),
}

# The admin: every registered model with the kind of admin it must have. A new model in the
# admin must be added here, saying who may change it.
RECORD, READ_ONLY, DELIVERABLE, REPORT_DRAFT = "record", "read_only", "deliverable", "report"
# Saved through the outlook services: the group's co-chairs change its paragraphs there too.
OUTLOOK = "outlook"
# Changed by the operator, never added: a working group is set up only by a decided structural
# change (groups.lineage).
NO_ADD = "no_add"
DJANGO, DJANGO_NO_DELETE, LOCKOUT_LOG = "django", "django_no_delete", "lockout_log"
# Credentials: the superuser lists, reads and revokes them; nobody adds, edits or deletes one.
TOKEN = "token"
# Outgoing mail: the secretariat lists and reads it (and sends it again by an action on the
# list); nobody adds, edits or deletes a mail.
MAIL = "mail"
ADMIN_MODELS = {
    "agencies.agency": (RECORD, "agency"),
    "agencies.agencyname": (RECORD, "agency_name"),
    "agencies.delegateappointment": (RECORD, "delegate_appointment"),
    "groups.workinggroup": (NO_ADD, "twg"),
    "groups.subteam": (RECORD, "sub_team"),
    # Changed only through groups.changes (the pages and the API): shown, never edited here.
    "groups.structuralchange": (READ_ONLY, "structural_change"),
    "groups.cochairappointment": (RECORD, "appointment"),
    "groups.chairappointment": (RECORD, "chair"),
    # Written only by structural changes (a mandate) and groups.settling (an account).
    "groups.mandateversion": (READ_ONLY, "mandate_version"),
    "groups.appointmentaccount": (READ_ONLY, "account"),
    "groups.outlookitem": (OUTLOOK, "outlook"),
    "deliverables.deliverable": (DELIVERABLE, "planned"),
    "deliverables.activity": (RECORD, "activity"),
    "plenary.plenarymeeting": (RECORD, "meeting"),
    "plenary.consensusround": (READ_ONLY, "round"),
    "plenary.position": (READ_ONLY, "position"),
    "documents.revision": (READ_ONLY, "revision"),
    "documents.comment": (READ_ONLY, "comment"),
    "plenary.objection": (READ_ONLY, "objection"),
    "reports.reportdraft": (REPORT_DRAFT, "draft"),
    "reports.reportnarrative": (RECORD, "narrative"),
    # Written on the year's report page (reports.highlights), with its version check.
    "reports.reporthighlight": (READ_ONLY, "highlight"),
    "reports.reportlisting": (RECORD, "listing"),
    # Not business records: the operator's own tools (tokens revoked, lockouts lifted).
    "auth.user": (DJANGO_NO_DELETE, "user"),
    "auth.group": (DJANGO_NO_DELETE, "role_group"),
    "api.apitoken": (TOKEN, "api_token"),
    "core.outboxmail": (MAIL, "mail"),
    "axes.accessattempt": (LOCKOUT_LOG, "access_attempt"),
    "axes.accesslog": (LOCKOUT_LOG, "access_log"),
    "axes.accessfailurelog": (LOCKOUT_LOG, "access_failure_log"),
}
ADMIN_STATIC = {
    # name -> (who may read: STAFF signed in; everyone else is sent to the admin login)
    "admin:index": STAFF,
    "admin:login": "public",
    "admin:logout": "post_only",
    "admin:password_change": STAFF,
    "admin:password_change_done": STAFF,
    "admin:jsi18n": STAFF,
    "admin:autocomplete": "no_query",  # refuses a request without its parameters
    "admin:view_on_site": STAFF,
    "admin:app_list": STAFF,
    "admin/(?P<url>.*)$": STAFF,
}
ADMIN_VIEWS = ("changelist", "add", "change", "history", "delete", "history_form", "redirect")
ADMIN_EXTRA = {  # custom admin URLs of one model: who may open them
    "admin:reports_reportdraft_preview": ("draft", STAFF),
    "admin:reports_reportdraft_docx": ("draft", STAFF),
    "admin:reports_reportdraft_pdf": ("draft", STAFF),
    "admin:auth_user_password_change": ("user", {"operator"}),
}


def admin_route_key(label: str, view: str) -> str:
    app, model = label.split(".")
    return {
        "history_form": f"admin:{app}_{model}_simple_history",
        "redirect": f"admin/{app}/{model}/<path:object_id>/",
    }.get(view, f"admin:{app}_{model}_{view}")


def admin_views(label: str) -> tuple[str, ...]:
    kind = ADMIN_MODELS[label][0]
    if kind in (DJANGO, DJANGO_NO_DELETE, LOCKOUT_LOG, TOKEN, MAIL):  # no past versions
        return tuple(v for v in ADMIN_VIEWS if v != "history_form")
    return ADMIN_VIEWS


def walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            yield (namespace + pattern.name) if pattern.name else route, route


def served_routes() -> dict[str, str]:
    return dict(walk(get_resolver().url_patterns))


def declared_routes() -> set[str]:
    keys = set(WEB) | set(API) | set(ADMIN_STATIC) | set(ADMIN_EXTRA)
    for label in ADMIN_MODELS:
        keys |= {admin_route_key(label, view) for view in admin_views(label)}
    return keys


def test_every_route_is_in_the_table_and_every_entry_is_a_route():
    served = set(served_routes())
    declared = declared_routes()
    assert served - declared == set(), "routes nobody declared: add them to the table"
    assert declared - served == set(), "table entries no route matches: remove them"
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert registered == set(ADMIN_MODELS)


# --- the walk ----------------------------------------------------------------------------------


@dataclass
class Walk:
    clients: dict
    world: dict
    users: dict
    checks: list = field(default_factory=list)
    wrong: list = field(default_factory=list)


def outcome(response, *, api: bool) -> str:
    status = response.status_code
    if status in (301, 302):
        location = response["Location"]
        if location.startswith((reverse("login"), reverse("admin:login"))):
            return "login"
        return "ok"
    if status == 401 and api:
        return "login"
    return {403: "refused", 404: "absent", 405: "method"}.get(
        status, "ok" if status < 400 else f"status {status}"
    )


def expected_read(rule: Rule, role: str) -> set[str]:
    if role == "anonymous" and not rule.public:
        return {"login"}
    if rule.read_absent:
        return {"method", "absent"}
    return {"ok"} if role in rule.read or rule.public else {"refused"}


def expected_write(rule: Rule, who: frozenset, role: str) -> set[str]:
    if role == "anonymous" and not rule.public:
        return {"login"}
    return {rule.done} if role in who else {"refused"}


def business_models() -> list:
    from django.apps import apps

    from apps.core.checks import BUSINESS_APPS

    return [
        model
        for label in BUSINESS_APPS
        for model in apps.get_app_config(label).get_models()
        if hasattr(model._meta, "simple_history_manager_attribute")
    ]


def history_rows() -> int:
    """All history rows of all business records, in one query: a refused write adds none."""
    from django.db import connection

    tables = [
        getattr(model, model._meta.simple_history_manager_attribute).model._meta.db_table
        for model in business_models()
    ]
    # Table names come from the models, never from input.
    sql = " + ".join(f"(SELECT count(*) FROM {connection.ops.quote_name(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}")
        return cursor.fetchone()[0]


@pytest.fixture
def walk_world(cast, world, client):
    def as_staff(user):
        user.is_staff = True
        user.save()
        return user

    operator = factories.UserFactory(username="operator", is_staff=True, is_superuser=True)
    users = {
        "reader": cast.reader,
        "delegate": cast.delegates["NASA"],
        "cochair": cast.cochair_twg,
        "other_cochair": cast.cochair_swg,
        "sam": cast.sam,
        "secretariat": cast.secretariat,
        "staff_reader": as_staff(factories.UserFactory(username="staff-reader")),
        "staff_cochair": as_staff(factories.UserFactory(username="staff-cochair")),
        "operator": operator,
    }
    factories.CoChairAppointmentFactory(
        person=users["staff_cochair"], group=cast.twg, agency=cast.agencies["ESA"],
        starts_on=datetime.date(2020, 1, 1),
    )  # fmt: skip
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    world |= {
        "twg": cast.twg,
        "agency": cast.agencies["NASA"],
        "appointment": cast.cochair_twg.cochair_appointments.get(),
        "delegate_appointment": cast.delegates["NASA"].delegate_appointments.get(),
        "user": cast.reader,
        "role_group": Group.objects.get(name="Secretariat"),
        "api_token": api_token_create(actor=cast.reader, name="walk", scope="read").token,
        "access_attempt": AccessAttempt.objects.create(
            username="x", ip_address="10.0.0.1", failures_since_start=1
        ),
        "access_log": AccessLog.objects.create(username="x", ip_address="10.0.0.1"),
        "access_failure_log": AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1"),
        "mail": mail_after_commit(to=["a@example.org"], subject="Round opened", body="Answer"),
    }
    clients = {"anonymous": Client()}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    return Walk(clients=clients, world=world, users=users)


def request(walk: Walk, method: str, url: str, body=None, fmt=None):
    client = walk.clients
    kwargs = {}
    if fmt == "json":
        kwargs["content_type"] = "application/json"
    if method == "patch":
        kwargs["content_type"] = "application/json"
        kwargs["HTTP_IF_MATCH"] = f'"{walk.world["planned"].version}"'
    return getattr(client, method)(url, body or {}, **kwargs)


def check(walk: Walk, route: str, role: str, method: str, url: str, expected: set, response,
          api: bool) -> None:  # fmt: skip
    got = outcome(response, api=api)
    walk.checks.append((route, role, method))
    if got not in expected:
        walk.wrong.append(f"{method.upper()} {url} as {role}: {got}, declared {sorted(expected)}")


def run_write(walk: Walk, role: str, method: str, url: str, body: dict, fmt) -> tuple:
    """The write inside a savepoint that is rolled back: every role meets the same data."""
    before = history_rows()
    with transaction.atomic():
        client = walk.clients[role]
        kwargs = {}
        if fmt == "json" or method in {"patch", "delete"}:
            kwargs["content_type"] = "application/json"
            import json

            body = json.dumps(body)
        if method == "patch":
            # The ETag of what is patched: a structural change, or the world's deliverable.
            target = walk.world["proposal" if "/structural-changes/" in url else "planned"]
            target.refresh_from_db()
            kwargs["HTTP_IF_MATCH"] = f'"{target.version}"'
        response = getattr(client, method)(url, body, **kwargs)
        after = history_rows()
        transaction.set_rollback(True)
    if role != "anonymous":  # the session may have ended (sign-out) or been rolled back
        client.force_login(walk.users[role])
    return response, after - before


def url_for(name_or_route: str, kwargs) -> str:
    return reverse(name_or_route, kwargs=kwargs or None)


def test_every_route_for_every_role_matches_the_table(walk_world, django_assert_max_num_queries):
    walk, world = walk_world, walk_world.world
    routes = {**WEB, **API}
    for name, rule in routes.items():
        url = url_for(name, rule.kwargs(world) if rule.kwargs else None)
        url += rule.query(world) if rule.query else ""
        for role in ROLES:
            response = walk.clients[role].get(url)
            check(walk, name, role, "get", url, expected_read(rule, role), response, rule.api)
            for method, who, body, fmt in rule.write:
                response, written = run_write(walk, role, method, url, body(world), fmt)
                expected = expected_write(rule, who, role)
                check(walk, name, role, method, url, expected, response, rule.api)
                if "ok" not in expected and written:
                    walk.wrong.append(f"{method.upper()} {url} as {role} refused but wrote")
    walk_admin(walk)
    routes = len(served_routes())
    print(f"\n{len(walk.checks)} requests over {routes} routes and {len(ROLES)} roles")
    assert walk.wrong == []


def admin_expected(kind: str, view: str, role: str, method: str) -> set[str]:
    if role not in STAFF:
        return {"login"}
    operator = role == "operator"
    if kind in (TOKEN, MAIL):  # acted on from the list, never added, changed or deleted
        readable = method == "get" and view in ("changelist", "change", "history")
        return {"ok"} if operator and readable else {"refused"}
    if kind in (DJANGO, DJANGO_NO_DELETE, LOCKOUT_LOG):
        # Django's own models: model permissions, which only the superuser holds here.
        if not operator:
            return {"refused"}
        if view == "delete":
            return {"refused"} if kind == DJANGO_NO_DELETE else {"ok"}
        if view == "add" and kind == LOCKOUT_LOG:
            return {"refused"}  # written by sign-in attempts only
        return {"ok"}
    if view == "delete":
        return {"refused"}  # business records are never deleted
    if view == "history_form":
        return {"ok"} if method == "get" else {"refused"}  # shown, never restored
    if view in ("changelist", "change", "history", "redirect") and method == "get":
        return {"ok"}
    may_write = {
        RECORD: operator,
        NO_ADD: operator and view != "add",
        READ_ONLY: False,
        REPORT_DRAFT: operator and view == "change",
        DELIVERABLE: operator or (role == "staff_cochair" and view == "change"),
        OUTLOOK: operator or (role == "staff_cochair" and view == "change"),
    }[kind]
    if view == "add" and kind == DELIVERABLE:
        may_write = operator
    if method == "get":  # the add form
        return {"ok"} if may_write else {"refused"}
    return {"ok"} if may_write else {"refused"}


def admin_url(label: str, view: str, obj) -> str:
    app, model = label.split(".")
    if view in ("changelist", "add"):
        return reverse(f"admin:{app}_{model}_{view}")
    if view == "redirect":
        return f"/admin/{app}/{model}/{obj.pk}/"
    if view == "history_form":
        history = getattr(obj, "history", None)
        version = history.earliest().history_id if history is not None else 1
        return f"/admin/{app}/{model}/{obj.pk}/history/{version}/"
    return reverse(f"admin:{app}_{model}_{view}", args=[obj.pk])


# The admin site refuses anyone not staff before any model admin runs: one signed-in non-staff
# role stands for the others there.
ADMIN_ROLES = ("anonymous", "reader", "staff_reader", "staff_cochair", "operator")


def walk_admin(walk: Walk) -> None:
    world = walk.world
    for label, (kind, key) in ADMIN_MODELS.items():
        obj = world[key]
        for view in admin_views(label):
            url = admin_url(label, view, obj)
            if view == "redirect":  # the bare object URL: Django redirects to the change page
                for role in ADMIN_ROLES:
                    response = walk.clients[role].get(url)
                    expected = {"login"} if role not in STAFF else {"ok"}
                    check(walk, url, role, "get", url, expected, response, False)
                continue
            for role in ADMIN_ROLES:
                response = walk.clients[role].get(url)
                check(walk, url, role, "get", url, admin_expected(kind, view, role, "get"),
                      response, False)  # fmt: skip
                if view in ("changelist", "history"):
                    continue
                response, written = run_write(walk, role, "post", url, {}, None)
                expected = admin_expected(kind, view, role, "post")
                check(walk, url, role, "post", url, expected, response, False)
                if "ok" not in expected and written:
                    walk.wrong.append(f"POST {url} as {role} refused but wrote history")
    for name, (key, who) in ADMIN_EXTRA.items():
        url = reverse(name, args=[world[key].pk])
        for role in ADMIN_ROLES:
            response = walk.clients[role].get(url)
            expected = {"login"} if role not in STAFF else {"ok"} if role in who else {"refused"}
            check(walk, name, role, "get", url, expected, response, False)
    for name, who in ADMIN_STATIC.items():
        if name.startswith("admin/"):
            url = "/admin/no-such-page/"
        elif name == "admin:app_list":
            url = reverse(name, kwargs={"app_label": "deliverables"})
        elif name == "admin:view_on_site":
            continue  # needs a content type id; checked through the change pages' links
        else:
            url = reverse(name)
        for role in ADMIN_ROLES:
            response = walk.clients[role].get(url)
            if who == "public":
                expected = {"ok"}
            elif who == "post_only":  # Django sends a signed-in non-staff user to the index
                expected = {"login"} if role == "anonymous" else (
                    {"method"} if role in STAFF else {"ok"})  # fmt: skip
            elif who == "no_query":
                expected = {"login"} if role not in STAFF else {"refused"}
            elif role not in STAFF:
                expected = {"login"}
            elif name.startswith("admin/"):
                expected = {"absent", "ok"}
            else:
                expected = {"ok"}
            check(walk, name, role, "get", url, expected, response, False)


def test_each_client_is_signed_in_as_a_distinct_person(walk_world):
    """Guards the walk itself: a role's outcome is that person's, not another role's."""
    clients = walk_world.clients
    seen = [c.session.get("_auth_user_id") for r, c in clients.items() if r != "anonymous"]
    assert None not in seen
    assert len(set(seen)) == len(ROLES) - 1
