"""Where a piece of a schema came from in its source file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A range of one file. Lines and columns are 1-based, columns count
    characters; `start` and `end` are byte offsets for editing the text."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int = 0
    end: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def __reduce__(self) -> tuple[object, tuple[str, int, int, int, int, int, int]]:
        # The analyzer's worker process sends back tens of thousands of
        # spans; rebuilt by filling the slots, not through the frozen
        # __init__, they unpickle in half the time.
        return _restore, (
            self.file,
            self.line,
            self.column,
            self.end_line,
            self.end_column,
            self.start,
            self.end,
        )


(
    _put_file,
    _put_line,
    _put_column,
    _put_end_line,
    _put_end_column,
    _put_start,
    _put_end,
) = (
    getattr(Span, name).__set__
    for name in ("file", "line", "column", "end_line", "end_column", "start", "end")
)


def _restore(
    file: str,
    line: int,
    column: int,
    end_line: int,
    end_column: int,
    start: int,
    end: int,
) -> Span:
    span: Span = object.__new__(Span)
    _put_file(span, file)
    _put_line(span, line)
    _put_column(span, column)
    _put_end_line(span, end_line)
    _put_end_column(span, end_column)
    _put_start(span, start)
    _put_end(span, end)
    return span
