"""`make test` keeps each browser test module on one xdist worker (`--dist loadgroup` and the
`xdist_group` marks tests/conftest.py adds), so its live server, seeded database and
accessibility crawl are made once. With pytest 9.2 and pytest-xdist 3.8 the marks were
silently ignored (pytest-dev/pytest-xdist#1386): the suite ran, every module's set-up twice.
This runs a small suite the same way and checks the grouping holds with the installed
versions."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

CONFTEST = """
import pytest

@pytest.hookimpl(tryfirst=True)  # as tests/conftest.py: before xdist reads the marks
def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
"""
GROUPED = """
import pytest

pytestmark = pytest.mark.browser

@pytest.mark.parametrize("n", range(8))
def test_grouped(n):
    pass
"""
LOOSE = """
import pytest

@pytest.mark.parametrize("n", range(8))
def test_loose(n):
    pass
"""


def test_a_grouped_module_runs_on_one_worker(tmp_path: Path):
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_grouped.py").write_text(GROUPED)
    (tmp_path / "test_loose.py").write_text(LOOSE)
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    browser: a browser test\n")
    ran = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-v",
            "-p",
            "no:randomly",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    workers = {
        worker
        for worker, nodeid in re.findall(r"\[(gw\d)\][^\n]*PASSED (\S+)", ran.stdout)
        if "test_grouped" in nodeid
    }
    assert len(re.findall(r"PASSED \S*test_grouped", ran.stdout)) == 8, ran.stdout
    assert len(workers) == 1, f"the grouped module ran on {sorted(workers)}:\n{ran.stdout}"
