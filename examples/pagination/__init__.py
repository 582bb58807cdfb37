"""A thousand items, twenty to a page; the URL says which page.

The page number lives in the URL (``/?page=3``), so a reload, a bookmark or
a shared link shows the same page. The root component's params handler
(``@on_params``) reads it, validated by pydantic like an event's payload
(``?page=abc`` or ``?page=0`` answers 400). A page's items take the place
of the last page's, so a turn of the page is a patch of twenty texts. "Previous" and "Next" are
``live-patch`` links: the browser puts their URL in the address bar and the
history without loading anything, and the server runs the params handler
and patches the list. The page select calls ``patch_url`` from its change
handler, which does the same from the server's side. Back and forward walk
those history entries, each running the params handler again. Without
JavaScript the links are plain links to the same pages.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field
from quart import Quart

from livecomp import Component, LiveApp, on, on_params

STYLE = """<style>
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; }
nav { display: flex; gap: 1rem; align-items: baseline; }
.items { min-height: 30rem; }
</style>"""

ITEMS = [f"Item {n}" for n in range(1, 1001)]
PER_PAGE = 20
PAGES = len(ITEMS) // PER_PAGE


class Paging(BaseModel):
    page: int = 1


class Catalog(Component[Paging]):
    template = """
<main>
  <h1>Catalog</h1>
  <p class="summary">Items {{ component.first }}–{{ component.last }} of 1,000</p>
  <ol class="items" start="{{ component.first }}">
    {%- for item in component.items %}<li>{{ item }}</li>{% endfor -%}
  </ol>
  <nav>
    {% if state.page > 1 -%}
      <a live-patch rel="prev" href="?page={{ state.page - 1 }}">Previous</a>
    {%- endif %}
    {% if state.page < component.pages -%}
      <a live-patch rel="next" href="?page={{ state.page + 1 }}">Next</a>
    {%- endif %}
    <form live-change="go"><label>Page <select name="page">
      {%- for n in range(1, component.pages + 1) %}
      <option value="{{ n }}"{% if n == state.page %} selected{% endif %}>{{ n }}</option>
      {%- endfor %}
    </select></label></form>
  </nav>
</main>"""

    pages = PAGES

    @property
    def first(self) -> int:
        return (self.state.page - 1) * PER_PAGE + 1

    @property
    def last(self) -> int:
        return min(self.state.page * PER_PAGE, len(ITEMS))

    @property
    def items(self) -> list[str]:
        return ITEMS[self.first - 1 : self.last]

    @on_params
    async def paginate(self, page: Annotated[int, Field(ge=1)] = 1) -> None:
        # Past the end shows the last page, as a list that shrank would.
        self.state.page = min(page, PAGES)

    @on("go")
    async def go(self, page: Annotated[int, Field(ge=1, le=PAGES)]) -> None:
        await self.patch_url(f"?page={page}")


def create_app() -> Quart:
    """The Quart app serving the catalog at ``/``."""
    app = Quart(__name__)
    LiveApp(app).page("/", Catalog, title="Catalog", head=STYLE)
    return app
