"""Pages and /live.js are compressed (brotli, else gzip) when the browser asks,
and say so."""

from __future__ import annotations

import gzip

import brotli  # type: ignore[import-untyped]
import pytest
from pydantic import BaseModel
from quart import Quart

from livecomp import Component, LiveApp
from livecomp.compression import accepts_gzip, choose_coding


class Rows(BaseModel):
    n: int = 300


class Table(Component[Rows]):
    template = "<ul>{% for i in range(state.n) %}<li>row {{ i }}</li>{% endfor %}</ul>"


class Tiny(Component[Rows]):
    template = "<p>hi</p>"


def app() -> Quart:
    quart = Quart(__name__)
    live = LiveApp(quart, secret_key="compression")
    live.page("/", Table)
    live.page("/tiny", Tiny)
    return quart


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("gzip;q=0", False),
        ("identity", False),
        ("deflate", False),
        ("", False),
        (None, False),
        ("gzip;q=nonsense", False),
    ],
)
def test_accept_encoding_is_read_with_its_quality(header: str | None, accepted: bool) -> None:
    assert accepts_gzip(header) is accepted


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip, deflate", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("br;q=0, *", "gzip"),
        ("*", "br"),
        ("gzip;q=0, br;q=0", None),
        ("identity", None),
        (None, None),
    ],
)
def test_brotli_is_preferred_where_the_browser_offers_it(
    header: str | None, coding: str | None
) -> None:
    assert choose_coding(header) == coding


async def test_a_page_is_brotli_compressed_for_a_browser_that_offers_it() -> None:
    client = app().test_client()
    plain = await client.get("/")
    packed = await client.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "br"
    assert packed.headers["Vary"] == "Accept-Encoding"
    body = brotli.decompress(await packed.get_data(as_text=False))
    assert body.count(b"<li>") == (await plain.get_data(as_text=False)).count(b"<li>") == 300
    gzipped = await client.get("/", headers={"Accept-Encoding": "gzip"})
    assert len(await packed.get_data(as_text=False)) < len(await gzipped.get_data(as_text=False))


async def test_a_page_is_compressed_for_a_browser_that_accepts_gzip() -> None:
    client = app().test_client()
    plain = await client.get("/")
    packed = await client.get("/", headers={"Accept-Encoding": "gzip, deflate"})
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == "gzip"
    assert plain.headers["Vary"] == packed.headers["Vary"] == "Accept-Encoding"
    body = gzip.decompress(await packed.get_data(as_text=False))
    # The same document but for its token (each render signs a new one).
    assert body.count(b"<li>") == (await plain.get_data(as_text=False)).count(b"<li>") == 300
    assert len(await packed.get_data(as_text=False)) < len(body) / 4
    # The security headers stay.
    assert packed.headers["Cache-Control"] == "private, no-store"


async def test_a_small_page_is_sent_as_it_is() -> None:
    response = await app().test_client().get("/tiny", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") is None
    assert response.headers["Vary"] == "Accept-Encoding"


async def test_the_script_is_compressed_once_with_its_own_etag() -> None:
    client = app().test_client()
    plain = await client.get("/live.js")
    packed = await client.get("/live.js", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(await packed.get_data(as_text=False)) == await plain.get_data(
        as_text=False
    )
    assert packed.headers["ETag"] != plain.headers["ETag"]
    assert packed.headers["Vary"] == plain.headers["Vary"] == "Accept-Encoding"
    again = await client.get(
        "/live.js",
        headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]},
    )
    assert again.status_code == 304
    # A compressed representation's ETag does not validate the plain one.
    mixed = await client.get("/live.js", headers={"If-None-Match": packed.headers["ETag"]})
    assert mixed.status_code == 200 and mixed.headers.get("Content-Encoding") is None


async def test_the_script_in_brotli_is_its_own_representation() -> None:
    client = app().test_client()
    plain = await client.get("/live.js")
    br = await client.get("/live.js", headers={"Accept-Encoding": "gzip, br"})
    gz = await client.get("/live.js", headers={"Accept-Encoding": "gzip"})
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(await br.get_data(as_text=False)) == await plain.get_data(
        as_text=False
    )
    assert len({br.headers["ETag"], gz.headers["ETag"], plain.headers["ETag"]}) == 3
    again = await client.get(
        "/live.js", headers={"Accept-Encoding": "br", "If-None-Match": br.headers["ETag"]}
    )
    assert again.status_code == 304
