"""Streams: long lists the server renders once and then forgets.

The key idea (Phoenix LiveView's streams): a stream holds only what the next
render must tell the browser (the items inserted or updated since the last
render, the keys deleted, a reset, a limit), never the list itself. The
template renders the pending items inside a container marked
``live-update="stream"`` whose key (``id`` or ``live-id``) is the stream's
name; the client owns that container's children, as under ``append``. After
the render, ``take_streams`` cuts the items out of the render the page keeps
and turns them into one ``stream`` op per container, so the page's memory
does not grow with the number of items ever shown.

Example:
    >>> s = Stream("songs", key=lambda song: song["id"])
    >>> s.insert({"id": "a"}, at=-1)
    >>> s.insert({"id": "b"}, at=0)
    >>> [key for key, _ in s]
    ['b', 'a']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from selectolax.lexbor import LexborNode

from livecomp.html import lexbor_root, outer_html
from livecomp.names import CID, KEPT_UPDATES, LIST_KEY, STREAM_UPDATE, UPDATE
from livecomp.ops import StreamOp

__all__ = [
    "NO_STREAMS",
    "Stream",
    "StreamError",
    "StreamMethods",
    "Streams",
    "default_key",
    "extend",
    "take_streams",
]

#: Where a stream insert goes: the end (``-1``), the start (``0``), or, for an
#: update-only insert, nowhere (``None``: only an item the client has changes).
At = int | None

_AT_VALUES: Final = (-1, 0)


class StreamError(ValueError):
    """A stream was used or rendered in a way the browser could not follow."""


def default_key(item: Any) -> str:
    """An item's key when the stream names none: its ``id`` (attribute or key)."""
    value = item.get("id") if isinstance(item, dict) else getattr(item, "id", None)
    if value is None:
        raise StreamError(
            f"stream item {item!r} has no id; pass key=... to stream() to say what keys it"
        )
    return str(value)


@dataclass(slots=True)
class _Insert:
    item: Any
    at: At


class Stream:
    """One stream of a component: the changes its next render carries.

    Iterating gives ``(key, item)`` for each pending insert, in the order a
    list starting empty would show them (the first render shows that list);
    the template renders each as an element carrying ``live-id="{{ key }}"``.
    """

    __slots__ = ("_deletes", "_inserts", "key", "limit", "name", "reset")

    def __init__(self, name: str, key: Callable[[Any], str] = default_key) -> None:
        self.name = name
        #: What keys an item (the ``live-id`` of its element).
        self.key = key
        #: The limit the client's list is trimmed to after each change (None: none).
        self.limit: int | None = None
        #: Whether the client's items go before this render's are added.
        self.reset = False
        self._inserts: dict[str, _Insert] = {}
        self._deletes: dict[str, None] = {}

    def insert(self, item: Any, *, at: At = -1, update_only: bool = False) -> None:
        """Add ``item`` at the end (``at=-1``) or the start (``at=0``), or
        update it in place if the client has its key; with ``update_only``,
        only an item the client has is updated."""
        if at not in _AT_VALUES:
            raise StreamError(f"stream {self.name!r}: at must be -1 (the end) or 0 (the start)")
        key = self.key(item)
        if not isinstance(key, str) or not key:
            raise StreamError(f"stream {self.name!r}: the key of {item!r} is {key!r}, not a string")
        self._deletes.pop(key, None)
        known = self._inserts.get(key)
        # A key inserted twice before a render goes where it first went.
        position = None if update_only else at
        if known is not None:
            position = known.at if known.at is not None else position
        self._inserts[key] = _Insert(item, position)

    def delete(self, key: str) -> None:
        """Remove the item of ``key`` from the client's list."""
        self._inserts.pop(key, None)
        self._deletes[key] = None

    def clear(self) -> None:
        """Drop the client's items before this render's are added."""
        self.reset = True
        self._inserts.clear()
        self._deletes.clear()

    @property
    def pending(self) -> bool:
        """Whether the next render has anything to tell the client."""
        return bool(self.reset or self._inserts or self._deletes)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        start: list[tuple[str, Any]] = []
        end: list[tuple[str, Any]] = []
        for key, insert in self._inserts.items():
            (start if insert.at == 0 else end).append((key, insert.item))
        return iter([*reversed(start), *end])

    def __len__(self) -> int:
        return len(self._inserts)

    def first_keys(self) -> set[str]:
        """The keys a list starting empty keeps: no update-only item, the limit applied."""
        keys = [key for key, _ in self if self._inserts[key].at is not None]
        if self.limit is not None:
            keys = keys[: self.limit] if self.limit >= 0 else keys[len(keys) + self.limit :]
        return set(keys)

    def op(self, path: list[int], tag: str, items: dict[str, str]) -> StreamOp | None:
        """The ``stream`` op for the container at ``path`` given the rendered
        ``items`` by key; None when there is nothing to say."""
        missing = [key for key in self._inserts if key not in items]
        if missing:
            raise StreamError(
                f"stream {self.name!r}: the template did not render the items {missing[:3]}; "
                'render each (key, item) of the stream with live-id="{{ key }}"'
            )
        inserts = [[insert.at, items[key]] for key, insert in self._inserts.items()]
        if not (self.reset or inserts or self._deletes):
            return None
        return StreamOp("stream", path, tag, self.reset, list(self._deletes), inserts, self.limit)

    def done(self) -> None:
        """Forget what the render just carried."""
        self.reset = False
        self._inserts.clear()
        self._deletes.clear()


class Streams:
    """A component's streams by name, as its template reads them:
    ``streams.songs`` (or ``streams["songs"]``) is the stream ``songs``; a
    stream not declared yet reads as an empty list. No method of its own
    can hide a stream's name (a stream may be called ``items``)."""

    __slots__ = ("_by_name",)

    def __init__(self) -> None:
        self._by_name: dict[str, Stream] = {}

    def __getattr__(self, name: str) -> Stream:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str) -> Stream:
        found = self._by_name.get(name)
        # Read before it is declared (on a render before mount streamed): empty.
        return Stream(name) if found is None else found

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self) -> Iterator[Stream]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    def declare(self, name: str, key: Callable[[Any], str]) -> Stream:
        """The stream ``name``, made with ``key`` if new."""
        found = self._by_name.get(name)
        if found is None:
            found = self._by_name[name] = Stream(name, key)
        return found


class _NoStreams(Streams):
    """What the template of a component without streams reads: no streams,
    shared by all of them, so a render allocates nothing for them."""

    __slots__ = ()

    def declare(self, name: str, key: Callable[[Any], str]) -> Stream:
        raise TypeError("a template cannot declare a stream: call self.stream() in Python")


#: The ``streams`` of every component that has none.
NO_STREAMS: Final[Streams] = _NoStreams()


def extend(stream: Stream, items: Iterable[Any], at: At) -> None:
    """Insert ``items`` in order at ``at``: at the start, each before the last."""
    for item in items:
        stream.insert(item, at=at)


def take_streams(
    html: str, streams: Streams, *, first: bool, owner: str
) -> tuple[str, list[StreamOp]]:
    """Cut the stream items out of a component's render.

    Returns the render to keep (its stream containers without their items)
    and the ``stream`` ops that carry the items, the deletes, the reset and
    the limit to the client. On a component's ``first`` render the items
    stay in the render (it is the HTML the browser receives), cut down to the
    list a browser starting empty would keep. ``owner`` names the component
    in errors. Every stream's pending changes are forgotten afterwards.
    """
    try:
        if not any(stream.pending for stream in streams):
            return html, []
        return _take(html, streams, first=first)
    except StreamError as exc:
        raise StreamError(f"{owner}: {exc}") from None
    finally:
        for stream in streams:
            stream.done()


def _take(html: str, streams: Streams, *, first: bool) -> tuple[str, list[StreamOp]]:
    root, _ = lexbor_root(html)
    ops: list[StreamOp] = []
    cut = False
    seen: set[str] = set()
    for container in _containers(root):
        attrs = container.attributes
        name = attrs.get(LIST_KEY) or attrs.get("id") or ""
        if name not in streams or not streams[name].pending:
            continue
        stream = streams[name]
        seen.add(name)
        items: dict[str, LexborNode] = {}
        child = container.first_child
        while child is not None:
            key = child.attributes.get(LIST_KEY) if not (child.tag or "-").startswith("-") else None
            if key:
                items[key] = child
            child = child.next
        pending = {key for key, _ in stream}
        unknown = [key for key in items if key not in pending]
        if unknown:
            raise StreamError(
                f"stream {name!r} renders items that were not inserted: {unknown[:3]}"
            )
        markup = {key: outer_html(node) for key, node in items.items()}
        if any(f"{CID}=" in text for text in markup.values()):
            raise StreamError(
                f"stream {name!r}: an item embeds a child component, which a stream cannot "
                "hold (the server forgets its items); render the item's markup directly"
            )
        if first:
            keep = stream.first_keys()
            drop = [node for key, node in items.items() if key not in keep]
        else:
            op = stream.op(_path(container, root), (container.tag or "").lower(), markup)
            if op is not None:
                ops.append(op)
            drop = list(items.values())
        for node in drop:
            node.decompose()
        cut = cut or bool(drop)
    lost = [stream.name for stream in streams if stream.pending and stream.name not in seen]
    if lost:
        raise StreamError(
            f"stream {lost[0]!r} has changes but the render has no container for it: "
            f'render <ul id="{lost[0]}" {UPDATE}="{STREAM_UPDATE}">'
        )
    return (outer_html(root) if cut else html), ops


def _containers(root: LexborNode) -> list[LexborNode]:
    selector = f'[{UPDATE}="{STREAM_UPDATE}"]'
    found = list(root.css(selector))
    if root.attributes.get(UPDATE) == STREAM_UPDATE and all(
        node.mem_id != root.mem_id for node in found
    ):
        found.insert(0, root)
    return found


def _path(node: LexborNode, root: LexborNode) -> list[int]:
    """The child-index path of ``node`` from ``root``, checking that no
    container the client owns holds it (no op may go through one)."""
    path: list[int] = []
    at = node
    while at.mem_id != root.mem_id:
        index = 0
        sibling = at.prev
        while sibling is not None:
            index += 1
            sibling = sibling.prev
        path.append(index)
        parent = at.parent
        if parent is None:
            break
        if parent.attributes.get(UPDATE) in KEPT_UPDATES:
            raise StreamError(
                "a stream container stands inside another live-update container, "
                "which the client owns: move it out"
            )
        at = parent
    path.reverse()
    return path


class StreamMethods:
    """What a component may do with its streams; ``Component`` inherits it.

    Each stream lives in the component instance's ``_streams`` (made on first
    use), so a component without streams carries nothing. It is read as an
    attribute, never through ``__dict__``: on Python 3.11 reading an
    instance's ``__dict__`` makes it a dict of its own, 64 bytes a component.
    """

    #: The instance's streams, once it has any.
    _streams: Streams | None = None

    @property
    def streams(self) -> Streams:
        """This component's streams by name (``livecomp.streams``); the
        template iterates one as ``streams.name``, getting ``(key, item)``."""
        found = self._streams
        if found is None:
            found = self._streams = Streams()
        return found

    def stream(
        self,
        name: str,
        items: Iterable[Any] = (),
        *,
        key: Callable[[Any], str] | None = None,
        at: int = -1,
        limit: int | None = None,
        reset: bool = False,
    ) -> None:
        """Declare the stream ``name`` (or change it) and insert ``items``.

        The server keeps none of them after the next render: the browser
        holds the list, in the ``live-update="stream"`` container whose
        ``id`` is ``name``. ``key`` gives an item's key (default: its ``id``);
        ``at`` is ``-1`` (the end) or ``0`` (the start); ``limit`` trims the
        browser's list after each change to the first ``limit`` items (a
        negative limit: the last ones) and stays the stream's limit until
        changed; ``reset`` empties the browser's list first.

        Example:
            ```python
            async def mount(self) -> None:
                self.stream("songs", await recent_songs(), limit=-50)
            ```
        """
        found = self.streams.declare(name, key or default_key)
        if key is not None:
            found.key = key
        if limit is not None:
            found.limit = limit
        if reset:
            found.clear()
        extend(found, items, at)

    def stream_insert(
        self,
        name: str,
        item: Any,
        *,
        at: int = -1,
        limit: int | None = None,
        update_only: bool = False,
    ) -> None:
        """Insert ``item`` into the stream ``name`` at the end (``at=-1``) or
        the start (``0``); an item whose key the browser has is updated in
        place. With ``update_only``, an item the browser lacks is skipped."""
        found = self._stream_named(name)
        if limit is not None:
            found.limit = limit
        found.insert(item, at=at, update_only=update_only)

    def stream_delete(self, name: str, key: str) -> None:
        """Remove the item of ``key`` from the browser's list of stream ``name``."""
        self._stream_named(name).delete(key)

    def _stream_named(self, name: str) -> Stream:
        if name not in self.streams:
            raise KeyError(
                f"{type(self).__name__} has no stream {name!r}; declare it with "
                f"self.stream({name!r}, items) first (in mount)"
            )
        return self.streams[name]
