"""The PDFs the tests lay out are shared: between xdist's workers of a run, and between the
two runs of one .ci/run (SQLite, then PostgreSQL) through the folder SFO_TEST_LAYOUTS names
(tests/conftest.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests import conftest

CI_RUN = Path(__file__).resolve().parents[1] / ".ci" / "run"


def test_the_named_folder_is_shared_even_without_xdist(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    named = tmp_path / "layouts" / "of-this-ci-run"
    monkeypatch.setenv(conftest.LAYOUTS_VARIABLE, str(named))
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert conftest._shared_layouts(tmp_path_factory) == named
    assert named.is_dir()


def test_without_the_variable_or_xdist_layouts_stay_in_the_process(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(conftest.LAYOUTS_VARIABLE, raising=False)
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert conftest._shared_layouts(tmp_path_factory) is None


def test_a_layout_stored_by_another_process_is_read_not_laid_out_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laid_out: list[str] = []

    def lay_out() -> dict[str, Any]:
        laid_out.append("key")
        return {"standard": b"%PDF-1.7 the bytes"}

    monkeypatch.setattr(conftest, "_LAID_OUT", {})
    first = conftest._laid_out("key", tmp_path, lay_out)
    assert laid_out == ["key"]
    assert [p.name for p in tmp_path.iterdir()] == ["key.pickle"]  # whole, no part left
    monkeypatch.setattr(conftest, "_LAID_OUT", {})  # another process: nothing in memory
    assert conftest._laid_out("key", tmp_path, lay_out) == first
    assert laid_out == ["key"]  # read from the folder, not laid out again


def test_ci_run_names_one_folder_for_both_runs_and_removes_it() -> None:
    script = CI_RUN.read_text(encoding="utf-8")
    exported = script.index(f"export {conftest.LAYOUTS_VARIABLE}")
    assert exported < script.index("timed sqlite") < script.index("timed postgresql")
    assert re.search(rf"trap 'rm -rf \"\${conftest.LAYOUTS_VARIABLE}\"' EXIT", script)
