"""The chat session: design then edit, undo/redo, apply, resume, and the
suggestions a user rejected."""

from __future__ import annotations

from pathlib import Path

import pytest

from convex_schema.assistant.session import ChatSession, LineBuffer
from convex_schema.reader import read_schema

BLOG = "a blog with posts and comments"


@pytest.fixture
def session(tmp_path: Path) -> ChatSession:
    return ChatSession.start(tmp_path)


def test_design_then_edit(session: ChatSession) -> None:
    first = session.request(BLOG)
    assert not first.editing
    assert {"posts", "comments"} <= set(session.working.table_names)

    second = session.request("posts should have a subtitle")
    assert second.editing
    assert [s.operation.op for s in second.design.steps] == ["add_field"]
    posts = session.working.table("posts")
    assert posts is not None
    assert posts.field_at("subtitle") is not None


def test_undo_and_redo_restore_the_exact_schema(session: ChatSession) -> None:
    session.request(BLOG)
    designed = session.working
    session.request("posts should support soft delete")
    edited = session.working
    assert edited != designed

    assert session.undo() is not None
    assert session.working == designed
    assert session.redo() is not None
    assert session.working == edited
    session.undo()
    session.undo()
    assert session.working.tables == ()
    assert session.undo() is None
    session.redo()
    assert session.working == designed


def test_apply_writes_a_new_schema_then_edits_it(session: ChatSession) -> None:
    session.request(BLOG)
    assert session.diff().startswith("--- /dev/null")
    applied = session.apply()
    assert applied is not None
    assert applied.created
    assert applied.backup is None
    assert session.path == session.project / "convex" / "schema.ts"
    assert _on_disk(session) == session.working.to_json()
    assert session.diff() == ""
    assert session.apply() is None

    session.request("add a pinned flag to comments")
    assert "+    pinned: v" in session.diff()
    applied = session.apply()
    assert applied is not None
    assert applied.backup is not None
    assert applied.backup.parent == session.project / ".convex-schema" / "backups"
    assert "pinned" not in applied.backup.read_text()
    assert _on_disk(session) == session.working.to_json()
    assert not list(session.path.parent.glob(".schema.ts.*"))  # no temp file left


def test_undo_after_apply_is_pending_until_applied(session: ChatSession) -> None:
    session.request(BLOG)
    session.request("add a pinned flag to comments")
    session.apply()
    session.undo()
    assert "-    pinned: v" in session.diff()
    session.apply()
    assert _on_disk(session) == session.working.to_json()


def test_edits_keep_the_rest_of_an_existing_file(tmp_path: Path) -> None:
    schema = tmp_path / "convex" / "schema.ts"
    schema.parent.mkdir()
    schema.write_text(
        'import { defineSchema, defineTable } from "convex/server";\n'
        'import { v } from "convex/values";\n\n'
        "export default defineSchema({\n"
        "  // the people\n"
        "  users: defineTable({ name: v.string() }),\n"
        "});\n"
    )
    session = ChatSession.start(tmp_path)
    turn = session.request("let users upload a profile picture")
    assert turn.editing
    session.apply()
    assert "// the people" in schema.read_text()
    assert _on_disk(session) == session.working.to_json()


def test_resume_restores_the_session(session: ChatSession) -> None:
    session.request(BLOG)
    session.request("posts should support soft delete")
    session.undo()
    session.save()

    resumed = ChatSession.resume(session.project)
    assert resumed.id == session.id
    assert resumed.working == session.working
    assert resumed.pending() == session.pending()
    assert [c.request for c in resumed.undone] == ["posts should support soft delete"]
    assert ("user", BLOG) in resumed.messages
    resumed.redo()
    posts = resumed.working.table("posts")
    assert posts is not None
    assert posts.field_at("deletedAt") is not None


def test_resume_without_a_session_says_so(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="no chat session"):
        ChatSession.resume(tmp_path)


def test_rejected_fields_are_not_proposed_again(session: ChatSession) -> None:
    session.request(BLOG)
    session.request("posts should support soft delete")
    session.undo()  # rejects posts.deletedAt

    again = session.request("posts should support soft delete")
    assert again.left_out == ("posts.deletedAt",)
    assert again.design.steps == ()  # its index went with it

    # In a later session of the same project, too; naming it brings it back.
    later = ChatSession.start(session.project)
    later.request(BLOG)
    assert later.request("track when posts are updated").design.steps
    named = later.request("soft delete for posts (deleted at)")
    assert named.left_out == ()
    assert any(
        getattr(s.operation, "field", "") == "deletedAt" for s in named.design.steps
    )


def test_an_accepted_field_is_no_longer_rejected(session: ChatSession) -> None:
    session.request(BLOG)
    session.request("track when posts are updated")
    session.undo()
    assert session.request("track when posts are updated").left_out
    session.request("add updatedAt to posts")
    session.apply()
    assert not session.request("comments should have an updatedAt").left_out


def test_answers_are_recorded_and_not_asked_again(session: ChatSession) -> None:
    session.request("a blog with posts, authors and comments")
    asked = session.open_questions
    if not asked:
        pytest.skip("the engine asked nothing for this prompt")
    turn = session.request("authors are a separate table")
    assert turn.answer == (" / ".join(asked), "authors are a separate table")
    assert session.answers == [turn.answer]
    assert not set(asked) & set(turn.design.questions)


def test_explain_gives_the_recorded_reasons(session: ChatSession) -> None:
    session.request(BLOG)
    session.request("add a pinned flag to comments")
    lines = session.explain("comments.pinned")
    assert lines[0] == "comments.pinned: optional boolean"
    assert any("warning: existing documents" in line for line in lines)
    assert "index by_author" in " ".join(session.explain("posts.authorId"))
    assert session.explain("nope.x")[0].startswith("no table 'nope'")


def test_migration_plans_from_disk_to_the_working_schema(
    session: ChatSession,
) -> None:
    session.request(BLOG)
    session.apply()
    session.request("posts should have a subtitle")
    migration = session.migration()
    assert len(migration.changes) == 1
    assert not migration.checked


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["a blog"], "a blog"),
        (["a blog with \\", "posts"], "a blog with \nposts"),
        (['"""', "a blog", "with posts", '"""'], "a blog\nwith posts"),
        (['"""a blog"""'], "a blog"),
    ],
)
def test_line_buffer_joins_requests(lines: list[str], joined: str) -> None:
    buffer = LineBuffer()
    results = [buffer.feed(line) for line in lines]
    assert results[:-1] == [None] * (len(lines) - 1)
    assert results[-1] == joined
    assert not buffer.waiting


def _on_disk(session: ChatSession) -> dict[str, object]:
    schema = read_schema(session.path, root=session.project).schema
    return schema.to_json()
