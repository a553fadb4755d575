"""Every agency really told, on the pages: the open-round form names the agencies nobody can
write to and opens only once each is ticked; the round page's "Who was told" shows each
agency's notices and what became of them, whose silence counts, and lets the secretariat record
another channel. The page's queries do not grow with the number of agencies."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.agencies.models import Agency
from apps.core.models import OutboxMail
from apps.deliverables.models import Deliverable
from apps.plenary.models import AgencyNotice, ConsensusRound
from apps.plenary.notices import other_channel_record
from apps.plenary.services import consensus_round_open
from tests import factories
from tests.security.test_routes import history_rows

pytestmark = pytest.mark.django_db

JOINED = datetime.date(2007, 5, 1)
BOUNCE = "SMTPRecipientsRefused: 550 5.1.1 no such user (x@y)"


def page_of(client, user, url, status=200) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, response.content[:800]
    return html.unescape(response.content.decode())


def section(page: str, start: str, end: str) -> str:
    begin = page.index(start)
    return page[begin : page.index(end, begin)]


def unreachable(*acronyms: str) -> list[Agency]:
    """Member agencies with no delegation the tracker can write to."""
    countries = {"CSA": "Canada", "CNES": "France", "UKSA": "United Kingdom"}
    return [
        factories.AgencyFactory(acronym=a, country=countries.get(a, a), joined_on=JOINED)
        for a in acronyms
    ]


def open_round(cast, deliverable=None, **fields) -> ConsensusRound:
    return consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=deliverable or cast.deliverable("submitted"),
        actor=cast.secretariat,
        channel="written_procedure",
        **fields,
    )


def notice_mail(round, agency) -> OutboxMail:
    notice = round.notices.get(agency=agency, kind=AgencyNotice.Kind.OPENED)
    return OutboxMail.objects.get(pk=notice.mail_id)


def delivered(round, agency) -> None:
    OutboxMail.objects.filter(pk=notice_mail(round, agency).pk).update(
        state=OutboxMail.State.SENT, sent_at=timezone.now(), attempts=1
    )


def bounced(round, agency) -> None:
    OutboxMail.objects.filter(pk=notice_mail(round, agency).pk).update(
        state=OutboxMail.State.FAILED, failed_at=timezone.now(), attempts=1, last_error=BOUNCE
    )


# --- 1. before opening: the agencies nobody can write to ---------------------------------------


class TestOpeningAcknowledgesTheUnreachable:
    def test_the_form_names_them_with_one_box_each(self, client, cast):
        unreachable("CSA", "CNES")
        deliverable = cast.deliverable("submitted")
        page = page_of(client, cast.secretariat, deliverable.get_absolute_url())
        warning = section(page, 'id="unreachable-why"', "</p>")
        assert "2 agencies cannot be told by the tracker: CNES, CSA." in warning
        assert (
            "Their silence will not count as no objection unless you record how they were told."
            in warning
        )
        boxes = re.findall(r'type="checkbox" name="acknowledge_unreachable" value="(\w+)"', page)
        assert boxes == ["CNES", "CSA"]

    def test_no_warning_when_every_agency_can_be_told(self, client, cast):
        page = page_of(client, cast.secretariat, cast.deliverable("submitted").get_absolute_url())
        assert "cannot be told by the tracker" not in page and "acknowledge_unreachable" not in page

    def test_one_box_missing_is_refused_with_what_was_typed_kept(self, client, cast):
        unreachable("CSA", "CNES")
        deliverable = cast.deliverable("submitted")
        client.force_login(cast.secretariat)
        before = history_rows()
        deadline = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
        response = client.post(
            reverse("web:round-open", args=[deliverable.pk]),
            {"channel": "plenary", "deadline": deadline, "acknowledge_unreachable": ["CSA"]},
        )
        assert response.status_code == 400
        page = html.unescape(response.content.decode())
        assert "1 eligible agencies have no head of delegation or alternate" in page
        assert "Acknowledge CNES." in page
        # What was typed is kept: the channel, the deadline, the box ticked.
        assert '<option value="plenary" selected>' in page
        assert f'value="{deadline}"' in page
        assert re.search(r'value="CSA"[^>]*checked', page)
        assert not re.search(r'value="CNES"[^>]*checked', page)
        # Nothing opened, nobody told.
        assert not ConsensusRound.objects.exists() and not AgencyNotice.objects.exists()
        assert Deliverable.objects.get(pk=deliverable.pk).state == "submitted"
        assert history_rows() == before

    def test_every_box_ticked_opens_it_and_the_history_says_so(self, client, cast):
        unreachable("CSA", "CNES")
        deliverable = cast.deliverable("submitted")
        client.force_login(cast.secretariat)
        response = client.post(
            reverse("web:round-open", args=[deliverable.pk]),
            {"channel": "plenary", "acknowledge_unreachable": ["CNES", "CSA"]},
        )
        round = ConsensusRound.objects.get(deliverable=deliverable)
        assert response.status_code == 302 and response.url == round.get_absolute_url()
        assert round.eligible_agencies.count() == 5
        reason = round.history.earliest().history_change_reason
        assert "acknowledged as unreachable by the tracker: CNES, CSA" in reason
        # The page says what really happened, never "the delegates have been told".
        said = client.get(response.url).content.decode()
        assert "A mail is on its way to 3 of 5 eligible agencies; 2 have nobody" in said

    def test_a_forged_acronym_acknowledges_nothing(self, client, cast):
        unreachable("CSA")
        deliverable = cast.deliverable("submitted")
        client.force_login(cast.secretariat)
        response = client.post(
            reverse("web:round-open", args=[deliverable.pk]),
            {"channel": "plenary", "acknowledge_unreachable": ["ESA", "csa", "CSA\x00"]},
        )
        assert response.status_code == 400
        assert not ConsensusRound.objects.exists()

    def test_nobody_but_the_secretariat_may_open_ticked_or_not(self, client, cast):
        unreachable("CSA")
        deliverable = cast.deliverable("submitted")
        for user in (cast.cochair_twg, cast.delegates["NASA"], cast.reader):
            page = page_of(client, user, deliverable.get_absolute_url())
            assert "acknowledge_unreachable" not in page
            response = client.post(
                reverse("web:round-open", args=[deliverable.pk]),
                {"channel": "plenary", "acknowledge_unreachable": ["CSA"]},
            )
            assert response.status_code == 403
        assert not ConsensusRound.objects.exists()


# --- 2. after opening: who was told ------------------------------------------------------------


@pytest.fixture
def told_round(cast):
    """CSA cannot be told; NASA's mail bounced; ESA's was delivered; JAXA's waits."""
    [csa] = unreachable("CSA")
    round = open_round(cast)
    delivered(round, cast.agencies["ESA"])
    bounced(round, cast.agencies["NASA"])
    return round, csa


class TestWhoWasTold:
    def test_each_agency_with_its_notices_and_whose_silence_counts(self, client, cast, told_round):
        round, csa = told_round
        page = page_of(client, cast.secretariat, round.get_absolute_url())
        told = section(page, '<h2 id="told">', "</section>")
        assert (
            "Silence will count as no objection for: ESA; will not count (never told) for: "
            "CSA, JAXA, NASA." in told
        )
        assert "1 agency is unreachable" in told
        rows = {
            acronym: section(told, f'<tr id="told-{agency.pk}">', "</tr>")
            for acronym, agency in {**cast.agencies, "CSA": csa}.items()
        }
        assert "unreachable" in rows["CSA"] and "no address" in rows["CSA"]
        assert "never told" in rows["CSA"]
        assert "Round opened" in rows["NASA"] and "bounced" in rows["NASA"]
        assert "never told" in rows["NASA"]
        assert "550 5.1.1 no such user" in rows["NASA"]  # the secretariat sees why
        assert "delivered" in rows["ESA"] and "never told" not in rows["ESA"]
        assert "waiting" in rows["JAXA"] and "not yet: a mail is waiting" in rows["JAXA"]
        assert "unreachable" not in rows["ESA"] + rows["JAXA"] + rows["NASA"]
        # The secretariat may record another channel for each agency not told, and only those.
        assert "Record another channel for CSA" in rows["CSA"]
        assert "Record another channel for NASA" in rows["NASA"]
        assert "Record another channel" not in rows["ESA"]

    def test_a_reader_sees_the_statuses_but_no_form_nor_mail_error(self, client, cast, told_round):
        round, _ = told_round
        page = page_of(client, cast.reader, round.get_absolute_url())
        told = section(page, '<h2 id="told">', "</section>")
        assert "bounced" in told and "never told" in told
        assert "no such user" not in told and "x@y" not in told
        assert "Record another channel" not in told

    def test_another_channel_is_shown_with_its_note(self, client, cast, told_round):
        round, csa = told_round
        other_channel_record(
            round=round, agency=csa, actor=cast.secretariat, note="Phoned the head, 3 May"
        )
        page = page_of(client, cast.reader, round.get_absolute_url())
        row = section(page, f'<tr id="told-{csa.pk}">', "</tr>")
        assert "told another way" in row and "Phoned the head, 3 May" in row
        assert "recorded by secretariat" in row and "never told" not in row
        assert "for: CSA, ESA; will not count (never told) for: JAXA, NASA." in page

    def test_a_closed_round_keeps_its_log_without_a_silence_line(self, client, cast, told_round):
        round, _ = told_round
        ConsensusRound.objects.filter(pk=round.pk).update(
            state="closed", outcome="consensus", closed_at=timezone.now()
        )
        page = page_of(client, cast.secretariat, round.get_absolute_url())
        told = section(page, '<h2 id="told">', "</section>")
        assert "bounced" in told and "Silence will count" not in told
        assert "Record another channel" not in told


class TestRecordAnotherChannel:
    def url(self, round):
        return reverse("web:round-other-channel", args=[round.pk])

    def test_the_secretariat_records_it_and_the_silence_then_counts(self, client, cast, told_round):
        round, csa = told_round
        client.force_login(cast.secretariat)
        response = client.post(self.url(round), {"agency": "CSA", "note": "Letter of 3 May"})
        assert response.status_code == 302 and response.url.endswith("#told")
        notice = AgencyNotice.objects.get(round=round, agency=csa, kind="other_channel")
        assert (notice.note, notice.recorded_by) == ("Letter of 3 May", cast.secretariat)
        assert notice.history.get().history_user == cast.secretariat
        page = page_of(client, cast.secretariat, round.get_absolute_url())
        assert "Recorded how CSA was told: its silence now counts as no objection." in page
        assert "Silence will count as no objection for: CSA, ESA;" in page

    @pytest.mark.parametrize(
        "note, says",
        [
            ("", "Say how and when the agency was told"),
            ("   ", "Say how and when the agency was told"),
            ("Phoned\x07 him", "holds control characters"),
            ("x" * 5001, "at most 5000 characters"),
        ],
    )
    def test_a_bad_note_is_refused_and_kept(self, client, cast, told_round, note, says):
        round, csa = told_round
        client.force_login(cast.secretariat)
        before = history_rows()
        response = client.post(self.url(round), {"agency": "CSA", "note": note})
        assert response.status_code == 400
        page = html.unescape(response.content.decode())
        assert says in page
        row = section(page, f'<tr id="told-{csa.pk}">', "</tr>")
        assert '<details class="move" open>' in row  # the form shown again, opened
        assert not AgencyNotice.objects.filter(kind="other_channel").exists()
        assert history_rows() == before

    @pytest.mark.parametrize("role", ["cochair", "delegate", "reader", "sam"])
    def test_a_forged_post_by_anyone_else_is_refused(self, client, cast, told_round, role):
        round, _ = told_round
        client.force_login(cast.by_role(role))
        before = history_rows()
        response = client.post(self.url(round), {"agency": "CSA", "note": "Told them myself"})
        assert response.status_code == 403
        assert not AgencyNotice.objects.filter(kind="other_channel").exists()
        assert history_rows() == before

    def test_an_agency_not_eligible_or_unknown_is_refused(self, client, cast, told_round):
        round, _ = told_round
        factories.AgencyFactory(acronym="LATE", joined_on=JOINED)  # after the round opened
        client.force_login(cast.secretariat)
        response = client.post(self.url(round), {"agency": "LATE", "note": "Phoned"})
        assert response.status_code == 400
        assert "LATE is not eligible in this round" in html.unescape(response.content.decode())
        response = client.post(self.url(round), {"agency": "NOPE", "note": "Phoned"}, follow=True)
        assert "no agency has that acronym" in response.content.decode()
        assert not AgencyNotice.objects.filter(kind="other_channel").exists()

    def test_refused_once_the_round_is_closed(self, client, cast, told_round):
        round, _ = told_round
        ConsensusRound.objects.filter(pk=round.pk).update(
            state="closed", outcome="consensus", closed_at=timezone.now()
        )
        client.force_login(cast.secretariat)
        response = client.post(self.url(round), {"agency": "CSA", "note": "Phoned"})
        assert response.status_code == 400
        assert "already closed" in html.unescape(response.content.decode())
        assert not AgencyNotice.objects.filter(kind="other_channel").exists()


# --- 3. the page's queries do not grow with the agencies ---------------------------------------


def more_agencies(count: int) -> list[Agency]:
    made = []
    for number in range(count):
        agency = factories.AgencyFactory(
            acronym=f"AG{number:02d}", country=f"Country {number:02d}", joined_on=JOINED
        )
        if number % 5:  # one in five cannot be told
            factories.DelegateAppointmentFactory(
                person=factories.UserFactory(username=f"head-{number}"),
                agency=agency,
                starts_on=datetime.date(2020, 1, 1),
            )
        made.append(agency)
    return made


def varied_notices(round, cast) -> None:
    """Every kind of notice and every status, on every agency of the round."""
    from apps.meetings.services import attendance_record

    agencies = list(round.eligible_agencies.order_by("pk"))
    for index, agency in enumerate(agencies):
        notice = round.notices.get(agency=agency)
        if notice.mail_id is None:
            if index % 2:
                other_channel_record(
                    round=round, agency=agency, actor=cast.secretariat, note="Phoned"
                )
        elif index % 3 == 0:
            delivered(round, agency)
        elif index % 3 == 1:
            bounced(round, agency)
    attendance_record(
        meeting=round.meeting,
        actor=cast.secretariat,
        rows={a: ("present" if i % 4 else "apologies", "") for i, a in enumerate(agencies)},
    )


def queries_of(client, url: str) -> int:
    client.get(url)  # the session and caches warmed
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_round_page_runs_as_many_queries_for_28_agencies_as_for_3(client, cast):
    few = open_round(cast, meeting=factories.PlenaryMeetingFactory())
    more_agencies(25)
    many = open_round(cast, meeting=factories.PlenaryMeetingFactory())
    assert (few.eligible_agencies.count(), many.eligible_agencies.count()) == (3, 28)
    for round in (few, many):
        varied_notices(round, cast)
    for user in (cast.secretariat, cast.delegates["NASA"], cast.reader):
        client.force_login(user)
        counts = [queries_of(client, round.get_absolute_url()) for round in (few, many)]
        assert counts[0] == counts[1], (user.username, counts)
    client.force_login(cast.secretariat)
    page = html.unescape(client.get(many.get_absolute_url()).content.decode())
    told = section(page, '<h2 id="told">', "</section>")
    assert told.count('<tr id="told-') == 28
    assert "bounced" in told and "delivered" in told and "told another way" in told
    assert "5 agencies are unreachable" in told
    assert page.count('name="rationale_') == 28
