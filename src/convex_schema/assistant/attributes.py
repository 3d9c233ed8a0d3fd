"""Fields from words: "a due date" is `dueAt: v.number()`, "a price" is
`priceCents`, "a resume file" is `resume: v.id("_storage")`.

`attribute(words)` reads a noun phrase (lowercase words, articles removed)
and returns the field it names, with its type in the pattern library's type
language and a short note saying why that type. Unknown words give a string
field only through `guess`; `attribute` returns None for them so the
caller can decide whether the phrase names a table instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from convex_schema.assistant.words import camel, singular

MS = "ms since epoch, as Convex stores times (Date.now())"
CENTS = "money in integer cents: floats cannot hold 0.10 exactly"
FILE = "a file in Convex storage; read it with ctx.storage.getUrl"


@dataclass(frozen=True)
class Attribute:
    """A field a phrase names: its name, type (type language) and why."""

    name: str
    type: str
    note: str = ""
    kind: str = ""  # money, time, file, flag, vector, number, text, record

    @property
    def optional(self) -> bool:
        """Times of events that come later (an exit, a completion) are unset
        until they happen."""
        return self.kind == "time" and any(
            self.name.startswith(stem) for stem in LATER_EVENTS
        )


LATER_EVENTS = (
    "end",
    "exit",
    "exited",
    "completed",
    "closed",
    "finished",
    "resolved",
    "returned",
    "delivered",
    "shipped",
    "paid",
    "cancel",
    "deleted",
    "archived",
    "read",
    "answered",
    "left",
    "checkOut",
    "departure",
    "approved",
    "accepted",
)


# Words that say something about a field, not what it is.
FILLER = frozenset(
    """
    a an the its their arbitrary custom optional required unique new extra
    additional various multiple flexible freeform free-form dynamic own
    """.split()
)
TIME_HEADS = frozenset({"date", "time", "timestamp", "datetime", "day"})
MONEY_HEADS = frozenset(
    """
    price cost amount fee total budget salary balance revenue tip deposit payout
    wage fare subtotal tax rent payment charge bounty reward stipend income
    """.split()
)
MONEY_MODIFIERS = frozenset({"funding", "fundraising", "donation", "savings"})
NUMBER_HEADS = frozenset(
    """
    count quantity qty reps weight height width length depth distance duration
    score rating stars position rank age capacity seats points percentage
    percent latitude longitude lat lng temperature value views size level year
    vintage minutes hours days servings floor bedrooms bathrooms progress
    calories speed elevation steps number sequence priority index limit
    threshold reading measurement humidity pressure volume mileage odometer
    """.split()
)
FLAG_WORDS = frozenset(
    """
    done completed complete archived active verified featured pinned private
    public published read paid enabled disabled visible hidden locked approved
    starred muted resolved closed open available blocked banned confirmed
    """.split()
)
FILE_HEADS = frozenset(
    """
    file image photo picture pic avatar attachment resume cv logo cover
    thumbnail video audio pdf scan upload screenshot banner headshot recording
    """.split()
)
TEXT_HEADS = frozenset(
    """
    title name body content text description caption bio summary subject note
    notes comment message label slug url link website email phone address city
    country zip zipcode postcode username handle version color colour icon
    token currency timezone language locale domain path headline excerpt
    location destination reason question answer code sku barcode isbn nickname
    plate license brand model make genre cuisine role status state
    stage kind type emoji instructions topic firstname lastname password hash
    secret key bio tagline motto industry occupation
    """.split()
)
RECORD_HEADS = frozenset(
    {"properties", "props", "metadata", "attributes", "settings", "payload"}
    | {"traits", "config", "configuration", "params", "parameters"}
)
ARRAY_HEADS = frozenset(
    {"tags", "keywords", "aliases", "hashtags", "topics", "sizes", "colors"}
    | {"colours", "variants", "features", "amenities", "languages", "links"}
)
VECTOR_HEADS = frozenset({"embedding", "embeddings", "vector", "vectors"})
POINT_HEADS = frozenset({"coordinates", "coords", "geolocation", "geo", "latlng"})
TYPE_WORDS = {
    "string": "string",
    "text": "string",
    "number": "number",
    "float": "number",
    "integer": "number",
    "int": "number",
    "int64": "int64",
    "bigint": "int64",
    "boolean": "boolean",
    "bool": "boolean",
    "flag": "boolean",
    "timestamp": "number",
}
RENAMES = {
    ("phone", "number"): "phone",
    ("email", "address"): "email",
    ("e-mail",): "email",
    ("e-mail", "address"): "email",
    ("web", "site"): "website",
    ("date", "of", "birth"): "birthDate",
    ("birth", "date"): "birthDate",
    ("birthday",): "birthDate",
    ("dob",): "birthDate",
    ("expiry",): "expiresAt",
    ("expiration",): "expiresAt",
    ("expiration", "date"): "expiresAt",
    ("expiry", "date"): "expiresAt",
    ("qty",): "quantity",
    ("first", "name"): "firstName",
    ("last", "name"): "lastName",
    ("full", "name"): "name",
    ("display", "name"): "displayName",
    ("star", "rating"): "rating",
    ("stars",): "rating",
    ("deadline",): "deadline",
    ("due",): "dueAt",
}


def attribute(words: list[str] | tuple[str, ...]) -> Attribute | None:
    """The field a known noun phrase names, or None when the words are not
    a known kind of field."""
    words = tuple(w for w in words if w not in FILLER)
    if not words:
        return None
    if words in RENAMES:
        return _renamed(words)
    if (*words[:-1], singular(words[-1])) in RENAMES:
        return _renamed((*words[:-1], singular(words[-1])))
    *mods, head = words
    if head.isdigit():
        return None
    head = singular(head) if head not in ARRAY_HEADS | RECORD_HEADS else head
    if head in TYPE_WORDS and mods:
        kind = TYPE_WORDS[head]
        note = MS if head == "timestamp" else ""
        return Attribute(camel(mods), kind, note, "time" if note else "")
    if head in VECTOR_HEADS:
        return Attribute("embedding", "array:number", "a vector for similarity search")
    if head in TIME_HEADS:
        return _time(mods, head)
    if head in MONEY_HEADS or (head == "goal" and MONEY_MODIFIERS & set(mods)):
        stem = [m for m in mods if m not in MONEY_MODIFIERS] + [head]
        return Attribute(camel(stem) + "Cents", "number", CENTS, "money")
    if head in FILE_HEADS:
        stem = mods if head in ("file", "upload") and mods else [*mods, head]
        return Attribute(camel(stem), "id:_storage", FILE, "file")
    if head in RECORD_HEADS or (head == "data" and mods):
        note = "keys chosen at run time; values of any type"
        return Attribute(camel([*mods, head]), "record:string:any", note, "record")
    if head in ARRAY_HEADS:
        note = "a handful of short labels; a bounded array is fine"
        return Attribute(camel([*mods, head]), "array:string", note)
    if head in POINT_HEADS:
        return Attribute("location", "object:{lat:number;lng:number}", "", "point")
    if head in FLAG_WORDS and not mods:
        return Attribute(head, "boolean", "", "flag")
    if head in NUMBER_HEADS:
        return _number(mods, head)
    if head in TEXT_HEADS:
        return Attribute(camel([*mods, head]), "string", _text_note(head), "text")
    return None


def guess(words: list[str] | tuple[str, ...]) -> Attribute:
    """The field for any noun phrase: a known kind, or a string."""
    found = attribute(words)
    if found is not None:
        return found
    name = camel(
        [singular(w) if i == len(words) - 1 else w for i, w in enumerate(words)]
    )
    return Attribute(name or "value", "string", "", "text")


def _renamed(words: tuple[str, ...]) -> Attribute:
    name = RENAMES[words]
    if name.endswith("At") or name in ("birthDate", "deadline"):
        return Attribute(name, "number", MS, "time")
    if name in ("rating", "quantity"):
        return Attribute(name, "number", "", "number")
    return Attribute(name, "string", _text_note(name), "text")


def _time(mods: list[str], head: str) -> Attribute:
    mods = [m for m in mods if m not in TIME_HEADS]
    if not mods:
        return Attribute(head, "number", MS, "time")
    name = camel(mods)
    if not name.endswith("At"):
        name += "At"
    return Attribute(name, "number", MS, "time")


def _number(mods: list[str], head: str) -> Attribute:
    name = camel([*mods, head])
    notes = {
        "duration": "a length of time; say the unit in the name if it matters",
        "position": "a sort key: list in order with an index",
        "order": "a sort key: list in order with an index",
        "weight": "in kilograms",
        "distance": "in meters",
    }
    if head == "order":
        name = camel([*mods, "position"]) if mods else "position"
    return Attribute(name, "number", notes.get(head, ""), "number")


def _text_note(head: str) -> str:
    notes = {
        "email": "looked up by index; store it lowercased",
        "url": "an absolute URL",
        "link": "an absolute URL",
        "website": "an absolute URL",
        "slug": "URL-friendly id, looked up by index",
        "body": "kept well under the 1 MiB document limit",
        "content": "kept well under the 1 MiB document limit",
        "phone": "as entered, or E.164",
    }
    return notes.get(head, "")
