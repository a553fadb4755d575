"""Revisions through the real code at 200 pages, and the round and comments pages when full.

    .venv/bin/python bench/revisions_pages.py [--runs 3] [--requests 5] [--paragraphs 10000]

1. A 200-page DOCX and PDF (bench/revision_text.py's documents) uploaded through the service
   `revision_upload` and through the web upload URL (Django's test Client, multipart), against
   copying the file's bytes once into the storage; then `revision_text_run` on them, against
   reading the file's XML (DOCX) or text (pypdf, PDF) once; then the diff page between two such
   revisions with 2% of the paragraphs changed. Each step in a fresh process, --runs times,
   medians; peak memory is the process's VmHWM. Goals: extraction and diff within 3x of their
   floor, peak under 200 MB.
2. The round page with 28 eligible agencies, 50 comments on its revision and positions from
   all 28 (the last one closes the round) or from 27 (still open), against the same page with
   no comments and no positions; and the revision's comments page with 50 comments against
   none. --requests requests per page per run, interleaved, --runs runs; medians and query
   counts. Goal: the full page within 1.5x of the empty one.

Everything runs on a database of its own, `h_bench` (recreated each run: migrate, the ISECG
record, the demo accounts), with files in a temporary MEDIA_ROOT. Writes its section into
BENCHMARKS.md.
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness as h
from bench import revision_text as documents

DB = "h_bench"
RATIO_GOAL, MEMORY_GOAL_MB, PAGE_GOAL = 3.0, 200, 1.5
COMMENTS = 50
OBJECTION = "Section 3 overstates the readiness of the lander."
MEDIA_ROOT = ""  # set by main(): a temporary folder, handed to every step
ROUND_TEXT_PARAGRAPHS = 60  # the rounds' own revision: a short text, the page is the question


# --- in the child processes ---


def high_water_mb() -> float:
    """Peak RSS of this process (VmHWM; ru_maxrss is inherited through fork and exec)."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def django_ready() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isecg_tracker.settings")
    django.setup()
    # Extraction is the task's step, measured on its own: an upload stops at its commit (with
    # REDIS_URL unset, Celery would otherwise run the task inside the upload, eagerly).
    from apps.documents import services

    services._text_requested = lambda revision_id: None


def user(username: str):
    from django.contrib.auth.models import User

    return User.objects.get(username=username)


def upload(deliverable, path: Path, *, note: str):
    from django.core.files import File

    from apps.documents.services import revision_upload

    with path.open("rb") as handle:
        return revision_upload(
            deliverable=deliverable,
            actor=user("secretariat"),
            file=File(handle, name=path.name),
            note=note,
        )


def new_deliverable(title: str, state: str):
    from apps.deliverables.models import Deliverable
    from apps.deliverables.services import deliverable_create
    from apps.groups.models import WorkingGroup

    created = deliverable_create(
        actor=user("secretariat"),
        title=title,
        kind=Deliverable.Kind.values[0],
        lead_group=WorkingGroup.objects.get(acronym="TWG", status="active"),
    )
    # Benchmark data: the state is set, not walked to (the pages read it, not its history).
    Deliverable.objects.filter(pk=created.pk).update(state=state)
    created.refresh_from_db()
    return created


def setup(folder: Path) -> dict:
    """The deliverables, revisions, rounds, comments and positions the steps read."""
    from apps.accounts.services import demo_accounts_ensure
    from apps.agencies.models import Agency
    from apps.documents.comments import comment_post
    from apps.documents.extraction import revision_text_run
    from apps.documents.models import text_paragraphs
    from apps.plenary.models import ConsensusRound, Position
    from apps.plenary.services import consensus_round_open, position_record

    demo_accounts_ensure(password=h.PASSWORD)
    marks = {"upload": new_deliverable("Bench: upload target", "drafting").pk}
    for kind in ("docx", "pdf"):
        target = new_deliverable(f"Bench: diff of two {kind.upper()} revisions", "drafting")
        first = upload(target, folder / f"v1.{kind}", note="First text.")
        upload(target, folder / f"v2.{kind}", note="2% of the paragraphs changed.")
        for revision in target.revisions.all():
            revision_text_run(revision_id=revision.pk)
        marks[f"diff_{kind}"] = target.pk
        marks[f"revision_{kind}"] = first.pk

    secretariat = user("secretariat")
    speakers = {"NASA": user("delegate-nasa"), "ESA": user("delegate-esa")}
    commenters = [secretariat, user("cochair-twg"), *speakers.values(), user("cochair-swg")]
    marks["rounds"] = {}
    for variant, answering in (("empty", 0), ("open", 27), ("closed", 28)):
        target = new_deliverable(f"Bench: round page, {variant}", "submitted")
        revision = upload(target, folder / "round.docx", note="The text put to the agencies.")
        revision = revision_text_run(revision_id=revision.pk)
        round = consensus_round_open(
            unreachable_acknowledged=True, deliverable=target, actor=secretariat, channel="plenary"
        )
        if answering:
            quotes = text_paragraphs(revision.text)[1:]
            posted = []
            for n in range(COMMENTS):
                # One in five a reply to an earlier comment; one in three quotes a passage.
                posted.append(
                    comment_post(
                        revision=revision,
                        actor=commenters[n % len(commenters)],
                        body=f"Comment {n + 1}: the figure in this section needs a source. " * 3,
                        quote=quotes[n % len(quotes)][:200] if n % 3 == 0 else "",
                        parent=posted[n - 3] if n % 5 == 4 else None,
                    )
                )
            agencies = list(round.eligible_agencies.order_by("acronym"))
            kinds = [Position.Kind.CONCUR, Position.Kind.NO_OBJECTION, Position.Kind.ABSTAIN]
            for n, agency in enumerate(agencies[:answering]):
                objects = n == 5  # one objection, with its rationale: the page shows it
                position_record(
                    round=round,
                    actor=speakers.get(agency.acronym, secretariat),
                    agency=agency,
                    position=Position.Kind.OBJECT if objects else kinds[n % len(kinds)],
                    rationale=OBJECTION if objects else "",
                )
        round.refresh_from_db()
        marks["rounds"][variant] = {
            "round": round.pk,
            "deliverable": target.pk,
            "number": revision.number,
            "eligible": round.eligible_agencies.count(),
            "positions": round.positions.count(),
            "comments": revision.comments.count(),
            "state": round.state,
            "open": round.state == ConsensusRound.State.OPEN,
        }
    marks["agencies"] = Agency.objects.count()
    return marks


def measured(work) -> dict:
    """Run `work()` once; its wall time, this process's peak and the peak's growth in it."""
    before = high_water_mb()
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    peak = high_water_mb()
    return {"seconds": seconds, "peak_mb": peak, "growth_mb": peak - before, "result": result}


def signed_in_client(username: str):
    from django.test import Client

    client = Client()
    client.force_login(user(username))
    return client


def step(name: str, args: list[str]) -> dict:
    """One measured step; everything before `measured` is set-up, untimed."""
    if name == "docx-xml":
        from lxml import etree

        def work():
            with zipfile.ZipFile(args[0]) as package:
                xml = package.read("word/document.xml")
            return len(etree.fromstring(xml, etree.XMLParser(resolve_entities=False)))

        return measured(work)
    if name == "pdf-text":
        from pypdf import PdfReader

        def work():
            reader = PdfReader(io.BytesIO(Path(args[0]).read_bytes()))
            return sum(len(page.extract_text()) for page in reader.pages)

        return measured(work)

    django_ready()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.deliverables.models import Deliverable
    from apps.documents.models import Revision

    if name == "setup":
        return setup(Path(args[0]))
    if name == "copy":
        from django.core.files import File
        from django.core.files.storage import default_storage

        path = Path(args[0])

        def work():
            with path.open("rb") as handle:
                return default_storage.save(f"bench-copy/{path.name}", File(handle))

        return measured(work)
    if name == "upload-service":
        deliverable = Deliverable.objects.get(pk=int(args[0]))
        path = Path(args[1])
        return measured(lambda: upload(deliverable, path, note="Benchmark upload.").size)
    if name == "upload-web":
        from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

        pk, path = int(args[0]), Path(args[1])
        client = signed_in_client("secretariat")
        client.get(f"/deliverables/{pk}/")  # warm: templates, URLconf, session
        with path.open("rb") as handle:
            body = encode_multipart(BOUNDARY, {"file": handle, "note": "Benchmark upload."})

        def work():
            response = client.generic(
                "POST", f"/deliverables/{pk}/revisions/", body, content_type=MULTIPART_CONTENT
            )
            if response.status_code != 302:
                raise SystemExit(f"upload answered {response.status_code}")
            return Revision.objects.filter(deliverable=pk).count()

        return measured(work)
    if name == "extract":
        from apps.documents.extraction import revision_text_run

        revision_id = int(args[0])
        Revision.objects.filter(pk=revision_id).update(
            text_state=Revision.TextState.PENDING, text=""
        )
        outcome = measured(lambda: revision_text_run(revision_id=revision_id).text_state)
        if outcome["result"] != Revision.TextState.DONE:
            raise SystemExit(f"extraction ended {outcome['result']}")
        return outcome
    if name == "text-write":
        return text_write(int(args[0]), with_index=args[1] == "with")
    if name == "diff-page":
        pk = int(args[0])
        client = signed_in_client("reader")
        client.get(f"/deliverables/{pk}/revisions/diff/?from=0&to=0")  # warm, no diff
        queries = CaptureQueriesContext(connection)

        def work():
            with queries:
                response = client.get(f"/deliverables/{pk}/revisions/diff/?from=0&to=1")
            if response.status_code != 200 or b"<del" not in response.content:
                raise SystemExit(f"diff page answered {response.status_code} without a diff")
            return len(response.content)

        outcome = measured(work)
        outcome["queries"] = len(queries)
        return outcome
    if name == "pages":
        return pages_measured(json.loads(args[0]), requests=int(args[1]))
    raise SystemExit(f"unknown step {name}")


def text_write(revision_id: int, *, with_index: bool) -> dict:
    """The extraction's last write alone (the text saved again), with the trigram index on the
    text or without it (dropped inside a transaction that is rolled back)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if not with_index:
            cursor.execute("DROP INDEX revision_text_trgm")
        sql = "UPDATE documents_revision SET text = text || '' WHERE id = %s"
        outcome = measured(lambda: cursor.execute(sql, [revision_id]))
        transaction.set_rollback(True)
    outcome["result"] = None
    return outcome


def pages_measured(paths: dict[str, str], *, requests: int) -> dict:
    """Each page `requests` times, interleaved, as the secretariat: latencies and query counts."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client("secretariat")
    counts = {}
    for label, path in paths.items():  # warm, and count each page's queries once
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
        counts[label] = len(queries)
    samples = {label: [] for label in paths}
    for _ in range(requests):
        for label, path in paths.items():
            started = time.perf_counter()
            client.get(path)
            samples[label].append(time.perf_counter() - started)
    return {"seconds": samples, "queries": counts}


# --- in the parent ---


def env() -> dict[str, str]:
    extra = {"ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "MEDIA_ROOT": MEDIA_ROOT}
    environment = h.base_env(DB, **extra)
    environment.pop("CACHE_URL", None)  # throttles and page caches in-process, per step
    return environment


def child(name: str, *args) -> dict:
    done = subprocess.run(
        [h.PYTHON, __file__, "--child", name, *map(str, args)],
        cwd=h.ROOT,
        env=env(),
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")
    return json.loads(lines[-1])


def medians(runs: int, name: str, *args) -> dict:
    results = [child(name, *args) for _ in range(runs)]
    out = {k: statistics.median([r[k] for r in results]) for k in ("seconds", "peak_mb")}
    out["growth_mb"] = statistics.median([r["growth_mb"] for r in results])
    if "queries" in results[0]:
        out["queries"] = results[0]["queries"]
    return out


def fresh_database() -> None:
    with psycopg.connect(h.ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    h.manage(DB, "migrate", "--noinput", "-v0")
    h.manage(DB, "load_record")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=5, help="per page, per run")
    parser.add_argument("--paragraphs", type=int, default=10_000)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(step(args.child[0], args.child[1:])))
        return

    global MEDIA_ROOT
    folder = Path(tempfile.mkdtemp(prefix="revisions-pages-"))
    MEDIA_ROOT = str(folder / "media")
    old = documents.paragraphs(args.paragraphs, seed=1)
    new = documents.revised(old, seed=2)
    documents.docx_file(old, folder / "v1.docx")
    documents.docx_file(new, folder / "v2.docx")
    pages_count = documents.pdf_file(old, folder / "v1.pdf")
    documents.pdf_file(new, folder / "v2.pdf")
    documents.docx_file(documents.paragraphs(ROUND_TEXT_PARAGRAPHS, seed=3), folder / "round.docx")
    print("database ...", flush=True)
    fresh_database()
    marks = child("setup", folder)
    print("set up:", json.dumps(marks), flush=True)

    results = {}
    for kind, floor in (("docx", "docx-xml"), ("pdf", "pdf-text")):
        path = folder / f"v1.{kind}"
        steps = [
            ("copy into the storage (upload floor)", "copy", path),
            ("upload: `revision_upload` service", "upload-service", marks["upload"], path),
            ("upload: web URL, multipart", "upload-web", marks["upload"], path),
            (f"read once: {'unzip + lxml' if kind == 'docx' else 'pypdf text'} (floor)", floor,
             path),
            ("extraction: `revision_text_run`", "extract", marks[f"revision_{kind}"]),
            ("in it: the text's UPDATE alone", "text-write", marks[f"revision_{kind}"], "with"),
            ("in it: the same UPDATE without `revision_text_trgm`", "text-write",
             marks[f"revision_{kind}"], "without"),
            ("diff page 00 → 01, reader", "diff-page", marks[f"diff_{kind}"]),
        ]  # fmt: skip
        for label, name, *step_args in steps:
            results[kind, label] = medians(args.runs, name, *step_args)
            print(kind, label, results[kind, label], flush=True)

    rounds = marks["rounds"]
    paths = {
        "round: empty": f"/rounds/{rounds['empty']['round']}/",
        "round: 50 comments, 27 positions (open)": f"/rounds/{rounds['open']['round']}/",
        "round: 50 comments, 28 positions (closed)": f"/rounds/{rounds['closed']['round']}/",
    }
    for variant, label in (("empty", "no comments"), ("open", "50 comments")):
        mark = rounds[variant]
        paths[f"comments page: {label}"] = (
            f"/deliverables/{mark['deliverable']}/revisions/{mark['number']}/comments/"
        )
    page_runs = [child("pages", json.dumps(paths), args.requests) for _ in range(args.runs)]
    text = section(args, marks, results, paths, page_runs, folder, pages_count)
    print(text)
    h.write_section("revisions-pages", text)


def section(args, marks, results, paths, page_runs, folder: Path, pdf_pages: int) -> str:
    sizes = {kind: (folder / f"v1.{kind}").stat().st_size / 1024 / 1024 for kind in ("docx", "pdf")}
    rows, worst, peak = [], 0.0, 0.0
    for (kind, label), result in results.items():
        upload_floor = results[kind, "copy into the storage (upload floor)"]["seconds"]
        read_floor = next(r for (k, lb), r in results.items() if k == kind and "read once" in lb)
        floor = upload_floor if label.startswith("upload") else read_floor["seconds"]
        ratio = result["seconds"] / floor
        if label.startswith(("extraction", "diff")):
            worst = max(worst, ratio)
        peak = max(peak, result["peak_mb"])
        rows.append(
            [
                f"{kind.upper()}: {label}",
                f"{result['seconds'] * 1000:.0f}",
                "" if "floor" in label else f"{ratio:.2f}",
                f"{result['peak_mb']:.0f}",
                f"{result['growth_mb']:.1f}",
                result.get("queries", ""),
            ]
        )
    empty = "round: empty"
    page_rows, page_worst = [], {}
    for label in paths:
        per_run = [statistics.median(run["seconds"][label]) for run in page_runs]
        base = "comments page: no comments" if label.startswith("comments") else empty
        ratios = [
            statistics.median(run["seconds"][label]) / statistics.median(run["seconds"][base])
            for run in page_runs
        ]
        ratio = statistics.median(ratios)
        if label != base:
            page_worst[label] = ratio
        page_rows.append(
            [
                label,
                f"{statistics.median(per_run) * 1000:.1f}",
                page_runs[0]["queries"][label],
                "" if label == base else f"{ratio:.2f}",
                "" if label == base else ("yes" if ratio <= PAGE_GOAL else "**no**"),
            ]
        )
    notes = []
    for kind in ("docx", "pdf"):
        extract = results[kind, "extraction: `revision_text_run`"]["seconds"]
        write = results[kind, "in it: the text's UPDATE alone"]["seconds"]
        bare = results[kind, "in it: the same UPDATE without `revision_text_trgm`"]["seconds"]
        notes.append(
            f"- {kind.upper()} extraction: {extract * 1000:.0f} ms, of which the one UPDATE "
            f"that saves the text takes {write * 1000:.0f} ms, {bare * 1000:.0f} ms without the "
            f"trigram index `revision_text_trgm` (GIN on `upper(text)`, `fastupdate = off`): "
            f"the index costs {(write - bare) * 1000:.0f} ms of the task."
        )
    for label, ratio in page_worst.items():
        if ratio > PAGE_GOAL:
            base = "comments page: no comments" if label.startswith("comments") else empty
            q, q0 = page_runs[0]["queries"][label], page_runs[0]["queries"][base]
            why = (
                "the same number of queries: the extra time is rendering the rows"
                if q == q0
                else f"{q} queries against {q0}"
            )
            notes.append(f"- {label}: {ratio:.2f}x the empty page (goal {PAGE_GOAL}x); {why}.")
    command = (
        f".venv/bin/python bench/revisions_pages.py --runs {args.runs} --requests {args.requests}"
    )
    if args.paragraphs != 10_000:
        command += f" --paragraphs {args.paragraphs}"
    full = marks["rounds"]["closed"]
    return "\n\n".join(
        [
            "### Revisions through the real code, and the round page when full",
            f"`{command}` on its own database `{DB}` (recreated: migrate, the ISECG record, the "
            "demo accounts), PostgreSQL, files in a temporary MEDIA_ROOT. The documents are "
            f"bench/revision_text.py's: a DOCX of {args.paragraphs:,} paragraphs "
            f"({sizes['docx']:.1f} MB) and a PDF of the same text, {pdf_pages} pages "
            f"({sizes['pdf']:.1f} MB); the second revisions have 2% of the paragraphs changed. "
            f"Each step in a fresh process (Django set up, untimed), {args.runs} runs, medians; "
            "peak = the process's VmHWM, growth = peak minus the peak before the step. Uploads "
            "are timed to their commit (the extraction they schedule is the next row, run as "
            "the task runs it); the web upload is a multipart POST through the test Client as "
            "the secretariat, the body built beforehand; the diff page is a GET as the reader, "
            "after one warming GET of the same page without a diff.",
            h.table(
                ["step", "wall time (ms)", "x floor", "peak (MB)", "growth (MB)", "queries"], rows
            ),
            f"- extraction and diff page, worst against reading the file once: **{worst:.2f}x** "
            f"(goal ≤ {RATIO_GOAL:g}x: {'met' if worst <= RATIO_GOAL else 'missed'})\n"
            f"- peak memory, worst step: **{peak:.0f} MB** (goal < {MEMORY_GOAL_MB} MB: "
            f"{'met' if peak < MEMORY_GOAL_MB else 'missed'})",
            f"Pages as the secretariat through the test Client, {args.requests} requests per "
            f"page per run, interleaved, {args.runs} runs, each in a fresh process after one "
            f"warming request; median ms; ratio = median over runs of the page's median over "
            f"the empty one's in the same run. The rounds have {full['eligible']} eligible "
            f"agencies ({marks['agencies']} in the record); the full ones {full['comments']} "
            "comments on their revision (one in five a reply, one in three quoting) and "
            f"positions from 27 agencies (open) or all {full['positions']} (the last one closed "
            f"it: {full['state']}), one of them an objection. Goal: within {PAGE_GOAL}x of the "
            "empty page.",
            h.table(["page", "median (ms)", "queries", "x empty", "goal met"], page_rows),
            "What the misses come from (this run's figures):\n" + "\n".join(notes),
        ]
    )


if __name__ == "__main__":
    main()
