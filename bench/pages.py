"""Pages and API at scale: each role's page at S=1 and S=100, side by side, against the floor.

    .venv/bin/python bench/pages.py [--rounds 5] [--requests 20] [--fresh]

Two gunicorn servers (one over S=1, one over S=100, PostgreSQL) answer the same requests,
interleaved, so the machine's noise falls on both alike. For every page: p50 and p95 at each
scale (median over the rounds), the ratio S=100 / S=1 (goal: at most 1.5) and the ratio of
S=100 to the bare view /livez of the same process (goal: at most 10). Also our deliverables list
against the Django admin's changelist of the same rows and filter (goal: ours not slower).
Writes its tables into BENCHMARKS.md.
"""

import argparse
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness as h

SMALL, LARGE = 1, 100
FLAT_GOAL, FLOOR_GOAL = 1.5, 10.0


def landmarks(db_name: str) -> dict[str, int]:
    """Ids the pages need, chosen alike at both scales: the longest history, a busy round."""
    with psycopg.connect(h.database_url(db_name)) as conn:
        longest = conn.execute(
            "SELECT id FROM deliverables_historicaldeliverable GROUP BY id "
            "ORDER BY count(*) DESC, id LIMIT 1"
        ).fetchone()[0]
        busiest_round = conn.execute(
            "SELECT round_id FROM plenary_position GROUP BY round_id "
            "ORDER BY count(*) DESC, round_id LIMIT 1"
        ).fetchone()[0]
        group = conn.execute(
            "SELECT lead_group_id FROM deliverables_deliverable GROUP BY lead_group_id "
            "ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
    return {"deliverable": longest, "round": busiest_round, "group": group}


def pages(marks: dict[str, int]) -> list[tuple[str, str, str]]:
    """(page, role, path) for every page the goal names."""
    return [
        ("home: secretariat", "secretariat", "/"),
        ("home: co-chair", "cochair-twg", "/"),
        ("home: delegate", "delegate-nasa", "/"),
        ("home: reader", "reader", "/"),
        ("deliverables list, first page", "reader", "/deliverables/"),
        # Filters that fill a page at S=1 too, so both scales render the same number of rows.
        ("deliverables list, filtered", "reader", "/deliverables/?state=published&rag=green"),
        ("deliverables list, searched", "reader", "/deliverables/?q=lunar"),
        # A term only the record holds: the same 2 rows at both scales.
        ("deliverables list, searched, rare term", "reader", "/deliverables/?q=Roadmap+2024"),
        (
            "deliverable with the longest history",
            "reader",
            f"/deliverables/{marks['deliverable']}/",
        ),
        ("consensus round with most positions", "secretariat", f"/rounds/{marks['round']}/"),
        ("group page, biggest group", "reader", f"/groups/{marks['group']}/"),
        ("groups", "reader", "/groups/"),
        ("overview", "reader", "/overview/?year=2025"),
        ("API deliverables list", "reader", "/api/v1/deliverables/"),
        ("API deliverable detail", "reader", f"/api/v1/deliverables/{marks['deliverable']}/"),
        ("API consensus rounds list", "reader", "/api/v1/consensus-rounds/"),
        ("API consensus round detail", "reader", f"/api/v1/consensus-rounds/{marks['round']}/"),
    ]


ADMIN_PAIR = (
    "/deliverables/?state=drafting",
    "/admin/deliverables/deliverable/?state__exact=drafting",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20, help="per page, per round, per scale")
    parser.add_argument("--fresh", action="store_true", help="regenerate the databases")
    args = parser.parse_args()

    dbs = {scale: h.ensure_scale_database(scale, fresh=args.fresh) for scale in (SMALL, LARGE)}
    marks = {scale: landmarks(db) for scale, db in dbs.items()}
    with h.gunicorn(dbs[SMALL]) as small_url, h.gunicorn(dbs[LARGE]) as large_url:
        urls = {SMALL: small_url, LARGE: large_url}
        sessions = {
            (scale, role): h.signed_in(urls[scale], role) for scale in urls for role in h.ROLES
        }
        per_scale_pages = {scale: pages(marks[scale]) for scale in urls}
        # samples[page][scale or "floor"] -> one list of latencies per round
        samples: dict[str, dict] = {}
        admin: dict[str, list[list[float]]] = {"ours": [], "admin": []}
        for round_number in range(args.rounds):
            print(f"round {round_number + 1}/{args.rounds}", flush=True)
            for index, (label, role, _) in enumerate(per_scale_pages[SMALL]):
                slot = samples.setdefault(label, {SMALL: [], LARGE: [], "floor": []})
                runs = {SMALL: [], LARGE: [], "floor": []}
                for _ in range(args.requests):
                    for scale in (SMALL, LARGE):
                        path = per_scale_pages[scale][index][2]
                        runs[scale].append(h.timed_get(sessions[scale, role], urls[scale] + path))
                    runs["floor"].append(h.timed_get(sessions[LARGE, role], f"{large_url}/livez"))
                for key, values in runs.items():
                    slot[key].append(values)
            ours, theirs = [], []
            for _ in range(args.requests):
                ours.append(h.timed_get(sessions[LARGE, "secretariat"], large_url + ADMIN_PAIR[0]))
                theirs.append(
                    h.timed_get(sessions[LARGE, "secretariat"], large_url + ADMIN_PAIR[1])
                )
            admin["ours"].append(ours)
            admin["admin"].append(theirs)

    def stat(runs: list[list[float]], fraction: float) -> float:
        return h.median([h.percentile(run, fraction) for run in runs]) * 1000

    def ratio(top: list[list[float]], bottom: list[list[float]]) -> float:
        return h.median(
            [h.percentile(a, 0.5) / h.percentile(b, 0.5) for a, b in zip(top, bottom, strict=True)]
        )

    rows, failures = [], []
    for label, slot in samples.items():
        flat = ratio(slot[LARGE], slot[SMALL])
        floor = ratio(slot[LARGE], slot["floor"])
        ok = flat <= FLAT_GOAL and floor <= FLOOR_GOAL
        if not ok:
            failures.append(label)
        rows.append(
            [
                label,
                f"{stat(slot[SMALL], 0.5):.1f}", f"{stat(slot[SMALL], 0.95):.1f}",
                f"{stat(slot[LARGE], 0.5):.1f}", f"{stat(slot[LARGE], 0.95):.1f}",
                f"{flat:.2f}", f"{floor:.1f}", "yes" if ok else "**no**",
            ]
        )  # fmt: skip
    admin_ratio = ratio(admin["ours"], admin["admin"])
    command = f".venv/bin/python bench/pages.py --rounds {args.rounds} --requests {args.requests}"
    text = "\n\n".join(
        [
            "### Pages and API at scale",
            f"`{command}`: {args.rounds} rounds x {args.requests} requests per page and scale, "
            "one gunicorn sync worker per scale, PostgreSQL; milliseconds, medians over rounds. "
            f"Goals: S=100/S=1 ≤ {FLAT_GOAL}, S=100/floor ≤ {FLOOR_GOAL} (floor: `/livez`, "
            "a bare view of the same process).",
            h.table(
                [
                    "page",
                    "S=1 p50",
                    "S=1 p95",
                    "S=100 p50",
                    "S=100 p95",
                    "S=100 / S=1",
                    "S=100 / floor",
                    "goals met",
                ],
                rows,
            ),
            "### Against the Django admin",
            f"Our deliverables list (`{ADMIN_PAIR[0]}`) against the admin changelist of the same "
            f"rows (`{ADMIN_PAIR[1]}`), S=100, same run: ours / admin p50 = "
            f"**{admin_ratio:.2f}** (goal: ≤ 1; p50 ours {stat(admin['ours'], 0.5):.1f} ms, "
            f"admin {stat(admin['admin'], 0.5):.1f} ms).",
        ]
    )
    print(text)
    h.write_section("pages", text)
    if failures or admin_ratio > 1:
        print(f"\nGoals missed: {failures or ''} {'admin' if admin_ratio > 1 else ''}")


if __name__ == "__main__":
    main()
