"""Ops as the wire carries them (JSON arrays), for tests that spell ops out."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from livecomp.ops import Op


def wire(ops: Sequence[Op]) -> list[list[Any]]:
    """``ops`` as the JSON arrays the client receives."""
    result: list[list[Any]] = json.loads(json.dumps(ops))
    return result
