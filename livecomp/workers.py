"""Serving with several worker processes, and restarting on a code change.

``run(app, workers=N)`` and ``run(app, reload=True)`` end here. The parent
binds the listening socket once and spawns the workers; each imports the
app from its import string (``"package.module:create_app()"``), hardens
Hypercorn as ``serve`` does, and serves from the shared socket, so the
kernel hands each new connection to one of them. A page joins on whichever
worker accepts its socket: the GET is stateless and the token says what to
mount, which needs the same secret key in every worker. Without one
configured (``$LIVECOMP_SECRET_KEY`` or ``LiveApp(secret_key=...)``), the
parent makes a random key and hands it to the workers through the
environment; with ``reload`` that also lets open pages rejoin the
restarted worker.

Broadcasts with the default ``LocalBroker`` reach only the pages of one
worker.

With ``reload`` there is one worker; the parent polls the modules it has
imported (the app's module and what it imports, as Hypercorn's reloader
does) and restarts the worker when one changes, and the worker re-renders
open pages when a template file changes (``livecomp.devreload``).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import secrets
import signal
import sys
import time
from functools import partial
from multiprocessing import get_context
from multiprocessing.connection import wait
from multiprocessing.synchronize import Event
from typing import TYPE_CHECKING, Any

from quart import Quart

if TYPE_CHECKING:
    from hypercorn.config import Config, Sockets

    from livecomp.serving import EventLoop

__all__ = ["load_app", "supervise"]

log = logging.getLogger("livecomp.workers")

#: Seconds between two looks at the modules' files (reload) and at the workers.
POLL_INTERVAL = 0.5


def load_app(target: str) -> Quart:
    """The Quart app ``target`` names: ``"module:app"`` or ``"module:create_app()"``."""
    module_name, _, expression = target.partition(":")
    if not module_name or not expression:
        raise ValueError(
            f"an app import string is 'module:attribute' or 'module:factory()', got {target!r}"
        )
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    module = importlib.import_module(module_name)
    # The app's own import string, evaluated as Hypercorn does.
    app = eval(expression, vars(module))
    if not isinstance(app, Quart):
        raise TypeError(f"{target!r} is a {type(app).__name__}, not a Quart app")
    return app


def supervise(
    target: str,
    *,
    config: Config,
    workers: int,
    reload: bool,
    compression: bool,
    loop: EventLoop = "auto",
) -> None:
    """Run ``workers`` processes serving ``target`` until SIGINT or SIGTERM."""
    from hypercorn.utils import check_for_updates, files_to_watch

    _log_to_stderr()
    config.workers = workers
    if reload:
        # Open pages' sockets never end by themselves: waiting the default
        # 3 s for them would only delay each restart.
        config.graceful_timeout = min(config.graceful_timeout, 1.0)
        # Imported here too, so its files (and those it imports) are watched.
        importlib.import_module(target.partition(":")[0])
    # Every worker signs and checks page tokens with one key.
    os.environ.setdefault("LIVECOMP_SECRET_KEY", secrets.token_urlsafe(32))
    sockets = config.create_sockets()
    context = get_context("spawn")
    stopping = False
    exit_code = 0

    def stop(*_: Any) -> None:
        nonlocal stopping
        stopping = True

    try:
        while not stopping:
            shutdown = context.Event()
            # The workers inherit an ignored SIGINT: a Ctrl-C reaches the whole
            # process group, and the parent alone decides how they stop.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            processes = [
                context.Process(
                    target=_worker,
                    args=(target, config, sockets, shutdown, compression, reload, loop),
                    daemon=True,
                )
                for _ in range(workers)
            ]
            for process in processes:
                process.start()
            signal.signal(signal.SIGINT, stop)
            signal.signal(signal.SIGTERM, stop)
            files = files_to_watch() if reload else {}
            changed = False
            reported = False
            while not stopping:
                running = [p.sentinel for p in processes if p.exitcode is None]
                if running:
                    wait(running, timeout=POLL_INTERVAL)
                else:
                    time.sleep(POLL_INTERVAL)
                if reload and check_for_updates(files):
                    log.info("a Python file changed: restarting")
                    changed = True
                    break
                finished = any(p.exitcode is not None for p in processes)
                if finished and not reload:
                    log.error("a worker exited with code %s: stopping", _exit_codes(processes))
                    exit_code = 1
                    stopping = True
                elif finished and not reported:
                    # A syntax error, say: wait for the next change.
                    log.error("the worker exited: waiting for a file to change")
                    reported = True
            shutdown.set()
            for process in processes:
                process.join(config.graceful_timeout + 5)
                if process.is_alive():
                    process.terminate()
                    process.join(5)
            if not changed:
                break
    finally:
        for sock in [*sockets.secure_sockets, *sockets.insecure_sockets]:
            sock.close()
    if exit_code:
        raise SystemExit(exit_code)


def _log_to_stderr() -> None:
    # What restarts and reloads, shown as Hypercorn shows its lines, unless
    # the app configured logging itself.
    logger = logging.getLogger("livecomp")
    if logging.getLogger().handlers or logger.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter(
            "[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s", "%Y-%m-%d %H:%M:%S %z"
        )
    )
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def _exit_codes(processes: list[Any]) -> str:
    return ", ".join(str(p.exitcode) for p in processes if p.exitcode is not None)


def _worker(
    target: str,
    config: Config,
    sockets: Sockets,
    shutdown: Event,
    compression: bool,
    reload: bool,
    loop: EventLoop,
) -> None:
    from hypercorn.asyncio.run import worker_serve
    from hypercorn.utils import check_multiprocess_shutdown_event, wrap_app

    from livecomp.devreload import watch_templates
    from livecomp.server import LiveApp
    from livecomp.serving import prepare_process, run_on_loop

    _log_to_stderr()
    app = load_app(target)
    prepare_process(app, config, compression)
    live = app.extensions.get("livecomp")
    trigger = partial(check_multiprocess_shutdown_event, shutdown, asyncio.sleep)

    async def main() -> None:
        watcher = None
        if reload and isinstance(live, LiveApp):
            watcher = asyncio.create_task(watch_templates(live))
        try:
            await worker_serve(
                wrap_app(app, config.wsgi_max_body_size, "asgi"),
                config,
                sockets=sockets,
                shutdown_trigger=trigger,
            )
        finally:
            if watcher is not None:
                watcher.cancel()

    run_on_loop(main(), loop)
