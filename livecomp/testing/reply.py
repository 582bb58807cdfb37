"""What the server answers to what a test did.

The key idea: every action of the test client waits for the server's whole
answer and returns it as one ``Reply``: the patches it caused, in order, and
the ``err`` if the server refused the event, which the client raises as a
``LiveEventError`` unless the test asked to look at it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from livecomp.ops import Op
from livecomp.protocol import Err, Patch, encode


class LiveEventError(AssertionError):
    """The server refused an event the test sent (an ``err`` reply)."""

    def __init__(self, err: Err) -> None:
        super().__init__(f"{err.code.value}: {err.reason}")
        self.err = err


@dataclass
class Reply:
    """What the server sent back for one event: its patches and ack or error."""

    patches: list[Patch] = field(default_factory=list)
    error: Err | None = None

    @property
    def ops(self) -> list[Op]:
        """Every op of every patch of this reply, in order."""
        return [op for patch in self.patches for op in patch.ops]

    def frame_bytes(self) -> int:
        """Bytes these messages take on the wire (UTF-8 JSON)."""
        return sum(len(encode([p]).encode()) for p in self.patches)


class Actions:
    """What the action mixins of ``LiveTestClient`` (bindings, forms, the
    URL) need of the client itself."""

    if TYPE_CHECKING:

        @property
        def html(self) -> str: ...

        async def send_event(
            self,
            event: str,
            value: Mapping[str, Any] | None = None,
            *,
            cid: str | None = None,
            check: bool = True,
        ) -> Reply: ...
