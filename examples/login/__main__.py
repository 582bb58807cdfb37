"""Serve the login example on 127.0.0.1:${PORT:-8000}."""

from livecomp import run

from . import create_app

run(create_app())
