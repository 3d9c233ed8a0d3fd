"""The packages a schema file imports, as the static evaluator models them:
`convex/server`, `convex/values`, the validator helpers and tables of
`convex-helpers`, and the tables of `@convex-dev/auth`."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from convex_schema.model import (
    AnyV,
    Field,
    Float64V,
    IdV,
    NullV,
    ObjectV,
    Span,
    StringV,
    UnionV,
    Validator,
    schema_from_json,
)
from convex_schema.reader.builtins import (
    V_MEMBERS,
    _arg,
    _define_schema,
    _define_table,
    _doc_validator,
    _v_id,
    _v_literal,
    _v_object,
    _v_optional,
    _v_union,
    as_validator,
)
from convex_schema.reader.evaluate import EvalError, Evaluator
from convex_schema.reader.values import (
    Builtin,
    JSObject,
    Namespace,
    SchemaValue,
    TableBuilder,
    Unknown,
    VVal,
)


def _literals(ev: Evaluator, args: list[Any], span: Span) -> VVal:
    members = [_v_literal(ev, [value], span) for value in args]
    return _v_union(ev, members, span)


def _helpers_nullable(ev: Evaluator, args: list[Any], span: Span) -> VVal:
    inner = as_validator(ev, _arg(args, 0), span, "nullable()")
    return VVal(UnionV((NullV(span=span), inner.validator), span=span), span=span)


def _partial(ev: Evaluator, args: list[Any], span: Span) -> Any:
    value = _arg(args, 0)
    if isinstance(value, VVal):
        return VVal(_partial_validator(value.validator, span), value.optional, span)
    if isinstance(value, JSObject):
        result = JSObject()
        for name, inner in value.items():
            checked = as_validator(ev, inner, span, f'the field "{name}"')
            result.set(
                name, VVal(checked.validator, True, checked.span), value.spans.get(name)
            )
        return result
    return Unknown("partial() of a value that is not a validator or fields", span)


def _partial_validator(validator: Validator, span: Span) -> Validator:
    if isinstance(validator, ObjectV):
        return ObjectV(
            tuple(Field(f.name, f.validator, True, f.span) for f in validator.fields),
            span=span,
        )
    if isinstance(validator, UnionV):
        return UnionV(
            tuple(_partial_validator(m, span) for m in validator.members), span=span
        )
    raise EvalError(
        "R006",
        "partial only works with union or object Validators, or a "
        "Record<string, Validator> currently",
        span,
    )


def _system_fields(name: Any, span: Span) -> JSObject:
    result = JSObject()
    table = name if isinstance(name, str) else ""
    result.set("_id", VVal(IdV(table, span=span), span=span), span)
    result.set("_creationTime", VVal(Float64V(span=span), span=span), span)
    return result


def _helpers_with_system_fields(ev: Evaluator, args: list[Any], span: Span) -> JSObject:
    fields, result = _arg(args, 1), JSObject()
    if isinstance(fields, JSObject):
        for name, value in fields.items():
            result.set(name, value, fields.spans.get(name))
    for name, value in _system_fields(_arg(args, 0), span).items():
        result.set(name, value, span)
    return result


def _helpers_table(ev: Evaluator, args: list[Any], span: Span) -> JSObject:
    name, fields = _arg(args, 0), _arg(args, 1)
    table = _define_table(ev, [fields], span)
    with_system = _helpers_with_system_fields(ev, [name, fields], span)
    result = JSObject()
    result.set("name", name, span)
    result.set("table", table, span)
    result.set("doc", _v_object(ev, [with_system], span), span)
    result.set("withoutSystemFields", fields, span)
    result.set("withSystemFields", with_system, span)
    result.set("systemFields", _system_fields(name, span), span)
    result.set("_id", _v_id(ev, [name], span), span)
    return result


@functools.cache
def _package_tables() -> dict[str, dict[str, Any]]:
    """Tables that packages export (`authTables`, `rateLimitTables`, ...), as
    the pinned packages define them (`tools/package_tables.ts` writes this)."""
    data = resources.files("convex_schema").joinpath("data/package_tables.json")
    loaded: dict[str, dict[str, Any]] = json.loads(data.read_text())
    return loaded


def _exported_tables(kind: str, schema_json: dict[str, Any]) -> Any:
    """Fresh, mutable table definitions for one evaluation."""
    tables = JSObject()
    for table in schema_from_json(schema_json).tables:
        builder = TableBuilder(VVal(table.document), list(table.indexes))
        tables.set(table.name, builder, None)
    if kind == "table":
        return next(iter(tables.props.values()))
    return tables


def packages() -> dict[str, Namespace]:
    """Fresh package objects for one evaluation (tables are mutable)."""
    server = {
        "defineSchema": Builtin("defineSchema", _define_schema),
        "defineTable": Builtin("defineTable", _define_table),
    }
    values = {"v": Namespace("v", dict(V_MEMBERS))}
    helpers = {
        "literals": Builtin("literals", _literals),
        "nullable": Builtin("nullable", _helpers_nullable),
        "partial": Builtin("partial", _partial),
        "deprecated": VVal(AnyV(), True),
        "pretend": Builtin(
            "pretend", lambda ev, args, span: VVal(AnyV(span=span), True, span)
        ),
        "pretendRequired": Builtin("pretendRequired", _v_optional),
        "brandedString": Builtin(
            "brandedString", lambda ev, args, span: VVal(StringV(span=span), span=span)
        ),
        "vRequired": Builtin(
            "vRequired",
            lambda ev, args, span: VVal(
                as_validator(ev, _arg(args, 0), span, "vRequired()").validator,
                False,
                span,
            ),
        ),
        "systemFields": Builtin(
            "systemFields", lambda ev, args, span: _system_fields(_arg(args, 0), span)
        ),
        "withSystemFields": Builtin("withSystemFields", _helpers_with_system_fields),
        "doc": Builtin(
            "doc",
            lambda ev, args, span: _doc_validator(
                ev, _arg(args, 1), _schema_table(_arg(args, 0), _arg(args, 1)), span
            ),
        ),
    }
    return {
        "convex/server": Namespace("convex/server", server),
        "convex/values": Namespace("convex/values", values),
        "convex-helpers/validators": Namespace("convex-helpers/validators", helpers),
        "convex-helpers/server": Namespace(
            "convex-helpers/server", {"Table": Builtin("Table", _helpers_table)}
        ),
    } | {
        package: Namespace(
            package,
            {
                name: _exported_tables(item["kind"], item["schema"])
                for name, item in exports.items()
            },
        )
        for package, exports in _package_tables().items()
    }


def _schema_table(schema: Any, name: Any) -> Any:
    if isinstance(schema, SchemaValue) and isinstance(name, str):
        return schema.tables.props.get(name)
    return None
