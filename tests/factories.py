import datetime

import factory
from django.contrib.auth.models import User
from django.utils import timezone

from apps.agencies.models import Agency, AgencyName, DelegateAppointment
from apps.deliverables.models import Activity, Deliverable
from apps.documents.models import Comment, Revision
from apps.groups.models import (
    AppointmentAccount,
    ChairAppointment,
    CoChairAppointment,
    MandateVersion,
    OutlookItem,
    StructuralChange,
    SubTeam,
    WorkingGroup,
)
from apps.plenary.models import ConsensusRound, Objection, PlenaryMeeting, Position
from apps.reports.models import ReportDraft, ReportHighlight, ReportListing, ReportNarrative


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    acronym = factory.Sequence(lambda n: f"AG{n}")
    name = factory.LazyAttribute(lambda a: f"Agency {a.acronym}")
    country = "Utopia"
    joined_on = datetime.date(2010, 1, 1)


class AgencyNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyName

    agency = factory.SubFactory(AgencyFactory)
    name = "Former Space Institute"
    acronym = "FSI"


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup
        skip_postgeneration_save = True  # its mandate is another row: the group is unchanged

    acronym = factory.Sequence(lambda n: f"WG{n}")
    name = factory.LazyAttribute(lambda g: f"Working Group {g.acronym}")
    # Its mandate: one first known version (mandate__text="..." for another; mandate=None: none).
    mandate = factory.RelatedFactory(
        "tests.factories.MandateVersionFactory", factory_related_name="group"
    )


class MandateVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MandateVersion

    group = factory.SubFactory(WorkingGroupFactory, mandate=None)
    text = "Coordinates what its name says."


class StructuralChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StructuralChange

    kind = StructuralChange.Kind.ABSORPTION
    effective_on = datetime.date(2025, 1, 1)
    summary = "One group absorbed another."


class SubTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubTeam

    group = factory.SubFactory(WorkingGroupFactory)
    name = factory.Sequence(lambda n: f"Action team {n}")
    kind = SubTeam.Kind.ACTION_TEAM


class CoChairAppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoChairAppointment

    person = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    group = factory.SubFactory(WorkingGroupFactory)
    starts_on = datetime.date(2024, 1, 1)


class DelegateAppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DelegateAppointment

    person = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    starts_on = datetime.date(2024, 1, 1)


class ChairAppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChairAppointment

    agency = factory.SubFactory(AgencyFactory)
    starts_on = datetime.date(2024, 1, 1)


class AppointmentAccountFactory(factory.django.DjangoModelFactory):
    """One source's account of an appointment's start; chair=, cochair= or delegate= names it."""

    class Meta:
        model = AppointmentAccount

    chair = factory.SubFactory(ChairAppointmentFactory)
    edge = AppointmentAccount.Edge.START
    date = datetime.date(2024, 1, 1)
    precision = "year"
    words = "As the year concluded, the chair passed on."
    source = "ISECG 2024 Annual Report (May 2025), Executive Summary"


class DeliverableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deliverable

    title = factory.Sequence(lambda n: f"Gap report {n}")
    kind = Deliverable.Kind.TECHNICAL_REPORT
    lead_group = factory.SubFactory(WorkingGroupFactory)


class OutlookItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutlookItem

    year = 2026
    group = factory.SubFactory(WorkingGroupFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = "In 2026 the group will finish its report."


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    kind = Activity.Kind.WEBNEWS
    title = factory.Sequence(lambda n: f"News item {n}")
    occurred_on = datetime.date(2025, 5, 1)


class PlenaryMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlenaryMeeting

    title = factory.Sequence(lambda n: f"Plenary {n}")
    kind = PlenaryMeeting.Kind.PLENARY
    starts_on = datetime.date(2025, 6, 1)


class ConsensusRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsensusRound

    deliverable = factory.SubFactory(DeliverableFactory, state="in_consensus")
    channel = ConsensusRound.Channel.WRITTEN_PROCEDURE
    opened_on = datetime.date(2026, 3, 2)
    opened_at = factory.LazyFunction(timezone.now)
    opened_by = factory.SubFactory(UserFactory)
    deadline = datetime.date(2026, 3, 16)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    round = factory.SubFactory(ConsensusRoundFactory)
    agency = factory.SubFactory(AgencyFactory)
    position = Position.Kind.CONCUR
    recorded_by = factory.SubFactory(UserFactory)
    recorded_at = factory.LazyFunction(timezone.now)


class RevisionFactory(factory.django.DjangoModelFactory):
    """A revision row with a small PDF stored (the services' checks are tested on their own)."""

    class Meta:
        model = Revision

    deliverable = factory.SubFactory(DeliverableFactory)
    number = factory.Sequence(lambda n: n)
    file = factory.django.FileField(filename="revision.pdf", data=b"%PDF-1.4\n%%EOF\n")
    original_name = "revision.pdf"
    content_type = "application/pdf"
    size = 15
    sha256 = factory.Faker("sha256")
    note = "A revision."
    uploaded_by = factory.SubFactory(UserFactory)
    uploaded_at = factory.LazyFunction(timezone.now)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    revision = factory.SubFactory(RevisionFactory)
    author = factory.SubFactory(UserFactory)
    body = "Section 3 needs the 2025 figures."
    deliverable_state = "wg_review"
    created_at = factory.LazyFunction(timezone.now)


class ObjectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objection

    position = factory.SubFactory(PositionFactory, position=Position.Kind.OBJECT, rationale="No.")
    round = factory.SelfAttribute("position.round")
    agency = factory.SelfAttribute("position.agency")
    rationale = "No."


class ReportDraftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportDraft

    year = 2025
    version = factory.Sequence(lambda n: n + 1)


def _small_docx(year: int) -> bytes:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph(f"ISECG {year} Annual Report")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def done_report_draft(*, requested_by, year: int = 2025, version: int = 1) -> ReportDraft:
    """A finished draft whose DOCX, HTML preview and PDF are in the storage."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    return ReportDraft.objects.create(
        year=year,
        version=version,
        requested_by=requested_by,
        state="done",
        percent=100,
        checksum="0" * 64,
        docx=default_storage.save(f"reports/{year}/draft.docx", ContentFile(_small_docx(year))),
        html=default_storage.save(
            f"reports/{year}/draft.html", ContentFile(f"<h1>{year}</h1>".encode())
        ),
        pdf=default_storage.save(
            f"reports/{year}/draft.pdf", ContentFile(b"%PDF-1.7\n%draft\n%%EOF\n")
        ),
    )


class ReportNarrativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportNarrative

    year = factory.Sequence(lambda n: 2030 + n)
    executive_summary = "In this year, ISECG published its roadmap."


class ReportHighlightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportHighlight

    year = 2024
    position = factory.Sequence(lambda n: n + 1)
    heading = factory.Sequence(lambda n: f"Highlight {n}")
    text = "What the year brought."


class ReportListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportListing

    year = 2024
    section = ReportListing.Section.WORKING_GROUPS
    position = factory.Sequence(lambda n: n + 1)
    group = factory.SubFactory(WorkingGroupFactory)
