"""Serve the error example on 127.0.0.1:${PORT:-8000}."""

import logging

from livecomp import run

from . import create_app

# The tracebacks, each with its error id, go to stderr: what an operator reads.
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
run(create_app())
