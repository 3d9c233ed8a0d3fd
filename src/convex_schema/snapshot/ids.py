"""Convex document IDs: the base32 text form, decoded and encoded strictly.

The layout follows the backend (`crates/value/src/id_v6.rs`, `base32.rs`;
REFERENCE §4.3). In binary an ID is the table number as a VInt (1 to 5 bytes,
7 bits a byte, low bits first, 0x80 meaning "more"), the 16-byte internal ID,
and a 2-byte little-endian footer: Fletcher-16 (mod 256) of the bytes before
it, XOR the version, 0. The text is that binary in base32 (most significant bit
first, no padding, lowercase Crockford alphabet), 31 to 37 characters.

Decoding is strict, as the backend's is: a string is an ID only if encoding what
it decodes to gives the same string back. So uppercase, padding bits that are
not zero, a table number written in more bytes than it needs and table number 0
are all rejected.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from itertools import accumulate

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
INTERNAL_ID_LEN = 16
MAX_TABLE_NUMBER = 2**32 - 1  # the backend's TableNumber is a nonzero u32

# Text length -> binary length: a 1..5-byte VInt, the internal ID, the footer.
_BINARY_LEN = {31: 19, 32: 20, 34: 21, 36: 22, 37: 23}
_TEXT_LEN = {size: length for length, size in _BINARY_LEN.items()}
_LENGTHS_TEXT = "31, 32, 34, 36 or 37"

# Each ID character -> the digit of the same value for int(..., 32); anything
# else -> "!", which int() rejects and which is looked for before calling it.
_BAD = ord("!")
_DECODE = bytearray([_BAD]) * 256
for _value, _char in enumerate(ALPHABET):
    _DECODE[ord(_char)] = ord("0123456789abcdefghijklmnopqrstuv"[_value])
_DECODE_TABLE = bytes(_DECODE)
del _DECODE, _value, _char

# base64.b32hexencode's alphabet -> ours ("=" padding is stripped afterwards).
_ENCODE_TABLE = bytes.maketrans(
    b"0123456789ABCDEFGHIJKLMNOPQRSTUV", ALPHABET.encode("ascii")
)


@dataclass(frozen=True, slots=True)
class DocumentId:
    """A decoded ID: the table number and the 16-byte internal ID."""

    table_number: int
    internal_id: bytes


class InvalidId(ValueError):
    """A string that is not a Convex document ID; the message says why."""


def decode_id(text: str) -> DocumentId:
    """Decode an ID string, or raise InvalidId saying what is wrong with it."""
    result = _decode(text)
    if isinstance(result, str):
        raise InvalidId(f"invalid document id {_shorten(text)}: {result}")
    return result


def is_id(text: str) -> bool:
    """Whether `text` decodes as a document ID."""
    if len(text) not in _BINARY_LEN:  # the usual answer, and the cheapest
        return False
    return not isinstance(_decode(text), str)


def encode_id(table_number: int, internal_id: bytes) -> str:
    """The ID string for a table number (1 to 2**32-1) and a 16-byte internal ID."""
    if not 1 <= table_number <= MAX_TABLE_NUMBER:
        raise ValueError(
            f"table number must be from 1 to {MAX_TABLE_NUMBER}, not {table_number}"
        )
    if len(internal_id) != INTERNAL_ID_LEN:
        raise ValueError(
            f"internal id must be {INTERNAL_ID_LEN} bytes, not {len(internal_id)}"
        )
    body = _vint(table_number) + bytes(internal_id)
    sums = list(accumulate(body))
    binary = body + bytes((sums[-1] & 0xFF, sum(sums) & 0xFF))
    text = base64.b32hexencode(binary).translate(_ENCODE_TABLE)
    return text[: _TEXT_LEN[len(binary)]].decode("ascii")


def _decode(text: str) -> DocumentId | str:
    """The decoded ID, or a message saying why `text` is not one."""
    length = len(text)
    size = _BINARY_LEN.get(length)
    if size is None:
        return f"length {length} (an id has {_LENGTHS_TEXT} characters)"
    if not text.isascii():
        position = next(i for i, char in enumerate(text) if not char.isascii())
        return _bad_character(text, position)
    digits = text.encode("ascii").translate(_DECODE_TABLE)
    if _BAD in digits:
        return _bad_character(text, digits.index(_BAD))

    # All characters at once: one big int, then its bytes. The bits left over
    # after the last whole byte (1 to 7 of them, or none) must be zero.
    value = int(digits, 32)
    spare = length * 5 - size * 8
    if value & ((1 << spare) - 1):
        return "the padding bits after the last byte are not zero"
    binary = (value >> spare).to_bytes(size, "big")

    body = binary[:-2]
    if binary[-2] != sum(body) & 0xFF or binary[-1] != sum(accumulate(body)) & 0xFF:
        return "checksum mismatch (a character is wrong or missing)"

    # The VInt must be exactly as long as the text length says, and canonical.
    first = binary[0]
    if size == 19:
        if first == 0:
            return "table number 0"
        if first & 0x80:
            return _table_number_mismatch(length)
        return DocumentId(first, binary[1:17])
    if size == 20:  # table numbers 128 to 16383, the usual ones
        second = binary[1]
        if not first & 0x80 or not 0 < second < 0x80:
            return _table_number_mismatch(length)
        return DocumentId(first & 0x7F | second << 7, binary[2:18])
    vint_len = size - 18
    table_number = 0
    for shift, byte in zip(range(0, 35, 7), binary[:vint_len], strict=False):
        table_number |= (byte & 0x7F) << shift
    if table_number > MAX_TABLE_NUMBER:
        return f"table number {table_number} does not fit in 32 bits"
    if _vint(table_number) != binary[:vint_len]:
        return _table_number_mismatch(length)
    return DocumentId(table_number, binary[vint_len : vint_len + 16])


def _vint(number: int) -> bytes:
    """`number` in VInt encoding: 7 bits a byte, low first, 0x80 meaning more."""
    if number < 0x80:
        return bytes((number,))
    out = bytearray()
    while number >= 0x80:
        out.append(number & 0x7F | 0x80)
        number >>= 7
    out.append(number)
    return bytes(out)


def _bad_character(text: str, position: int) -> str:
    char = text[position]
    hint = " (ids are lowercase)" if char.lower() in ALPHABET else ""
    return f"character {char!r} at position {position} is not base32{hint}"


def _table_number_mismatch(length: int) -> str:
    return f"its table number is not encoded as a {length}-character id encodes one"


def _shorten(text: str) -> str:
    return repr(text) if len(text) <= 48 else repr(text[:45]) + "..."
