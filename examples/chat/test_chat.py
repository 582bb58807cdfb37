"""The chat room with the test client: two pages of one app, no browser."""

from __future__ import annotations

from examples.chat import SHOWN, create_app
from livecomp.names import HOOK, LIST_KEY, UPDATE
from livecomp.ops import StreamOp
from livecomp.testing import LiveTestClient


def shown(page: LiveTestClient) -> list[str]:
    return [" ".join(li.text(deep=True).split()) for li in page.query("#messages li")]


async def test_a_message_reaches_every_page_of_the_room() -> None:
    app = create_app()
    async with LiveTestClient(app) as ann, LiveTestClient(app) as bob:
        await ann.submit("form", {"author": "Ann", "text": "hello"})
        await bob.settle()
        assert shown(ann) == shown(bob) == ["Ann hello"]
        await bob.submit("form", {"author": "Bob", "text": "  hi Ann  "})
        await ann.settle()
        assert shown(ann) == shown(bob) == ["Ann hello", "Bob hi Ann"]


async def test_the_server_keeps_no_message_and_the_page_shows_all() -> None:
    app = create_app()
    async with LiveTestClient(app) as ann, LiveTestClient(app) as bob:
        for n in range(8):
            await ann.submit("form", {"author": "Ann", "text": f"message {n}"})
        await bob.settle()
        for page in (ann, bob):
            assert shown(page) == [f"Ann message {n}" for n in range(8)]
            # Neither the state nor the page's stored render holds a message.
            assert "messages" not in page.state.model_dump()
            live = page.session.page
            assert live is not None
            assert "message 7" not in live.full_html(live.root_cid)
            assert len(page.root.streams.messages) == 0


async def test_a_broadcast_sends_one_message_and_removes_none() -> None:
    app = create_app()
    async with LiveTestClient(app) as ann, LiveTestClient(app) as bob:
        for n in range(6):
            await ann.submit("form", {"author": "Ann", "text": f"m{n}"})
        await bob.settle()
        await ann.submit("form", {"author": "Ann", "text": "last"})
        reply = await bob.settle()
        [op] = [op for patch in reply.patches for op in patch.ops]
        assert isinstance(op, StreamOp)
        assert op.deleted == [] and op.reset is False and op.limit == -SHOWN
        [(at, html)] = op.inserts
        assert at == -1 and " last</li>" in html


async def test_the_sender_s_hook_hears_that_the_message_went_out() -> None:
    app = create_app()
    async with LiveTestClient(app) as ann, LiveTestClient(app) as bob:
        await ann.submit("form", {"author": "Ann", "text": "hello"})
        await bob.settle()
        [(event, data)] = ann.pushed
        assert event == "sent"
        assert ann.query(f"[{LIST_KEY}=m-{data['id']}]")
        assert bob.pushed == []
        assert ann.query(f"form[{HOOK}=ChatForm]")
        assert ann.query("input[name=author]")[0].attributes["value"] == "Ann"


async def test_a_blank_message_is_refused_in_words_and_sent_to_no_one() -> None:
    app = create_app()
    async with LiveTestClient(app) as ann, LiveTestClient(app) as bob:
        await ann.submit("form", {"author": "Ann", "text": "   "})
        await bob.settle()
        assert ann.text(".error") == "Text: Say something"
        assert shown(ann) == shown(bob) == []
        assert ann.pushed == []
        await ann.submit("form", {"author": "Ann", "text": "now"})
        assert ann.query(".error") == []


async def test_the_list_is_a_stream_container_and_the_head_defines_the_hook() -> None:
    async with LiveTestClient(create_app()) as page:
        assert page.query(f"ul#messages[{UPDATE}=stream]")
        assert "ChatForm" in page.document and "window.Hooks" in page.document
