"""The greeter page served by ``livecomp.serve`` with a short send timeout.

Run as ``python -m tests.hardening_app`` with ``$PORT`` set; the transport
hardening tests start it as a subprocess, so the server's sockets and memory
can be measured from outside. ``$SEND_TIMEOUT`` (seconds, default 2) and
``$MAX_FRAME_BYTES`` (default: livecomp's 64 KiB) tune the ``LiveApp``.
"""

from __future__ import annotations

import os

from quart import Quart

from examples.greeter import GreeterPage
from livecomp import LiveApp, run
from livecomp.security import DEFAULT_MAX_FRAME_BYTES


def create_app() -> Quart:
    """The greeter page at ``/``, with the limits the environment asks for."""
    app = Quart(__name__)
    live = LiveApp(
        app,
        send_timeout=float(os.environ.get("SEND_TIMEOUT", "2")),
        max_frame_bytes=int(os.environ.get("MAX_FRAME_BYTES", str(DEFAULT_MAX_FRAME_BYTES))),
    )
    live.page("/", GreeterPage, title="Greeter")
    return app


if __name__ == "__main__":
    run(create_app())
