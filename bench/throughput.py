"""Throughput at S=100: gunicorn (workers for 2 cores) under 20 concurrent clients, with wrk.

    .venv/bin/python bench/throughput.py [--duration 30] [--runs 2]

A mix of pages (homes, lists, a deliverable, a round, API lists) as a signed-in reader, against
the bare view /livez of the same server, alternated run by run; requests per second as a ratio
to the bare view (medians over the runs), and every error counted (goal: zero).
Needs wrk (Debian package wrk). Writes its table into BENCHMARKS.md.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness as h
from bench.pages import landmarks

WORKERS = 2 * (os.cpu_count() or 2) + 1  # gunicorn's advice for a machine of this many cores
CLIENTS = 20

LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Cookie"] = "sessionid=%s"})
end
"""


def mix(marks: dict[str, int]) -> list[str]:
    return [
        "/",
        "/deliverables/",
        "/deliverables/?state=drafting",
        "/deliverables/?q=lunar",
        f"/deliverables/{marks['deliverable']}/",
        f"/rounds/{marks['round']}/",
        f"/groups/{marks['group']}/",
        "/api/v1/deliverables/",
        "/api/v1/consensus-rounds/",
        "/overview/?year=2025",
    ]


def wrk(url: str, script: Path, duration: int) -> dict:
    done = subprocess.run(
        [
            shutil.which("wrk") or "wrk",
            "-t",
            "2",
            "-c",
            str(CLIENTS),
            "-d",
            f"{duration}s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in socket.groups()) if socket else 0
    )
    return {"rps": rps, "requests": total, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    db = h.ensure_scale_database(100)
    paths = mix(landmarks(db))
    with h.gunicorn(db, workers=WORKERS) as url, tempfile.TemporaryDirectory() as tmp:
        cookie = h.signed_in(url, "reader").cookies["sessionid"]
        scripts = {}
        for name, chosen in (("mix", paths), ("bare", ["/livez"])):
            scripts[name] = Path(tmp) / f"{name}.lua"
            quoted = ", ".join(f'"{path}"' for path in chosen)
            scripts[name].write_text(LUA % (quoted, cookie))
        results: dict[str, list[dict]] = {"mix": [], "bare": []}
        for run in range(args.runs):
            for name in ("mix", "bare"):
                results[name].append(wrk(url, scripts[name], args.duration))
                print(f"run {run + 1} {name}: {results[name][-1]}", flush=True)
    ratio = h.median(
        [m["rps"] / b["rps"] for m, b in zip(results["mix"], results["bare"], strict=True)]
    )
    rows = [
        [
            name,
            f"{h.median([r['rps'] for r in runs]):.0f}",
            sum(r["requests"] for r in runs),
            sum(r["errors"] for r in runs),
        ]
        for name, runs in results.items()
    ]
    command = f".venv/bin/python bench/throughput.py --duration {args.duration} --runs {args.runs}"
    text = "\n\n".join(
        [
            "### Throughput at S=100",
            f"`{command}`: gunicorn with {WORKERS} sync workers over PostgreSQL at S=100, wrk with "
            f"{CLIENTS} connections for {args.duration} s per run, mix and bare view alternated, "
            f"{args.runs} runs each. The mix: {', '.join(f'`{p}`' for p in paths)}.",
            h.table(["load", "requests/s (median)", "requests", "errors"], rows),
            f"Mix / bare view requests per second: **{ratio:.2f}**; errors in all: "
            f"**{sum(r['errors'] for runs in results.values() for r in runs)}** (goal: 0).",
        ]
    )
    print(text)
    h.write_section("throughput", text)


if __name__ == "__main__":
    main()
