"""Language-model providers against a local server speaking each wire
protocol: good proposals, repairs, fallbacks, timeouts, configuration and
keys that never show."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from provider_support import FakeProvider, Scripted, serve

from convex_schema.assistant.editing import edit
from convex_schema.assistant.engine import design
from convex_schema.assistant.providers import ProviderConfig, answer, load_config
from convex_schema.assistant.providers.schema import TOOL_NAME, tool_parameters
from convex_schema.cli.main import run
from convex_schema.errors import ConvexSchemaError
from convex_schema.model import IdV, schema_from_json
from convex_schema.operations import AddField, from_json

KEY = "sk-test-0123456789-secret"

ENV = (
    "CONVEX_SCHEMA_PROVIDER",
    "CONVEX_SCHEMA_MODEL",
    "CONVEX_SCHEMA_BASE_URL",
    "CONVEX_SCHEMA_API_KEY",
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
)

BLOG = schema_from_json(
    {
        "tables": [
            {
                "tableName": "users",
                "indexes": [],
                "documentType": {
                    "type": "object",
                    "value": {
                        "name": {"fieldType": {"type": "string"}, "optional": False},
                        "email": {"fieldType": {"type": "string"}, "optional": False},
                    },
                },
            }
        ],
        "schemaValidation": True,
    }
)

AVATAR = {
    "summary": "Users get an avatar image.",
    "operations": [
        {
            "op": "add_field",
            "table": "users",
            "field": "avatarId",
            "validator": {"type": "id", "tableName": "_storage"},
            "optional": True,
            "why": "The picture lives in Convex file storage.",
        }
    ],
}

MISSPELLED = {
    "operations": [{**AVATAR["operations"][0], "table": "user"}]  # type: ignore[index]
}

BAD_INDEX = {
    "operations": [
        {
            "op": "add_index",
            "table": "users",
            "index": {"kind": "index", "indexDescriptor": "by_x", "fields": ["x"]},
        }
    ]
}

NOTES_TABLE = {
    "operations": [
        {
            "op": "add_table",
            "table": "notes",
            "definition": {
                "documentType": {
                    "type": "object",
                    "value": {
                        "body": {"fieldType": {"type": "string"}, "optional": False}
                    },
                },
                "indexes": [],
            },
            "why": "One document per note.",
        }
    ]
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(params=["openai", "anthropic"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeProvider]:
    provider = FakeProvider(request.param)
    server = serve(provider)
    yield provider
    server.shutdown()
    server.server_close()


def config_for(fake: FakeProvider, **changes: Any) -> ProviderConfig:
    base = f"{fake.url}/v1" if fake.wire == "openai" else fake.url
    settings: dict[str, Any] = {
        "provider": fake.wire,
        "model": "test-model",
        "base_url": base,
        "timeout": 5.0,
        "api_key": KEY,
    }
    return ProviderConfig(**(settings | changes))


def repair_text(fake: FakeProvider, request: int) -> str:
    """The error text the client sent back in request number `request`."""
    last = fake.requests[request].body["messages"][-1]
    if fake.wire == "openai":
        assert last["role"] == "tool"
        return str(last["content"])
    assert last["content"][0]["type"] == "tool_result"
    return str(last["content"][0]["content"])


def test_a_good_proposal_is_checked_and_used(fake: FakeProvider) -> None:
    fake.script = [Scripted(AVATAR)]

    result = answer("add user avatars", BLOG, config_for(fake))

    assert len(fake.requests) == 1
    assert [s.operation for s in result.steps] == [
        AddField("users", "avatarId", IdV("_storage"), True)
    ]
    assert result.steps[0].why == "The picture lives in Convex file storage."
    users = result.schema.table("users")
    assert users is not None
    assert users.field_at("avatarId") is not None
    assert "proposed by" in result.summary


def test_the_request_carries_the_tool_the_schema_and_the_rules(
    fake: FakeProvider,
) -> None:
    fake.script = [Scripted(AVATAR)]
    answer("add user avatars", BLOG, config_for(fake))
    sent = fake.requests[0]
    body = sent.body

    if fake.wire == "openai":
        assert sent.path == "/v1/chat/completions"
        assert sent.headers["authorization"] == f"Bearer {KEY}"
        tool = body["tools"][0]["function"]
        assert tool["parameters"] == tool_parameters()
        assert body["tool_choice"]["function"]["name"] == TOOL_NAME
        system = body["messages"][0]["content"]
        user = body["messages"][1]["content"]
    else:
        assert sent.path == "/v1/messages"
        assert sent.headers["x-api-key"] == KEY
        assert sent.headers["anthropic-version"]
        tool = body["tools"][0]
        assert tool["input_schema"] == tool_parameters()
        assert body["tool_choice"] == {"type": "tool", "name": TOOL_NAME}
        system = body["system"]
        user = body["messages"][0]["content"]
    assert tool["name"] == TOOL_NAME
    assert body["model"] == "test-model"
    assert 'v.id("users")' in system
    assert "by_authorId_and_status" in system
    assert "arrays of ids" in system
    assert json.dumps(BLOG.to_json(), separators=(",", ":")) in user
    assert "add user avatars" in user


def test_an_invalid_proposal_is_sent_back_and_repaired(fake: FakeProvider) -> None:
    fake.script = [Scripted(MISSPELLED), Scripted(AVATAR)]

    result = answer("add user avatars", BLOG, config_for(fake))

    assert len(fake.requests) == 2
    error = repair_text(fake, 1)
    assert 'there is no table "user"; did you mean "users"?' in error
    assert [s.operation.op for s in result.steps] == ["add_field"]
    assert "built-in engine" not in result.summary


def test_a_proposal_that_fails_check_is_sent_back(fake: FakeProvider) -> None:
    fake.script = [Scripted(BAD_INDEX), Scripted(AVATAR)]

    answer("add user avatars", BLOG, config_for(fake))

    assert len(fake.requests) == 2
    error = repair_text(fake, 1)
    assert "check S211" in error
    assert "by_x" in error


def test_an_answer_without_the_tool_is_asked_again(fake: FakeProvider) -> None:
    fake.script = [Scripted(text="Sure! Add an avatar field."), Scripted(AVATAR)]

    result = answer("add user avatars", BLOG, config_for(fake))

    assert len(fake.requests) == 2
    last = fake.requests[1].body["messages"][-1]
    assert last["role"] == "user"
    assert TOOL_NAME in json.dumps(last)
    assert result.steps[0].operation.op == "add_field"


def test_always_invalid_falls_back_after_bounded_repairs(fake: FakeProvider) -> None:
    fake.script = [Scripted(MISSPELLED) for _ in range(10)]

    result = answer("add a bio to users", BLOG, config_for(fake, repairs=2))

    assert len(fake.requests) == 3
    assert "[built-in engine:" in result.summary
    assert "no valid proposal in 3 tries" in result.summary
    builtin = edit("add a bio to users", BLOG)
    assert result.steps == builtin.steps


@pytest.mark.parametrize(
    "scripted",
    [Scripted(status=500, body="overloaded"), Scripted(AVATAR, delay=1.5)],
    ids=["server-error", "timeout"],
)
def test_a_failed_call_falls_back(fake: FakeProvider, scripted: Scripted) -> None:
    fake.script = [scripted]

    result = answer("add a bio to users", BLOG, config_for(fake, timeout=0.3))

    assert len(fake.requests) == 1
    assert "[built-in engine:" in result.summary
    assert result.steps == edit("add a bio to users", BLOG).steps


def test_design_starts_from_no_schema(fake: FakeProvider) -> None:
    fake.script = [Scripted(NOTES_TABLE)]

    result = answer("a notes app", None, config_for(fake))

    assert result.schema.table_names == ("notes",)
    assert "There is no schema yet" in json.dumps(fake.requests[0].body)


def test_an_empty_design_is_refused_then_falls_back(fake: FakeProvider) -> None:
    fake.script = [Scripted({"operations": []}) for _ in range(3)]

    result = answer("a todo app", None, config_for(fake))

    assert len(fake.requests) == 3
    assert result.schema == design("a todo app").schema


def test_builtin_needs_no_server() -> None:
    result = answer("a todo app", None, ProviderConfig())
    assert result == design("a todo app")


def test_the_tool_schema_covers_every_operation() -> None:
    kinds = [
        o["properties"]["op"]["const"]
        for o in tool_parameters()["properties"]["operations"]["items"]["oneOf"]
    ]
    for kind in kinds:
        assert kind in {
            "add_table",
            "drop_table",
            "rename_table",
            "add_field",
            "drop_field",
            "rename_field",
            "change_validator",
            "set_optional",
            "add_index",
            "drop_index",
        }
    assert len(kinds) == 10
    assert from_json(AVATAR["operations"][0])  # type: ignore[index]


# -- configuration -------------------------------------------------------------


def test_config_file_then_environment_then_flags(tmp_path: Path) -> None:
    (tmp_path / "convex-schema.toml").write_text(
        '[assistant]\nprovider = "openai"\nmodel = "from-file"\n'
        'base-url = "http://localhost:11434/v1"\ntimeout = 12\n'
    )
    env = {"CONVEX_SCHEMA_MODEL": "from-env", "OPENAI_API_KEY": KEY}

    from_file = load_config(tmp_path, {})
    from_env = load_config(tmp_path, env)
    from_flags = load_config(tmp_path, env, provider="anthropic", model="flag")

    assert (from_file.provider, from_file.model, from_file.timeout) == (
        "openai",
        "from-file",
        12.0,
    )
    assert from_file.url == "http://localhost:11434/v1"
    assert from_file.api_key is None
    assert (from_env.model, from_env.api_key) == ("from-env", KEY)
    assert (from_flags.provider, from_flags.model) == ("anthropic", "flag")
    assert from_flags.api_key is None  # OPENAI_API_KEY is not Anthropic's
    assert KEY not in repr(from_env)


def test_config_in_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.convex-schema.assistant]\nprovider = "anthropic"\nmodel = "m"\n'
    )
    config = load_config(tmp_path, {"CONVEX_SCHEMA_API_KEY": KEY})
    assert (config.provider, config.url, config.api_key) == (
        "anthropic",
        "https://api.anthropic.com",
        KEY,
    )


def test_the_default_is_the_builtin_engine(tmp_path: Path) -> None:
    assert load_config(tmp_path, {}).provider == "builtin"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[assistant]\nprovider = "openai"\napi-key = "x"\n', "environment only"),
        ('[assistant]\nprovider = "gpt"\n', "unknown provider"),
        ('[assistant]\nprovider = "openai"\n', "needs a model"),
        ('[assistant]\ncolour = "blue"\n', "unknown assistant setting"),
    ],
)
def test_bad_config_is_refused(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "convex-schema.toml").write_text(text)
    with pytest.raises(ConvexSchemaError, match=message):
        load_config(tmp_path, {})


# -- the command line and the key ------------------------------------------------


def test_cli_design_through_a_provider_never_shows_the_key(
    fake: FakeProvider,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    variable = "OPENAI_API_KEY" if fake.wire == "openai" else "ANTHROPIC_API_KEY"
    monkeypatch.setenv(variable, KEY)
    monkeypatch.setenv("CONVEX_SCHEMA_BASE_URL", config_for(fake).url)
    # The first answer echoes the key back in an error; the second is good.
    fake.script = [Scripted(status=401, body=f"bad key {KEY}")]
    args = ["-vv", "--project", str(tmp_path), "design", "a notes app"]
    flags = ["--provider", fake.wire, "--model", "m", "--format", "json"]

    failed = run([*args, *flags])
    first = capsys.readouterr()
    fake.script = [Scripted(NOTES_TABLE)]
    code = run([*args, *flags])
    second = capsys.readouterr()

    assert failed == 0
    assert code == 0
    assert "[built-in engine:" in json.loads(first.out)["summary"]
    assert "HTTP 401" in json.loads(first.out)["summary"]
    data = json.loads(second.out)
    assert [t["tableName"] for t in data["schema"]["tables"]] == ["notes"]
    assert data["explanation"][0]["why"] == "One document per note."
    for text in (first.out, first.err, second.out, second.err, caplog.text):
        assert KEY not in text
    assert "POST " in caplog.text  # -vv detail was logged, without the key


def test_cli_edit_apply_through_a_provider(
    fake: FakeProvider,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    schema = tmp_path / "convex" / "schema.ts"
    schema.parent.mkdir()
    schema.write_text(
        'import { defineSchema, defineTable } from "convex/server";\n'
        'import { v } from "convex/values";\n\n'
        "export default defineSchema({\n"
        "  // people\n"
        "  users: defineTable({ name: v.string(), email: v.string() }),\n"
        "});\n"
    )
    monkeypatch.setenv("CONVEX_SCHEMA_PROVIDER", fake.wire)
    monkeypatch.setenv("CONVEX_SCHEMA_MODEL", "m")
    monkeypatch.setenv("CONVEX_SCHEMA_BASE_URL", config_for(fake).url)
    fake.script = [Scripted(AVATAR)]

    code = run(["--project", str(tmp_path), "edit", "add user avatars", "--apply"])
    out = capsys.readouterr().out

    assert code == 0
    assert "The picture lives in Convex file storage." in out
    text = schema.read_text()
    assert "// people" in text
    assert 'avatarId: v.optional(v.id("_storage"))' in text
