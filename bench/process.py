"""Start and stop the benchmark server (``bench.serve``) as a child process.

The server always runs in its own process, on a free 127.0.0.1 port, and is
always stopped by its own PID: SIGTERM first, so Hypercorn shuts down
cleanly, then SIGKILL if it does not exit in time.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

# psutil ships no type stubs and the project's mypy config has no override
# for it; only Probe touches it, so the rest of the bench stays typed.
import psutil

ROOT = Path(__file__).resolve().parent.parent


class Probe:
    """Typed readings of one process, by PID."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._process = psutil.Process(pid)

    def rss(self) -> int:
        """Resident set size in bytes."""
        return int(self._process.memory_info().rss)

    def cpu_seconds(self) -> float:
        """User plus system CPU time so far."""
        times = self._process.cpu_times()
        return float(times.user + times.system)


def machine_busy_seconds() -> float:
    """CPU seconds that all of the machine's cores have spent busy so far.

    Busy is everything but idle and I/O wait, steal included (another
    virtual machine had the core); guest time is already part of user time.
    """
    times = psutil.cpu_times()
    total = sum(float(x) for x in times)
    idle = float(times.idle) + float(getattr(times, "iowait", 0.0))
    guest = float(getattr(times, "guest", 0.0)) + float(getattr(times, "guest_nice", 0.0))
    return total - idle - guest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerProcess:
    """``python -m bench.serve`` on a free port, for the length of a ``with``."""

    def __init__(self, startup_timeout: float = 30.0, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.startup_timeout = startup_timeout
        #: Set in the server's environment on top of this process's own.
        self.env = dict(env or {})
        self._process: subprocess.Popen[bytes] | None = None
        self._probe: Probe | None = None

    @property
    def base(self) -> str:
        """The server's own origin, ``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self._process is not None, "the server is not started"
        return self._process.pid

    @property
    def probe(self) -> Probe:
        """The server process, for RSS and CPU readings."""
        assert self._probe is not None, "the server is not started"
        return self._probe

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        # The repository root must be importable (bench, examples).
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.serve", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
        )
        self._probe = Probe(self._process.pid)
        try:
            self._wait_for_port()
        except BaseException:
            self.stop()
            raise

    def _wait_for_port(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"bench.serve exited early with code {self._process.returncode}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise TimeoutError(f"bench.serve did not listen on {self.port} in {self.startup_timeout} s")

    def stop(self) -> None:
        """Stop the server by its PID, politely first."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def __enter__(self) -> ServerProcess:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
