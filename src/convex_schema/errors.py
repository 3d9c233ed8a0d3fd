"""The one base exception of the package; the CLI alone maps it to exit codes."""

from __future__ import annotations

from convex_schema.diagnostics import Diagnostic


class ConvexSchemaError(Exception):
    """An input the tool cannot use. Carries located diagnostics when it has them."""

    exit_code = 2

    def __init__(self, message: str, diagnostics: tuple[Diagnostic, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = diagnostics


class UsageError(ConvexSchemaError):
    """The command was called with arguments that do not fit."""
