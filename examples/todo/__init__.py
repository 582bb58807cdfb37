"""A todo list: add, validate and complete items.

A pydantic model validates the form (``Form[NewItem]``) on every change and
on submit. Each field's error waits until the user has touched that field
(``live-feedback-for``), and all of them show once the form is submitted.
The title sends its change when the user leaves it (``live-debounce="blur"``)
rather than on every keystroke; a submit still sends that change first. A
checkbox completes an item, and the form re-sends its draft to the server
after a reconnect (``live-auto-recover``: the form has an id).

Hiding completed items belongs to the browser alone, with no round trip:
the "Hide completed" button runs a JS command (``js.add_class``) that puts
``hide-done`` on the list, which the stylesheet reads to hide the items
marked done, those completed later included; "Show completed" takes it off
again. The class stays through every re-render of the list, as the server
never renders one of its own there (docs/guide.md, "JS commands").
"""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator
from quart import Quart

from livecomp import Component, Form, LiveApp, on

STYLE = """<style>
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; }
form p.error { color: #b00020; margin: .25rem 0; }
.items { list-style: none; padding: 0; }
.items li.done label { text-decoration: line-through; color: #777; }
.items.hide-done li.done { display: none; }
.tag { color: #555; font-size: .85rem; margin-left: .5rem; }
</style>"""


class NewItem(BaseModel):
    title: str = Field(min_length=3, max_length=60)
    tag: str = ""

    @field_validator("title")
    @classmethod
    def title_is_words(cls, title: str) -> str:
        if not title.strip():
            raise ValueError("Say what needs doing")
        return title.strip()

    @field_validator("tag")
    @classmethod
    def tag_is_one_word(cls, tag: str) -> str:
        if tag and not (tag.isascii() and tag.isalpha() and tag.islower()):
            raise ValueError("A tag is one word in lowercase letters")
        return tag


class Item(BaseModel):
    id: int
    title: str
    tag: str = ""
    done: bool = False


class TodoState(BaseModel):
    title: str = ""
    tag: str = ""
    errors: dict[str, str] = {}
    items: list[Item] = []
    next_id: int = 1


class Todo(Component[TodoState]):
    template = """
<main class="todo">
  <h1>Todo</h1>
  <form id="new-item" live-change="validate" live-submit="add" autocomplete="off">
    <input name="title" value="{{ state.title }}" aria-label="Title"
           placeholder="What needs doing?" live-debounce="blur">
    {%- if state.errors.get("title") %}
    <p class="error" live-feedback-for="title">{{ state.errors["title"] }}</p>
    {%- endif %}
    <input name="tag" value="{{ state.tag }}" aria-label="Tag" placeholder="tag">
    {%- if state.errors.get("tag") %}
    <p class="error" live-feedback-for="tag">{{ state.errors["tag"] }}</p>
    {%- endif %}
    <button live-disable-with="Adding...">Add</button>
  </form>
  <p class="summary">{{ state.items|rejectattr("done")|list|length }} of
    {{- " " ~ state.items|length }} left</p>
  <p class="filters">
    <button type="button"
            live-click="{{ js.add_class('hide-done', to='.items') }}">Hide completed</button>
    <button type="button"
            live-click="{{ js.remove_class('hide-done', to='.items') }}">Show completed</button>
  </p>
  <ul class="items">
    {%- for item in state.items %}
    <li live-id="{{ item.id }}"{% if item.done %} class="done"{% endif %}>
      <label><input type="checkbox" live-click="toggle" live-value-id="{{ item.id }}"
                    {%- if item.done %} checked{% endif %}> {{ item.title }}</label>
      {% if item.tag %}<span class="tag">#{{ item.tag }}</span>{% endif %}
    </li>
    {%- endfor %}
  </ul>
</main>"""

    @on("validate")
    async def validate(self, form: Form[NewItem]) -> None:
        self.state.title = form.field("title")
        self.state.tag = form.field("tag")
        self.state.errors = form.errors

    @on("add")
    async def add(self, form: Form[NewItem]) -> None:
        await self.validate(form)
        if form.value is None:
            return
        item = Item(id=self.state.next_id, title=form.value.title, tag=form.value.tag)
        self.state.items.append(item)
        self.state.next_id += 1
        self.state.title = self.state.tag = ""

    @on("toggle")
    async def toggle(self, id: int) -> None:
        for item in self.state.items:
            if item.id == id:
                item.done = not item.done


def create_app() -> Quart:
    """The Quart app serving the todo list at ``/``."""
    app = Quart(__name__)
    LiveApp(app).page("/", Todo, title="Todo", head=STYLE)
    return app
