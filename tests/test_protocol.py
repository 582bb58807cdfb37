"""Wire messages: decoding with clear errors, encoding single and batched frames."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from livecomp.ops import TextOp
from livecomp.protocol import (
    Ack,
    DecodeError,
    Err,
    ErrorCode,
    Event,
    Join,
    Patch,
    Push,
    Render,
    Resync,
    ServerMessage,
    _encode_json,
    _wire,
    decode_client,
    decode_server,
    encode,
    encode_sized,
)

LIMIT = 65536


def test_an_event_decodes_into_its_model() -> None:
    frame = '{"t":"event","ref":3,"cid":"c0","event":"set","value":{"celsius":"21"}}'
    assert decode_client(frame, LIMIT) == Event(
        ref=3, cid="c0", event="set", value={"celsius": "21"}
    )


def test_join_and_resync_decode() -> None:
    assert decode_client('{"t":"join","token":"x"}', LIMIT) == Join(token="x")
    assert decode_client('{"t":"resync","cid":"c1","reason":"r"}', LIMIT) == Resync(
        cid="c1", reason="r"
    )


@pytest.mark.parametrize(
    ("frame", "code", "words"),
    [
        ("{nope", ErrorCode.MALFORMED, "not valid JSON"),
        ("[1, 2]", ErrorCode.MALFORMED, 'string field "t"'),
        ('{"t": 5}', ErrorCode.MALFORMED, 'string field "t"'),
        ('{"t":"boom"}', ErrorCode.UNKNOWN_TYPE, "'boom'"),
        ('{"t":"event","ref":"x","cid":"c0","event":"e"}', ErrorCode.MALFORMED, "ref"),
        ('{"t":"join","token":"x","extra":1}', ErrorCode.MALFORMED, "extra"),
        (b"\x00", ErrorCode.BINARY_FRAME, "binary"),
    ],
)
def test_bad_frames_raise_a_decode_error_saying_what_is_wrong(
    frame: str | bytes, code: ErrorCode, words: str
) -> None:
    with pytest.raises(DecodeError) as caught:
        decode_client(frame, LIMIT)
    assert caught.value.code is code and words in caught.value.reason


def test_the_size_limit_counts_utf8_bytes() -> None:
    frame = json.dumps({"t": "join", "token": "é" * 600}, ensure_ascii=False)
    assert len(frame) < 1024 < len(frame.encode())
    with pytest.raises(DecodeError) as caught:
        decode_client(frame, 1024)
    assert caught.value.code is ErrorCode.TOO_LARGE


def test_one_message_encodes_as_an_object_and_several_as_an_array() -> None:
    patch = Patch(cid="c0", ops=[TextOp("text", [0, 0], "#text", "19.6 °C")])
    assert json.loads(encode([patch])) == {
        "t": "patch",
        "cid": "c0",
        "ops": [["text", [0, 0], "#text", "19.6 °C"]],
    }
    frame = encode([patch, Ack(ref=3)])
    assert "°" in frame  # UTF-8 on the wire, not \\u escapes
    assert decode_server(frame) == [patch, Ack(ref=3)]


def test_server_messages_round_trip() -> None:
    messages: list[ServerMessage] = [
        Render(cid="c1", html="<p>x</p>"),
        Err(ref=None, code=ErrorCode.UNKNOWN_TYPE, reason="r"),
        Err(ref=2, code=ErrorCode.INVALID_PAYLOAD, event="set", reason="celsius: bad"),
    ]
    assert decode_server(encode(messages)) == messages


@given(st.lists(st.text(), min_size=1, max_size=4), st.integers(0, 2**40))
def test_frames_read_as_the_standard_librarys_encoder_writes_them(
    texts: list[str], ref: int
) -> None:
    patch = Patch(cid="c0", ops=[TextOp("text", [0, n], "#text", t) for n, t in enumerate(texts)])
    batches: list[list[ServerMessage]] = [[patch], [patch, Ack(ref=ref)]]
    for messages in batches:
        wire = [_wire(m) for m in messages]
        expected = _encode_json(wire if len(wire) > 1 else wire[0])
        assert encode(messages) == expected
    push = Push(event="e", data_json='{"x":1}')
    pushed: list[list[ServerMessage]] = [[push], [patch, push]]
    for messages in [*batches, *pushed]:
        frame = encode(messages)
        assert encode_sized(messages) == (frame, len(frame.encode()))


def test_text_utf8_cannot_hold_takes_the_standard_librarys_path() -> None:
    patch = Patch(cid="c0", ops=[TextOp("text", [0, 0], "#text", "a\ud800b")])
    assert encode([patch]) == _encode_json(_wire(patch))
    assert '"a\ud800b"' in encode([patch, Ack(ref=1)])
    # Sized as the three bytes the surrogate would take; the socket refuses it.
    frame = encode([patch])
    assert encode_sized([patch]) == (frame, len(frame.encode("utf-8", "surrogatepass")))
