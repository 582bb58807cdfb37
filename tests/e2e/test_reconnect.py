"""The browser client reconnects to a restarted server and keeps working."""

from __future__ import annotations

import os
import subprocess
import sys

from playwright.sync_api import Page, expect

from conftest import ROOT, free_port, stop, wait_for_port


def start_thermostat(port: int, secret: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PORT": str(port), "LIVECOMP_SECRET_KEY": secret}
    process = subprocess.Popen([sys.executable, "-m", "examples.thermostat"], cwd=ROOT, env=env)
    wait_for_port(port, process)
    return process


def test_the_page_rejoins_after_the_server_restarts(page: Page) -> None:
    port = free_port()
    server = start_thermostat(port, "shared-secret")
    try:
        page.goto(f"http://127.0.0.1:{port}/")
        body = page.locator("body")
        expect(body).to_have_class("live-connected")
        page.get_by_role("button", name="+").click()
        expect(page.locator("p")).to_have_text("19.6 °C")

        stop(server)
        expect(body).to_have_class("live-disconnected")
        server = start_thermostat(port, "shared-secret")
        # The same page (no reload) joins the new process and is live again.
        expect(body).to_have_class("live-connected", timeout=15_000)
        # A new process mounts afresh (resuming state is the store's job).
        expect(page.locator("p")).to_have_text("19.5 °C")
        page.get_by_role("button", name="+").click()
        expect(page.locator("p")).to_have_text("19.6 °C")
        assert page.evaluate("window.livecomp.resyncs") == 0
    finally:
        stop(server)


def test_a_token_from_another_secret_reloads_the_page_once(page: Page) -> None:
    port = free_port()
    server = start_thermostat(port, "first-secret")
    try:
        page.goto(f"http://127.0.0.1:{port}/")
        expect(page.locator("body")).to_have_class("live-connected")
        page.evaluate("window.__sameDocument = true")
        stop(server)
        server = start_thermostat(port, "second-secret")
        # The old token no longer verifies: the client reloads for a fresh one.
        page.wait_for_function("window.__sameDocument === undefined", timeout=15_000)
        expect(page.locator("body")).to_have_class("live-connected", timeout=15_000)
        page.get_by_role("button", name="+").click()
        expect(page.locator("p")).to_have_text("19.6 °C")
    finally:
        stop(server)
