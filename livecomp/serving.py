"""Serving an app with Hypercorn: one process, several workers, or with reload.

The key idea: whatever runs the app, each serving process is prepared the
same way (``prepare_process``): Hypercorn hardened so a connection the server
ended is gone in bounded time, the frame limit passed to Hypercorn so an
oversized frame is refused as it arrives, permessage-deflate off unless
asked for, and the garbage collector tuned for many long-lived pages; and
each runs on the same event loop (``run_on_loop``): uvloop when it is
installed, as it is with livecomp on Linux and macOS.
"""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Literal, get_args

from quart import Quart

from livecomp.server import LiveApp

if TYPE_CHECKING:
    from hypercorn.config import Config

__all__ = [
    "EventLoop",
    "hypercorn_config",
    "loop_factory",
    "prepare_process",
    "run",
    "run_on_loop",
    "serve",
]

#: The event loops a server can run on: ``"auto"`` is uvloop when it is
#: installed, else asyncio's own.
EventLoop = Literal["auto", "uvloop", "asyncio"]


async def serve(
    app: Quart,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    compression: bool = False,
    log_level: str = "INFO",
) -> None:
    """Serve ``app`` with Hypercorn on ``host``:``port`` (default ``$PORT`` or 8000).

    ``compression`` turns on permessage-deflate for websockets. It is off by
    default: Hypercorn keeps a full zlib compressor per connection (about
    118 KiB per idle page, measured in bench/), while patches are already
    small. When on, contexts are not kept between messages, so an idle page
    costs nothing extra. It runs on the caller's event loop; ``run`` (or
    ``run_on_loop``) makes a uvloop one when uvloop is installed.
    """
    from hypercorn.asyncio import serve as hypercorn_serve

    config = hypercorn_config(host, port, log_level)
    prepare_process(app, config, compression)
    await hypercorn_serve(app, config)


def hypercorn_config(host: str, port: int | None, log_level: str) -> Config:
    """The Hypercorn settings ``serve`` and the workers of ``run`` share."""
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"{host}:{port or int(os.environ.get('PORT', '8000'))}"]
    config.accesslog = None
    config.loglevel = log_level
    return config


def prepare_process(app: Quart, config: Config, compression: bool) -> None:
    """Harden Hypercorn and tune the collector of a process about to serve ``app``."""
    from livecomp.hypercorn_hardening import harden_hypercorn
    from livecomp.hypercorn_memory import lighten_hypercorn

    _configure_websocket_compression(compression)
    # Every websocket connection ends in bounded time after the server ends
    # it (slow client, idle, frame too large), whatever the peer does; and a
    # frame over the limit is dropped as it arrives, not buffered whole.
    harden_hypercorn()
    # Each connection's queue and events keep their waiters in lists: ~3 KiB
    # less per idle page.
    lighten_hypercorn()
    live = app.extensions.get("livecomp")
    if isinstance(live, LiveApp):
        # Hypercorn refuses a bigger frame as it arrives (close 1009), instead
        # of buffering it whole for the session to refuse; with
        # harden_hypercorn nothing past the limit is stored, and the limit
        # counts UTF-8 bytes, as the session's own check does.
        config.websocket_max_message_size = live.config.max_frame_bytes
    # Everything loaded so far (modules, compiled templates) lives as long as
    # the process: move it out of the collector's reach, so full collections
    # with many pages open only walk the pages.
    gc.collect()
    gc.freeze()
    # A full collection walks every open page; with big pages (a 1,000-row
    # table) the default (one per 10 second-generation passes) ran ~8 a
    # second under load and cost 17% of the CPU. One per 100 is enough:
    # pages free their cycles when they close. (bench: 59 -> 8 full
    # collections, CPU per event -12% on the 1,000-row page.)
    threshold0, threshold1, _ = gc.get_threshold()
    gc.set_threshold(threshold0, threshold1, 100)


def loop_factory(loop: EventLoop) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """What makes the event loop ``loop`` names (None: asyncio's own).

    Raises ValueError for a name that is not an ``EventLoop``, and
    RuntimeError for ``"uvloop"`` when uvloop is not installed.
    """
    if loop not in get_args(EventLoop):
        raise ValueError(f"loop must be one of {get_args(EventLoop)}, got {loop!r}")
    if loop == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:
        if loop == "auto":
            return None
        raise RuntimeError(
            "loop='uvloop' needs the uvloop package (pip install uvloop; it has no "
            "Windows build): install it, or pass loop='asyncio'"
        ) from None
    return uvloop.new_event_loop


def run_on_loop(main: Coroutine[Any, Any, None], loop: EventLoop = "auto") -> None:
    """Run ``main`` to its end on a new event loop of kind ``loop``, as
    ``asyncio.run`` does. uvloop's socket handling is C where asyncio's is
    Python: on the peers harness's counter (50 clients), 5% more events a
    second with everything else equal."""
    with asyncio.Runner(loop_factory=loop_factory(loop)) as runner:
        runner.run(main)


def run(
    app: Quart | str,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    compression: bool = False,
    workers: int = 1,
    reload: bool = False,
    loop: EventLoop = "auto",
) -> None:
    """Serve ``app`` until interrupted.

    With one worker and no reload, ``app`` may be the Quart app itself and
    ``serve`` runs in this process. ``workers=N`` serves with N worker
    processes sharing the listening socket; ``reload=True`` restarts the
    worker when a Python file changes and re-renders open pages when a
    template file changes (development only). Both need ``app`` as an
    import string, ``"package.module:app"`` or ``"package.module:create_app()"``,
    which each worker imports for itself (see ``livecomp.workers``).
    ``loop`` is the event loop each serving process runs: ``"auto"`` (the
    default) is uvloop when it is installed, else asyncio's own.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    loop_factory(loop)  # a wrong name fails here, not in each worker
    if workers == 1 and not reload:
        if isinstance(app, str):
            from livecomp.workers import load_app

            app = load_app(app)
        run_on_loop(serve(app, host=host, port=port, compression=compression), loop)
        return
    if not isinstance(app, str):
        what = f"workers={workers}" if workers > 1 else "reload=True"
        raise TypeError(
            f"run(app, {what}) needs the app as an import string each worker process "
            'imports, e.g. run("myapp:create_app()", ...) or run("myapp:app", ...), '
            "not an app object"
        )
    from livecomp.workers import supervise

    supervise(
        app,
        config=hypercorn_config(host, port, "INFO"),
        workers=workers,
        reload=reload,
        compression=compression,
        loop=loop,
    )


def _configure_websocket_compression(enabled: bool) -> None:
    # Hypercorn has no setting for this: it builds PerMessageDeflate() from
    # its ws_stream module at each handshake, so that name is what we set.
    from hypercorn.protocol import ws_stream
    from wsproto.extensions import PerMessageDeflate

    class NoDeflate(PerMessageDeflate):
        def accept(self, offer: str) -> bool | str | None:
            return None

    class StatelessDeflate(PerMessageDeflate):
        def __init__(self) -> None:
            super().__init__(client_no_context_takeover=True, server_no_context_takeover=True)

    setattr(ws_stream, "PerMessageDeflate", StatelessDeflate if enabled else NoDeflate)  # noqa: B010
