"""The error example with the test client: the app's own routes, no browser."""

from __future__ import annotations

import json
import logging
import re

import pytest

from examples.error import create_app
from livecomp import ErrorCode
from livecomp.protocol import Err
from livecomp.testing import LiveTestClient


def logged_ids(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [str(getattr(r, "livecomp_error_id", "")) for r in caplog.records if r.exc_info]


async def test_a_failing_handler_is_answered_with_the_apps_words_and_the_error_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="livecomp"):
        async with LiveTestClient(create_app()) as page:
            with pytest.raises(RuntimeError, match="payment service"):
                await page.click("button[live-click='explode']")
            await page.click("button[live-click='count']")
            assert page.text(".clicks") == "1"
    [error_id] = logged_ids(caplog)
    assert re.fullmatch(r"[0-9a-f]{12}", error_id)


async def test_the_err_names_the_error_id_and_not_the_exception() -> None:
    async with LiveTestClient(create_app()) as page:
        frame = {"t": "event", "ref": 1, "cid": page.root.cid, "event": "explode", "value": {}}
        await page.send_raw(json.dumps(frame))
        [err] = [m for m in await page.receive() if isinstance(m, Err)]
        assert err.code is ErrorCode.HANDLER_ERROR
        assert err.reason == f"Something went wrong. Quote error {err.error_id} if you report it."
        assert "payment" not in err.reason
        with pytest.raises(RuntimeError):
            await page.settle()


async def test_a_failing_render_shows_the_panels_fallback_and_retry_restores_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="livecomp"):
        async with LiveTestClient(create_app()) as page:
            assert page.text(".gauge b") == "42"
            await page.click("button[live-click='break']")
            shown = page.text(".error-id")
            assert "The gauge failed to render" in page.text(".fallback")
            await page.click("button[live-click='count']")
            assert page.text(".clicks") == "1"
            await page.click("button[live-click='retry']")
            assert page.text(".gauge b") == "42"
    assert logged_ids(caplog) == [shown]


async def test_a_failed_first_render_is_the_apps_500_page(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="livecomp"):
        response = await create_app().test_client().get("/broken")
    assert response.status_code == 500
    body = await response.get_data(as_text=True)
    [error_id] = logged_ids(caplog)
    assert f'<code class="error-id">{error_id}</code>' in body
    assert "database" not in body
