"""Template files, ``{% include %}``/``{% extends %}`` and the page shell,
found through the Quart app's Jinja loader."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import BaseModel
from quart import Blueprint, Quart

from livecomp import Component, LiveApp, on
from livecomp.template import TemplateFileNotFound
from livecomp.testing import LiveTestClient


class Count(BaseModel):
    n: int = 0


class FileCounter(Component[Count]):
    template_file = "counter.html"

    @on("inc")
    async def inc(self) -> None:
        self.state.n += 1


class InlineIncluder(Component[Count]):
    template = '<div>{% include "part.html" %}</div>'


class Greeter(Component[Count]):
    template_file = "greeter.html"


class Host(Component[Count]):
    template_file = "host.html"


def write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def make_app(root: Path, **options: object) -> tuple[Quart, LiveApp]:
    app = Quart(__name__, root_path=str(root))
    live = LiveApp(app, secret_key="test", **options)  # type: ignore[arg-type]
    return app, live


async def test_template_file_with_include_and_extends(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    write(templates, "base.html", '<div id="c">{% block inner %}{% endblock %}</div>')
    write(templates, "part.html", "<b>{{ state.n }}</b>")
    write(
        templates,
        "counter.html",
        '{% extends "base.html" %}{% block inner %}'
        '{% include "part.html" %}<button live-click="inc">+</button>'
        "<i>{{ '<x>' }}</i>{% endblock %}",
    )
    app, live = make_app(tmp_path)
    live.page("/", FileCounter)
    async with LiveTestClient(app, "/") as page:
        assert page.text("b") == "0"
        assert "&lt;x&gt;" in page.html
        await page.click("button")
        assert page.text("b") == "1"


async def test_inline_template_includes_through_the_app_loader(tmp_path: Path) -> None:
    write(tmp_path / "templates", "part.html", "<b>{{ state.n }}</b>")
    app, live = make_app(tmp_path)
    live.page("/", InlineIncluder)
    async with LiveTestClient(app, "/") as page:
        assert page.text("b") == "0"


async def test_blueprint_templates_and_module_components(tmp_path: Path) -> None:
    write(tmp_path / "bp" / "tpl", "greeter.html", "<span>hi {{ state.n }}</span>")
    write(tmp_path / "templates", "host.html", '<div>{{ live(Greeter, id="g") }}</div>')
    app, live = make_app(tmp_path)
    blueprint = Blueprint("bp", __name__, root_path=str(tmp_path / "bp"), template_folder="tpl")
    app.register_blueprint(blueprint)
    live.page("/", Host)
    async with LiveTestClient(app, "/") as page:
        assert page.text("span") == "hi 0"


async def test_missing_template_file_names_the_file_and_folders(tmp_path: Path) -> None:
    _, live = make_app(tmp_path)
    live.page("/", FileCounter)
    with pytest.raises(TemplateFileNotFound) as caught:
        await live.render_page("/")
    message = str(caught.value)
    assert "'counter.html'" in message
    assert str(tmp_path / "templates") in message


def test_template_and_template_file_together_is_an_error() -> None:
    with pytest.raises(TypeError, match="both `template` and `template_file`"):

        class Both(Component[Count]):
            template = "<div></div>"
            template_file = "x.html"


def touch_later(path: Path, text: str) -> None:
    path.write_text(text)
    stat = path.stat()
    os.utime(path, (stat.st_atime + 5, stat.st_mtime + 5))


@pytest.mark.parametrize("debug", [True, False])
async def test_changed_file_takes_effect_only_in_debug(tmp_path: Path, debug: bool) -> None:
    templates = tmp_path / "templates"
    write(templates, "counter.html", '<div><button live-click="inc">{{ state.n }}</button></div>')
    _, live = make_app(tmp_path, debug=debug)
    live.page("/", FileCounter)
    assert "<button" in await live.render_page("/")
    touch_later(templates / "counter.html", '<div><a live-click="inc">v2 {{ state.n }}</a></div>')
    html = await live.render_page("/")
    assert ("v2 0" in html) is debug


async def test_app_debug_also_reloads(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    write(templates, "counter.html", "<div>one</div>")
    app, live = make_app(tmp_path)
    app.debug = True
    live.page("/", FileCounter)
    assert "one" in await live.render_page("/")
    touch_later(templates / "counter.html", "<div>two</div>")
    assert "two" in await live.render_page("/")


class Plain(Component[Count]):
    template = "<p>{{ state.n }}</p>"


async def test_default_shell(tmp_path: Path) -> None:
    _, live = make_app(tmp_path)
    live.page("/", Plain, title="A <b> title", head='<style id="s"></style>')
    html = await live.render_page("/")
    assert html.startswith("<!doctype html>")
    assert "<title>A &lt;b&gt; title</title>" in html
    assert '<style id="s"></style>' in html
    assert ">0</p></div>" in html
    assert 'src="/live.js?v=' in html


async def test_shell_extends_the_default(tmp_path: Path) -> None:
    write(
        tmp_path / "templates",
        "shell.html",
        '{% extends "livecomp/page.html" %}'
        '{% block head %}{{ super() }}<link rel="stylesheet" href="/app.css">{% endblock %}'
        "{% block body %}<nav>menu</nav><main>{{ live_root }}</main>{% endblock %}",
    )
    app, live = make_app(tmp_path, shell="shell.html")
    live.page("/", Plain, title="T")
    live.page("/other", Plain, shell="livecomp/page.html")
    html = await live.render_page("/")
    assert '<link rel="stylesheet" href="/app.css">' in html
    assert "<title>T</title>" in html
    assert "<nav>menu</nav><main><div " in html
    assert "<nav>" not in await live.render_page("/other")
    async with LiveTestClient(app, "/") as page:
        assert page.text("p") == "0"


async def test_app_folder_overrides_the_default_shell(tmp_path: Path) -> None:
    write(
        tmp_path / "templates",
        "livecomp/page.html",
        "<!doctype html><html><body><h1>{{ title }}</h1>{{ live_root }}"
        '<script defer src="{{ script }}"></script></body></html>',
    )
    _, live = make_app(tmp_path)
    live.page("/", Plain, title="Mine")
    assert "<h1>Mine</h1>" in await live.render_page("/")


class Titled(Component[Count]):
    template = '<div><button live-click="rename">{{ state.n }}</button></div>'

    async def mount(self) -> None:
        self.set_title(f"Item {self.state.n}")

    @on("rename")
    async def rename(self) -> None:
        self.state.n += 1
        self.set_title(f"Item {self.state.n} <new>")


async def test_set_title(tmp_path: Path) -> None:
    app, live = make_app(tmp_path)
    live.page("/", Titled, title="Default")
    assert "<title>Item 0</title>" in await live.render_page("/")
    async with LiveTestClient(app, "/") as page:
        await page.click("button")
        assert ("livecomp:title", "Item 1 <new>") in page.pushed


async def test_use_templates_sets_them_for_its_block_and_tasks_it_starts() -> None:
    import asyncio

    from livecomp.template import Templates, current_templates, use_templates

    outer, inner = Templates(), Templates()
    default = current_templates()
    seen: list[Templates] = []

    async def render() -> None:
        seen.append(current_templates())

    with use_templates(outer):
        assert current_templates() is outer
        with use_templates(inner):
            await asyncio.create_task(render())
        assert current_templates() is outer
        with pytest.raises(KeyError), use_templates(inner):
            raise KeyError("not swallowed")
        assert current_templates() is outer
    assert current_templates() is default
    assert seen == [inner]
