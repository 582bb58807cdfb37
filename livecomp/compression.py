"""Compressed HTTP responses: pages and the client script, gzip when asked for.

The key idea: a page's HTML is compressed per response only when the browser
accepts gzip and the body is big enough to gain; the client script, the same
bytes for every page, is compressed once per process. Every response that
could have been compressed says ``Vary: Accept-Encoding``, so a cache never
hands the compressed bytes to a client that did not ask for them.
"""

from __future__ import annotations

import gzip

#: Bodies smaller than this are sent as they are: the gzip header and a
#: round of compression cost more than they save.
MIN_BYTES = 1024
#: Per-response compression: most of the gain at a fraction of level 9's CPU.
PAGE_LEVEL = 6
#: The script is compressed once, so it gets the smallest output.
SCRIPT_LEVEL = 9


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header accepts gzip (a ``q=0`` refuses it)."""
    if not accept_encoding:
        return False
    for part in accept_encoding.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "*"):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        return quality > 0
    return False


def gzip_bytes(data: bytes, level: int) -> bytes:
    """``data`` gzip-compressed, byte-for-byte reproducible (no timestamp)."""
    return gzip.compress(data, compresslevel=level, mtime=0)
