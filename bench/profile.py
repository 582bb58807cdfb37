"""Where the server's CPU goes per event: a sampling profiler inside the server.

The key idea: ``setitimer(ITIMER_PROF)`` has the kernel send SIGPROF each
time the process has used another slice of CPU time, so samples fall in
proportion to CPU spent, and an idle server takes none. Python runs the
handler in the main thread, which runs the event loop and every page, at the
next bytecode boundary, with the frame it interrupted: a sample taken inside
a C call (Lexbor parsing, pydantic-core validating, the socket's ``send``)
lands in the Python function that called it. The kernel checks the timer on
its clock tick, so there are at most that many samples per CPU second (250
on this machine, whatever interval is asked): too few to perturb the server
(the handler's own time is measured and reported), enough for a split over
a load window of seconds.

Each sample goes to the innermost *entry point* on its stack
(``ENTRY_POINTS``): ``diff`` inside ``LivePage.flush`` is ``diff``, the rest
of ``flush`` is ``page``. A stack with no entry point goes to the innermost
code that says whose it is: Hypercorn, wsproto, h11 and asyncio's socket
reading are ``ws in`` (the socket read, websocket framing and the ASGI
hand-off to the session), asyncio's buffered socket writes are ``send``,
anything else outside the standard library is ``rest``, and so is a stack of
the standard library only (the event loop itself).

``bench.serve`` exposes one ``Sampler`` at ``PROFILE_ROUTE``/start and /stop;
``bench.load`` starts it at the start of its measured window and stops it at
the end, so the split covers exactly the CPU time it measured.
"""

from __future__ import annotations

import asyncio.selector_events
import asyncio.streams
import importlib
import os
import signal
import sysconfig
import time
from collections import Counter
from dataclasses import dataclass, field
from types import CodeType, FrameType
from typing import Any

#: Where ``bench.serve`` serves the sampler: /start, /stop, /stacks.
PROFILE_ROUTE = "/bench/profile"

#: Where the server's CPU per event goes, in the order the work happens.
CATEGORIES: tuple[str, ...] = (
    "ws in",
    "decode",
    "dispatch",
    "render",
    "diff",
    "page",
    "encode",
    "send",
    "rest",
)

#: (category, module, qualified name): a sample inside the function (and
#: everything it calls, unless a deeper entry point claims it) is the category's.
ENTRY_POINTS: tuple[tuple[str, str, str], ...] = (
    ("ws in", "livecomp.asgi", "AsgiTransport.frame_of"),
    ("decode", "livecomp.protocol", "decode_client"),
    ("dispatch", "livecomp.page", "LivePage.dispatch"),
    ("render", "livecomp.component", "capture_render"),
    ("render", "livecomp.component", "render_iterations"),
    ("diff", "livecomp.diff", "diff"),
    ("diff", "livecomp.page", "LivePage._diff"),
    ("diff", "livecomp.loopdiff", "update_loops"),
    ("page", "livecomp.page", "LivePage.flush"),
    ("encode", "livecomp.protocol", "encode"),
    ("encode", "livecomp.protocol", "encode_sized"),  # with telemetry on
    ("send", "livecomp.session", "LiveSession.send_replies"),
)

#: Packages whose code, outside every entry point, is the websocket's framing.
FRAMING_PACKAGES = ("hypercorn", "wsproto", "h11")

# A private class of asyncio's: looked up by name, as it may go away.
_SOCKET = getattr(asyncio.selector_events, "_SelectorSocketTransport", None)
_STREAM = asyncio.streams
#: asyncio's own code that reads the socket for Hypercorn, or writes what a
#: send left buffered.
_SOCKET_CODE: tuple[tuple[str, Any], ...] = (
    ("ws in", getattr(_SOCKET, "_read_ready", None)),
    ("ws in", getattr(_SOCKET, "_read_ready__data_received", None)),
    ("ws in", getattr(_SOCKET, "_read_ready__get_buffer", None)),
    ("ws in", _STREAM.StreamReaderProtocol.data_received),
    ("ws in", _STREAM.StreamReader.feed_data),
    ("send", getattr(_SOCKET, "_write_ready", None)),
    ("send", getattr(_SOCKET, "write", None)),
)

#: The most samples' stacks kept for ``collapsed()``; beyond, stacks are only counted.
MAX_STACKS = 20_000


def _resolve(module: str, qualname: str) -> CodeType | None:
    try:
        target: Any = importlib.import_module(module)
        for part in qualname.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError):
        return None
    code = getattr(getattr(target, "__wrapped__", target), "__code__", None)
    return code if isinstance(code, CodeType) else None


def _package_dir(name: str) -> str | None:
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    path = getattr(module, "__file__", None)
    return os.path.dirname(path) + os.sep if path else None


@dataclass
class CpuProfile:
    """Samples per category over one window, and what took the samples."""

    samples: dict[str, int]
    #: CPU seconds per sample the timer was asked for (the kernel's tick may be longer).
    interval: float
    #: Wall seconds the handler itself took, over all samples.
    handler_seconds: float
    #: The functions that were running most often: (category, function, samples).
    top: list[tuple[str, str, int]] = field(default_factory=list)
    #: Entry points that no longer exist under their names (renamed in livecomp?).
    missing: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.samples.values())

    def share(self, category: str) -> float:
        """The fraction of samples in ``category`` (NaN without samples)."""
        total = self.total
        return self.samples.get(category, 0) / total if total else float("nan")

    def error(self, category: str) -> float:
        """One standard error of ``share(category)``, as a fraction of the samples."""
        total = self.total
        if not total:
            return float("nan")
        p = self.share(category)
        return float((p * (1 - p) / total) ** 0.5)

    def to_json(self) -> dict[str, Any]:
        return {
            "samples": self.samples,
            "interval": self.interval,
            "handler_seconds": self.handler_seconds,
            "top": [list(t) for t in self.top],
            "missing": self.missing,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CpuProfile:
        return cls(
            samples={str(k): int(v) for k, v in data["samples"].items()},
            interval=float(data["interval"]),
            handler_seconds=float(data["handler_seconds"]),
            top=[(str(c), str(f), int(n)) for c, f, n in data.get("top", [])],
            missing=[str(m) for m in data.get("missing", [])],
        )


class Sampler:
    """SIGPROF sampling of the main thread, attributed to ``CATEGORIES``.

    Only the main thread may install the handler: start and stop it from
    code running on the main thread's event loop (a request handler).
    """

    def __init__(self) -> None:
        # Keyed by id(code), cheap to hash; the codes are kept alive with them.
        self._entries: dict[int, str] = {}
        self._fallback_code: dict[int, str] = {}
        self._known: list[CodeType] = []
        self.missing: list[str] = []
        for category, module, qualname in ENTRY_POINTS:
            code = _resolve(module, qualname)
            if code is None:
                self.missing.append(f"{module}.{qualname}")
            else:
                self._entries[id(code)] = category
                self._known.append(code)
        for category, function in _SOCKET_CODE:
            code = getattr(function, "__code__", None)
            if isinstance(code, CodeType):
                self._fallback_code[id(code)] = category
                self._known.append(code)
        self._framing = tuple(p for p in map(_package_dir, FRAMING_PACKAGES) if p)
        stdlib = sysconfig.get_paths()["stdlib"]
        self._stdlib = os.path.realpath(stdlib) + os.sep, stdlib + os.sep
        self._by_file: dict[str, str | None] = {}
        self._reset()
        self._running = False
        self._interval = 0.0

    def _reset(self) -> None:
        self._samples: Counter[str] = Counter()
        # Keyed by id(code): hashing a code object hashes its contents.
        self._leaves: Counter[tuple[str, int]] = Counter()
        self._stacks: Counter[tuple[int, ...]] = Counter()
        self._codes: dict[int, CodeType] = {}
        self._handler_seconds = 0.0

    def _owner(self, code: CodeType) -> str | None:
        """The fallback category of code outside every entry point; None for
        the standard library, whose caller decides."""
        category = self._fallback_code.get(id(code))
        if category is not None:
            return category
        filename = code.co_filename
        found = self._by_file.get(filename, "")
        if found != "":
            return found
        if filename.startswith(self._framing):
            owner: str | None = "ws in"
        elif filename.startswith(self._stdlib) or filename.startswith("<frozen"):
            owner = None
        else:
            owner = "rest"
        self._by_file[filename] = owner
        return owner

    def classify(self, frame: FrameType | None) -> str:
        """The category of a sample whose innermost frame is ``frame``."""
        entries = self._entries
        fallback: str | None = None
        while frame is not None:
            code = frame.f_code
            category = entries.get(id(code))
            if category is not None:
                return category
            if fallback is None:
                fallback = self._owner(code)
            frame = frame.f_back
        return fallback or "rest"

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        began = time.perf_counter()
        category = self.classify(frame)
        self._samples[category] += 1
        if frame is not None:
            codes = self._codes
            leaf = frame.f_code
            codes[id(leaf)] = leaf
            self._leaves[(category, id(leaf))] += 1
            if len(self._stacks) < MAX_STACKS:
                stack = []
                while frame is not None:
                    code = frame.f_code
                    key = id(code)
                    if key not in codes:
                        codes[key] = code
                    stack.append(key)
                    frame = frame.f_back
                self._stacks[tuple(stack)] += 1
        self._handler_seconds += time.perf_counter() - began

    @property
    def running(self) -> bool:
        return self._running

    def start(self, interval: float = 0.001) -> None:
        """Forget earlier samples; sample every ``interval`` CPU seconds."""
        self.stop()
        self._reset()
        self._interval = interval
        signal.signal(signal.SIGPROF, self._on_signal)
        signal.setitimer(signal.ITIMER_PROF, interval, interval)
        self._running = True

    def stop(self) -> CpuProfile:
        """Stop sampling; the samples since ``start``."""
        if self._running:
            signal.setitimer(signal.ITIMER_PROF, 0, 0)
            signal.signal(signal.SIGPROF, signal.SIG_IGN)
            self._running = False
        top = [
            (category, describe(self._codes[code]), count)
            for (category, code), count in self._leaves.most_common(40)
        ]
        return CpuProfile(
            samples={c: self._samples.get(c, 0) for c in CATEGORIES},
            interval=self._interval,
            handler_seconds=self._handler_seconds,
            top=top,
            missing=list(self.missing),
        )

    def collapsed(self) -> str:
        """The sampled stacks of the last window, outermost frame first, one
        ``a;b;c count`` line each (the input of flamegraph.pl and speedscope)."""
        lines = [
            ";".join(describe(self._codes[code]) for code in reversed(stack)) + f" {count}"
            for stack, count in self._stacks.most_common()
        ]
        return "\n".join(lines) + "\n"


def _prefixes() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    found = [paths["purelib"], paths["platlib"], root, paths["stdlib"]]
    return tuple(dict.fromkeys(os.path.join(p, "") for p in found))


_PREFIXES = _prefixes()


def describe(code: CodeType) -> str:
    """``path/file.py:qualified.name`` of a code object, the path relative to
    site-packages, the repository or the standard library."""
    path = code.co_filename
    for prefix in _PREFIXES:
        if path.startswith(prefix):
            path = path[len(prefix) :]
            break
    return f"{path}:{code.co_qualname}"
