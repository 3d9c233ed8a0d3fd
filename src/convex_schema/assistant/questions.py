"""Questions the engine asks, with a stable key, choices and a default.

A question is asked when the text leaves a decision open; the default is
applied at once. `design(text, answers=...)` and `edit(...)` take the
choices already made, by key, and decide accordingly (and do not ask
again). `Question.match` maps a short reply ("separate table", "no",
"yes", a table's name) onto one of the choices, for the chat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

YES = ("yes", "y", "yeah", "yep", "sure", "ok", "okay", "right", "correct")
NO = ("no", "n", "nope", "not", "none", "neither", "unrelated", "independent")
MAX_REPLY_WORDS = 6  # a longer reply is a new request, not an answer


@dataclass(frozen=True)
class Question:
    """A decision the engine made by default and asks about."""

    key: str
    text: str
    choices: tuple[str, ...]
    default: str
    aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def match(self, reply: str) -> str | None:
        """The choice a short reply picks, or None when it picks none or
        several."""
        words = re.findall(r"[a-z0-9_]+", reply.lower())
        if not words or len(words) > MAX_REPLY_WORDS:
            return None
        found = {
            choice
            for choice, phrases in self._phrases()
            if any(_contains(words, phrase.split()) for phrase in phrases)
        }
        return found.pop() if len(found) == 1 else None

    def _phrases(self) -> list[tuple[str, tuple[str, ...]]]:
        given = dict(self.aliases)
        return [(c, (c.lower(), *given.get(c, ()))) for c in self.choices]

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "question": self.text,
            "choices": list(self.choices),
            "default": self.default,
        }


def users_question(word: str) -> Question:
    """Do `word` (authors, teachers) extend users or get their own table?"""
    return Question(
        f"users:{word}",
        f"Do {word} extend users, or are they a separate table? "
        f"(assumed: {word} are users)",
        ("users", "separate"),
        "users",
        (
            ("users", ("extend", "extend users", "user", "same", *YES)),
            ("separate", ("separate table", "own table", word, *NO)),
        ),
    )


def stored_in_users(word: str) -> Question:
    """Edit: are `word` the existing users table, or a table of their own?"""
    return Question(
        f"users:{word}",
        f"Are {word} stored in users? (assumed: yes, with the users table)",
        ("users", "separate"),
        "users",
        (
            ("users", ("user", "same", *YES)),
            ("separate", ("separate table", "own table", "own", word, *NO)),
        ),
    )


def link_question(child: str, parent: str, text: str) -> Question:
    """A reference guessed between two listed tables: keep it or not."""
    return Question(
        f"link:{child}.{parent}",
        text,
        ("yes", "no"),
        "yes",
        (("yes", (*YES, "keep", parent)), ("no", (*NO, "separate", "drop", "remove"))),
    )


def question_from_json(data: dict[str, Any]) -> Question:
    """A question saved with a chat session (its aliases are rebuilt)."""
    key, text = str(data["key"]), str(data["question"])
    kind, _, rest = key.partition(":")
    if kind == "users":
        made = users_question(rest) if "extend" in text else stored_in_users(rest)
        return made
    if kind == "link":
        child, _, parent = rest.partition(".")
        return link_question(child, parent, text)
    return Question(key, text, tuple(data["choices"]), str(data["default"]))


def _contains(words: list[str], phrase: list[str]) -> bool:
    size = len(phrase)
    return any(words[i : i + size] == phrase for i in range(len(words) - size + 1))
