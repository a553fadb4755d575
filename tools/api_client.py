"""Generate a Python client for the API from its live schema, and refuse any generator warning.

    python tools/api_client.py [--output DIR]   # default: build/api-client

Dumps the schema the server publishes (`manage.py spectacular`), runs openapi-python-client
(pinned in the dev extra) on it with the configuration below, and exits non-zero listing every
warning or error: a warning means a piece of the API is missing from the client (an operation, a
response, a parameter), which a script would only find out when it needs it. The package is
written to DIR/isecg_api_client; put DIR on sys.path (or PYTHONPATH) to import it.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
PACKAGE = "isecg_api_client"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The generator reads JSON, text and octet streams only; the report's DOCX and PDF are files
# like any other octet stream, so the client hands back their bytes.
CONFIG = {
    "project_name_override": "isecg-api-client",
    "package_name_override": PACKAGE,
    "content_type_overrides": {
        DOCX: "application/octet-stream",
        "application/pdf": "application/octet-stream",
    },
}
# One entry per warning or error in the generator's report: "WARNING parsing GET /x/ ...".
FINDING = re.compile(r"^(WARNING|ERROR)\b.*$", re.MULTILINE)


class GenerationFailed(Exception):
    """The schema did not generate a complete client; the message lists why."""


@dataclass(frozen=True)
class Generated:
    schema: Path
    output: Path  # put on sys.path to import PACKAGE
    report: str  # what the generator printed


def dump_schema(target: Path, env: dict[str, str] | None = None) -> Path:
    """The schema exactly as the server serves it at /api/schema/."""
    env = dict(os.environ if env is None else env)
    # Settings refuse to load without a key when DEBUG is off; the schema never uses it.
    env.setdefault("SECRET_KEY", "schema-only-" + "x" * 50)
    done = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "manage.py", "spectacular", "--file", str(target), "--fail-on-warn"],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if done.returncode != 0:
        raise GenerationFailed(f"manage.py spectacular failed:\n{done.stdout}{done.stderr}")
    return target


def generate(schema: Path, output: Path) -> Generated:
    """Run openapi-python-client on `schema` into output/PACKAGE; raise on any finding."""
    output.mkdir(parents=True, exist_ok=True)
    config = output / "openapi-python-client.json"
    config.write_text(json.dumps(CONFIG, indent=2))
    env = dict(os.environ)
    # Its post-hooks run ruff on the generated code: the venv's ruff, found on PATH.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    done = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(schema),
         "--output-path", str(output / PACKAGE), "--meta", "none", "--config", str(config),
         "--overwrite", "--fail-on-warning"],
        cwd=output, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    report = done.stdout + done.stderr
    findings = [match.group(0) for match in FINDING.finditer(report)]
    if done.returncode != 0 or findings:
        listed = "\n".join(f"- {line}" for line in findings) or "(no WARNING/ERROR line)"
        raise GenerationFailed(
            f"openapi-python-client reported {len(findings)} finding(s) on {schema}:\n{listed}\n"
            f"Fix the schema (apps/api/schema.py, the views' extend_schema), not the client.\n"
            f"Full report:\n{report}"
        )
    return Generated(schema=schema, output=output, report=report)


def build(output: Path, env: dict[str, str] | None = None) -> Generated:
    output.mkdir(parents=True, exist_ok=True)
    return generate(dump_schema(output / "schema.yaml", env), output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=PROJECT / "build" / "api-client")
    args = parser.parse_args(argv)
    try:
        generated = build(args.output.resolve())
    except GenerationFailed as failure:
        print(failure, file=sys.stderr)
        return 1
    print(f"Generated {generated.output / PACKAGE} from {generated.schema}, no warnings.")
    print(f"Import it with PYTHONPATH={generated.output}: import {PACKAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
