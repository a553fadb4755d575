"""The dependency audit (tools/audit.py, `make audit`, CI): a known-vulnerable pin fails it, and an
audit that could check nothing is said to be NOT CHECKED and never passes."""

from pathlib import Path

import pytest

from tools import audit

PROJECT = Path(__file__).resolve().parents[2]

# What pip-audit answers on an index without per-release vulnerability data: every dependency
# skipped (its JSON as written by pip-audit 2.10 here).
PIP_AUDIT_ALL_SKIPPED = {
    "dependencies": [
        {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be "
         "audited: django (3.0.0)"},
        {"name": "requests", "skip_reason": "Dependency not found on PyPI and could not be "
         "audited: requests (2.32.5)"},
    ],
    "fixes": [],
}  # fmt: skip


def run(lock: Path, capsys, *args: str) -> tuple[int, str]:
    status = audit.main([*args, str(lock)])
    return status, capsys.readouterr().out


@pytest.fixture
def lock(tmp_path):
    def write(text: str) -> Path:
        path = tmp_path / "requirements.lock"
        path.write_text(text)
        return path

    return write


def test_an_old_django_pin_is_reported_with_its_advisories_and_fails(lock, capsys):
    status, out = run(lock("django==3.0.0 \\\n    --hash=sha256:00\n"), capsys, "--offline")
    assert status == 1
    # Real advisories from the safety-db data: the password-reset hijack fixed in 3.0.1.
    assert "VULNERABLE: django 3.0.0: pyup.io-37771 / CVE-2019-19844" in out
    assert "audit: FAILED:" in out
    assert "locked packages checked, 0 known" not in out


def test_a_fixed_release_is_checked_and_passes_naming_the_data_and_its_date(lock, capsys):
    status, out = run(lock("django==3.2.25\nzzz-not-in-any-database==1.0\n"), capsys, "--offline")
    assert status == 0
    assert "safety-db 2021.7.17 (PyUp's free database), data 2021-07-01: 2 of 2 checked" in out
    assert "audit: 2 of 2 locked packages checked, 0 known vulnerabilities in data up to " \
        "2021-07-01" in out  # fmt: skip
    # Stale data is said to be stale, not passed over.
    assert "NOT CHECKED: advisories published after 2021-07-01" in out


def test_the_project_lock_is_read_whole(capsys):
    lock = PROJECT / "requirements-dev.lock"
    pins = audit.read_pins(lock.read_text())
    assert {"django", "celery", "pip-audit"} <= set(pins)
    # The dev lock audited holds every package production runs, at the same version.
    production = audit.read_pins((PROJECT / "requirements.lock").read_text())
    assert production.items() <= pins.items()
    status, out = run(lock, capsys, "--offline")
    assert status == 0, out
    assert f"{len(pins)} of {len(pins)} checked" in out


def test_an_index_that_answers_nothing_is_not_checked_never_a_pass():
    pins = {"django": "3.0.0", "requests": "2.32.5"}
    live = audit.pip_audit_parse(PIP_AUDIT_ALL_SKIPPED)
    status, lines = audit.verdict(pins, [live])
    assert status == 2
    text = "\n".join(lines)
    assert "NOT CHECKED: 0 of 2 checked (2 skipped, e.g. Dependency not found on PyPI" in text
    assert "NOT CHECKED: 2 of 2 locked packages were checked by no advisory source" in text
    assert "known vulnerabilities in data" not in text and "audit: 2 of 2" not in text


def test_a_package_no_source_could_check_fails_even_when_the_others_are_clean():
    database = {"$meta": {"timestamp": 1625119202}, "django": []}
    database["weird"] = [{"id": "pyup.io-1", "specs": ["<2.-2"]}]  # a rule packaging can't read
    result = audit.safety_db_check({"django": "5.2", "weird": "1.0"}, database, "2021.7.17")
    status, lines = audit.verdict({"django": "5.2", "weird": "1.0"}, [result])
    assert (status, result.checked) == (2, {"django"})
    assert "NOT CHECKED: 1 of 2 locked packages were checked by no advisory source: weird" in (
        "\n".join(lines)
    )


def test_a_vulnerability_pip_audit_reports_fails_the_audit():
    report = {
        "dependencies": [
            {"name": "Django", "version": "3.0.0", "vulns": [
                {"id": "PYSEC-2019-16", "aliases": ["CVE-2019-19844"], "description": "hijack"}
            ]},
        ]
    }  # fmt: skip
    status, lines = audit.verdict({"django": "3.0.0"}, [audit.pip_audit_parse(report)])
    assert status == 1
    assert "VULNERABLE: django 3.0.0: PYSEC-2019-16 / CVE-2019-19844: hijack" in lines
    # Live data checked it: nothing is said to be left unchecked.
    assert not any(line.startswith("NOT CHECKED") for line in lines)


def test_an_empty_lock_checks_nothing_and_says_so(lock, capsys):
    status, out = run(lock("# nothing pinned\n"), capsys, "--offline")
    assert status == 2
    assert "NOT CHECKED: 0 of 0 locked packages were checked by no advisory source; no pins" in out
