"""Sample texts, delegations and the next plenary for the demo.

Two record products get generated revisions (marked as samples) with a visible change between
them and, when asked (`seed_demo --sample-round`, as `make demo` does), one of them is walked
to a consensus round on its latest, to be decided at the next plenary: a sample meeting with
its agenda built from the tracker. A few agencies get demo heads of delegation and alternates
with addresses, so the round page shows both agencies that were told and agencies nobody can
be written to. The walk changes that product's state, so it is left out unless asked for.
Idempotent."""

import datetime
import io
import zoneinfo

import docx
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from apps.accounts.services import DEMO_APPOINTMENTS_START, DEMO_SOURCE, demo_person_fill
from apps.agencies.models import Agency, DelegateAppointment
from apps.deliverables.models import Deliverable
from apps.deliverables.services import deliverable_transition
from apps.documents.models import Revision
from apps.documents.services import revision_upload
from apps.meetings.agenda import agenda_build
from apps.meetings.services import meeting_schedule
from apps.plenary.models import PlenaryMeeting
from apps.plenary.services import consensus_round_open
from apps.reports.models import ReportDraft

# (title, co-chair's demo account, walk the product to a round on its latest revision?)
SAMPLES = [
    ("Lunar Surface Systems (LSS) Gap Report", "cochair-twg", True),
    ("Science Coordination and Collaboration Plan (SCCP)", "cochair-swg", False),
]
WALK_REASON = "Demo walk-through on sample texts (not the state of the ISECG record)"
# (username, name, agency, role): with the demo accounts' NASA and ESA heads, five agencies
# reachable.
DEMO_DELEGATES = [
    ("head-jaxa", "Jun Head", "JAXA", DelegateAppointment.Role.HEAD),
    ("head-csa", "Claire Head", "CSA", DelegateAppointment.Role.HEAD),
    ("alternate-nasa", "Alex Alternate", "NASA", DelegateAppointment.Role.ALTERNATE),
    ("alternate-asi", "Giulia Alternate", "ASI", DelegateAppointment.Role.ALTERNATE),
]
SAMPLE_MEETING_TITLE = "Sample plenary (demo)"
SAMPLE_ZONE = "Europe/Paris"


@transaction.atomic
def demo_delegations_ensure() -> list[tuple[str, str, str, str]]:
    """Demo heads of delegation and alternates with addresses, the demo accounts' included:
    (username, agency, role, address)."""
    users = get_user_model().objects
    made = []
    for username, name, acronym, role in DEMO_DELEGATES:
        agency = Agency.objects.filter(acronym=acronym).first()
        if agency is None:
            continue
        user, created = users.get_or_create(username=username, defaults={"is_active": True})
        if created:
            user.set_unusable_password()  # they only receive mail: nobody signs in as them
        if demo_person_fill(user, name=name) or created:
            user.save()
        DelegateAppointment.objects.get_or_create(
            person=user,
            agency=agency,
            defaults={"starts_on": DEMO_APPOINTMENTS_START, "source": DEMO_SOURCE, "role": role},
        )
    appointments = DelegateAppointment.objects.filter(source=DEMO_SOURCE).select_related(
        "person", "agency"
    )
    for appointment in appointments.order_by("agency__acronym", "role"):
        person = appointment.person
        made.append(
            (
                person.username,
                appointment.agency.acronym,
                appointment.get_role_display(),
                person.email,
            )
        )
    return made


def demo_report_draft_of(year: int) -> ReportDraft | None:
    """The year's annual report draft the demo already has, queued, running or done (a failed
    one does not count: the next run drafts again), or None."""
    return (
        ReportDraft.objects.filter(year=year)
        .exclude(state=ReportDraft.State.FAILED)
        .order_by("-version")
        .first()
    )


def demo_plenary_ensure(*, now: datetime.datetime | None = None) -> PlenaryMeeting | None:
    """The next plenary, a sample meeting three weeks ahead, 09:00-17:00 in Paris; made once
    (a later run finds the upcoming one)."""
    now = now or timezone.now()
    upcoming = PlenaryMeeting.objects.filter(is_sample=True, starts_on__gte=now.date()).first()
    if upcoming is not None:
        return upcoming
    secretariat = get_user_model().objects.filter(username="secretariat").first()
    if secretariat is None:
        return None
    day = (now + datetime.timedelta(days=21)).date()
    zone = zoneinfo.ZoneInfo(SAMPLE_ZONE)
    return meeting_schedule(
        actor=secretariat,
        title=SAMPLE_MEETING_TITLE,
        kind=PlenaryMeeting.Kind.PLENARY,
        starts_at=datetime.datetime.combine(day, datetime.time(9), tzinfo=zone),
        ends_at=datetime.datetime.combine(day, datetime.time(17), tzinfo=zone),
        time_zone=SAMPLE_ZONE,
        place="Paris, France (sample)",
        host_agency=Agency.objects.filter(acronym="ESA").first(),
        chair=secretariat,
        is_sample=True,
    )


def demo_agenda_build(meeting: PlenaryMeeting) -> int:
    secretariat = get_user_model().objects.get(username="secretariat")
    return len(agenda_build(meeting=meeting, actor=secretariat))


def _sample_docx(title: str, *, edited: bool) -> bytes:
    document = docx.Document()
    document.add_heading(title, level=1)
    document.add_paragraph(
        "Sample text generated for the demo of the tracker. It is not an ISECG text."
    )
    document.add_heading("1. Purpose", level=2)
    document.add_paragraph(
        "This report identifies the gaps between the capabilities agencies plan and those "
        "that sustained exploration needs."
    )
    document.add_heading("2. Findings", level=2)
    document.add_paragraph(
        "Surface power and dust mitigation remain the largest gaps"
        + (", followed by communications beyond line of sight." if edited else ".")
    )
    if edited:
        document.add_paragraph("A table of agency plans per gap is added in annex A.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def demo_revisions_ensure(
    *, sample_round: bool = False, meeting: PlenaryMeeting | None = None
) -> list[Revision]:
    """The sample revisions (made once; later runs find them and add nothing); the walked
    product's round is to be decided at `meeting`."""
    users = get_user_model().objects
    made: list[Revision] = []
    for title, cochair_name, walk in SAMPLES:
        deliverable = Deliverable.objects.filter(title=title).first()
        cochair = users.filter(username=cochair_name).first()
        if deliverable is None or cochair is None:
            continue
        if Revision.objects.filter(deliverable=deliverable, is_sample=True).exists():
            continue
        for number, edited in enumerate((False, True)):
            made.append(
                revision_upload(
                    deliverable=deliverable,
                    actor=cochair,
                    file=SimpleUploadedFile(
                        f"{title[:40]} sample {number:02d}.docx",
                        _sample_docx(title, edited=edited),
                    ),
                    note="Sample first draft"
                    if not edited
                    else "Sample: findings extended, annex A added",
                    is_sample=True,
                )
            )
        if walk and sample_round and deliverable.state == "drafting":
            for target in ("wg_review", "submitted"):
                deliverable = deliverable_transition(
                    deliverable=deliverable, actor=cochair, to=target, reason=WALK_REASON
                )
            consensus_round_open(
                unreachable_acknowledged=True,
                deliverable=deliverable,
                actor=users.get(username="secretariat"),
                channel="plenary" if meeting else "written_procedure",
                meeting=meeting,
                deadline=meeting.starts_on + datetime.timedelta(days=7) if meeting else None,
                reason=WALK_REASON,
            )
    return made
