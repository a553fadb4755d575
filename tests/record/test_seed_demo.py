import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command

from apps.agencies.models import Agency, DelegateAppointment
from apps.deliverables.models import Deliverable
from apps.groups.models import CoChairAppointment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


ACCOUNTS = ["secretariat", "cochair-twg", "cochair-swg", "delegate-nasa", "delegate-esa", "sam",
            "reader"]  # fmt: skip
# Demo delegations with addresses, who cannot sign in (no password): they only receive mail.
DELEGATIONS = ["head-jaxa", "head-csa", "alternate-nasa", "alternate-asi"]


def test_seed_demo_loads_the_record_and_one_account_per_role(capsys, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "correct horse battery")
    call_command("seed_demo")
    out = capsys.readouterr().out

    assert Agency.objects.count() == 28
    assert set(User.objects.values_list("username", flat=True)) == set(ACCOUNTS + DELEGATIONS)
    for username in ACCOUNTS:
        assert username in out
        assert authenticate(username=username, password="correct horse battery")
    for username in DELEGATIONS:
        assert f"{username}@demo.example.org" in out  # printed, as the mails to it will be
        assert not authenticate(username=username, password="correct horse battery")
    assert "correct horse battery" not in out  # the operator's own password is not echoed
    twg = CoChairAppointment.objects.get(person__username="cochair-twg")
    assert twg.group.acronym == "TWG"
    nasa = DelegateAppointment.objects.get(person__username="delegate-nasa")
    assert nasa.agency.acronym == "NASA"
    assert User.objects.get(username="secretariat").groups.filter(name="Secretariat").exists()
    assert User.objects.get(username="sam").groups.filter(name="Senior agency managers").exists()
    assert not User.objects.get(username="reader").is_staff


def test_seed_demo_shows_sample_revisions_a_diff_and_a_round_on_a_revision(
    capsys, django_capture_on_commit_callbacks
):
    from apps.documents.diff import paragraph_diff
    from apps.documents.models import Revision
    from apps.plenary.models import ConsensusRound

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--sample-round")
    assert "Sample revisions (generated texts) on:" in capsys.readouterr().out
    lss = Deliverable.objects.get(title="Lunar Surface Systems (LSS) Gap Report")
    zero, one = Revision.objects.filter(deliverable=lss).order_by("number")
    assert (zero.is_sample, one.is_sample, zero.text_state, one.text_state) == (
        True, True, "done", "done",
    )  # fmt: skip
    assert "not an ISECG text" in zero.text
    changed = [op for op in paragraph_diff(zero.text.split("\n\n"), one.text.split("\n\n"))
               if op["op"] != "equal"]  # fmt: skip
    assert changed  # a visible change between the two
    round = ConsensusRound.objects.get(deliverable=lss, state="open")
    assert (round.revision, round.revision_sha256) == (one, one.sha256)
    assert "not the state of the ISECG record" in lss.history.first().history_change_reason
    sccp = Deliverable.objects.get(title__startswith="Science Coordination and Collaboration")
    assert Revision.objects.filter(deliverable=sccp, is_sample=True).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--sample-round")
    assert (
        Revision.objects.count() == 4
        and ConsensusRound.objects.filter(deliverable__isnull=False).count() == 1
    )


def test_seed_demo_twice_changes_nothing_and_keeps_edits(capsys, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo")
    ger = Deliverable.objects.get(
        title__startswith="Global Exploration Roadmap", edition__icontains="IV"
    )
    ger.status_note = "Survey of readers under way"
    ger.save()
    counts = (Agency.objects.count(), Deliverable.objects.count(), User.objects.count(),
              CoChairAppointment.objects.count(), Deliverable.history.count())  # fmt: skip

    call_command("seed_demo")
    out = capsys.readouterr().out

    assert "already loaded" in out
    assert "isecg-demo" in out
    assert authenticate(username="reader", password="isecg-demo")
    ger.refresh_from_db()
    assert ger.status_note == "Survey of readers under way"
    assert counts == (Agency.objects.count(), Deliverable.objects.count(), User.objects.count(),
                      CoChairAppointment.objects.count(), Deliverable.history.count())  # fmt: skip


def test_without_the_sample_round_the_records_states_are_kept(capsys):
    from apps.documents.models import Revision

    call_command("seed_demo")
    lss = Deliverable.objects.get(title="Lunar Surface Systems (LSS) Gap Report")
    assert lss.state == "drafting"  # as the record has it
    assert Revision.objects.filter(deliverable=lss, is_sample=True).count() == 2


def test_seed_demo_makes_the_next_plenary_with_its_agenda_and_unreachable_agencies(
    capsys, django_capture_on_commit_callbacks
):
    from apps.meetings.models import AgendaItem
    from apps.plenary.models import ConsensusRound, PlenaryMeeting
    from apps.plenary.notices import notice_log, unreachable_agencies

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--sample-round")
    out = capsys.readouterr().out
    meeting = PlenaryMeeting.objects.get(is_sample=True)
    assert meeting.title == "Sample plenary (demo)" and meeting.time_zone == "Europe/Paris"
    assert f"/meetings/{meeting.pk}/" in out
    round = ConsensusRound.objects.get(state="open")
    assert round.meeting == meeting and round.deadline > meeting.starts_on
    items = AgendaItem.objects.filter(meeting=meeting)
    assert items.filter(kind="round_decision", round=round).exists()
    assert items.filter(kind="overdue").exists()  # the record has overdue products
    eligible = set(round.eligible_agencies.values_list("pk", flat=True))
    unreachable = {agency.acronym for agency in unreachable_agencies(eligible)}
    assert {"NASA", "ESA", "JAXA", "CSA", "ASI"}.isdisjoint(unreachable)
    assert len(unreachable) == len(eligible) - 5
    log = notice_log(round)
    nasa = Agency.objects.get(acronym="NASA")
    assert [state.status for state in log[nasa.pk]] == ["delivered"]
    assert "acknowledged as unreachable" in round.history.earliest().history_change_reason
    call_command("seed_demo", "--sample-round")
    assert PlenaryMeeting.objects.filter(is_sample=True).count() == 1
    assert AgendaItem.objects.filter(meeting=meeting).count() == items.count()
