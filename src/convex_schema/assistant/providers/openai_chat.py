"""OpenAI-compatible chat completions (OpenAI, Ollama, vLLM, LM Studio and
hosted services that speak the same protocol, chosen by base URL).

POST {base_url}/chat/completions with one function tool and `tool_choice`
requiring it; the answer is `choices[0].message.tool_calls[0]`.
"""

from __future__ import annotations

import json
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


class OpenAIChat:
    """A client of one model behind an OpenAI-compatible endpoint."""

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config

    def propose(self, request: str, repairs: list[tuple[Reply, str]]) -> Reply:
        """Ask once: the request, then each earlier reply and its errors."""
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": SYSTEM_RULES},
            {"role": "user", "content": request},
        ]
        for reply, errors in repairs:
            messages.append(reply.echo)
            if reply.call_id is not None:
                messages.append(
                    {"role": "tool", "tool_call_id": reply.call_id, "content": errors}
                )
            else:
                messages.append({"role": "user", "content": errors})
        body = {
            "model": self.config.model,
            "messages": messages,
            "tools": [
                {
                    "type": "function",
                    "function": {
                        "name": TOOL_NAME,
                        "description": TOOL_DESCRIPTION,
                        "parameters": tool_parameters(),
                    },
                }
            ],
            "tool_choice": {"type": "function", "function": {"name": TOOL_NAME}},
            "temperature": 0,
        }
        headers = {}
        if self.config.api_key:
            headers["authorization"] = f"Bearer {self.config.api_key}"
        answer = post_json(
            f"{self.config.url}/chat/completions",
            body,
            headers,
            self.config.timeout,
            self.config.api_key,
        )
        return _reply(answer)


def _reply(answer: dict[str, Any]) -> Reply:
    try:
        message = answer["choices"][0]["message"]
    except (KeyError, IndexError, TypeError):
        raise ProviderError("the chat completion has no choices[0].message") from None
    if not isinstance(message, dict):
        raise ProviderError("the chat completion's message is not an object")
    text = str(message.get("content") or "")
    calls = message.get("tool_calls") or []
    if not calls or not isinstance(calls[0], dict):
        return Reply(None, None, {"role": "assistant", "content": text}, text)
    # Only the first call is answered, so only it is echoed: every echoed
    # call needs a tool message of its own.
    call = calls[0]
    echo = {
        "role": "assistant",
        "content": message.get("content"),
        "tool_calls": [call],
    }
    function = call.get("function") or {}
    if function.get("name") != TOOL_NAME:
        problem = f"call the {TOOL_NAME} tool, not {function.get('name')!r}"
        return Reply(None, call.get("id"), echo, text, problem)
    raw = function.get("arguments")
    try:
        arguments = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as error:
        problem = f"the tool arguments are not valid JSON: {error}"
        return Reply(None, call.get("id"), echo, text, problem)
    if not isinstance(arguments, dict):
        problem = "the tool arguments must be a JSON object with `operations`"
        return Reply(None, call.get("id"), echo, text, problem)
    return Reply(arguments, str(call.get("id") or "call_0"), echo, text)
