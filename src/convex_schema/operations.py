"""Operations: typed, JSON-serialisable, reversible schema edits.

The differ produces them, the assistant proposes them, analyzer fixes are
made of them, `apply_to_schema` applies one to the model and the editor
(`writer.edit`) applies one to `schema.ts` as a surgical text edit. A field is
named by a dotted path (`address.city`) whose parents are object fields.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from convex_schema.errors import ConvexSchemaError
from convex_schema.model import (
    AnyIndex,
    Field,
    Index,
    ObjectV,
    Schema,
    SearchIndex,
    Table,
    Validator,
    VectorIndex,
    schema_from_json,
    validator_from_json,
)


class OperationError(ConvexSchemaError):
    """An operation whose preconditions do not hold on the schema."""


@dataclass(frozen=True)
class AddTable:
    table: Table
    op = "add_table"


@dataclass(frozen=True)
class DropTable:
    table: str
    op = "drop_table"


@dataclass(frozen=True)
class RenameTable:
    table: str
    new_name: str
    op = "rename_table"


@dataclass(frozen=True)
class AddField:
    table: str
    field: str
    validator: Validator
    optional: bool = False
    op = "add_field"


@dataclass(frozen=True)
class DropField:
    table: str
    field: str
    op = "drop_field"


@dataclass(frozen=True)
class RenameField:
    table: str
    field: str
    new_name: str
    op = "rename_field"


@dataclass(frozen=True)
class ChangeValidator:
    table: str
    field: str
    validator: Validator
    op = "change_validator"


@dataclass(frozen=True)
class SetOptional:
    table: str
    field: str
    optional: bool
    op = "set_optional"


@dataclass(frozen=True)
class AddIndex:
    table: str
    index: AnyIndex
    op = "add_index"


@dataclass(frozen=True)
class DropIndex:
    table: str
    name: str
    op = "drop_index"


Operation = (
    AddTable
    | DropTable
    | RenameTable
    | AddField
    | DropField
    | RenameField
    | ChangeValidator
    | SetOptional
    | AddIndex
    | DropIndex
)


# -- the model --------------------------------------------------------------------


def _table(schema: Schema, name: str) -> Table:
    table = schema.table(name)
    if table is None:
        from rapidfuzz import process

        close = process.extractOne(name, list(schema.table_names))
        hint = f'; did you mean "{close[0]}"?' if close and close[1] >= 70 else ""
        raise OperationError(f'there is no table "{name}"{hint}')
    return table


def _object_at(table: Table, parents: list[str]) -> ObjectV:
    current = table.document
    for part in parents:
        if not isinstance(current, ObjectV) or current.field(part) is None:
            raise OperationError(f'table "{table.name}" has no object field "{part}"')
        item = current.field(part)
        assert item is not None
        current = item.validator
    if not isinstance(current, ObjectV):
        where = ".".join(parents) or "the table"
        raise OperationError(f'{where} in "{table.name}" is not an object of fields')
    return current


def _rebuild(table: Table, parents: list[str], new: ObjectV) -> Table:
    """The table with the object at `parents` replaced by `new`."""
    if not parents:
        return replace(table, document=new)
    outer = _object_at(table, parents[:-1])
    fields = tuple(
        replace(f, validator=new) if f.name == parents[-1] else f for f in outer.fields
    )
    return _rebuild(table, parents[:-1], replace(outer, fields=fields))


def _split(path: str) -> tuple[list[str], str]:
    parts = path.split(".")
    return parts[:-1], parts[-1]


def _field(table: Table, path: str) -> tuple[ObjectV, Field]:
    parents, name = _split(path)
    obj = _object_at(table, parents)
    item = obj.field(name)
    if item is None:
        from rapidfuzz import process

        close = process.extractOne(name, list(obj.names)) if obj.names else None
        hint = f'; did you mean "{close[0]}"?' if close and close[1] >= 70 else ""
        raise OperationError(f'table "{table.name}" has no field "{path}"{hint}')
    return obj, item


def _map_fields(table: Table, path: str, change: Any) -> Table:
    parents, name = _split(path)
    obj, _ = _field(table, path)
    fields = tuple(change(f) if f.name == name else f for f in obj.fields)
    return _rebuild(table, parents, replace(obj, fields=tuple(f for f in fields if f)))


def apply_to_schema(schema: Schema, op: Operation) -> Schema:
    """The schema after `op`; raises OperationError when it does not apply."""
    if isinstance(op, AddTable):
        if schema.table(op.table.name) is not None:
            raise OperationError(f'table "{op.table.name}" already exists')
        return replace(schema, tables=(*schema.tables, op.table))
    if isinstance(op, DropTable):
        _table(schema, op.table)
        return replace(
            schema, tables=tuple(t for t in schema.tables if t.name != op.table)
        )
    if isinstance(op, RenameTable):
        _table(schema, op.table)
        if schema.table(op.new_name) is not None:
            raise OperationError(f'table "{op.new_name}" already exists')
        return replace(
            schema,
            tables=tuple(
                replace(t, name=op.new_name) if t.name == op.table else t
                for t in schema.tables
            ),
        )
    table = _table(schema, op.table)
    return schema.with_table(_apply_to_table(table, op))


def _apply_to_table(table: Table, op: Operation) -> Table:
    if isinstance(op, AddField):
        parents, name = _split(op.field)
        obj = _object_at(table, parents)
        if obj.field(name) is not None:
            raise OperationError(
                f'table "{table.name}" already has a field "{op.field}"'
            )
        fields = (*obj.fields, Field(name, op.validator, op.optional))
        return _rebuild(table, parents, replace(obj, fields=fields))
    if isinstance(op, DropField):
        return _map_fields(table, op.field, lambda f: None)
    if isinstance(op, RenameField):
        parents, _ = _split(op.field)
        if _object_at(table, parents).field(op.new_name) is not None:
            raise OperationError(f'table "{table.name}" already has "{op.new_name}"')
        return _map_fields(table, op.field, lambda f: replace(f, name=op.new_name))
    if isinstance(op, ChangeValidator) and not op.field:
        return replace(table, document=op.validator)  # the whole document type
    if isinstance(op, ChangeValidator):
        return _map_fields(
            table, op.field, lambda f: replace(f, validator=op.validator)
        )
    if isinstance(op, SetOptional):
        return _map_fields(table, op.field, lambda f: replace(f, optional=op.optional))
    if isinstance(op, AddIndex):
        if table.index(op.index.name) is not None:
            raise OperationError(
                f'table "{table.name}" already has an index "{op.index.name}"'
            )
        return replace(table, indexes=(*table.indexes, op.index))
    if isinstance(op, DropIndex):
        if table.index(op.name) is None:
            raise OperationError(f'table "{table.name}" has no index "{op.name}"')
        return replace(
            table, indexes=tuple(i for i in table.indexes if i.name != op.name)
        )
    raise OperationError(f"unknown operation {op!r}")


def reverse(op: Operation, before: Schema) -> Operation:
    """The operation that undoes `op`, given the schema `op` was applied to."""
    if isinstance(op, AddTable):
        return DropTable(op.table.name)
    if isinstance(op, DropTable):
        return AddTable(_table(before, op.table))
    if isinstance(op, RenameTable):
        return RenameTable(op.new_name, op.table)
    if isinstance(op, AddField):
        return DropField(op.table, op.field)
    if isinstance(op, RenameField):
        parents, _ = _split(op.field)
        return RenameField(
            op.table, ".".join([*parents, op.new_name]), op.field.split(".")[-1]
        )
    if isinstance(op, ChangeValidator) and not op.field:
        return ChangeValidator(op.table, "", _table(before, op.table).document)
    if isinstance(op, DropField | ChangeValidator | SetOptional):
        _, item = _field(_table(before, op.table), op.field)
        if isinstance(op, DropField):
            return AddField(op.table, op.field, item.validator, item.optional)
        if isinstance(op, ChangeValidator):
            return ChangeValidator(op.table, op.field, item.validator)
        return SetOptional(op.table, op.field, item.optional)
    if isinstance(op, AddIndex):
        return DropIndex(op.table, op.index.name)
    index = _table(before, op.table).index(op.name)
    if index is None:
        raise OperationError(f'table "{op.table}" has no index "{op.name}"')
    return AddIndex(op.table, index)


# -- JSON ---------------------------------------------------------------------------


def to_json(op: Operation) -> dict[str, Any]:
    """The operation as JSON: `{"op": "add_field", "table": ..., ...}`."""
    out: dict[str, Any] = {"op": op.op}
    if isinstance(op, AddTable):
        out["table"] = op.table.name
        out["definition"] = op.table.to_json()
        return out
    out["table"] = op.table
    if isinstance(op, RenameTable):
        out["newName"] = op.new_name
    elif isinstance(op, AddField):
        out |= {
            "field": op.field,
            "validator": op.validator.to_json(),
            "optional": op.optional,
        }
    elif isinstance(op, DropField):
        out["field"] = op.field
    elif isinstance(op, RenameField):
        out |= {"field": op.field, "newName": op.new_name}
    elif isinstance(op, ChangeValidator):
        out |= {"field": op.field, "validator": op.validator.to_json()}
    elif isinstance(op, SetOptional):
        out |= {"field": op.field, "optional": op.optional}
    elif isinstance(op, AddIndex):
        out["index"] = _index_json(op.index)
    elif isinstance(op, DropIndex):
        out["name"] = op.name
    return out


def _index_json(index: AnyIndex) -> dict[str, Any]:
    kind = {Index: "index", SearchIndex: "searchIndex", VectorIndex: "vectorIndex"}
    return {"kind": kind[type(index)], "staged": index.staged, **index.to_json()}


def from_json(data: dict[str, Any]) -> Operation:
    """Parse operation JSON; raises OperationError naming what is wrong."""
    try:
        return _from_json(data)
    except (KeyError, TypeError, ValueError) as error:
        raise OperationError(f"invalid operation {data!r}: {error}") from None


def _from_json(data: dict[str, Any]) -> Operation:
    kind, table = data["op"], data["table"]
    if kind == "add_table":
        definition = dict(data["definition"], tableName=table)
        return AddTable(schema_from_json({"tables": [definition]}).tables[0])
    simple: dict[str, Any] = {
        "drop_table": lambda: DropTable(table),
        "rename_table": lambda: RenameTable(table, data["newName"]),
        "add_field": lambda: AddField(
            table,
            data["field"],
            validator_from_json(data["validator"]),
            bool(data.get("optional", False)),
        ),
        "drop_field": lambda: DropField(table, data["field"]),
        "rename_field": lambda: RenameField(table, data["field"], data["newName"]),
        "change_validator": lambda: ChangeValidator(
            table, data["field"], validator_from_json(data["validator"])
        ),
        "set_optional": lambda: SetOptional(
            table, data["field"], bool(data["optional"])
        ),
        "add_index": lambda: AddIndex(table, _index_from_json(data["index"])),
        "drop_index": lambda: DropIndex(table, data["name"]),
    }
    if kind not in simple:
        raise ValueError(f"unknown op {kind!r}")
    result: Operation = simple[kind]()
    return result


def _index_from_json(data: dict[str, Any]) -> AnyIndex:
    key = {
        "index": "indexes",
        "searchIndex": "searchIndexes",
        "vectorIndex": "vectorIndexes",
    }
    kind = data.get("kind", "index")
    staged_key = {
        "index": "stagedDbIndexes",
        "searchIndex": "stagedSearchIndexes",
        "vectorIndex": "stagedVectorIndexes",
    }
    bucket = staged_key[kind] if data.get("staged") else key[kind]
    table = {"tableName": "t", "indexes": [], bucket: [data]}
    return schema_from_json({"tables": [table]}).tables[0].indexes[0]
