"""Known vulnerabilities in the locked dependencies, from every advisory source this machine can
really read, saying how many of the locked packages each source checked and how old its data is.

Sources:
  PyPI, live   pip-audit asking PyPI for each release's known vulnerabilities (current data).
               The package index these machines reach answers none of it (every release 404s),
               so here it checks 0 packages: that is printed as NOT CHECKED, never as a pass.
  safety-db    PyUp's free advisory database as the PyPI package safety-db ships it (a dev
               dependency, locked by hash), read offline. Its last release holds data up to
               July 2021: advisories published since are not in it, and the output says so.

A package counts as checked by a source when the source could answer for its pinned version
(for safety-db: the package is in it or not, and every rule naming it could be read).

Exit status: 0 every locked package was checked by at least one source and none has a known
vulnerability; 1 a known vulnerability; 2 NOT CHECKED: some locked package, or every one, was
checked by no source.

    .venv/bin/python tools/audit.py requirements-dev.lock
    .venv/bin/python tools/audit.py --offline requirements.lock    # safety-db only
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.MULTILINE)
LIVE_TIMEOUT = 600  # seconds for pip-audit to ask about every package


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    advisory: str
    summary: str


@dataclass
class SourceResult:
    """What one advisory source said about the pins: which it could check, what it found."""

    name: str
    data_date: str  # "live" or the day its data ends, YYYY-MM-DD
    checked: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    not_checked_reason: str = ""


def read_pins(lock_text: str) -> dict[str, str]:
    """{canonical name: pinned version} of a requirements lock file (name==version lines)."""
    return {canonicalize_name(name): version for name, version in PIN.findall(lock_text)}


# --- safety-db ---------------------------------------------------------------------------------


def safety_db_load() -> tuple[dict, str]:
    """The database and its label. Read from the installed files: the package's own
    __init__ opens a relative path and cannot be imported."""
    dist = metadata.distribution("safety-db")
    data = json.loads(Path(dist.locate_file("safety_db/insecure_full.json")).read_text())
    return data, dist.version


def safety_db_check(pins: dict[str, str], database: dict, version: str) -> SourceResult:
    stamp = database.get("$meta", {}).get("timestamp")
    day = datetime.datetime.fromtimestamp(stamp, datetime.UTC).date().isoformat() if stamp else "?"
    result = SourceResult(name=f"safety-db {version} (PyUp's free database)", data_date=day)
    advisories = {canonicalize_name(k): v for k, v in database.items() if k != "$meta"}
    unreadable = []
    for package, pinned in pins.items():
        try:
            matched = _safety_db_matches(Version(pinned), advisories.get(package, []))
        except (InvalidVersion, InvalidSpecifier):
            unreadable.append(package)
            continue
        result.checked.add(package)
        result.findings += [
            Finding(package, pinned, _advisory_id(a), a.get("advisory", "")) for a in matched
        ]
    if unreadable:
        result.not_checked_reason = "a version or advisory rule could not be read for " + (
            ", ".join(unreadable)
        )
    return result


def _safety_db_matches(version: Version, advisories: list[dict]) -> list[dict]:
    return [
        advisory
        for advisory in advisories
        if any(
            SpecifierSet(spec).contains(version, prereleases=True)
            for spec in advisory.get("specs", [])
        )
    ]


def _advisory_id(advisory: dict) -> str:
    return " / ".join(part for part in (advisory.get("id"), advisory.get("cve")) if part)


# --- PyPI, live, through pip-audit -------------------------------------------------------------


def pip_audit_run(lock: Path) -> SourceResult:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "pip-audit.json"
        args = [
            *(sys.executable, "-m", "pip_audit", "--require-hashes", "--disable-pip"),
            *("--progress-spinner", "off", "-r", str(lock), "-f", "json", "-o", str(report)),
        ]
        try:
            # Our own interpreter running pip-audit on the lock file named by the caller.
            run = subprocess.run(args, capture_output=True, text=True, timeout=LIVE_TIMEOUT)  # noqa: S603
        except subprocess.TimeoutExpired:
            return _live_unavailable(f"pip-audit gave no answer within {LIVE_TIMEOUT}s")
        if not report.exists():
            last = (run.stderr.strip().splitlines() or ["no output"])[-1]
            return _live_unavailable(f"pip-audit failed (exit {run.returncode}): {last}")
        return pip_audit_parse(json.loads(report.read_text()))


def pip_audit_parse(report: dict) -> SourceResult:
    """pip-audit's JSON: each dependency has `vulns`, or a `skip_reason` when PyPI could not
    be asked about it (not found on the index, no per-release data)."""
    result = _live_unavailable("")
    reasons = []
    for dependency in report.get("dependencies", []):
        package = canonicalize_name(dependency["name"])
        if "skip_reason" in dependency:
            reasons.append(dependency["skip_reason"])
            continue
        result.checked.add(package)
        result.findings += [
            Finding(
                package,
                dependency.get("version", "?"),
                _pip_audit_id(vuln),
                vuln.get("description", ""),
            )
            for vuln in dependency.get("vulns", [])
        ]
    if reasons:
        result.not_checked_reason = f"{len(reasons)} skipped, e.g. {reasons[0]}"
    return result


def _pip_audit_id(vuln: dict) -> str:
    return " / ".join([vuln["id"], *vuln.get("aliases", [])])


def _live_unavailable(reason: str) -> SourceResult:
    return SourceResult(name="PyPI via pip-audit", data_date="live", not_checked_reason=reason)


# --- the verdict -------------------------------------------------------------------------------


def verdict(pins: dict[str, str], results: list[SourceResult]) -> tuple[int, list[str]]:
    """The exit status and the lines to print: per source, how many pins it checked against
    data of which date; the vulnerabilities; what no source checked, plainly."""
    lines = [f"audit: {len(pins)} locked packages"]
    for result in results:
        lines.append(_source_line(result, pins))
    findings = sorted(
        {finding for result in results for finding in result.findings},
        key=lambda f: (f.package, f.advisory),
    )
    for finding in findings:
        lines.append(f"VULNERABLE: {finding.package} {finding.version}: {finding.advisory}: "
                     f"{_shorten(finding.summary)}")  # fmt: skip
    checked = set().union(*(r.checked for r in results)) & set(pins)
    unchecked = sorted(set(pins) - checked)
    dates = sorted(r.data_date for r in results if r.checked & set(pins))
    if findings:
        status = 1
        lines.append(f"audit: FAILED: {len(findings)} known vulnerabilities in "
                     f"{len({f.package for f in findings})} locked packages")  # fmt: skip
    elif not pins or unchecked:
        status = 2
    else:
        status = 0
        lines.append(
            f"audit: {len(checked)} of {len(pins)} locked packages checked, 0 known "
            f"vulnerabilities in data up to {_newest(dates)}"
        )
    if unchecked or not pins:
        lines.append(
            f"NOT CHECKED: {len(unchecked)} of {len(pins)} locked packages were checked by no "
            "advisory source"
            + (": " + ", ".join(unchecked[:10]) if unchecked else "")
            + ("; the audit proves nothing about them" if pins else "; no pins were read")
        )
    if checked and "live" not in dates:
        lines.append(
            f"NOT CHECKED: advisories published after {_newest(dates)}: no current advisory "
            "source could be read on this machine"
        )
    return status, lines


def _source_line(result: SourceResult, pins: dict[str, str]) -> str:
    count = len(result.checked & set(pins))
    head = f"  {result.name}, data {result.data_date}: "
    if count == 0:
        return head + f"NOT CHECKED: 0 of {len(pins)} checked ({result.not_checked_reason})"
    found = len(result.findings)
    line = head + f"{count} of {len(pins)} checked, {found} known vulnerabilities"
    if result.not_checked_reason:
        line += f"; {len(pins) - count} not checked ({result.not_checked_reason})"
    return line


def _newest(dates: list[str]) -> str:
    return "today (live)" if "live" in dates else (max(dates) if dates else "nothing")


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lock", type=Path, help="a requirements lock file (name==version pins)")
    parser.add_argument("--offline", action="store_true", help="skip the live PyPI source")
    args = parser.parse_args(argv)
    pins = read_pins(args.lock.read_text())
    results = [] if args.offline else [pip_audit_run(args.lock)]
    try:
        database, version = safety_db_load()
        results.append(safety_db_check(pins, database, version))
    except metadata.PackageNotFoundError:
        results.append(
            SourceResult(
                name="safety-db",
                data_date="-",
                not_checked_reason="the safety-db package is not installed (make audit "
                "installs requirements-dev.lock)",
            )
        )
    status, lines = verdict(pins, results)
    print(f"audit of {args.lock}")
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
