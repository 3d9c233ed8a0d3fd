"""The document-ID codec, against the backend's rules and against real IDs.

`_ref_*` below is a deliberately plain, byte-by-byte port of the backend
(`crates/value/src/base32.rs` and `id_v6.rs` in get-convex/convex-backend), kept
separate from the fast codec so the two can be compared.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convex_schema.snapshot.ids import (
    ALPHABET,
    MAX_TABLE_NUMBER,
    DocumentId,
    InvalidId,
    decode_id,
    encode_id,
    is_id,
)

# --- a plain port of the backend, for comparison --------------------------------


def _ref_base32_encode(data: bytes) -> str:
    out = []
    for start in range(0, len(data), 5):
        block = data[start : start + 5].ljust(5, b"\0")
        bits = int.from_bytes(block, "big")
        out.extend(ALPHABET[(bits >> (35 - 5 * i)) & 31] for i in range(8))
    extra = (8 - (len(data) % 5 * 8 + 4) // 5) if len(data) % 5 else 0
    return "".join(out[: len(out) - extra])


def _ref_base32_decode(text: str) -> bytes | None:
    out = bytearray()
    for start in range(0, len(text), 8):
        bits = 0
        for i in range(8):
            char = text[start + i] if start + i < len(text) else "0"
            if char not in ALPHABET:
                return None
            bits = bits << 5 | ALPHABET.index(char)
        out += bits.to_bytes(5, "big")
    return bytes(out[: len(text) * 5 // 8])


def _ref_fletcher16(data: bytes) -> int:
    c0 = c1 = 0
    for byte in data:
        c0 = (c0 + byte) % 256
        c1 = (c1 + c0) % 256
    return c1 << 8 | c0


def _ref_vint_encode(number: int) -> bytes:
    out = bytearray()
    while number >= 0x80:
        out.append(number & 0x7F | 0x80)
        number >>= 7
    out.append(number)
    return bytes(out)


def _ref_encode(table_number: int, internal_id: bytes) -> str:
    body = _ref_vint_encode(table_number) + internal_id
    return _ref_base32_encode(body + _ref_fletcher16(body).to_bytes(2, "little"))


def _ref_decode(text: str) -> tuple[int, bytes] | None:
    """`DeveloperDocumentId::decode`: None wherever the backend returns an error."""
    if not 31 <= len(text.encode("utf-8")) <= 37:
        return None
    data = _ref_base32_decode(text)
    if data is None:
        return None
    number, pos = 0, 0
    for i in range(6):
        if i == 5 or pos >= len(data):
            return None  # too large, or truncated
        byte = data[pos]
        pos += 1
        number = (number | (byte & 0x7F) << (7 * i)) & 0xFFFFFFFF  # a u32
        if byte < 0x80:
            break
    if number == 0 or len(data) != pos + 18:
        return None
    internal_id = data[pos : pos + 16]
    footer = int.from_bytes(data[pos + 16 :], "little")
    if footer != _ref_fletcher16(data[: pos + 16]):
        return None
    if _ref_encode(number, internal_id) != text:  # the one-to-one check
        return None
    return number, internal_id


def _with_footer(body: bytes) -> str:
    """Base32 of `body` plus a correct footer, whatever the body holds."""
    return _ref_base32_encode(body + _ref_fletcher16(body).to_bytes(2, "little"))


def _agrees_with_backend(text: str) -> None:
    expected = _ref_decode(text)
    assert is_id(text) is (expected is not None)
    if expected is None:
        with pytest.raises(InvalidId):
            decode_id(text)
    else:
        assert decode_id(text) == DocumentId(*expected)


RNG = random.Random(20240601)


def _random_internal_id() -> bytes:
    return RNG.randbytes(16)


# --- round trips ----------------------------------------------------------------

BOUNDARIES = [
    (1, 31),
    (127, 31),
    (128, 32),
    (16383, 32),
    (16384, 34),
    (2**21 - 1, 34),
    (2**21, 36),
    (2**28 - 1, 36),
    (2**28, 37),
    (2**32 - 1, 37),
]


@pytest.mark.parametrize(("table_number", "length"), BOUNDARIES)
def test_round_trip_at_every_vint_boundary(table_number: int, length: int) -> None:
    for _ in range(20):
        internal_id = _random_internal_id()
        text = encode_id(table_number, internal_id)
        assert len(text) == length
        assert text == _ref_encode(table_number, internal_id)
        assert decode_id(text) == DocumentId(table_number, internal_id)
        assert is_id(text)
        _agrees_with_backend(text)


def test_max_table_number_is_the_backends_u32_max() -> None:
    assert MAX_TABLE_NUMBER == 2**32 - 1


@given(
    table_number=st.integers(1, 2**32 - 1),
    internal_id=st.binary(min_size=16, max_size=16),
)
def test_round_trip_property(table_number: int, internal_id: bytes) -> None:
    text = encode_id(table_number, internal_id)
    assert set(text) <= set(ALPHABET)
    assert text == _ref_encode(table_number, internal_id)
    assert decode_id(text) == DocumentId(table_number, internal_id)
    assert is_id(text)


def test_backend_stability_vector() -> None:
    # `test_document_id_stability` in crates/value/src/id_v6.rs
    # (get-convex/convex-backend): table 1017, internal id 251, 251*251, ... (u8).
    internal_id = bytearray([251])
    for _ in range(15):
        internal_id.append(internal_id[-1] * 251 % 256)
    text = "z43zp6c3e75gkmz1kfwj6mbbx5sw281h"
    assert encode_id(1017, bytes(internal_id)) == text
    assert decode_id(text) == DocumentId(1017, bytes(internal_id))


# --- real IDs -------------------------------------------------------------------

REAL_IDS = [
    # The `messages:list` example in the README of the official Python client,
    # get-convex/convex-py (README.md on main, also the PyPI `convex` page).
    # 31 characters: old deployments numbered their first tables from 1.
    ("2sh2c7pn6nyvkexbdsfj66vd9h5q3hg", 22),
    ("1f053fgh2tt2fc93mw3sn2x09h5bj08", 11),
    # A user document hard-coded (with `_creationTime: 1745075425708.771`) in a
    # public React Native + Convex app's profile screen on GitHub, found with
    # the code index; user tables are numbered from 10001.
    ("jd777hjdbxa16v8yhn33xsr52s7ebzm8", 10003),
    # A `member._id` hard-coded in a public Convex app's `documents.ts` mutation
    # on GitHub (code index), from a deployment where it is also table 10003.
    ("jd75pgeghg73fpts0tv39gmhdn85xc78", 10003),
]


@pytest.mark.parametrize(("text", "table_number"), REAL_IDS)
def test_real_ids(text: str, table_number: int) -> None:
    decoded = decode_id(text)
    assert decoded.table_number == table_number
    assert len(decoded.internal_id) == 16
    assert encode_id(decoded.table_number, decoded.internal_id) == text
    assert _ref_decode(text) == (decoded.table_number, decoded.internal_id)


# --- rejections -----------------------------------------------------------------

A_32 = encode_id(10003, bytes(range(16)))
A_31 = encode_id(22, bytes(range(16, 32)))


def _message(text: str) -> str:
    with pytest.raises(InvalidId) as info:
        decode_id(text)
    assert not is_id(text)
    return str(info.value)


def test_invalid_id_is_a_value_error() -> None:
    assert issubclass(InvalidId, ValueError)


def test_wrong_checksum() -> None:
    middle = len(A_32) // 2
    other = "0" if A_32[middle] != "0" else "1"
    flipped = A_32[:middle] + other + A_32[middle + 1 :]
    assert "checksum" in _message(flipped)


@pytest.mark.parametrize("base", [A_31, A_32])
def test_every_one_character_change_is_rejected(base: str) -> None:
    for position, original in enumerate(base):
        for char in ALPHABET:
            if char != original:
                changed = base[:position] + char + base[position + 1 :]
                assert not is_id(changed), changed
                _agrees_with_backend(changed)


@pytest.mark.parametrize(
    "text",
    [
        A_32[:-1],
        A_32 + "0",  # the backend's base32 alone would ignore this character
        A_31[:-1],
        A_32 + "00",
        A_32 * 2,
        "0" * 30,
        "0" * 38,
    ],
)
def test_wrong_length(text: str) -> None:
    message = _message(text)
    if len(text) not in (31, 32, 34, 36, 37):
        assert f"length {len(text)}" in message
    _agrees_with_backend(text)


def test_empty_string() -> None:
    assert "length 0" in _message("")


def test_uppercase() -> None:
    message = _message(A_32.upper())
    assert "character" in message
    assert "lowercase" in message
    mixed = A_32[:5] + A_32[5].upper() + A_32[6:]
    if mixed != A_32:
        assert "position 5" in _message(mixed)


@pytest.mark.parametrize("char", ["i", "l", "o", "u", "I", "O", "-", "_", " ", "+"])
def test_invalid_characters(char: str) -> None:
    for position in (0, 7, len(A_32) - 1):
        text = A_32[:position] + char + A_32[position + 1 :]
        message = _message(text)
        assert f"character {char!r} at position {position}" in message
        _agrees_with_backend(text)


@pytest.mark.parametrize("char", ["é", "٣", "\u00a0", "\x00"])
def test_non_ascii_and_control_characters(char: str) -> None:
    # `int(..., 32)` alone would take Unicode digits and surrounding spaces.
    text = A_32[:10] + char + A_32[11:]
    assert "position 10" in _message(text)


def test_table_number_zero() -> None:
    text = _with_footer(b"\x00" + bytes(16))
    assert len(text) == 31
    assert "table number 0" in _message(text)
    _agrees_with_backend(text)


@pytest.mark.parametrize(
    "vint",
    [
        b"\x81\x00",  # table 1 written in two bytes
        b"\x81\x80\x00",  # table 1 in three bytes
        b"\x05\x85",  # continuation bit on the wrong byte
        b"\xff\xff\xff\xff\x1f",  # more than 32 bits
        b"\xff\xff\xff\xff\x8f",  # a sixth byte is promised
        b"\x85",  # a continuation with nothing after it
    ],
)
def test_non_canonical_table_numbers(vint: bytes) -> None:
    text = _with_footer(vint + _random_internal_id())
    assert not is_id(text)
    _agrees_with_backend(text)


def test_nonzero_padding_bits() -> None:
    # 31 characters carry 155 bits for 152: the last character's low 3 bits
    # are padding, and must be zero.
    last = ALPHABET.index(A_31[-1])
    assert last & 0b111 == 0
    text = A_31[:-1] + ALPHABET[last | 0b001]
    assert "padding" in _message(text)
    _agrees_with_backend(text)


@pytest.mark.parametrize(
    "text",
    [
        # Regression strings from the tests in crates/value/src/id_v6.rs.
        "sssswsgggggggggsgcsssfafffsffks",
        "mz1xn7tymdnktmmzqy5xxhn7tjs2nkkfmtjjr",
    ],
)
def test_backend_regression_strings(text: str) -> None:
    assert not is_id(text)
    _agrees_with_backend(text)


@given(
    body=st.binary(min_size=17, max_size=21),
    tail=st.sampled_from(["", "0", "1", "z"]),
    cut=st.integers(0, 1),
)
def test_agrees_with_backend_on_checksummed_bytes(
    body: bytes, tail: str, cut: int
) -> None:
    # Any bytes with a valid footer: canonical IDs and every near miss.
    text = _with_footer(body)
    _agrees_with_backend(text)
    _agrees_with_backend(text[: len(text) - cut] + tail)


@given(st.text(alphabet=ALPHABET + "ilouA_ ", min_size=29, max_size=39))
def test_agrees_with_backend_on_any_text(text: str) -> None:
    _agrees_with_backend(text)


def test_is_id_on_ordinary_strings() -> None:
    for text in ["", "users", "hello world", "a" * 32, "0" * 32, "user_123" * 4]:
        assert not is_id(text)


# --- encode_id arguments --------------------------------------------------------


@pytest.mark.parametrize("table_number", [0, -1, 2**32, 2**40])
def test_encode_rejects_bad_table_numbers(table_number: int) -> None:
    with pytest.raises(ValueError, match="table number"):
        encode_id(table_number, bytes(16))


@pytest.mark.parametrize("size", [0, 15, 17])
def test_encode_rejects_bad_internal_ids(size: int) -> None:
    with pytest.raises(ValueError, match="internal id"):
        encode_id(10001, bytes(size))
