"""LeanQueue and LeanEvent: asyncio's queue and event, smaller, behaving the same."""

from __future__ import annotations

import asyncio
import tracemalloc

import pytest

from livecomp import hypercorn_memory
from livecomp.hypercorn_memory import LeanEvent, LeanQueue, Waiters, lighten_hypercorn


def test_the_containers_are_lists() -> None:
    queue: LeanQueue[int] = LeanQueue(3)
    assert type(queue._queue) is Waiters
    assert type(queue._getters) is Waiters and type(queue._putters) is Waiters
    assert type(queue._finished) is LeanEvent and queue._finished.is_set()
    waiters: object = LeanEvent()._waiters
    assert type(waiters) is Waiters


def test_they_are_much_smaller() -> None:
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        plain = [asyncio.Queue[int](10) for _ in range(100)]
        middle = tracemalloc.get_traced_memory()[0]
        lean = [LeanQueue[int](10) for _ in range(100)]
        end = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(plain) == len(lean)
    plain_size, lean_size = (middle - start) / 100, (end - middle) / 100
    assert plain_size - lean_size > 2_000, (plain_size, lean_size)


async def test_items_come_out_in_order_and_a_full_queue_waits() -> None:
    queue: LeanQueue[int] = LeanQueue(2)
    await queue.put(1)
    await queue.put(2)
    assert queue.full() and queue.qsize() == 2
    blocked = asyncio.create_task(queue.put(3))
    await asyncio.sleep(0)
    assert not blocked.done()
    assert await queue.get() == 1
    await asyncio.wait_for(blocked, 1)
    assert [await queue.get(), await queue.get()] == [2, 3]
    assert queue.empty()
    assert not queue._putters and not queue._getters


async def test_getters_wait_in_turn_and_a_cancelled_one_is_dropped() -> None:
    queue: LeanQueue[str] = LeanQueue()
    first = asyncio.create_task(queue.get())
    cancelled = asyncio.create_task(queue.get())
    last = asyncio.create_task(queue.get())
    await asyncio.sleep(0)
    assert len(queue._getters) == 3
    cancelled.cancel()
    await asyncio.sleep(0)
    assert len(queue._getters) == 2
    queue.put_nowait("a")
    queue.put_nowait("b")
    assert await asyncio.wait_for(first, 1) == "a"
    assert await asyncio.wait_for(last, 1) == "b"
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    with pytest.raises(asyncio.QueueEmpty):
        queue.get_nowait()


async def test_join_waits_for_every_task_done() -> None:
    queue: LeanQueue[int] = LeanQueue()
    queue.put_nowait(1)
    joined = asyncio.create_task(queue.join())
    await asyncio.sleep(0)
    assert not joined.done()
    queue.get_nowait()
    queue.task_done()
    await asyncio.wait_for(joined, 1)
    with pytest.raises(ValueError):
        queue.task_done()


async def test_the_event_wakes_every_waiter() -> None:
    event = LeanEvent()
    waiters = [asyncio.create_task(event.wait()) for _ in range(3)]
    await asyncio.sleep(0)
    assert len(event._waiters) == 3
    event.set()
    assert await asyncio.wait_for(asyncio.gather(*waiters), 1) == [True, True, True]
    assert not event._waiters
    event.clear()
    assert not event.is_set()


def test_lightening_swaps_hypercorns_task_group_and_event(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hypercorn.asyncio import tcp_server, worker_context

    # Undone after the test: lighten_hypercorn patches process-wide.
    monkeypatch.setattr(tcp_server, "TaskGroup", vars(tcp_server)["TaskGroup"])
    monkeypatch.setattr(worker_context.WorkerContext, "event_class", worker_context.EventWrapper)
    lighten_hypercorn()
    lighten_hypercorn()  # idempotent
    task_group_class, event_class = hypercorn_memory._lean_classes()
    assert vars(tcp_server)["TaskGroup"] is task_group_class
    context = worker_context.WorkerContext(None)
    assert isinstance(context.terminate, event_class)
    assert type(context.terminate._event) is LeanEvent


async def test_a_lean_task_group_runs_an_app_with_a_lean_queue() -> None:
    from hypercorn.config import Config

    task_group_class, _ = hypercorn_memory._lean_classes()
    received: list[object] = []
    sent: list[object] = []

    async def app(scope: object, receive: object, send: object, *_: object) -> None:
        assert callable(receive) and callable(send)
        received.append(await receive())
        await send({"type": "done"})

    async def send(message: object) -> None:
        sent.append(message)

    async with task_group_class(asyncio.get_running_loop()) as group:
        put = await group.spawn_app(app, Config(), {"type": "http"}, send)
        queue = put.__self__
        assert type(queue._queue) is Waiters and type(queue._getters) is Waiters
        await put({"type": "hello"})
    assert received == [{"type": "hello"}]
    # Hypercorn's _handle sends None once the app returned.
    assert sent == [{"type": "done"}, None]
