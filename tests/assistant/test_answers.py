"""Questions with keys and choices: answers change the design, and the chat
maps a short reply onto a choice and remembers it."""

from __future__ import annotations

from pathlib import Path

import pytest

from convex_schema.assistant.engine import design
from convex_schema.assistant.questions import link_question, users_question
from convex_schema.assistant.session import ChatSession
from convex_schema.model import IdV

BLOG = "I need a blog system with posts, authors, and comments"
LISTED = "an app with plants, watering logs and greenhouses"


def test_questions_carry_a_key_and_choices() -> None:
    result = design(BLOG)
    assert [q.key for q in result.asked] == ["users:authors"]
    assert result.asked[0].choices == ("users", "separate")
    assert result.to_json()["asked"][0]["default"] == "users"


def test_separate_authors_get_their_own_table() -> None:
    result = design(BLOG, answers={"users:authors": "separate"})
    assert "authors" in result.schema.table_names
    posts = result.schema.table("posts")
    assert posts is not None
    assert posts.fields is not None
    assert posts.fields.field("authorId").validator == IdV("authors")  # type: ignore[union-attr]
    assert not any(q.key == "users:authors" for q in result.asked)


def test_a_rejected_guessed_link_is_not_made() -> None:
    keys = [q.key for q in design(LISTED).asked]
    assert keys
    assert all(k.startswith("link:") for k in keys)
    result = design(LISTED, answers={k: "no" for k in keys})
    assert result.questions == ()
    for table in result.schema.tables:
        assert table.fields is not None
        assert not any(isinstance(f.validator, IdV) for f in table.fields.fields)


@pytest.mark.parametrize(
    ("reply", "choice"),
    [
        ("separate", "separate"),
        ("a separate table", "separate"),
        ("no", "separate"),
        ("yes", "users"),
        ("authors", "separate"),
        ("make authors a separate table and add a bio to users please", None),
    ],
)
def test_replies_map_onto_choices(reply: str, choice: str | None) -> None:
    assert users_question("authors").match(reply) == choice


def test_link_replies() -> None:
    question = link_question("greenhouses", "plants", "Does each ...?")
    assert question.match("no") == "no"
    assert question.match("yes, plants") == "yes"


def test_chat_applies_and_remembers_an_answer(tmp_path: Path) -> None:
    session = ChatSession.start(tmp_path)
    session.request(BLOG)
    turn = session.request("separate table")
    assert turn.chosen == ("users:authors", "separate")
    assert "authors" in session.working.table_names
    assert len(session.done) == 1  # the design made again, not stacked
    session.save()

    resumed = ChatSession.resume(tmp_path)
    assert resumed.choices == {"users:authors": "separate"}
    assert resumed.working.table_names == session.working.table_names
