"""The benchmark server: every scenario as a live page, served by Hypercorn.

Run as ``python -m bench.serve --port N``: each scenario is served at its
route (``/thermostat``, ``/table``) by one ``LiveApp``, on Hypercorn
configured as ``livecomp.serve`` configures it, on 127.0.0.1 only. The bench
starts it as a separate process so the load generator does not compete with
it for one GIL, and stops it by PID (SIGTERM, which Hypercorn handles).
"""

from __future__ import annotations

import argparse
import asyncio
import resource

from quart import Quart

from bench.scenarios import SCENARIOS
from livecomp import LiveApp


def raise_fd_limit(wanted: int = 65_536) -> int:
    """Raise this process's open-file soft limit towards ``wanted``; return it.

    Each idle page holds one socket, and the default soft limit (often 1,024)
    is below the thousand pages the memory benchmark opens.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def create_app() -> Quart:
    """A Quart app serving every scenario at its route."""
    app = Quart(__name__)
    live = LiveApp(app)
    for scenario in SCENARIOS:
        live.page(scenario.route, scenario.component, title=scenario.name)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    raise_fd_limit()
    asyncio.run(serve(create_app(), args.port))


async def serve(app: Quart, port: int) -> None:
    """Hypercorn as ``livecomp.serve`` configures it, minus the startup banner."""
    from hypercorn.asyncio import serve as hypercorn_serve
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.accesslog = None
    # Only the "Running on" line is logged at INFO; it would interleave with
    # the bench's progress. Warnings and errors still reach stderr.
    config.loglevel = "WARNING"
    await hypercorn_serve(app, config)


if __name__ == "__main__":
    main()
