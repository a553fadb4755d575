"""A pytest plugin for tools/mutation.py, loaded into every run it makes (`-p mutation_plugin`).

In every run, Hypothesis keeps the first failing example without shrinking it: a failure is all
a mutant's run needs to know, and shrinking a failed stateful run can take minutes.

In the one traced run of a module, it notes which tests run which lines of the module
MUTATION_TRACE_FILE and writes {"tests": [node ids in run order], "lines": {line: [indexes into
tests]}, "outside": [lines]} to MUTATION_TRACE_OUT. `outside` are the lines run outside any test
(the module's import: its tables and definitions); a mutant there may change every test. A
mutant elsewhere needs only the tests that run its lines: the others cannot tell it apart.
(A line first run by a fixture wider than a test's is put down to the first test that used it.)
"""

import json
import os
import sys
import threading

import pytest

try:
    from hypothesis import Phase, settings
except ImportError:  # a project without Hypothesis
    pass
else:
    settings.register_profile(
        "mutation", phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target]
    )
    settings.load_profile("mutation")

TARGET = os.environ.get("MUTATION_TRACE_FILE")
OUT = os.environ.get("MUTATION_TRACE_OUT")

tests: list[str] = []
lines: dict[int, set[int]] = {}
outside: set[int] = set()
current: list[int | None] = [None]
is_target: dict[str, bool] = {}


def _local(frame, event, arg):
    if event == "line":
        test = current[0]
        if test is None:
            outside.add(frame.f_lineno)
        else:
            lines.setdefault(frame.f_lineno, set()).add(test)
    return _local


def _global(frame, event, arg):
    filename = frame.f_code.co_filename
    if filename not in is_target:
        is_target[filename] = os.path.realpath(filename) == os.path.realpath(TARGET)
    return _local if is_target[filename] else None


if TARGET:
    sys.settrace(_global)
    threading.settrace(_global)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    tests.append(item.nodeid)
    current[0] = len(tests) - 1


def pytest_runtest_logfinish(nodeid, location):
    current[0] = None


def pytest_sessionfinish(session, exitstatus):
    if not TARGET:
        return
    sys.settrace(None)
    with open(OUT, "w") as out:
        json.dump(
            {
                "tests": tests,
                "lines": {str(line): sorted(ids) for line, ids in lines.items()},
                "outside": sorted(outside),
            },
            out,
        )
