"""One JSON POST over HTTP with a timeout, standard library only.

Every failure becomes a `ProviderError` whose message never holds the API
key: the key travels in a header only, and any text a server sends back is
scrubbed of it before it reaches a message or a log.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from convex_schema.errors import ConvexSchemaError

logger = logging.getLogger(__name__)

_MAX_REPLY = 4 * 1024 * 1024


class ProviderError(ConvexSchemaError):
    """A language-model call that failed: network, timeout, HTTP or format."""


@dataclass(frozen=True)
class Reply:
    """A model's answer: the tool call's arguments (None when it did not
    call the tool), the call's id, and the assistant message to send back
    with a repair request."""

    arguments: dict[str, Any] | None
    call_id: str | None
    echo: Any
    text: str = ""
    problem: str = field(default="")


def post_json(
    url: str,
    body: dict[str, Any],
    headers: dict[str, str],
    timeout: float,
    secret: str | None,
) -> dict[str, Any]:
    """POST `body` as JSON and return the JSON answer."""
    data = json.dumps(body).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"content-type": "application/json", **headers},
    )
    logger.debug("POST %s (%d bytes)", url, len(data))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read(_MAX_REPLY)
    except urllib.error.HTTPError as error:
        detail = _scrub(error.read(500).decode("utf-8", "replace"), secret)
        raise ProviderError(
            f"{url} answered HTTP {error.code}: {detail.strip()[:300]}"
        ) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(error, TimeoutError) or isinstance(reason, TimeoutError):
            raise ProviderError(f"{url} did not answer within {timeout:g} s") from None
        raise ProviderError(
            f"could not reach {url}: {_scrub(str(reason), secret)}"
        ) from None
    try:
        answer = json.loads(raw)
    except ValueError:
        raise ProviderError(f"{url} answered with something other than JSON") from None
    if not isinstance(answer, dict):
        raise ProviderError(f"{url} answered with JSON that is not an object")
    return answer


def _scrub(text: str, secret: str | None) -> str:
    return text.replace(secret, "[key]") if secret else text
