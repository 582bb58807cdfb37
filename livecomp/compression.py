"""Compressed HTTP responses: pages and the client script, brotli or gzip.

The key idea: a page's HTML is compressed per response only when the browser
accepts a coding and the body is big enough to gain; the client script, the
same bytes for every page, is compressed once per process per coding. Brotli
is preferred where the browser offers it (Chromium does over HTTPS and on
localhost): smaller than gzip at a similar cost. Every response that could
have been compressed says ``Vary: Accept-Encoding``, so a cache never hands
the compressed bytes to a client that did not ask for them.
"""

from __future__ import annotations

import gzip
from typing import Literal

import brotli  # type: ignore[import-untyped]

#: What a response can be compressed with, best first.
Coding = Literal["br", "gzip"]
CODINGS: tuple[Coding, ...] = ("br", "gzip")

#: Bodies smaller than this are sent as they are: the header and a round of
#: compression cost more than they save.
MIN_BYTES = 1024
#: Per-response compression: most of the gain at a fraction of the top
#: levels' CPU (brotli 5 beats gzip 6 on size and matches it on time).
PAGE_LEVEL = {"br": 5, "gzip": 6}
#: The script is compressed once, so it gets the smallest output.
SCRIPT_LEVEL = {"br": 11, "gzip": 9}


def accepted_codings(accept_encoding: str | None) -> set[str]:
    """The codings an ``Accept-Encoding`` header accepts (``q=0`` refuses one;
    ``*`` accepts any not named)."""
    accepted: set[str] = set()
    refused: set[str] = set()
    for part in (accept_encoding or "").split(","):
        coding, _, params = part.strip().partition(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        (accepted if quality > 0 else refused).add(coding)
    if "*" in accepted:
        accepted.update(c for c in CODINGS if c not in refused)
    return accepted


def choose_coding(accept_encoding: str | None) -> Coding | None:
    """The best coding the header accepts: brotli, then gzip, else None."""
    accepted = accepted_codings(accept_encoding)
    for coding in CODINGS:
        if coding in accepted:
            return coding
    return None


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header accepts gzip (a ``q=0`` refuses it)."""
    return "gzip" in accepted_codings(accept_encoding)


def compress(data: bytes, coding: Coding, level: int) -> bytes:
    """``data`` compressed with ``coding``, byte-for-byte reproducible."""
    if coding == "br":
        return bytes(brotli.compress(data, mode=brotli.MODE_TEXT, quality=level))
    return gzip_bytes(data, level)


def gzip_bytes(data: bytes, level: int) -> bytes:
    """``data`` gzip-compressed, byte-for-byte reproducible (no timestamp)."""
    return gzip.compress(data, compresslevel=level, mtime=0)
