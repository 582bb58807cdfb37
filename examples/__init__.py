"""Runnable livecomp examples: ``python -m examples.<name>``."""
