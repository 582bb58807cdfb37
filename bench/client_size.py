"""The browser client's size: /live.js minified, and minified then gzipped.

Issue 7's target for the whole client is at most 12 KB (12,000 bytes)
minified and gzipped. livecomp/js/dist/live.js is minified by its build, so
its length is the minified size; it is gzipped at level 9 with no file name
and a zero mtime, so the count depends on its bytes only.

The script is found without importing livecomp: measuring it needs no server.
"""

from __future__ import annotations

import gzip
from importlib.util import find_spec
from pathlib import Path


def _package_dir() -> Path:
    spec = find_spec("livecomp")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("livecomp is not installed")
    return Path(spec.origin).resolve().parent


#: The self-starting client the server serves at /live.js (what
#: ``resources.files("livecomp")`` finds, as livecomp.server reads it).
BUNDLE = _package_dir() / "js" / "dist" / "live.js"
#: Issue 7: the whole client in at most 12 KB, minified and gzipped.
TARGET_GZIP_BYTES = 12_000


def client_size(bundle: Path = BUNDLE) -> tuple[int, int]:
    """(minified bytes, min+gzip bytes) of the client script ``bundle``."""
    code = bundle.read_bytes()
    return len(code), len(gzip.compress(code, compresslevel=9, mtime=0))


def describe_client_size(bundle: Path = BUNDLE) -> str:
    """The report line: both sizes and whether the min+gzip target is met."""
    minified, gzipped = client_size(bundle)
    verdict = "met" if gzipped <= TARGET_GZIP_BYTES else "MISSED"
    return (
        f"client /live.js: {minified:,} bytes minified, {gzipped:,} bytes min+gzip "
        f"(target <= {TARGET_GZIP_BYTES:,} min+gzip: {verdict})"
    )
