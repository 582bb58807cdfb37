"""Log in with a real form, get a live dashboard that greets you, log out.

The login form is plain HTML posted to a plain Quart route, which checks the
password and puts the user in the Quart session (a signed cookie). The
dashboard is a live page that needs a logged-in user (``login_required``):
an anonymous visit is redirected to the login page and comes back after it
(``?next=``, checked with ``check_url`` so it cannot send anyone to another
site). The app's user loader finds the user from the session on the render,
on the websocket join and again before each event of the dashboard.

Each login gets an id that the server keeps while it lasts, and logging out
forgets it: the cookie of a tab that is still open then names a login that
is over, so its dashboard ends at its next event and the browser goes to
the login page.
"""

from __future__ import annotations

import html
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from pydantic import BaseModel
from quart import Quart, redirect, request, session
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response as BaseResponse

from livecomp import Component, LiveApp, RequestInfo, UnsafeURL, check_url, on, on_message

STYLE = """<style>
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; }
form.login { display: grid; gap: .5rem; max-width: 16rem; }
.error { color: #b00020; }
time { font-variant-numeric: tabular-nums; }
</style>"""


@dataclass(frozen=True)
class User:
    name: str
    full_name: str
    password_hash: str


#: The demo's accounts (the password hashes are made once, at import).
USERS = {
    user.name: user
    for user in (
        User("ada", "Ada Lovelace", generate_password_hash("analytical-engine")),
        User("grace", "Grace Hopper", generate_password_hash("cobol")),
    )
}

LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log in</title>{style}</head>
<body><main><h1>Log in</h1>
<p class="error">{error}</p>
<form class="login" method="post" action="/login">
  <input type="hidden" name="next" value="{next}">
  <label>Name <input name="name" autocomplete="username" required></label>
  <label>Password <input name="password" type="password"
         autocomplete="current-password" required></label>
  <button type="submit">Log in</button>
</form>
<p>Try ada / analytical-engine, or grace / cobol.</p></main></body></html>"""


class Greeting(BaseModel):
    full_name: str = ""
    clicks: int = 0
    now: str = ""


class Dashboard(Component[Greeting]):
    template = """
<main>
  <h1>Hello, {{ state.full_name }}</h1>
  <p>Server time: <time>{{ state.now }}</time></p>
  <p>You clicked <span class="clicks">{{ state.clicks }}</span> times.
     <button live-click="click">Click</button></p>
  <form method="post" action="/logout"><button type="submit">Log out</button></form>
</main>"""

    async def mount(self) -> None:
        # login_required: the loader found a user, or the page never mounts.
        self.state.full_name = self.request.user.full_name
        self.state.now = datetime.now().strftime("%H:%M:%S")
        if self.connected:
            self.every(1.0, "tick", align=True)

    @on("click")
    async def click(self) -> None:
        self.state.clicks += 1

    @on_message("tick")
    async def tick(self) -> None:
        self.state.now = datetime.now().strftime("%H:%M:%S")


def safe_next(url: str) -> str:
    """Where to go after logging in: a path of this site, else ``/``."""
    try:
        # Resolved first: '/.//evil.example' would become '//evil.example'.
        target = check_url(urljoin("/", check_url(url)))
    except UnsafeURL:
        return "/"
    return target if target.startswith("/") else "/"


def create_app() -> Quart:
    """The Quart app: the login routes, and the live dashboard at ``/``."""
    app = Quart(__name__)
    app.secret_key = os.environ.get("LOGIN_SECRET_KEY") or secrets.token_hex(32)
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    #: Login id -> user name, for as long as the login lasts.
    logins: dict[str, str] = {}

    def login_page(error: str = "", next_url: str = "/") -> str:
        return LOGIN_PAGE.format(style=STYLE, error=html.escape(error), next=html.escape(next_url))

    @app.get("/login")
    async def show_login() -> str:
        return login_page(next_url=safe_next(request.args.get("next", "/")))

    @app.post("/login")
    async def log_in() -> BaseResponse | tuple[str, int]:
        form = await request.form
        user = USERS.get(form.get("name", ""))
        next_url = safe_next(form.get("next", "/"))
        if user is None or not check_password_hash(user.password_hash, form.get("password", "")):
            return login_page("Wrong name or password.", next_url), 401
        # A fresh session for a new login: nothing of the anonymous one carries over.
        session.clear()
        session["user"], session["login"] = user.name, secrets.token_urlsafe(16)
        logins[session["login"]] = user.name
        return redirect(next_url)

    @app.post("/logout")
    async def log_out() -> BaseResponse:
        logins.pop(session.get("login", ""), None)
        session.clear()
        return redirect("/login")

    def load_user(request: RequestInfo) -> User | None:
        name = logins.get(request.session.get("login", ""))
        if name is None or name != request.session.get("user"):
            return None
        return USERS.get(name)

    live = LiveApp(app, user_loader=load_user, login_url="/login")
    live.page("/", Dashboard, title="Dashboard", head=STYLE, login_required=True)
    return app
