"""The clocks load generator: one process holding many joined clock pages.

``bench.clocks`` starts one or more of these as
``python -m bench.ticks --base URL --path /clocks?n=5 --pages K`` and talks to
each over its standard streams, one JSON object per line:

1. it opens and joins its ``K`` pages and reads every frame from then on,
   then prints ``{"ready": K}`` (or ``{"error": "..."}``, and exits 1);
2. it reads ``{"start": S, "duration": D, "grace": G}`` from stdin, ``S``
   a whole wall-clock second in the future;
3. it records every tick that names a second in ``[S, S + D)`` until
   ``S + D + G``, prints its ``TickStats`` and exits.

A tick is a patch whose text op sets an ``HH:MM:SS`` time. The clocks run in
UTC, so that text names a wall-clock second; the tick's lag is its receive
time minus the start of that second. The server renders a tick a few
milliseconds after the boundary, so the lag is the server's delay in
handling the tick plus the trip to this process, including any wait for
this process's own event loop (its CPU time is reported, as the clients and
the server share the machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from websockets.exceptions import ConnectionClosed

from bench.client import LiveClient, close_all, open_pages
from bench.serve import raise_fd_limit

_TIME = re.compile(r"(\d\d):(\d\d):(\d\d)")
_DAY = 86_400


def named_second(received: float, text: str) -> int:
    """The wall-clock second (Unix time) that the UTC ``HH:MM:SS`` ``text``
    names: the one of that time of day nearest to ``received``."""
    found = _TIME.fullmatch(text)
    if found is None:
        raise ValueError(f"not a HH:MM:SS time: {text!r}")
    hours, minutes, seconds = (int(x) for x in found.groups())
    day = int(received // _DAY) * _DAY
    second = day + hours * 3600 + minutes * 60 + seconds
    # Around midnight the named second may belong to the day before or after.
    if second - received > _DAY / 2:
        second -= _DAY
    elif received - second > _DAY / 2:
        second += _DAY
    return second


def tick_text(message: dict[str, Any]) -> str | None:
    """The ``HH:MM:SS`` a patch message sets, if it is a clock's tick."""
    if message.get("t") != "patch":
        return None
    for op in message.get("ops", ()):
        if len(op) == 4 and op[0] == "text" and isinstance(op[3], str) and _TIME.fullmatch(op[3]):
            return op[3]
    return None


@dataclass
class TickStats:
    """What one load process saw of the ticks naming a second in its window.

    ``lags[k]`` holds the lags (seconds) of the ticks naming second
    ``start + k``. A frame counts when it carries at least one such tick.
    """

    pages: int
    start: int
    duration: int
    lags: list[list[float]] = field(default_factory=list)
    frames: int = 0
    frame_bytes: int = 0
    ticks_per_frame: list[int] = field(default_factory=list)
    #: Bytes of one tick message, averaged within each frame of ticks only
    #: (a batch's brackets and commas excluded).
    message_bytes: list[float] = field(default_factory=list)
    #: Sockets the server closed before the run ended.
    closed: int = 0
    close_reasons: list[str] = field(default_factory=list)
    cpu_seconds: float = 0.0

    def __post_init__(self) -> None:
        if not self.lags:
            self.lags = [[] for _ in range(self.duration)]

    @property
    def ticks(self) -> int:
        return sum(len(second) for second in self.lags)

    def record(self, frame: str | bytes, received: float) -> None:
        """Count the in-window ticks of one frame received at ``received``."""
        data = json.loads(frame)
        batch = isinstance(data, list)
        items: list[dict[str, Any]] = data if batch else [data]
        in_window = 0
        only_ticks = True
        for message in items:
            text = tick_text(message)
            if text is None:
                only_ticks = False
                continue
            second = named_second(received, text)
            offset = second - self.start
            if 0 <= offset < self.duration:
                self.lags[offset].append(round(received - second, 4))
                in_window += 1
        if not in_window:
            return
        size = len(frame) if isinstance(frame, bytes) else len(frame.encode())
        self.frames += 1
        self.frame_bytes += size
        self.ticks_per_frame.append(in_window)
        if only_ticks:
            count = len(items)
            # A batch is "[" + ",".join(messages) + "]"; one message is sent bare.
            overhead = count + 1 if batch else 0
            self.message_bytes.append((size - overhead) / count)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TickStats:
        return cls(**data)


class Recorder:
    """Reads every page's frames; records them once the window is known."""

    def __init__(self, pages: list[LiveClient]) -> None:
        self.pages = pages
        self.stats: TickStats | None = None
        self._stopping = False
        self._tasks = [asyncio.create_task(self._read(page)) for page in pages]

    async def _read(self, page: LiveClient) -> None:
        try:
            while True:
                frame = await page.ws.recv()
                received = time.time()
                if self.stats is not None:
                    self.stats.record(frame, received)
        except ConnectionClosed as exc:
            if self.stats is not None and not self._stopping:
                self.stats.closed += 1
                if len(self.stats.close_reasons) < 5:
                    self.stats.close_reasons.append(str(exc))

    async def stop(self) -> None:
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def _sleep_until(wall: float) -> None:
    await asyncio.sleep(max(0.0, wall - time.time()))


def _say(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


async def run(base: str, path: str, pages: int, concurrency: int) -> int:
    """The whole life of one load process (see the module's docstring)."""
    try:
        clients = await open_pages(base, path, pages, concurrency=concurrency)
    except Exception as exc:
        _say({"error": f"opening {pages} pages of {path} failed: {exc!r} ({exc.__cause__!r})"})
        return 1
    recorder = Recorder(clients)
    try:
        _say({"ready": len(clients)})
        line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        if not line:
            return 1  # the parent went away
        window = json.loads(line)
        start, duration = int(window["start"]), int(window["duration"])
        stats = TickStats(pages=len(clients), start=start, duration=duration)
        await _sleep_until(start)
        recorder.stats = stats
        cpu = time.process_time()
        await _sleep_until(start + duration)
        stats.cpu_seconds = time.process_time() - cpu
        await _sleep_until(start + duration + float(window["grace"]))
        await recorder.stop()
        _say(asdict(stats))
        return 0
    finally:
        await recorder.stop()
        await close_all(clients)


def main() -> None:
    parser = argparse.ArgumentParser(description="clock pages load process (see bench.clocks)")
    parser.add_argument("--base", required=True, help="the server, http://127.0.0.1:PORT")
    parser.add_argument("--path", required=True, help="the page, e.g. /clocks?n=5")
    parser.add_argument("--pages", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=16, help="handshakes at a time")
    args = parser.parse_args()
    raise_fd_limit()
    sys.exit(asyncio.run(run(args.base, args.path, args.pages, args.concurrency)))


if __name__ == "__main__":
    main()
