"""The plenary at scale: building a meeting's agenda, and the meeting and round pages, at S=1
and S=100, side by side.

    .venv/bin/python bench/plenary.py [--rounds 5] [--requests 20] [--builds 5] [--fresh]

On each scale's database (bench/harness.py: the record, the demo accounts, S times the synthetic
forum) a sample meeting is scheduled a month ahead and a round opened on a submitted product to
be decided at it, with every member eligible (28 agencies and more) and one notice per agency.
1. Agenda build: `agenda_build` on a fresh meeting, --builds times per scale in one process
   each, against the same build at the other scale; medians and query counts.
2. The meeting page (its agenda and attendance of every agency) and the round page (positions,
   notices and the plenary outcome form), through one gunicorn per scale, requests interleaved.
Goal: S=100 within 1.5x of S=1. Writes its section into BENCHMARKS.md.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness as h

SMALL, LARGE = 1, 100
FLAT_GOAL = 1.5

SETUP = """
import datetime, json, zoneinfo
from django.contrib.auth.models import User
from django.utils import timezone
from apps.agencies.selectors import members_on
from apps.deliverables.models import Deliverable
from apps.meetings.services import attendance_record, meeting_schedule
from apps.plenary.models import ConsensusRound, PlenaryMeeting
from apps.plenary.services import consensus_round_open
secretariat = User.objects.get(username="secretariat")
meeting = PlenaryMeeting.objects.filter(title="Bench plenary").first()
if meeting is None:
    day = timezone.localdate() + datetime.timedelta(days=30)
    zone = zoneinfo.ZoneInfo("Europe/Paris")
    meeting = meeting_schedule(actor=secretariat, title="Bench plenary", kind="plenary",
        starts_at=datetime.datetime.combine(day, datetime.time(9), tzinfo=zone),
        ends_at=datetime.datetime.combine(day, datetime.time(17), tzinfo=zone),
        time_zone="Europe/Paris", place="Paris", is_sample=True)
    attendance_record(meeting=meeting, actor=secretariat,
        rows={agency: ("present", "head") for agency in members_on(timezone.localdate())})
round = ConsensusRound.objects.filter(meeting=meeting).first()
if round is None:
    product = Deliverable.objects.filter(state="submitted").order_by("pk").first()
    round = consensus_round_open(deliverable=product, actor=secretariat, channel="plenary",
        meeting=meeting, deadline=meeting.starts_on + datetime.timedelta(days=7),
        unreachable_acknowledged=True)
print(json.dumps({"meeting": meeting.pk, "round": round.pk,
                  "agencies": round.eligible_agencies.count()}))
"""

BUILD = """
import datetime, json, statistics, time, zoneinfo
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from apps.meetings.agenda import agenda_build
from apps.meetings.services import meeting_schedule
secretariat = User.objects.get(username="secretariat")
day = timezone.localdate() + datetime.timedelta(days=30)
zone = zoneinfo.ZoneInfo("Europe/Paris")
times, queries, items = [], 0, 0
for _ in range(BUILDS):
    with transaction.atomic():
        meeting = meeting_schedule(actor=secretariat, title="Bench build", kind="plenary",
            starts_at=datetime.datetime.combine(day, datetime.time(9), tzinfo=zone),
            ends_at=datetime.datetime.combine(day, datetime.time(17), tzinfo=zone),
            time_zone="Europe/Paris", is_sample=True)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            items = len(agenda_build(meeting=meeting, actor=secretariat))
            times.append(time.perf_counter() - started)
        queries = len(captured)
        transaction.set_rollback(True)  # every build starts from the same data
print(json.dumps({"median": statistics.median(times), "queries": queries, "items": items}))
"""


def shell(db: str, code: str) -> dict:
    out = h.manage(db, "shell", "-c", code)
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--builds", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="regenerate the databases")
    args = parser.parse_args()

    dbs = {scale: h.ensure_scale_database(scale, fresh=args.fresh) for scale in (SMALL, LARGE)}
    marks = {scale: shell(db, SETUP) for scale, db in dbs.items()}
    builds = {scale: [] for scale in dbs}
    for _ in range(args.rounds):
        for scale, db in dbs.items():
            builds[scale].append(shell(db, BUILD.replace("BUILDS", str(args.builds))))
    pages = [
        ("meeting page (agenda, attendance)", "secretariat", "/meetings/{meeting}/"),
        ("round page (positions, notices, outcome form)", "secretariat", "/rounds/{round}/"),
        ("round page, as a delegate", "delegate-nasa", "/rounds/{round}/"),
    ]
    samples = {label: {SMALL: [], LARGE: []} for label, _, _ in pages}
    with h.gunicorn(dbs[SMALL]) as small_url, h.gunicorn(dbs[LARGE]) as large_url:
        urls = {SMALL: small_url, LARGE: large_url}
        sessions = {
            (scale, role): h.signed_in(urls[scale], role)
            for scale in urls
            for role in ("secretariat", "delegate-nasa")
        }
        for _ in range(args.rounds):
            for label, role, path in pages:
                runs = {SMALL: [], LARGE: []}
                for _ in range(args.requests):
                    for scale in (SMALL, LARGE):
                        url = urls[scale] + path.format(**marks[scale])
                        runs[scale].append(h.timed_get(sessions[scale, role], url))
                for scale, values in runs.items():
                    samples[label][scale].append(values)

    rows, missed = [], []
    build_small = h.median([b["median"] for b in builds[SMALL]])
    build_large = h.median([b["median"] for b in builds[LARGE]])
    ratio = build_large / build_small
    per_item = (build_large / builds[LARGE][0]["items"]) / (build_small / builds[SMALL][0]["items"])
    rows.append(
        [
            "agenda build (`agenda_build`, a fresh meeting)",
            f"{build_small * 1000:.1f}",
            f"{build_large * 1000:.1f}",
            f"{ratio:.2f}",
            f"{builds[SMALL][0]['queries']} / {builds[LARGE][0]['queries']}",
            f"{builds[SMALL][0]['items']} / {builds[LARGE][0]['items']}",
        ]
    )
    each_small = build_small / builds[SMALL][0]["items"] * 1000
    each_large = build_large / builds[LARGE][0]["items"] * 1000
    rows.append(
        [
            "agenda build, per item built",
            f"{each_small:.2f}",
            f"{each_large:.2f}",
            f"{per_item:.2f}",
            "",
            "",
        ]
    )
    if ratio > FLAT_GOAL:
        missed.append(
            "agenda build (in total; S=100's agenda has more items, at most 20 of each kind)"
        )
    for label, slot in samples.items():
        small = h.median([h.percentile(run, 0.5) for run in slot[SMALL]])
        large = h.median([h.percentile(run, 0.5) for run in slot[LARGE]])
        flat = h.median(
            [
                h.percentile(a, 0.5) / h.percentile(b, 0.5)
                for a, b in zip(slot[LARGE], slot[SMALL], strict=True)
            ]
        )
        if flat > FLAT_GOAL:
            missed.append(label)
        rows.append([label, f"{small * 1000:.1f}", f"{large * 1000:.1f}", f"{flat:.2f}", "", ""])
    command = (
        f".venv/bin/python bench/plenary.py --rounds {args.rounds} --requests {args.requests} "
        f"--builds {args.builds}"
    )
    text = "\n\n".join(
        [
            "### The plenary at scale: agenda build, meeting and round pages",
            f"`{command}`: PostgreSQL, one gunicorn sync worker per scale, requests interleaved; "
            f"milliseconds, medians over {args.rounds} rounds. The round has "
            f"{marks[SMALL]['agencies']} eligible agencies at S=1 and "
            f"{marks[LARGE]['agencies']} at S=100, each with its notice. Goal: S=100 / S=1 ≤ "
            f"{FLAT_GOAL}.",
            h.table(
                [
                    "what",
                    "S=1 p50",
                    "S=100 p50",
                    "S=100 / S=1",
                    "queries S=1 / S=100",
                    "agenda items S=1 / S=100",
                ],
                rows,
            ),
            "Goals met." if not missed else f"Goals missed: {', '.join(missed)}.",
        ]
    )
    print(text)
    h.write_section("plenary", text)


if __name__ == "__main__":
    main()
