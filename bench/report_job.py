"""The report job at S=1, 10 and 100: wall time, queries and the worker's peak memory.

    .venv/bin/python bench/report_job.py [--runs 3] [--scales 1 10 100] [--no-write]

Drafts the busiest year of each scale (most deliverables due or published in it) in a fresh
process, as a worker would (the task's own code, in-process), --runs times per scale; medians.
The wall time includes all three files; the PDF's share (WeasyPrint laying the preview out) is
also reported on its own, as is its size.
Goals: the same query count at every scale; time and memory per row of the year no higher at
S=100 than at S=10; peak memory at S=100 under 300 MB. Writes its table into BENCHMARKS.md
(--no-write: only prints it).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness as h

MEMORY_GOAL_MB = 300


def busiest_year(db_name: str) -> tuple[int, int]:
    with psycopg.connect(h.database_url(db_name)) as conn:
        year, rows = conn.execute(
            "SELECT y, count(*) FROM (SELECT DISTINCT id, unnest(ARRAY["
            "extract(year FROM target_date), extract(year FROM published_on)]) AS y "
            "FROM deliverables_deliverable) AS years WHERE y IS NOT NULL AND y < 2026 "
            "GROUP BY y ORDER BY count(*) DESC, y DESC LIMIT 1"
        ).fetchone()
    return int(year), rows


def child(year: int) -> None:
    """One draft, measured from inside the process that makes it."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isecg_tracker.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.reports import services
    from apps.reports.models import ReportDraft
    from apps.reports.services import report_draft_request

    # The PDF step timed on its own, inside the same draft (it makes no query).
    pdf = {"seconds": 0.0, "bytes": 0}
    render_pdf = services.render_pdf

    def timed_pdf(*args, **kwargs):
        started = time.perf_counter()
        data = render_pdf(*args, **kwargs)
        pdf["seconds"] += time.perf_counter() - started
        pdf["bytes"] = len(data)
        return data

    services.render_pdf = timed_pdf
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        draft = report_draft_request(year=year, actor=None, origin=ReportDraft.Origin.COMMAND)
        seconds = time.perf_counter() - started
    draft.refresh_from_db()
    print(
        json.dumps(
            {
                "state": draft.state,
                "seconds": seconds,
                "queries": len(queries),
                "pdf_seconds": pdf["seconds"],
                # WeasyPrint lays the PDF out in a child process (apps/reports/pdf.py).
                "pdf_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                "pdf_kb": pdf["bytes"] / 1024,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "startup_mb": baseline / 1024,
            }
        )
    )


def measure(db_name: str, year: int) -> dict:
    done = subprocess.run(
        [h.PYTHON, __file__, "--child", str(year)],
        cwd=h.ROOT,
        env=h.base_env(db_name),
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"drafting {year} in {db_name} failed:\n{done.stdout}\n{done.stderr}")
    result = json.loads(lines[-1])
    if result["state"] != "done":
        raise SystemExit(f"drafting {year} in {db_name} ended {result['state']}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10, 100])
    parser.add_argument("--no-write", action="store_true", help="print, leave BENCHMARKS.md")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    rows, per_row = [], {}
    results = {}
    for scale in args.scales:
        db = h.ensure_scale_database(scale)
        year, year_rows = busiest_year(db)
        runs = [measure(db, year) for _ in range(args.runs)]
        result = {
            key: h.median([run[key] for run in runs])
            for key in (
                *("seconds", "queries", "peak_mb", "startup_mb"),
                *("pdf_seconds", "pdf_kb", "pdf_peak_mb"),
            )
        }
        results[scale] = result
        per_row[scale] = (
            result["seconds"] / year_rows * 1000,
            (result["peak_mb"] - result["startup_mb"]) / year_rows * 1024,
        )
        rows.append(
            [
                f"S={scale:g}", year, year_rows, f"{result['seconds']:.2f}",
                f"{result['pdf_seconds']:.2f}", f"{result['pdf_kb']:.0f}",
                f"{result['pdf_peak_mb']:.0f}",
                int(result["queries"]), f"{result['peak_mb']:.0f}",
                f"{result['peak_mb'] - result['startup_mb']:.0f}",
                f"{per_row[scale][0]:.2f}", f"{per_row[scale][1]:.1f}",
            ]
        )  # fmt: skip
        print(rows[-1], flush=True)
    queries = {int(r["queries"]) for r in results.values()}
    largest = max(args.scales)
    middle = sorted(args.scales)[-2] if len(args.scales) > 1 else largest
    verdicts = [
        f"same query count at every scale: **{'yes' if len(queries) == 1 else 'no'}** "
        f"({', '.join(str(q) for q in sorted(queries))})",
        f"time per row at S={largest:g} / at S={middle:g}: "
        f"**{per_row[largest][0] / per_row[middle][0]:.2f}** (goal ≤ 1)",
        f"memory growth per row at S={largest:g} / at S={middle:g}: "
        f"**{per_row[largest][1] / max(per_row[middle][1], 1e-9):.2f}** (goal ≤ 1)",
        f"peak memory at S={largest:g}: **{results[largest]['peak_mb']:.0f} MB** "
        f"(goal < {MEMORY_GOAL_MB} MB)",
    ]
    command = f".venv/bin/python bench/report_job.py --runs {args.runs}"
    text = "\n\n".join(
        [
            "### The report job",
            f"`{command}`: the busiest year of each scale drafted in a fresh process as the "
            f"worker does, {args.runs} runs per scale, medians. Peak = the process's peak RSS; "
            "growth = peak minus the RSS after Django started; the PDF is laid out in a child "
            "process, whose peak is its own column.",
            h.table(
                [
                    "scale",
                    "year",
                    "deliverables of the year",
                    "wall time (s)",
                    "of which PDF (s)",
                    "PDF (KB)",
                    "PDF process peak RSS (MB)",
                    "queries",
                    "peak RSS (MB)",
                    "growth (MB)",
                    "ms per row",
                    "KB growth per row",
                ],
                rows,
            ),
            "\n".join(f"- {line}" for line in verdicts),
        ]
    )
    print(text)
    if not args.no_write:
        h.write_section("report-job", text)


if __name__ == "__main__":
    main()
