"""A chat room: every tab sees every other tab's messages, as they are sent.

Each page subscribes to the room when its socket joins; sending a message
publishes it, and every page of the room (the sender's too) streams it to
its browser. The messages are a stream (docs/guide.md, "Streams"): the
page's state holds none of them; each render sends the new message as one
``stream`` op and forgets it, and the browser keeps the list, its newest
``SHOWN`` messages.

The ``ChatForm`` hook (plain JavaScript in the page head, found at
``window.Hooks``) clears the message field and puts the focus back in it
once the server says the message went out (``push_event("sent")``): the
field's value is the user's, which a render would not take away.
"""

from __future__ import annotations

from uuid import uuid4

from pydantic import BaseModel, Field, field_validator
from quart import Quart

from livecomp import Component, Form, LiveApp, on, on_message

#: The messages the browser shows, the newest; the server keeps none.
SHOWN = 500
#: The topic every page of the room subscribes to.
ROOM = "chat:room"

#: The page's <head>: trusted markup written here.
HEAD = """<style>
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; }
.messages { list-style: none; padding: 0; min-height: 8rem; }
.messages li { padding: .2rem 0; }
form { display: flex; gap: .5rem; flex-wrap: wrap; }
form input[name=text] { flex: 1; }
.error { color: #b00020; width: 100%; margin: 0; }
</style>
<script>
window.Hooks = {
  ChatForm: {
    mounted() {
      // The server pushes "sent" before it acks the send: the message is out.
      this.handleEvent("sent", () => {
        const field = this.el.querySelector("input[name=text]");
        field.value = "";
        field.focus();
      });
    },
  },
};
</script>"""


class Said(BaseModel):
    """One message, as it travels between pages (JSON, for any broker)."""

    id: str
    author: str
    text: str


class NewMessage(BaseModel):
    author: str = Field(max_length=30)
    text: str = Field(max_length=500)

    @field_validator("author", "text")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("Say something")
        return value.strip()


class RoomState(BaseModel):
    author: str = ""
    error: str = ""


class ChatRoom(Component[RoomState]):
    template = """
<main class="chat">
  <h1>Chat</h1>
  <ul id="messages" class="messages" live-update="stream" aria-live="polite">
    {%- for key, message in streams.messages %}
    <li live-id="{{ key }}"><b>{{ message.author }}</b> {{ message.text }}</li>
    {%- endfor %}
  </ul>
  <form live-submit="send" live-hook="ChatForm" autocomplete="off">
    <input name="author" value="{{ state.author }}" aria-label="Name" placeholder="Name">
    <input name="text" aria-label="Message" placeholder="Message">
    <button>Send</button>
    {%- if state.error %}
    <p class="error">{{ state.error }}</p>
    {%- endif %}
  </form>
</main>"""

    async def mount(self) -> None:
        self.stream("messages", key=lambda said: f"m-{said.id}", limit=-SHOWN)
        if self.connected:
            await self.subscribe(ROOM)

    @on("send")
    async def send(self, form: Form[NewMessage]) -> None:
        self.state.author = form.field("author")
        if form.value is None:
            field = "author" if "author" in form.errors else "text"
            self.state.error = f"{field.title()}: {form.errors[field]}"
            return
        self.state.error = ""
        said = Said(id=uuid4().hex[:12], author=form.value.author, text=form.value.text)
        await self.publish(ROOM, "said", said.model_dump())
        self.push_event("sent", {"id": said.id})

    @on_message("said")
    async def said(self, data: dict[str, str]) -> None:
        self.stream_insert("messages", Said(**data))


def create_app() -> Quart:
    """The Quart app serving the chat room at ``/``."""
    app = Quart(__name__)
    LiveApp(app).page("/", ChatRoom, title="Chat", head=HEAD)
    return app
