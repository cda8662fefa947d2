"""A server the local stack runs as a child process: started in its own process group (so a stop
ends its children too), ready when it answers a real request, stopped with SIGTERM, then SIGKILL.
`DynamoDBLocal` and `S3Local` are two."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


class ExitedEarly(OSError):
    """A part of the stack stopped before it answered (its port taken, its data folder unusable...):
    an OSError, so `make run` says it in one sentence with the log to read, never a traceback."""


class LocalProcess:
    name = "the server"

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def spawn(self, command: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=cwd,
                start_new_session=True,
            )

    def wait_ready(self, probe: Callable[[], object], timeout: float) -> None:
        """Call `probe` until it stops raising (a listening port is not enough), or fail."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise ExitedEarly(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            try:
                probe()
                return
            except Exception:
                if time.monotonic() > deadline:
                    self.stop()
                    raise TimeoutError(f"{self.name} did not answer within {timeout:.0f}s") from None
                time.sleep(0.1)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
