"""The chat room with the test client: two pages of one app, no browser."""

from __future__ import annotations

from examples.chat import KEEP, create_app
from livecomp.names import HOOK, UPDATE
from livecomp.ops import UpsertOp
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


async def test_the_state_keeps_the_newest_messages_and_the_page_shows_all() -> None:
    app = create_app()
    async with LiveTestClient(app) as ann, LiveTestClient(app) as bob:
        for n in range(KEEP + 3):
            await ann.submit("form", {"author": "Ann", "text": f"message {n}"})
        await bob.settle()
        for page in (ann, bob):
            assert [said.text for said in page.state.messages] == [
                f"message {n}" for n in range(3, KEEP + 3)
            ]
            # The test client checked after every reply that each message the
            # server renders is on the page; these are all of them.
            assert shown(page) == [f"Ann message {n}" for n in range(KEEP + 3)]


async def test_a_broadcast_adds_one_message_and_removes_none() -> None:
    app = create_app()
    async with LiveTestClient(app) as ann, LiveTestClient(app) as bob:
        for n in range(KEEP + 1):
            await ann.submit("form", {"author": "Ann", "text": f"m{n}"})
        await bob.settle()
        await ann.submit("form", {"author": "Ann", "text": "last"})
        reply = await bob.settle()
        [op] = [op for patch in reply.patches for op in patch.ops]
        assert isinstance(op, UpsertOp)
        assert op.mode == "append"
        assert " last</li>" in op.html and op.html.count("<li") == 1


async def test_the_sender_s_hook_hears_that_the_message_went_out() -> None:
    app = create_app()
    async with LiveTestClient(app) as ann, LiveTestClient(app) as bob:
        await ann.submit("form", {"author": "Ann", "text": "hello"})
        await bob.settle()
        [(event, data)] = ann.pushed
        assert event == "sent"
        assert ann.query(f"#m-{data['id']}")
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


async def test_the_list_is_an_append_container_and_the_head_defines_the_hook() -> None:
    async with LiveTestClient(create_app()) as page:
        assert page.query(f"ul#messages[{UPDATE}=append]")
        assert "ChatForm" in page.document and "window.Hooks" in page.document
