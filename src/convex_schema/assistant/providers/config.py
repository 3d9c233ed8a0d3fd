"""Which language model answers, if any: `[tool.convex-schema.assistant]` in
the project's `pyproject.toml` or `[assistant]` in `convex-schema.toml`, then
`CONVEX_SCHEMA_PROVIDER`, `CONVEX_SCHEMA_MODEL`, `CONVEX_SCHEMA_BASE_URL`,
then the `--provider` and `--model` flags.

    [assistant]
    provider = "openai"            # or "anthropic"; "builtin" is the default
    model = "llama3.1"
    base-url = "http://localhost:11434/v1"
    timeout = 30                   # seconds per request

API keys come from the environment only (`CONVEX_SCHEMA_API_KEY`, else
`OPENAI_API_KEY` or `ANTHROPIC_API_KEY`); a key in a file is refused.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from convex_schema.errors import ConvexSchemaError
from convex_schema.settings import project_settings

PROVIDERS = ("builtin", "openai", "anthropic")

BASE_URLS = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
}

KEY_VARIABLES = {
    "openai": ("CONVEX_SCHEMA_API_KEY", "OPENAI_API_KEY"),
    "anthropic": ("CONVEX_SCHEMA_API_KEY", "ANTHROPIC_API_KEY"),
}

_KNOWN = {"provider", "model", "base-url", "timeout", "repairs"}


@dataclass(frozen=True)
class ProviderConfig:
    """The provider settings. The key is kept out of `repr` so that logging
    a config can never show it."""

    provider: str = "builtin"
    model: str | None = None
    base_url: str | None = None
    timeout: float = 30.0
    repairs: int = 2
    api_key: str | None = field(default=None, repr=False, compare=False)
    source: str | None = None

    @property
    def url(self) -> str:
        return (self.base_url or BASE_URLS.get(self.provider, "")).rstrip("/")


def load_config(
    project: Path,
    environ: Mapping[str, str] | None = None,
    provider: str | None = None,
    model: str | None = None,
) -> ProviderConfig:
    """The settings from the project's files, the environment and flags."""
    environ = os.environ if environ is None else environ
    config = _from_files(project)
    config = _override(
        config,
        environ.get("CONVEX_SCHEMA_PROVIDER"),
        environ.get("CONVEX_SCHEMA_MODEL"),
        environ.get("CONVEX_SCHEMA_BASE_URL"),
        "CONVEX_SCHEMA_PROVIDER",
    )
    config = _override(config, provider, model, None, "--provider")
    if config.provider == "builtin":
        return config
    if not config.model:
        raise ConvexSchemaError(
            f"provider {config.provider} needs a model: set `model` in "
            "[assistant], CONVEX_SCHEMA_MODEL or --model"
        )
    key = next(
        (environ[n] for n in KEY_VARIABLES[config.provider] if environ.get(n)), None
    )
    return replace(config, api_key=key)


def _override(
    config: ProviderConfig,
    provider: str | None,
    model: str | None,
    base_url: str | None,
    where: str,
) -> ProviderConfig:
    if provider:
        provider = provider.strip().lower()
        if provider not in PROVIDERS:
            raise ConvexSchemaError(
                f"{where}: unknown provider {provider!r}; use {', '.join(PROVIDERS)}"
            )
        config = replace(config, provider=provider)
    if model:
        config = replace(config, model=model)
    if base_url:
        config = replace(config, base_url=base_url)
    return config


def _from_files(project: Path) -> ProviderConfig:
    found = project_settings(project, "assistant")
    return _parse(*found) if found is not None else ProviderConfig()


def _parse(data: dict[str, Any], source: str) -> ProviderConfig:
    if any("key" in str(name).lower() for name in data):
        raise ConvexSchemaError(
            f"{source}: API keys are read from the environment only "
            "(CONVEX_SCHEMA_API_KEY, OPENAI_API_KEY or ANTHROPIC_API_KEY); "
            "remove the key from the file"
        )
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise ConvexSchemaError(
            f"{source}: unknown assistant setting(s) {', '.join(unknown)}; "
            f"use {', '.join(sorted(_KNOWN))}"
        )
    try:
        timeout = float(data.get("timeout", 30.0))
        repairs = int(data.get("repairs", 2))
    except (TypeError, ValueError):
        raise ConvexSchemaError(
            f"{source}: assistant.timeout and assistant.repairs must be numbers"
        ) from None
    config = ProviderConfig(
        timeout=max(timeout, 0.1), repairs=min(max(repairs, 0), 5), source=source
    )
    return _override(
        config,
        _text(data, "provider", source),
        _text(data, "model", source),
        _text(data, "base-url", source),
        f"{source}: assistant.provider",
    )


def _text(data: dict[str, Any], key: str, source: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ConvexSchemaError(f"{source}: assistant.{key} must be a string")
    return value
