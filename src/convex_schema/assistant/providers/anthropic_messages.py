"""The Anthropic Messages API.

POST {base_url}/v1/messages with `x-api-key` and `anthropic-version`, one
tool (`input_schema`) and `tool_choice` naming it; the answer is the
`tool_use` content block's `input`.
"""

from __future__ import annotations

from typing import Any

from convex_schema.assistant.providers.config import ProviderConfig
from convex_schema.assistant.providers.schema import (
    SYSTEM_RULES,
    TOOL_DESCRIPTION,
    TOOL_NAME,
    tool_parameters,
)
from convex_schema.assistant.providers.transport import (
    ProviderError,
    Reply,
    post_json,
)

API_VERSION = "2023-06-01"

_EMPTY = {"type": "text", "text": "(no answer)"}


class AnthropicMessages:
    """A client of one Claude model."""

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config

    def propose(self, request: str, repairs: list[tuple[Reply, str]]) -> Reply:
        """Ask once: the request, then each earlier reply and its errors."""
        messages: list[dict[str, Any]] = [{"role": "user", "content": request}]
        for reply, errors in repairs:
            messages.append(reply.echo)
            if reply.call_id is not None:
                result = {
                    "type": "tool_result",
                    "tool_use_id": reply.call_id,
                    "content": errors,
                    "is_error": True,
                }
                messages.append({"role": "user", "content": [result]})
            else:
                messages.append({"role": "user", "content": errors})
        body = {
            "model": self.config.model,
            "max_tokens": 8192,
            "system": SYSTEM_RULES,
            "messages": messages,
            "tools": [
                {
                    "name": TOOL_NAME,
                    "description": TOOL_DESCRIPTION,
                    "input_schema": tool_parameters(),
                }
            ],
            "tool_choice": {"type": "tool", "name": TOOL_NAME},
            "temperature": 0,
        }
        headers = {"anthropic-version": API_VERSION}
        if self.config.api_key:
            headers["x-api-key"] = self.config.api_key
        answer = post_json(
            f"{self.config.url}/v1/messages",
            body,
            headers,
            self.config.timeout,
            self.config.api_key,
        )
        return _reply(answer)


def _reply(answer: dict[str, Any]) -> Reply:
    content = answer.get("content")
    if not isinstance(content, list):
        raise ProviderError("the message has no content blocks")
    blocks = [b for b in content if isinstance(b, dict)]
    text = " ".join(str(b.get("text", "")) for b in blocks if b.get("type") == "text")
    # The API refuses an empty assistant turn, so an empty answer is echoed
    # as a line of text.
    echo = {"role": "assistant", "content": blocks or [_EMPTY]}
    use = next((b for b in blocks if b.get("type") == "tool_use"), None)
    if use is None:
        return Reply(None, None, echo, text)
    if use.get("name") != TOOL_NAME:
        problem = f"call the {TOOL_NAME} tool, not {use.get('name')!r}"
        return Reply(None, str(use.get("id")), echo, text, problem)
    arguments = use.get("input")
    if not isinstance(arguments, dict):
        problem = "the tool input must be a JSON object with `operations`"
        return Reply(None, str(use.get("id")), echo, text, problem)
    return Reply(arguments, str(use.get("id") or "toolu_0"), echo, text)
