"""English words for the engine: singular and plural, camelCase names, and
the small vocabularies the rules read (people, verbs that link two tables,
words that are never table names)."""

from __future__ import annotations

import contextvars
import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

_IRREGULAR = {
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "mice": "mouse",
    "geese": "goose",
    "feet": "foot",
    "teeth": "tooth",
    "criteria": "criterion",
    "analyses": "analysis",
    "indices": "index",
    "statuses": "status",
    "quizzes": "quiz",
    "buses": "bus",
    "campuses": "campus",
    "bonuses": "bonus",
    "viruses": "virus",
    "shelves": "shelf",
    "wolves": "wolf",
    "knives": "knife",
    "lives": "life",
    "wives": "wife",
    "halves": "half",
    "heroes": "hero",
    "potatoes": "potato",
    "tomatoes": "tomato",
    "echoes": "echo",
    "movies": "movie",
    "cookies": "cookie",
    "calories": "calorie",
    "selfies": "selfie",
    "smoothies": "smoothie",
    "zombies": "zombie",
    "hoodies": "hoodie",
    "pies": "pie",
    "ties": "tie",
    "lies": "lie",
    "dies": "die",
    "goalies": "goalie",
    "rookies": "rookie",
    "newbies": "newbie",
    "aunties": "auntie",
    "species": "species",
    "series": "series",
    "news": "news",
    "data": "data",
    "media": "media",
}
_PLURAL_IRREGULAR = {v: k for k, v in _IRREGULAR.items() if k != v}
_PLURAL_IRREGULAR.update({"person": "people", "data": "data", "media": "media"})

# Words ending in "s" that are not plurals.
NOT_PLURAL = frozenset(
    """
    status bus gas campus address business access class process analysis basis
    canvas alias atlas bonus census corpus news series species lens plus virus
    focus radius genius chassis this his its is was has does yes us always
    perhaps towards across less unless thus sometimes afterwards besides whereas
    whose as various numerous previous famous anonymous miss boss glass pass
    cross loss moss kiss express wireless serverless stateless headless
    progress success dress chess mass gps sms rss aws ios saas paas cms lms
    crm hris ats sis wms pos ms https dns css vs etc
    """.split()
)


@lru_cache(maxsize=4096)
def singular(word: str) -> str:
    """`categories` → `category`; words that are not plurals come back as is."""
    lower = word.lower()
    if lower in _IRREGULAR:
        return _keep_case(word, _IRREGULAR[lower])
    if len(lower) <= 3 or lower in NOT_PLURAL or not lower.endswith("s"):
        return word
    if lower.endswith(("ss", "us", "is")):
        return word
    if lower.endswith("ies") and len(lower) > 4:
        return word[:-3] + "y"
    if lower.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    return word[:-1]


@lru_cache(maxsize=4096)
def plural(word: str) -> str:
    """`category` → `categories`; a word that is already plural stays."""
    lower = word.lower()
    if lower in _PLURAL_IRREGULAR:
        return _keep_case(word, _PLURAL_IRREGULAR[lower])
    if lower in _IRREGULAR or (is_plural(lower) and lower not in NOT_PLURAL):
        return word
    if re.search(r"[^aeiou]y$", lower):
        return word[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def is_plural(word: str) -> bool:
    return singular(word).lower() != word.lower()


def _keep_case(original: str, replacement: str) -> str:
    return replacement if original[:1].islower() else replacement.capitalize()


def camel(words: list[str] | tuple[str, ...] | str) -> str:
    """`["order", "line", "items"]` or `"order line items"` → `orderLineItems`.

    Anything but letters and digits separates words; a leading digit is
    dropped, so the result is an identifier (or empty)."""
    if isinstance(words, str):
        words = [words]
    parts = [p for w in words for p in re.split(r"[^A-Za-z0-9]+", w) if p]
    if not parts:
        return ""
    name = parts[0][:1].lower() + parts[0][1:]
    name += "".join(p[:1].upper() + p[1:] for p in parts[1:])
    name = re.sub(r"^[0-9]+", "", name)
    # A name the user typed in camelCase ("viewCount") was lowercased with
    # the rest of the text; it keeps the user's capitals.
    return TYPED_NAMES.get().get(name, name)


# The camelCase identifiers of the text being read, by their lowercase form;
# set when a request is normalized (`lexicon.normalize`).
TYPED_NAMES: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "typed_names", default=MappingProxyType({})
)
_TYPED = re.compile(r"\b[a-z]+(?:[A-Z][a-z0-9]*)+\b")


def remember_typed_names(text: str) -> None:
    """Record the camelCase names in `text` for `camel` to restore."""
    TYPED_NAMES.set({m.group(0).lower(): m.group(0) for m in _TYPED.finditer(text)})


def split_camel(name: str) -> list[str]:
    """`orderLineItems` → `["order", "line", "items"]`."""
    return [p.lower() for p in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)]


def table_name(words: list[str] | tuple[str, ...]) -> str:
    """The plural camelCase table name for a phrase: `order item` → `orderItems`."""
    parts = [singular(w) for w in words]
    parts[-1] = plural(parts[-1])
    return camel(parts)


def singular_name(table: str) -> str:
    """`orderItems` → `orderItem`, for reference fields (`orderItemId`)."""
    parts = split_camel(table)
    if not parts:
        return table
    parts[-1] = singular(parts[-1])
    return camel(parts)


def reference_field(table: str) -> str:
    """The field that references `table`: `users` → `userId`."""
    return singular_name(table) + "Id"


def literal_value(text: str) -> str:
    """An enumeration value as a literal: `multiple choice` → `multiple_choice`."""
    value = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return value or text


# -- vocabularies -------------------------------------------------------------------

PEOPLE = frozenset(
    """
    user author owner creator assignee reporter sender recipient buyer seller
    customer host organizer organiser instructor teacher manager approver
    reviewer agent rep driver rider passenger member player student patient
    doctor employee speaker attendee guest client candidate applicant voter
    follower admin administrator moderator editor viewer trainer coach tutor
    mentor landlord tenant volunteer staff worker contractor freelancer writer
    reader subscriber backer bidder winner uploader actor person friend
    participant learner physician nurse therapist stylist barber courier
    photographer artist musician parent guardian child kid shopper traveler
    traveller collaborator contributor requester assigner lawyer accountant
    recruiter interviewer interviewee judge referee captain listener fan
    watcher donor sponsor resident visitor pilot athlete official officer
    broker realtor planner designer developer engineer operator technician
    mechanic intern supervisor founder investor affiliate influencer streamer
    presenter singer dancer performer renter borrower lender patron prospect
    respondent teammate colleague coworker employer dentist vet surgeon
    pharmacist caregiver client walker sitter groomer cleaner gardener
    researcher chef waiter cashier dispatcher inspector plumber electrician
    nanny babysitter trainee
    """.split()
)

# Verbs that link two tables through a third: "members book classes" is a
# `bookings` table with a member and a class. Value: (table, extra fields in
# the type language, the role of the subject).
JOIN_VERBS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "book": ("bookings", ()),
    "reserve": ("reservations", ()),
    "enroll": ("enrollments", ()),
    "enrol": ("enrollments", ()),
    "register": ("registrations", ()),
    "favorite": ("favorites", ()),
    "favourite": ("favorites", ()),
    "like": ("likes", ()),
    "bookmark": ("bookmarks", ()),
    "save": ("saves", ()),
    "star": ("stars", ()),
    "upvote": ("votes", (("value", "number"),)),
    "vote": ("votes", ()),
    "follow": ("follows", ()),
    "join": ("members", ()),
    "attend": ("attendees", ()),
    "subscribe": ("subscriptions", ()),
    "review": ("reviews", (("rating", "number"), ("body?", "string"))),
    "rate": ("ratings", (("rating", "number"),)),
    "apply": ("applications", ()),
    "bid": ("bids", (("amountCents", "number"),)),
    "pledge": ("pledges", (("amountCents", "number"),)),
    "back": ("pledges", (("amountCents", "number"),)),
    "borrow": ("loans", (("dueAt", "number"), ("returnedAt?", "number"))),
    "rent": ("rentals", (("startAt", "number"), ("endAt", "number"))),
    "buy": ("purchases", ()),
    "purchase": ("purchases", ()),
    "react": ("reactions", (("emoji", "string"),)),
    "comment": ("comments", (("body", "string"),)),
    "watch": ("watches", ()),
    "rsvp": ("rsvps", ()),
    "share": ("shares", (("role", "literals:viewer,editor"),)),
    "score": ("reviews", (("score", "number"),)),
    "grade": ("grades", (("grade", "number"),)),
    "evaluate": ("reviews", (("score", "number"),)),
}

# Verbs for "A <verb> B" where A creates or owns B: B gets a reference to A.
CREATE_VERBS = frozenset(
    """
    write make create post publish send submit upload place list own manage
    host organize organise teach author request run add open file raise log
    record draft compose share offer sell provide schedule plan start build
    design generate produce issue lead coach handle process
    """.split()
)

# Role names for the reference a verb implies: "owned by" → ownerId.
VERB_ROLES = {
    "own": "owner",
    "create": "creator",
    "write": "author",
    "author": "author",
    "assign": "assignee",
    "manage": "manager",
    "host": "host",
    "organize": "organizer",
    "organise": "organizer",
    "teach": "teacher",
    "send": "sender",
    "submit": "submitter",
    "upload": "uploader",
    "post": "author",
    "publish": "author",
    "place": "customer",
    "request": "requester",
    "lead": "lead",
    "review": "reviewer",
    "approve": "approver",
    "report": "reporter",
}

_VERB_FORMS = {
    "wrote": "write",
    "written": "write",
    "made": "make",
    "bought": "buy",
    "taught": "teach",
    "sent": "send",
    "led": "lead",
    "ran": "run",
    "run": "run",
    "built": "build",
}


@lru_cache(maxsize=4096)
def verb_lemma(word: str) -> str:
    """`booked`, `books`, `booking` → `book`; a rough lemma for known verbs."""
    if word in _VERB_FORMS:
        return _VERB_FORMS[word]
    known = JOIN_VERBS.keys() | CREATE_VERBS | VERB_ROLES.keys()
    if word in known:
        return word
    for suffix, repl in (
        ("ies", "y"),
        ("ied", "y"),
        ("es", ""),
        ("es", "e"),
        ("s", ""),
        ("ed", ""),
        ("ed", "e"),
        ("d", ""),
        ("ing", ""),
        ("ing", "e"),
    ):
        if word.endswith(suffix):
            stem = word[: -len(suffix)] + repl
            if stem in known:
                return stem
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in known:
                return stem[:-1]  # "enrolled" → "enrol", "bidding" → "bid"
    return word


SHARED = frozenset(
    """
    tags labels skills categories authors genres topics interests ingredients
    languages permissions badges keywords members contributors participants
    attendees actors directors collaborators features amenities colors sizes
    """.split()
)
# Words that are never a table on their own.
NOT_TABLES = frozenset(
    """
    a an the and or but with without of in on at to for from by as is are was
    were be been being has have had having do does did can could may might
    must shall should will would need needs want wants like each every any all
    some many much more most other another own same such this that these those
    it its they them their there here we our us you your i me my he she his her
    who whom whose which what when where why how not no yes also only just
    very really too so then than thus into onto over under about after before
    instead rather one ones
    across among amongst along around behind beyond near toward towards upon
    throughout inside outside within without
    between through during per via up down out off again further once both few
    several multiple lots lot bunch number numbers kind kinds type types sort
    sorts way ways thing things stuff something anything everything nothing
    app apps application applications system systems platform platforms site
    sites website websites tool tools clone schema schemas database
    databases table tables field fields index indexes data backend frontend
    feature features support option options time times date dates day days week
    weeks month months year years hour hours minute minutes second seconds
    dimension dimensions dimensional
    cents dollars euros money price prices amount amounts total totals cost
    costs fee fees timestamps details info information ones others people's
    users' everyone someone anyone somebody anybody nobody lol pls please
    thanks hi hey yo gimme give get gets got make makes let lets help helps
    track tracks tracking store stores stored keep keeps kept list
    lists listed listing manage manages allow allows allowed enable enables
    add adds remove removes drop drops delete deletes rename renames change
    changes replace replaces move moves turn turns split splits convert
    converts support supports upload uploads attach attaches reference
    references
    contain contains include includes hold holds own owns belong belongs use
    uses create creates see sees become becomes mean means consist consists
    """.split()
)

# Words that describe the kind of app rather than a table in it.
APP_WORDS = frozenset(
    """
    app application system platform site website tool service clone manager
    tracker builder planner portal dashboard backend engine software solution
    program
    """.split()
)
