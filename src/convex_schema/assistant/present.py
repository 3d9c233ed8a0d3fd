"""A design or an edit as text for people: tables with their fields and
types, then (with `explain`) why each step is there, the practice it follows
and what to watch out for, then the questions a conversation would ask."""

from __future__ import annotations

from convex_schema.assistant.draft import Step
from convex_schema.assistant.engine import Design
from convex_schema.model import (
    AnyIndex,
    ArrayV,
    IdV,
    Index,
    LiteralV,
    ObjectV,
    RecordV,
    SearchIndex,
    Table,
    UnionV,
    Validator,
)
from convex_schema.operations import AddIndex, AddTable, to_json


def type_text(validator: Validator) -> str:
    """`string`, `Id<"users">`, `"draft" | "published"`, `array of string`."""
    if isinstance(validator, IdV):
        return f'Id<"{validator.table}">'
    if isinstance(validator, LiteralV):
        value = validator.value
        return f'"{value}"' if isinstance(value, str) else str(value).lower()
    if isinstance(validator, UnionV):
        return " | ".join(type_text(m) for m in validator.members)
    if isinstance(validator, ArrayV):
        return f"array of {type_text(validator.element)}"
    if isinstance(validator, RecordV):
        return f"record of {type_text(validator.keys)} to {type_text(validator.values)}"
    if isinstance(validator, ObjectV):
        inner = "; ".join(
            f"{f.name}{'?' if f.optional else ''}: {type_text(f.validator)}"
            for f in validator.fields
        )
        return "{ " + inner + " }"
    names = {"float64": "number", "int64": "int64 (bigint)"}
    return names.get(validator.kind, validator.kind)


def index_text(index: AnyIndex) -> str:
    if isinstance(index, Index):
        return f"index {index.name} ({', '.join(index.fields)})"
    if isinstance(index, SearchIndex):
        filters = (
            f", filter {', '.join(index.filter_fields)}" if index.filter_fields else ""
        )
        return f"search index {index.name} on {index.search_field}{filters}"
    filters = (
        f", filter {', '.join(index.filter_fields)}" if index.filter_fields else ""
    )
    return (
        f"vector index {index.name} on {index.vector_field} "
        f"({index.dimensions} dimensions{filters})"
    )


def design_text(design: Design, explain: bool = False) -> list[str]:
    """The lines `convex-schema design` prints."""
    lines = [design.summary, ""]
    notes = _notes(design.steps)
    for table in design.schema.tables:
        lines += _table_lines(table, notes.get(table.name, {}) if explain else {})
        if explain:
            lines += _why_lines(design.steps, table.name)
        lines.append("")
    lines += question_lines(design.questions)
    if not explain:
        lines.append("Run with --explain for the reasoning, --format ts for schema.ts.")
    return lines


def edit_text(design: Design, explain: bool = False) -> list[str]:
    """The lines `convex-schema edit` prints: one per operation."""
    if not design.steps:
        return ["No change: nothing in the request maps to this schema.", ""]
    lines = [design.summary, ""]
    for number, step in enumerate(design.steps, 1):
        lines.append(f"{number}. {operation_text(step)}")
        lines.append(f"   why: {step.why}")
        if explain and step.practice:
            lines.append(f"   practice: {step.practice}")
        for warning in step.warnings:
            lines.append(f"   warning: {warning}")
        if explain:
            lines += code_lines(step, "   ")
    lines.append("")
    lines += question_lines(design.questions)
    return lines


def operation_text(step: Step) -> str:
    """One operation in words: `add field users.avatar (optional Id<"_storage">)`."""
    data = to_json(step.operation)
    op = step.operation
    if isinstance(op, AddTable):
        fields = op.table.fields
        names = ", ".join(f.name for f in fields.fields) if fields else "any"
        return f"add table {op.table.name} ({names})"
    if isinstance(op, AddIndex):
        return f"add {index_text(op.index)} on {op.table}"
    words = data["op"].replace("_", " ")
    target = data["table"] + (f".{data['field']}" if data.get("field") else "")
    extra = ""
    if "newName" in data:
        extra = f" to {data['newName']}"
    elif hasattr(op, "validator"):
        optional = "optional " if getattr(op, "optional", False) else ""
        extra = f" ({optional}{type_text(op.validator)})"
    elif "optional" in data:
        extra = " (optional)" if data["optional"] else " (required)"
    elif "name" in data:
        extra = f" {data['name']}"
    return f"{words} {target}{extra}"


def question_lines(questions: tuple[str, ...]) -> list[str]:
    if not questions:
        return []
    return ["Questions (defaults applied):", *(f"  ? {q}" for q in questions), ""]


def _notes(steps: tuple[Step, ...]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for step in steps:
        if isinstance(step.operation, AddTable):
            found[step.operation.table.name] = dict(step.notes)
    return found


def _table_lines(table: Table, notes: dict[str, str]) -> list[str]:
    lines = [table.name]
    fields = table.fields.fields if table.fields else ()
    width = max((len(f.name) for f in fields), default=0) + 2
    for item in fields:
        kind = ("optional " if item.optional else "") + type_text(item.validator)
        note = f"   // {notes[item.name]}" if item.name in notes else ""
        lines.append(f"  {item.name.ljust(width)}{kind}{note}")
    for index in table.indexes:
        lines.append(f"  {index_text(index)}")
    return lines


def _why_lines(steps: tuple[Step, ...], table: str) -> list[str]:
    lines: list[str] = []
    for step in steps:
        if getattr(step.operation, "table", None) != table and not (
            isinstance(step.operation, AddTable) and step.operation.table.name == table
        ):
            continue
        label = "table" if isinstance(step.operation, AddTable) else step.operation.op
        if isinstance(step.operation, AddIndex):
            label = step.operation.index.name
        lines.append(f"  why {label}: {step.why}")
        if step.practice:
            lines.append(f"      practice: {step.practice}")
        for warning in step.warnings:
            lines.append(f"      warning: {warning}")
        lines += code_lines(step, "      ")
    return lines


def code_lines(step: Step, indent: str) -> list[str]:
    """The TypeScript a step needs beside the schema (a unique guard)."""
    if not step.code:
        return []
    head = f"{indent}code (e.g. convex/model/guards.ts; call it before insert/patch):"
    return [head, *(f"{indent}  {line}".rstrip() for line in step.code.splitlines())]
