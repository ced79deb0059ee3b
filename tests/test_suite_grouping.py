"""`make test` keeps each browser test module on one xdist worker (`--dist loadgroup` and the
`xdist_group` marks tests/conftest.py adds), so its live server, seeded database and
accessibility crawl are made once. With pytest 9.2 and pytest-xdist 3.8 the marks were
silently ignored (pytest-dev/pytest-xdist#1386): the suite ran, every module's set-up twice.
This runs a small suite the same way and checks the grouping holds with the installed
versions.

The same hook leaves out of the PostgreSQL run the tests that cannot reach its database
(they ran in the SQLite run, and would do the same again): the last tests here check which."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests import conftest

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


@dataclass
class _Item:
    """What the collection hook reads of a collected test."""

    path: Path
    fixturenames: list[str]

    def get_closest_marker(self, name: str) -> None:
        return None


class _Deselected:
    def __init__(self) -> None:
        self.items: list[Any] = []

    def pytest_deselected(self, items: list[Any]) -> None:
        self.items += items


def _collected(tmp_path: Path) -> tuple[list[Any], dict[str, Any]]:
    pure = tmp_path / "test_pure.py"
    pure.write_text("def test_sum():\n    assert 1 + 1 == 2\n")
    reads_the_url = tmp_path / "test_reads_the_url.py"
    reads_the_url.write_text(f"import os\nURL = os.environ.get({conftest.URL_VARIABLE!r})\n")
    named = {
        "app": _Item(pure, ["app", "db", "client"]),
        "pure": _Item(pure, ["tmp_path"]),
        "reads the url": _Item(reads_the_url, []),
    }
    return list(named.values()), named


def test_the_postgresql_run_leaves_out_only_what_cannot_reach_its_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items, named = _collected(tmp_path)
    hooks = _Deselected()
    config = SimpleNamespace(hook=hooks)
    monkeypatch.setenv(conftest.URL_VARIABLE, "postgresql://postgres@127.0.0.1:5432/test")
    conftest.pytest_collection_modifyitems(config, items)  # type: ignore[arg-type]
    assert items == [named["app"], named["reads the url"]]
    assert hooks.items == [named["pure"]]


def test_the_sqlite_run_keeps_every_test(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    items, named = _collected(tmp_path)
    hooks = _Deselected()
    monkeypatch.delenv(conftest.URL_VARIABLE, raising=False)
    conftest.pytest_collection_modifyitems(SimpleNamespace(hook=hooks), items)  # type: ignore[arg-type]
    assert items == list(named.values())
    assert hooks.items == []
