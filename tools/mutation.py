"""Mutation testing of the rule modules: do their tests notice when the rules change?

For each module named in tools/mutation.toml this makes mutants, each one small change to the
module's syntax tree (an operator, a dropped condition, a member swapped for another of its kind,
a `raise` made `pass`...), writes each into a copy of the project under mutants/ (never into the
working tree, which other people are editing), and runs the module's tests there with
`pytest -x`. A mutant the tests fail on is killed; one they pass on survived: a rule could change
and nobody would know. Mutants run in parallel, one project copy per job. A first, traced run
(tools/mutation_plugin.py) notes which tests run which lines, so each mutant runs only the tests
that can meet it (every test, for the lines run on import: the move table is one).

    .venv/bin/python tools/mutation.py                      # every module in the configuration
    .venv/bin/python tools/mutation.py --module apps/accounts/permissions.py
    .venv/bin/python tools/mutation.py --list --module ...  # the mutants, without running them
    .venv/bin/python tools/mutation.py --base HEAD --worktree 'tests/accounts/*' ...

`--base REV` takes the copy from a commit instead of the working tree (for a tree that is
half-way through someone's rewrite), with the `--worktree` paths laid over it as they are now.
The tests run on the embedded SQLite with no broker: DATABASE_URL, CI, REDIS_URL and CACHE_URL
are left out of their environment, so parallel runs never share a database or a Redis.

Why not mutmut 3: it mutates only the insides of functions (module-level statements are kept as
they are), so the move table in deliverables/workflow.py, the rule that matters most, would get no
mutant at all; and under Django it needs a root conftest.py that bootstraps Django again for each
of the many pytest runs it makes inside one process.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import fnmatch
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
import time
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "tools" / "mutation.toml"
# Left out of the tests' environment: each parallel run gets its own in-memory SQLite database,
# runs tasks in-process, and keeps throttle counters in local memory.
ISOLATED_ENV = ("DATABASE_URL", "CI", "REDIS_URL", "CACHE_URL")
NOT_COPIED = {".git", ".venv", "mutants", "node_modules", "__pycache__", "media", "staticfiles"}


# -- Making mutants ------------------------------------------------------------------------------

Path_ = tuple[tuple[str, int | None], ...]  # (field, index in a list field) from the module down


@dataclass
class Mutant:
    number: int
    line: int
    kind: str
    before: str
    after: str
    path: Path_ = field(repr=False)
    node: ast.AST = field(repr=False)
    lines: range = field(repr=False, default=range(0))  # the lines of its statement

    @property
    def change(self) -> str:
        return f"{self.before} -> {self.after}"


COMPARE_SWAPS = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
BINOP_SWAPS = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult,
    ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd,
}
# Fields never mutated: annotations and decorators run at definition time or not at all.
SKIPPED_FIELDS = {"annotation", "returns", "decorator_list", "type_comment", "type_params"}


def _is_member(node: ast.AST) -> bool:
    """`Kind.MEMBER`: an enum member, a state, a role (an upper-case attribute of a name)."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.attr.isupper()
        and isinstance(node.ctx, ast.Load)
    )


def _is_type_union(node: ast.AST) -> bool:
    """`User | AnonymousUser`: a type, not a computation."""
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.BitOr)
        and all(
            isinstance(side, ast.Name | ast.Attribute | ast.BinOp | ast.Subscript)
            or (isinstance(side, ast.Constant) and side.value is None)
            for side in (node.left, node.right)
        )
        and not any(isinstance(sub, ast.Call) for sub in ast.walk(node))
    )


class Kinds:
    """The members of each kind the module uses, in order, and the module's short names for them
    (`C, SEC = Actor.COCHAIR, Actor.SECRETARIAT`), so a member can be swapped for another of its
    kind: a state for another state, a role for another role."""

    def __init__(self, tree: ast.Module):
        self.members: dict[str, list[str]] = {}  # kind -> members in order of first use
        self.alias_of: dict[str, tuple[str, str]] = {}  # short name -> (kind, member)
        self.alias_for: dict[tuple[str, str], str] = {}
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                        target = statement.targets[0]
                        if isinstance(target, ast.Name) and target.id.isupper():
                            self._add(node.name, target.id)
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                names, values = node.targets[0], node.value
                pairs = (
                    zip(names.elts, values.elts, strict=False)
                    if isinstance(names, ast.Tuple) and isinstance(values, ast.Tuple)
                    else [(names, values)]
                )
                for name, value in pairs:
                    if isinstance(name, ast.Name) and _is_member(value):
                        kind, member = value.value.id, value.attr
                        self.alias_of[name.id] = (kind, member)
                        self.alias_for.setdefault((kind, member), name.id)
        for node in ast.walk(tree):
            if _is_member(node):
                self._add(node.value.id, node.attr)

    def _add(self, kind: str, member: str) -> None:
        known = self.members.setdefault(kind, [])
        if member not in known:
            known.append(member)

    def of(self, node: ast.AST) -> tuple[str, str] | None:
        if _is_member(node):
            return node.value.id, node.attr
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            return self.alias_of.get(node.id)
        return None

    def other(self, node: ast.AST) -> ast.expr | None:
        """The next member of the same kind, written the way the module writes it."""
        found = self.of(node)
        if not found:
            return None
        kind, member = found
        members = self.members.get(kind, [])
        if len(members) < 2:
            return None
        following = members[(members.index(member) + 1) % len(members)]
        alias = self.alias_for.get((kind, following))
        if isinstance(node, ast.Name) and alias:
            return ast.Name(id=alias, ctx=ast.Load())
        return ast.Attribute(ast.Name(id=kind, ctx=ast.Load()), attr=following, ctx=ast.Load())


def _children(node: ast.AST) -> Iterator[tuple[str, int | None, ast.AST]]:
    for name, value in ast.iter_fields(node):
        if name in SKIPPED_FIELDS:
            continue
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, ast.AST):
                    yield name, index, item
        elif isinstance(value, ast.AST):
            yield name, None, value


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _is_export_list(statement: ast.stmt) -> bool:
    """`__all__ = [...]`: names for readers and linters; nothing here imports with `*`."""
    return isinstance(statement, ast.Assign) and any(
        isinstance(target, ast.Name) and target.id == "__all__" for target in statement.targets
    )


def _replacements(node: ast.AST, parent: ast.AST | None, kinds: Kinds):
    """(kind of change, the node that replaces `node`[, the item it drops]) for every mutant of
    this one node."""

    def changed(**fields) -> ast.AST:
        new = copy.deepcopy(node)
        for name, value in fields.items():
            setattr(new, name, value)
        return new

    def without(items: list, index: int) -> list:
        return copy.deepcopy(items[:index] + items[index + 1 :])

    if isinstance(node, ast.Compare):
        for index, op in enumerate(node.ops):
            if type(op) in COMPARE_SWAPS:
                ops = list(node.ops)
                ops[index] = COMPARE_SWAPS[type(op)]()
                yield "operator", changed(ops=ops)
    elif isinstance(node, ast.BoolOp):
        yield "and/or", changed(op=ast.Or() if isinstance(node.op, ast.And) else ast.And())
        for index in range(len(node.values)):
            rest = without(node.values, index)
            yield "drop condition", rest[0] if len(rest) == 1 else changed(values=rest)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "drop not", copy.deepcopy(node.operand)
    elif isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in BINOP_SWAPS:
        if not _is_type_union(node):
            yield "operator", changed(op=BINOP_SWAPS[type(node.op)]())
    elif isinstance(node, ast.Constant) and not isinstance(node.value, str):
        if isinstance(node.value, bool):
            yield "constant", ast.Constant(value=not node.value)
        elif isinstance(node.value, int | float) and not isinstance(parent, ast.Subscript):
            yield "constant", ast.Constant(value=node.value + 1)
    elif kinds.of(node) and not (isinstance(parent, ast.Assign) and node in parent.targets):
        other = kinds.other(node)
        if other is not None:
            yield "member", other

    if isinstance(node, ast.If | ast.While | ast.IfExp) and not isinstance(node.test, ast.Constant):
        yield "condition always true", changed(test=ast.Constant(value=True))
        yield "condition always false", changed(test=ast.Constant(value=False))
    if isinstance(node, ast.comprehension):
        for index in range(len(node.ifs)):
            yield "drop condition", changed(ifs=without(node.ifs, index)), node.ifs[index]
    if isinstance(node, ast.List | ast.Tuple | ast.Set) and len(node.elts) >= 2:
        unpacked = isinstance(parent, ast.Assign) and isinstance(parent.targets[0], ast.Tuple)
        if getattr(node, "ctx", ast.Load()).__class__ is ast.Load and not unpacked:
            for index in range(len(node.elts)):
                yield "drop element", changed(elts=without(node.elts, index)), node.elts[index]
    if isinstance(node, ast.Call):
        same_kind = [i for i, arg in enumerate(node.args) if kinds.of(arg)]
        by_kind: dict[str, list[int]] = {}
        for index in same_kind:
            by_kind.setdefault(kinds.of(node.args[index])[0], []).append(index)
        for indexes in by_kind.values():
            if len(indexes) >= 2:
                for index in indexes:
                    yield "drop member", changed(args=without(node.args, index)), node.args[index]
    if isinstance(node, ast.Raise):
        yield "raise -> pass", ast.Pass()
    if isinstance(node, ast.Return) and not (
        node.value is None or (isinstance(node.value, ast.Constant) and node.value.value is None)
    ):
        yield "drop return value", ast.Return(value=None)
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        yield "drop call", ast.Pass()


def make_mutants(source: str) -> list[Mutant]:
    tree = ast.parse(source)
    kinds = Kinds(tree)
    original = ast.unparse(tree)
    mutants: list[Mutant] = []
    seen: set[str] = {original}

    def visit(node: ast.AST, parent: ast.AST | None, path: Path_, statement: ast.AST) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom | ast.JoinedStr):
            return
        if isinstance(node, ast.stmt) and (_is_docstring(node) or _is_export_list(node)):
            return
        if isinstance(node, ast.stmt):
            statement = node
        for kind, new, *dropped in _replacements(node, parent, kinds):
            ast.copy_location(new, node)
            code = ast.unparse(_apply(tree, path, new))
            if code in seen:  # the same program as another mutant, or as the original
                continue
            seen.add(code)
            mutants.append(
                Mutant(
                    number=len(mutants) + 1,
                    line=getattr(node, "lineno", statement.lineno),
                    kind=kind,
                    before=_describe(dropped[0] if dropped else node, kind),
                    after="(dropped)" if dropped else _describe(new, kind),
                    path=path,
                    node=new,
                    lines=range(statement.lineno, statement.end_lineno + 1),
                )
            )
        for name, index, child in _children(node):
            visit(child, node, (*path, (name, index)), statement)

    visit(tree, None, (), tree)
    return mutants


def _describe(node: ast.AST, kind: str) -> str:
    """The changed part: a condition's test, a dropped item, else the whole node."""
    return _short(node.test if kind.startswith("condition") else node)


def _short(node: ast.AST) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= 90 else text[:87] + "..."


def _apply(tree: ast.Module, path: Path_, new: ast.AST) -> ast.Module:
    mutated = copy.deepcopy(tree)
    holder: ast.AST = mutated
    for name, index in path[:-1]:
        value = getattr(holder, name)
        holder = value[index] if index is not None else value
    name, index = path[-1]
    if index is None:
        setattr(holder, name, new)
    else:
        getattr(holder, name)[index] = new
    return ast.fix_missing_locations(mutated)


def mutant_source(source: str, mutant: Mutant) -> str:
    return ast.unparse(_apply(ast.parse(source), mutant.path, mutant.node)) + "\n"


# -- Project copies ------------------------------------------------------------------------------


def _git(*args: str) -> bytes:
    git = shutil.which("git") or "git"
    return subprocess.run([git, *args], cwd=ROOT, check=True, capture_output=True).stdout  # noqa: S603 - fixed git arguments


def _worktree_files() -> list[str]:
    """Tracked and untracked files of the working tree, minus what .gitignore ignores."""
    listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard").split(b"\0")
    return sorted({name.decode() for name in listed if name and (ROOT / name.decode()).is_file()})


def _copy_from_worktree(target: Path, patterns: list[str] | None = None) -> int:
    copied = 0
    for name in _worktree_files():
        if NOT_COPIED & set(Path(name).parts):
            continue
        if patterns is not None and not any(_matches(name, pattern) for pattern in patterns):
            continue
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, destination)
        copied += 1
    return copied


def _matches(name: str, pattern: str) -> bool:
    pattern = pattern.rstrip("/")
    return fnmatch.fnmatch(name, pattern) or name.startswith(pattern + "/") or name == pattern


def build_copy(target: Path, base: str | None, overlay: list[str]) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    if base is None:
        _copy_from_worktree(target)
        return
    with tarfile.open(fileobj=io.BytesIO(_git("archive", "--format=tar", base))) as archive:
        archive.extractall(target, filter="data")
    if overlay and not _copy_from_worktree(target, overlay):
        raise SystemExit(f"--worktree {' '.join(overlay)}: no file of the working tree matches")


# -- Running -------------------------------------------------------------------------------------


@dataclass
class Result:
    number: int
    line: int
    kind: str
    change: str
    outcome: str  # killed, survived, timeout
    seconds: float
    equivalent: str = ""
    note: str = ""


def _tests_running(mutant: Mutant, trace: dict, files: list[str]) -> list[str]:
    """The tests that run the mutant's statement, in their configured order; every test file
    when the statement runs on import (a table, a definition), since then any test may tell, and
    tests parametrized from the module may be others."""
    if any(line in trace["outside"] for line in mutant.lines):
        return files
    indexes = set()
    for line in mutant.lines:
        indexes.update(trace["lines"].get(str(line), ()))
    return [trace["tests"][index] for index in sorted(indexes)]


def _test_env(extra: dict[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ISOLATED_ENV}
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # a mutant written in the same second must be re-read
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "tools"), env.get("PYTHONPATH")]))
    return env | extra


RUNNING: set[subprocess.Popen] = set()  # each in its own process group, ended with us


def _end_running(*signalled) -> None:
    for process in list(RUNNING):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    if signalled:
        raise SystemExit("stopped")


def run_tests(
    workdir: Path, tests: list[str], pytest_args: list[str], timeout: float, env=None
) -> tuple[int | None, float, str]:
    """(pytest's exit code or None on a timeout, seconds, the output's tail)."""
    command = [sys.executable, "-m", "pytest", "-p", "mutation_plugin", *pytest_args, *tests]
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter running pytest
        command,
        cwd=workdir,
        env=_test_env(env or {}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    RUNNING.add(process)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None, time.monotonic() - started, ""
    finally:
        RUNNING.discard(process)
    return process.returncode, time.monotonic() - started, output.decode(errors="replace")[-3000:]


def _expand_tests(patterns: list[str], workdir: Path) -> list[str]:
    tests: list[str] = []
    for pattern in patterns:
        matched = []
        for found in sorted(workdir.glob(pattern)):
            files = sorted(found.rglob("test_*.py")) if found.is_dir() else [found]
            matched.extend(str(file.relative_to(workdir)) for file in files)
        if not matched:  # a file moved or not written yet: say so, run the others
            print(f"  tests: {pattern} matches nothing here", flush=True)
        tests.extend(name for name in matched if name not in tests)
    if not tests:
        raise SystemExit(f"tests: none of {' '.join(patterns)} matches a file")
    return tests


def mutate_module(module: dict, settings: dict, args) -> dict:
    path = module["path"]
    pytest_args = list(settings.get("pytest_args", [])) + list(module.get("pytest_args", []))
    jobs = args.jobs or settings.get("jobs", 2)
    out = Path(args.out)
    started = time.monotonic()
    copies = [out / "work" / f"job{number}" for number in range(jobs)]
    for workdir in copies:
        build_copy(workdir, args.base, args.worktree)
    source = (copies[0] / path).read_text()
    mutants = make_mutants(source)
    if args.only:
        mutants = [m for m in mutants if m.number in set(args.only)]
    tests = _expand_tests(args.tests or module["tests"], copies[0])
    equivalents = {item["change"]: item["reason"] for item in module.get("equivalent", [])}
    print(f"\n{path}: {len(mutants)} mutants; tests: {' '.join(tests)}", flush=True)

    # The clean run, traced: which tests run which lines of the module (tools/mutation_plugin.py).
    trace_file = out / "work" / "trace.json"
    code, baseline, output = run_tests(
        copies[0],
        tests,
        pytest_args,
        timeout=3600,
        env={
            "MUTATION_TRACE_FILE": str(copies[0] / path),
            "MUTATION_TRACE_OUT": str(trace_file),
        },
    )
    if code != 0:
        raise SystemExit(f"The tests fail without any mutant (exit {code}):\n{output}")
    trace = json.loads(trace_file.read_text())
    # The copy must be what the tests import: a module that cannot be imported must fail them.
    (copies[0] / path).write_text(source + '\nraise RuntimeError("mutation canary")\n')
    canary, _, _ = run_tests(copies[0], tests, pytest_args, timeout=3600)
    (copies[0] / path).write_text(source)
    if canary == 0:
        raise SystemExit(f"The tests pass with {path} broken: they do not import the copy")
    timeout = baseline * args.timeout_factor + 30
    print(f"  clean run {baseline:.0f} s (traced); a mutant's run stops after {timeout:.0f} s",
          flush=True)  # fmt: skip

    free = list(copies)
    lock = threading.Lock()

    def run(mutant: Mutant) -> Result:
        selected = _tests_running(mutant, trace, tests)
        if not selected:
            return _result(mutant, "survived", 0.0, note=f"no test runs line {mutant.line}")
        with lock:
            workdir = free.pop()
        try:
            (workdir / path).write_text(mutant_source(source, mutant))
            code, seconds, _ = run_tests(workdir, selected, pytest_args, timeout)
        finally:
            (workdir / path).write_text(source)
            with lock:
                free.append(workdir)
        if code is None:
            outcome = "timeout"
        elif code == 0:
            outcome = "survived"
        elif code in (1, 2, 3):  # failed, interrupted (-x or a collection error), internal error
            outcome = "killed"
        else:  # 4, 5: the tests it needs are gone (the clean run and the canary had them)
            return _result(mutant, "killed", seconds, note=f"pytest exit {code}: tests gone")
        return _result(mutant, outcome, seconds)

    def _result(mutant: Mutant, outcome: str, seconds: float, note: str = "") -> Result:
        return Result(
            number=mutant.number,
            line=mutant.line,
            kind=mutant.kind,
            change=mutant.change,
            outcome=outcome,
            seconds=round(seconds, 1),
            equivalent=equivalents.get(mutant.change, "") if outcome == "survived" else "",
            note=note,
        )

    results: list[Result] = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for done in as_completed([pool.submit(run, mutant) for mutant in mutants]):
            result = done.result()
            results.append(result)
            mark = {"killed": ".", "timeout": "T"}.get(result.outcome, "S")
            print(f"  [{len(results)}/{len(mutants)}] {mark} #{result.number} line {result.line}: "
                  f"{result.change} ({result.seconds:.0f} s)", flush=True)  # fmt: skip
    results.sort(key=lambda result: result.number)
    summary = _summary(path, results, time.monotonic() - started)
    summary["tests"] = tests
    summary["base"] = args.base or "working tree"
    return summary


def _summary(path: str, results: list[Result], seconds: float) -> dict:
    def count(outcome: str) -> int:
        return sum(result.outcome == outcome for result in results)

    total, caught = len(results), count("killed") + count("timeout")
    equivalent = sum(bool(result.equivalent) for result in results)
    return {
        "module": path,
        "mutants": total,
        "killed": count("killed"),
        "survived": count("survived"),
        "timeout": count("timeout"),
        "equivalent": equivalent,
        "percent_killed": _percent(caught, total),
        "percent_killed_of_non_equivalent": _percent(caught, total - equivalent),
        "minutes": round(seconds / 60, 1),
        "survivors": [asdict(result) for result in results if result.outcome == "survived"],
        "results": [asdict(result) for result in results],
    }


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 100.0


def report(summaries: list[dict]) -> str:
    lines = [
        "| module | mutants | killed | survived | of which equivalent | timeout | % killed "
        "| % killed of non-equivalent | minutes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in summaries:
        lines.append(
            f"| {s['module']} | {s['mutants']} | {s['killed']} | {s['survived']} "
            f"| {s['equivalent']} | {s['timeout']} | {s['percent_killed']} "
            f"| {s['percent_killed_of_non_equivalent']} | {s['minutes']} |"
        )
    lines.append(
        "\n% killed counts a timeout as killed (the change made the tests hang). An equivalent "
        "mutant is a survivor tools/mutation.toml names, with the reason no test can tell it apart."
    )
    for s in summaries:
        if s["survivors"]:
            lines.append(f"\nSurvivors in {s['module']}:")
            for r in s["survivors"]:
                note = f" (equivalent: {r['equivalent']})" if r["equivalent"] else ""
                note += f" ({r['note']})" if r["note"] else ""
                lines.append(f"- line {r['line']} [{r['kind']}]: `{r['change']}`{note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default=str(CONFIG))
    parser.add_argument("--module", action="append", help="a module of the configuration (repeat)")
    parser.add_argument("--tests", nargs="+", help="run these tests instead of the configured ones")
    parser.add_argument("--jobs", type=int, help="parallel runs (default: the configuration's)")
    parser.add_argument("--base", help="copy the project from this commit, not the working tree")
    parser.add_argument(
        "--worktree", action="append", default=[],
        help="with --base: a path or glob taken from the working tree all the same (repeat)",
    )  # fmt: skip
    parser.add_argument("--out", default=str(ROOT / "mutants"))
    parser.add_argument("--timeout-factor", type=float, default=3.0)
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument(
        "--only", type=int, nargs="+",
        help="run only these mutants, by number (e.g. a previous run's survivors)",
    )  # fmt: skip
    args = parser.parse_args(argv)

    config = tomllib.loads(Path(args.config).read_text())
    modules = config["module"]
    if args.module:
        unknown = set(args.module) - {m["path"] for m in modules}
        if unknown:
            raise SystemExit(f"not in {args.config}: {', '.join(sorted(unknown))}")
        modules = [m for m in modules if m["path"] in args.module]

    if args.list:
        for module in modules:
            path = module["path"]
            source = _git("show", f"{args.base}:{path}").decode() if args.base else None
            mutants = make_mutants(source or (ROOT / path).read_text())
            print(f"{path}: {len(mutants)} mutants")
            for m in mutants:
                print(f"  {m.number:4} line {m.line:4} [{m.kind}] {m.change}")
        return 0

    signal.signal(signal.SIGTERM, _end_running)
    signal.signal(signal.SIGINT, _end_running)
    out = Path(args.out)
    summaries = []
    try:
        for module in modules:
            summaries.append(mutate_module(module, config.get("settings", {}), args))
            text = report(summaries)  # written after each module: a long run keeps what it did
            (out / "report.md").write_text(text + "\n")
            (out / "results.json").write_text(json.dumps(summaries, indent=2) + "\n")
    except BaseException:
        _end_running()
        raise
    shutil.rmtree(out / "work", ignore_errors=True)
    print("\n" + text + f"\n\n(also in {out / 'report.md'} and {out / 'results.json'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
