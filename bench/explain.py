"""What PostgreSQL's plans say about the indexes the fixes added, at S=100.

    .venv/bin/python bench/explain.py [--runs 5] [--scale 100]

Each query below is the app's own (built by its selectors, as the pages and the API run it).
It is planned and run with EXPLAIN ANALYZE --runs times with the index in place, and as many
times inside a transaction that drops the index (and puts back the index it replaced, if any)
and is rolled back, so both sides are measured on the same data in the same run. Medians.
Writes its table into BENCHMARKS.md.
"""

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness as h


@dataclass(frozen=True)
class Case:
    label: str
    read: Callable  # runs the one query, built by the app's selectors
    indexes: list[str]  # what the fixes added
    replaced: list[str] = field(default_factory=list)  # what those indexes replaced, as SQL


SEARCH_COLUMNS = ("title", "summary", "status_note", "next_milestone")


def cases() -> list[Case]:
    from django.db.models import Count

    from apps.api.selectors import consensus_rounds_list
    from apps.deliverables.models import Deliverable
    from apps.deliverables.selectors import DeliverableFilter as F
    from apps.deliverables.selectors import deliverables_filtered, deliverables_of_groups
    from apps.web.views import SearchPaginator

    biggest = (
        Deliverable.objects.values("lead_group_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["lead_group_id"]
    )
    state_only = "CREATE INDEX deliverable_state_941591_idx ON deliverables_deliverable (state)"
    return [
        Case(
            "deliverables list, first page (newest change first)",
            lambda: list(deliverables_filtered(F())[:25]),
            ["deliverable_recent_first"],
        ),
        Case(
            "deliverables list, filtered (published, green)",
            lambda: list(deliverables_filtered(F(state="published", rag="green"))[:25]),
            ["deliverable_state_recent", "deliverable_state_target"],
            [state_only],
        ),
        Case(
            "submitted, soonest target first (secretariat home)",
            lambda: list(deliverables_filtered(F(state="submitted", sort="target"))[:10]),
            ["deliverable_state_target", "deliverable_state_recent"],
            [state_only],
        ),
        Case(
            "searched 'lunar': the capped match count",
            lambda: deliverables_filtered(F(q="lunar"))[: SearchPaginator.CAP + 1].count(),
            [f"deliverable_{column}_trgm" for column in SEARCH_COLUMNS],
        ),
        Case(
            "searched 'Roadmap 2024' (2 matches): the match count",
            lambda: deliverables_filtered(F(q="Roadmap 2024"))[: SearchPaginator.CAP + 1].count(),
            [f"deliverable_{column}_trgm" for column in SEARCH_COLUMNS],
        ),
        Case(
            "the biggest group's open work (co-chair home)",
            lambda: list(deliverables_of_groups(group_ids={biggest})[:10]),
            ["deliverable_group_target", "deliverable_group_state"],
        ),
        Case(
            "deliverables by group and state (charts, on a cache miss)",
            lambda: list(
                Deliverable.objects.values_list("lead_group_id", "state")
                .annotate(n=Count("pk"))
                .order_by()
            ),
            ["deliverable_group_state", "deliverable_group_target"],
        ),
        Case(
            "consensus rounds, latest first (API list)",
            lambda: list(consensus_rounds_list()[:25]),
            ["round_latest_first"],
        ),
    ]


def plan_summary(plan: dict) -> str:
    """The plan's spine: node types (and index names) from the top, first child each time."""
    steps = []
    node = plan
    while node and len(steps) < 4:
        step = node["Node Type"]
        if node.get("Index Name"):
            step += f" using {node['Index Name']}"
        steps.append(step)
        children = node.get("Plans") or []
        node = children[0] if children else None
    return " → ".join(steps)


def explain(sql: str, runs: int) -> tuple[float, str]:
    import json

    from django.db import connection

    timings, summary = [], ""
    with connection.cursor() as cursor:
        for _ in range(runs):
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            (result,) = cursor.fetchone()
            result = json.loads(result) if isinstance(result, str) else result
            timings.append(result[0]["Execution Time"])
            summary = plan_summary(result[0]["Plan"])
    return h.median(timings), summary


def statement(case: Case) -> str:
    """The SQL the read sends, as PostgreSQL received it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        case.read()
    (query,) = queries.captured_queries
    return query["sql"]


def measure(case: Case, runs: int) -> list:
    from django.db import connection, transaction

    sql = statement(case)
    with_ms, with_plan = explain(sql, runs)
    with transaction.atomic():
        with connection.cursor() as cursor:
            for name in case.indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            for create in case.replaced:
                cursor.execute(create)
        without_ms, without_plan = explain(sql, runs)
        transaction.set_rollback(True)
    return [
        case.label,
        ", ".join(f"`{name}`" for name in case.indexes[:1])
        + (f" (+{len(case.indexes) - 1})" if len(case.indexes) > 1 else ""),
        without_plan,
        f"{without_ms:.2f}",
        with_plan,
        f"{with_ms:.2f}",
        f"{without_ms / with_ms:.1f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=float, default=100)
    args = parser.parse_args()

    db = h.ensure_scale_database(args.scale)
    os.environ.update(h.base_env(db))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isecg_tracker.settings")
    import django

    django.setup()
    rows = []
    for case in cases():
        rows.append(measure(case, args.runs))
        print(f"  {case.label}: {rows[-1][3]} ms without, {rows[-1][5]} ms with", flush=True)
    command = f".venv/bin/python bench/explain.py --runs {args.runs} --scale {args.scale:g}"
    text = (
        f"### What the query plans say at S={args.scale:g}\n\n"
        f"`{command}`: each query as the app builds it, run with `EXPLAIN ANALYZE` "
        f"{args.runs} times with the index the fixes added and {args.runs} times in a "
        "rolled-back transaction that drops it (and restores the single-column `state` index "
        "it replaced, where it replaced one); execution time in milliseconds, medians. The "
        "plan shows the top of the tree.\n\n"
        + h.table(
            [
                "query", "index added", "plan without", "ms without",
                "plan with", "ms with", "without / with",
            ],
            rows,
        )
    )  # fmt: skip
    print(text)
    h.write_section("explain", text)


if __name__ == "__main__":
    main()
