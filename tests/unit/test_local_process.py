"""A part of the local stack that stops before it answers is reported as an OSError naming its log,
which `make run` prints in one sentence (devstack/run.py), never as a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from devstack.local_process import ExitedEarly, LocalProcess


def test_a_part_that_exits_before_answering_names_its_exit_code_and_log(tmp_path: Path) -> None:
    part = LocalProcess(tmp_path / "part.log")
    part.spawn([sys.executable, "-c", "import sys; print('port taken'); sys.exit(3)"], cwd=tmp_path)

    def never_ready() -> None:
        raise ConnectionRefusedError

    with pytest.raises(ExitedEarly) as refused:
        part.wait_ready(never_ready, timeout=60)
    assert isinstance(refused.value, OSError)
    assert str(refused.value) == f"the server exited with 3; see {tmp_path / 'part.log'}"
    assert "port taken" in (tmp_path / "part.log").read_text()
