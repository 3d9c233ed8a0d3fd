"""Language-model providers (optional): a model proposes, the tool checks.

`answer(text, schema, config)` returns a `Design` like the built-in engine
does. With no provider configured the built-in engine answers. With one, the
model receives the Convex rules, the current schema and the request, and must
answer through the `propose_operations` tool; every proposal is checked
(`checking.check_proposal`) and its errors are sent back for repair at most
`config.repairs` times. When the model still fails, or the call fails or
times out, the built-in engine answers and the design's summary says so.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Protocol

from convex_schema.assistant.editing import edit
from convex_schema.assistant.engine import Design, design
from convex_schema.assistant.providers.anthropic_messages import AnthropicMessages
from convex_schema.assistant.providers.checking import check_proposal
from convex_schema.assistant.providers.config import ProviderConfig, load_config
from convex_schema.assistant.providers.openai_chat import OpenAIChat
from convex_schema.assistant.providers.schema import TOOL_NAME, request_message
from convex_schema.assistant.providers.transport import ProviderError, Reply
from convex_schema.model import Schema

__all__ = ["ProviderConfig", "ProviderError", "answer", "load_config"]

logger = logging.getLogger(__name__)


class Client(Protocol):
    def propose(self, request: str, repairs: list[tuple[Reply, str]]) -> Reply: ...


def answer(text: str, schema: Schema | None, config: ProviderConfig) -> Design:
    """A design for `text` (`schema` None) or an edit of `schema`."""
    if config.provider == "builtin":
        return _builtin(text, schema)
    label = f"{config.provider} model {config.model}"
    logger.info("asking the %s at %s", label, config.url)
    try:
        result = _ask(_client(config), text, schema, config, label)
    except ProviderError as error:
        logger.warning("%s failed: %s; the built-in engine answers", label, error)
        return _fallback(text, schema, f"the {label} failed: {error.message}")
    if isinstance(result, Design):
        logger.info("the %s proposal passed the checks", label)
        return result
    tries = config.repairs + 1
    logger.warning(
        "the %s gave no valid proposal in %d tries; the built-in engine answers",
        label,
        tries,
    )
    return _fallback(
        text,
        schema,
        f"the {label} gave no valid proposal in {tries} tries "
        f"(last error: {result[0]})",
    )


def _ask(
    client: Client,
    text: str,
    schema: Schema | None,
    config: ProviderConfig,
    label: str,
) -> Design | list[str]:
    """Ask, check, and ask for a repair at most `config.repairs` times."""
    request = request_message(text, schema)
    repairs: list[tuple[Reply, str]] = []
    errors: list[str] = []
    for attempt in range(config.repairs + 1):
        reply = client.propose(request, repairs)
        if reply.arguments is None:
            errors = [reply.problem or f"answer by calling the {TOOL_NAME} tool"]
        else:
            result = check_proposal(reply.arguments, schema, label)
            if isinstance(result, Design):
                return result
            errors = result
        logger.info("proposal %d rejected: %s", attempt + 1, "; ".join(errors))
        repairs.append((reply, _repair_request(errors)))
    return errors


def _repair_request(errors: list[str]) -> str:
    listed = "\n".join(f"- {e}" for e in errors[:20])
    return (
        "The proposal was rejected; nothing was applied. Errors:\n"
        f"{listed}\n"
        f"Call {TOOL_NAME} again with the whole corrected list of operations."
    )


def _client(config: ProviderConfig) -> Client:
    if config.provider == "anthropic":
        return AnthropicMessages(config)
    return OpenAIChat(config)


def _builtin(text: str, schema: Schema | None) -> Design:
    return design(text) if schema is None else edit(text, schema)


def _fallback(text: str, schema: Schema | None, reason: str) -> Design:
    result = _builtin(text, schema)
    note = f"[built-in engine: {reason}]"
    return replace(result, summary=f"{result.summary} {note}".strip())
