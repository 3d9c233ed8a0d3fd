"""What well-known packages export, modelled for the static evaluator.

`convex/values` (`v`), `convex/server` (`defineSchema`, `defineTable`), the
validator helpers of `convex-helpers`, and `authTables` of `@convex-dev/auth`
behave here as they do in the packages (REFERENCE §1.2–1.4, §2.2): the same
optional flags, the same merges, the same errors thrown for bad arguments.
"""

from __future__ import annotations

import math
from typing import Any

from convex_schema.model import (
    AnyV,
    ArrayV,
    BooleanV,
    BytesV,
    CommitTsV,
    Field,
    Float64V,
    FunctionV,
    IdV,
    Index,
    Int64V,
    LiteralV,
    NullV,
    ObjectV,
    RecordV,
    SearchIndex,
    Span,
    StringV,
    UnionV,
    Validator,
    VectorIndex,
)
from convex_schema.model.values import INT64_MAX, INT64_MIN
from convex_schema.reader.evaluate import EvalError, Evaluator, _LazyExport
from convex_schema.reader.values import (
    UNDEFINED,
    Builtin,
    JSFunction,
    JSObject,
    Namespace,
    SchemaValue,
    TableBuilder,
    Unknown,
    VVal,
    type_name,
)

UNDEFINED_HINT = (
    "This is often caused by circular imports: move shared validators into a "
    "file that imports neither side, or check the name is exported."
)


def as_validator(ev: Evaluator, value: Any, span: Span, what: str) -> VVal:
    """`value` as a validator, or a stand-in `v.any()` with a diagnostic."""
    if isinstance(value, _LazyExport):
        value = value.get()
    if isinstance(value, VVal):
        return value
    if isinstance(value, Unknown):
        ev.unsupported(value, what)
        return VVal(AnyV(span=value.span or span), span=value.span or span)
    if value is UNDEFINED:
        raise EvalError(
            "R005", f"A validator is undefined in {what}", span, UNDEFINED_HINT
        )
    raise EvalError(
        "R006",
        f"{what} must be a validator, but this is {type_name(value)}",
        span,
        "Use one of the `v.*` builders from `convex/values`.",
    )


def _object_from(ev: Evaluator, fields: Any, span: Span, where: str) -> ObjectV:
    if isinstance(fields, _LazyExport):
        fields = fields.get()
    if isinstance(fields, Unknown):
        ev.unsupported(fields, f"the fields of {where}")
        return ObjectV(span=span)
    if not isinstance(fields, JSObject):
        raise EvalError(
            "R006",
            f"{where} takes an object of validators, but this is {type_name(fields)}",
            span,
        )
    out: list[Field] = []
    for name, value in fields.items():
        field_span = fields.spans.get(name) or span
        if value is UNDEFINED:
            raise EvalError(
                "R005",
                f'A validator is undefined for field "{name}" in {where}',
                field_span,
                UNDEFINED_HINT,
            )
        checked = (
            value
            if type(value) is VVal  # as nearly always; no message to build
            else as_validator(ev, value, field_span, f'the field "{name}"')
        )
        out.append(Field(name, checked.validator, checked.optional, field_span))
    return ObjectV(tuple(out), span=span)


def _fields_of(obj: ObjectV) -> JSObject:
    result = JSObject()
    for item in obj.fields:
        result.set(item.name, VVal(item.validator, item.optional, item.span), item.span)
    return result


def _arg(args: list[Any], index: int) -> Any:
    value = args[index] if index < len(args) else UNDEFINED
    return value.get() if isinstance(value, _LazyExport) else value


def truthy(value: Any) -> bool:
    if value is UNDEFINED or value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, str | int):
        return bool(value)
    return True


# -- v ---------------------------------------------------------------------------


def _simple(validator: type[Validator]) -> Builtin:
    def call(ev: Evaluator, args: list[Any], span: Span) -> VVal:
        return VVal(validator(span=span), span=span)

    return Builtin(f"v.{validator.kind}", call)


def _v_id(ev: Evaluator, args: list[Any], span: Span) -> VVal:
    name = _arg(args, 0)
    if isinstance(name, Unknown):
        ev.unsupported(name, "the table name of v.id()")
        return VVal(AnyV(span=span), span=span)
    if not isinstance(name, str):
        raise EvalError("R006", "v.id(tableName) requires a string", span)
    return VVal(IdV(name, span=span), span=span)


def _v_literal(ev: Evaluator, args: list[Any], span: Span) -> VVal:
    value = _arg(args, 0)
    if isinstance(value, Unknown):
        ev.unsupported(value, "the value of v.literal()")
        return VVal(AnyV(span=span), span=span)
    if not isinstance(value, str | bool | float | int):
        raise EvalError(
            "R006", "v.literal(value) must be a string, number, or boolean", span
        )
    if isinstance(value, int) and not isinstance(value, bool):
        if not INT64_MIN <= value <= INT64_MAX:
            raise EvalError(
                "R006",
                f"BigInt {value} does not fit into a 64-bit signed integer",
                span,
            )
    return VVal(LiteralV(value, span=span), span=span)


def _v_array(ev: Evaluator, args: list[Any], span: Span) -> VVal:
    element = as_validator(ev, _arg(args, 0), span, "v.array()")
    return VVal(ArrayV(element.validator, span=span), span=span)


def _v_object(ev: Evaluator, args: list[Any], span: Span) -> VVal:
    return VVal(_object_from(ev, _arg(args, 0), span, "v.object()"), span=span)


def _v_record(ev: Evaluator, args: list[Any], span: Span) -> VVal:
    keys = as_validator(ev, _arg(args, 0), span, "the keys of v.record()")
    values = as_validator(ev, _arg(args, 1), span, "the values of v.record()")
    if keys.optional:
        raise EvalError("R006", "Record validator cannot have optional keys", span)
    if values.optional:
        raise EvalError("R006", "Record validator cannot have optional values", span)
    return VVal(RecordV(keys.validator, values.validator, span=span), span=span)


def _v_union(ev: Evaluator, args: list[Any], span: Span) -> VVal:
    members = tuple(
        as_validator(ev, _arg(args, i), span, f"member {i} of v.union()").validator
        for i in range(len(args))
    )
    return VVal(UnionV(members, span=span), span=span)


def _v_optional(ev: Evaluator, args: list[Any], span: Span) -> VVal:
    inner = as_validator(ev, _arg(args, 0), span, "v.optional()")
    return VVal(inner.validator, True, span)


def _v_nullable(ev: Evaluator, args: list[Any], span: Span) -> VVal:
    inner = as_validator(ev, _arg(args, 0), span, "v.nullable()")
    return VVal(UnionV((inner.validator, NullV(span=span)), span=span), span=span)


def _v_function(ev: Evaluator, args: list[Any], span: Span) -> VVal:
    options = _arg(args, 0)
    fn_type, fn_args, returns = None, None, None
    if isinstance(options, JSObject):
        raw_type = options.props.get("fnType")
        fn_type = raw_type if isinstance(raw_type, str) else None
        if options.props.get("args", UNDEFINED) is not UNDEFINED:
            raw = options.props["args"]
            fn_args = (
                _object_from(ev, raw, span, "args")
                if isinstance(raw, JSObject)
                else as_validator(ev, raw, span, "args").validator
            )
        if options.props.get("returns", UNDEFINED) is not UNDEFINED:
            returns = as_validator(
                ev, options.props["returns"], span, "returns"
            ).validator
    return VVal(FunctionV(fn_type, fn_args, returns, span=span), span=span)


V_MEMBERS: dict[str, Builtin] = {
    "string": _simple(StringV),
    "number": _simple(Float64V),
    "float64": _simple(Float64V),
    "int64": _simple(Int64V),
    "bigint": _simple(Int64V),
    "boolean": _simple(BooleanV),
    "null": _simple(NullV),
    "bytes": _simple(BytesV),
    "any": _simple(AnyV),
    "commitTs": _simple(CommitTsV),
    "id": Builtin("v.id", _v_id),
    "literal": Builtin("v.literal", _v_literal),
    "array": Builtin("v.array", _v_array),
    "object": Builtin("v.object", _v_object),
    "record": Builtin("v.record", _v_record),
    "union": Builtin("v.union", _v_union),
    "optional": Builtin("v.optional", _v_optional),
    "nullable": Builtin("v.nullable", _v_nullable),
    "function": Builtin("v.function", _v_function),
}


# -- validator methods -----------------------------------------------------------


def _validator_member(ev: Evaluator, target: VVal, key: str, span: Span) -> Any:
    validator = target.validator
    if key in ("optional", "asOptional"):
        return Builtin(key, lambda ev, args, span: VVal(validator, True, span))
    if key == "isOptional":
        return "optional" if target.optional else "required"
    if key == "isConvexValidator":
        return True
    if key == "kind":
        return validator.kind
    if isinstance(validator, ObjectV):
        return _object_member(ev, target, validator, key)
    if isinstance(validator, UnionV) and key == "members":
        return [VVal(m, span=m.span) for m in validator.members]
    if isinstance(validator, ArrayV) and key == "element":
        return VVal(validator.element, span=validator.element.span)
    if isinstance(validator, RecordV) and key in ("key", "value"):
        inner = validator.keys if key == "key" else validator.values
        return VVal(inner, span=inner.span)
    if isinstance(validator, IdV) and key == "tableName":
        return validator.table
    if isinstance(validator, LiteralV) and key == "value":
        return validator.value
    if isinstance(validator, AnyV) and target.span is not None and key != "json":
        return Unknown(f"`.{key}` of a validator that is a stand-in", span)
    return UNDEFINED


def _object_member(ev: Evaluator, target: VVal, obj: ObjectV, key: str) -> Any:
    def rebuilt(fields: JSObject, span: Span) -> VVal:
        return VVal(_object_from(ev, fields, span, "v.object()"), target.optional, span)

    if key == "fields":
        return _fields_of(obj)
    if key == "pick":

        def pick(ev: Evaluator, args: list[Any], span: Span) -> VVal:
            source, fields = _fields_of(obj), JSObject()
            for name in args:
                if isinstance(name, str):
                    fields.set(
                        name, source.props.get(name, UNDEFINED), source.spans.get(name)
                    )
            return rebuilt(fields, span)

        return Builtin("pick", pick)
    if key == "omit":

        def omit(ev: Evaluator, args: list[Any], span: Span) -> VVal:
            fields = _fields_of(obj)
            for name in args:
                if isinstance(name, str) and name in fields.props:
                    del fields.props[name]
            return rebuilt(fields, span)

        return Builtin("omit", omit)
    if key == "partial":

        def partial(ev: Evaluator, args: list[Any], span: Span) -> VVal:
            fields = JSObject()
            for item in obj.fields:
                fields.set(item.name, VVal(item.validator, True, item.span), item.span)
            return rebuilt(fields, span)

        return Builtin("partial", partial)
    if key == "extend":

        def extend(ev: Evaluator, args: list[Any], span: Span) -> VVal:
            fields, extra = _fields_of(obj), _arg(args, 0)
            if isinstance(extra, JSObject):
                for name, value in extra.items():
                    fields.set(name, value, extra.spans.get(name))
            elif isinstance(extra, Unknown):
                ev.unsupported(extra, "the fields of .extend()")
            return rebuilt(fields, span)

        return Builtin("extend", extend)
    return UNDEFINED


# -- tables and schemas ----------------------------------------------------------


def _define_table(ev: Evaluator, args: list[Any], span: Span) -> TableBuilder:
    document = _arg(args, 0)
    if isinstance(document, JSObject):
        return TableBuilder(
            VVal(_object_from(ev, document, span, "defineTable()")), span=span
        )
    checked = as_validator(ev, document, span, "the document of defineTable()")
    return TableBuilder(checked, span=span)


def _strings(
    ev: Evaluator, value: Any, span: Span, what: str
) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return tuple(value)
    reason = (
        value
        if isinstance(value, Unknown)
        else Unknown(f"{what} is {type_name(value)}, not a list of field names", span)
    )
    ev.unsupported(reason, what)
    return None


def table_member(table: TableBuilder, key: str) -> Any:
    """A property of a table definition: its validator, or one of the methods
    that add indexes to it."""
    if key == "validator":
        return table.document
    method = _TABLE_METHODS.get(key)
    if method is None:
        return UNDEFINED
    return Builtin(key, lambda ev, args, span: method(ev, table, args, span))


def _index_name(ev: Evaluator, args: list[Any], span: Span, what: str) -> str | None:
    name = _arg(args, 0)
    if isinstance(name, str):
        return name
    ev.unsupported(
        name
        if isinstance(name, Unknown)
        else Unknown("the name is not a string", span),
        f"the name of {what}",
    )
    return None


def _index(ev: Evaluator, table: TableBuilder, args: list[Any], span: Span) -> Any:
    name = _index_name(ev, args, span, ".index()")
    config, staged = _arg(args, 1), False
    if isinstance(config, JSObject):
        staged = truthy(config.props.get("staged", UNDEFINED))
        config = config.props.get("fields", UNDEFINED)
    fields = _strings(ev, config, span, "the fields of .index()")
    if name is not None and fields is not None:
        table.indexes.append(Index(name, fields, staged, span))
    return table


def _config(ev: Evaluator, args: list[Any], span: Span, what: str) -> JSObject | None:
    config = _arg(args, 1)
    if isinstance(config, JSObject):
        return config
    ev.unsupported(
        config
        if isinstance(config, Unknown)
        else Unknown(f"its options are {type_name(config)}", span),
        what,
    )
    return None


def _filter_fields(
    ev: Evaluator, config: JSObject, span: Span
) -> tuple[str, ...] | None:
    raw = config.props.get("filterFields", UNDEFINED)
    if not truthy(raw):
        return ()
    return _strings(ev, raw, span, "filterFields")


def _search_index(
    ev: Evaluator, table: TableBuilder, args: list[Any], span: Span
) -> Any:
    name = _index_name(ev, args, span, ".searchIndex()")
    config = _config(ev, args, span, ".searchIndex()")
    if name is None or config is None:
        return table
    field = config.props.get("searchField")
    filters = _filter_fields(ev, config, span)
    if not isinstance(field, str) or filters is None:
        ev.unsupported(Unknown("searchField is not a string", span), ".searchIndex()")
        return table
    staged = truthy(config.props.get("staged", UNDEFINED))
    table.indexes.append(SearchIndex(name, field, filters, staged, span))
    return table


def _vector_index(
    ev: Evaluator, table: TableBuilder, args: list[Any], span: Span
) -> Any:
    name = _index_name(ev, args, span, ".vectorIndex()")
    config = _config(ev, args, span, ".vectorIndex()")
    if name is None or config is None:
        return table
    field = config.props.get("vectorField")
    dimensions = config.props.get("dimensions")
    filters = _filter_fields(ev, config, span)
    if (
        not isinstance(field, str)
        or not isinstance(dimensions, float)
        or filters is None
    ):
        ev.unsupported(
            Unknown("vectorField or dimensions is not a constant", span),
            ".vectorIndex()",
        )
        return table
    number: int | float = int(dimensions) if dimensions.is_integer() else dimensions
    staged = truthy(config.props.get("staged", UNDEFINED))
    table.indexes.append(VectorIndex(name, field, number, filters, staged, span))
    return table


def _staged(ev: Evaluator, table: TableBuilder, args: list[Any], span: Span) -> Any:
    if table.staged is not None:
        raise EvalError(
            "R006", "Table cannot have more than one staged validator.", span
        )
    changes = _arg(args, 0)
    if isinstance(changes, VVal | Unknown):
        table.staged = as_validator(ev, changes, span, ".staged()")
        return table
    if not isinstance(changes, JSObject):
        raise EvalError(
            "R006",
            f".staged() takes fields or a validator, not {type_name(changes)}",
            span,
        )
    document = table.document.validator
    if not isinstance(document, ObjectV | AnyV):
        raise EvalError(
            "R006",
            "Specifying top-level field changes is only supported for simple table "
            "definitions. For a table defined with a union or record validator, you "
            "must stage a fully defined object or union validator.",
            span,
        )
    merged = _fields_of(document) if isinstance(document, ObjectV) else JSObject()
    for name, value in changes.items():
        merged.set(name, value, changes.spans.get(name))
    for name in [k for k, value in merged.props.items() if value is UNDEFINED]:
        del merged.props[name]
    table.staged = VVal(_object_from(ev, merged, span, ".staged()"), span=span)
    return table


_TABLE_METHODS = {
    "index": _index,
    "searchIndex": _search_index,
    "vectorIndex": _vector_index,
    "staged": _staged,
}


def _define_schema(ev: Evaluator, args: list[Any], span: Span) -> Any:
    tables, options = _arg(args, 0), _arg(args, 1)
    if isinstance(tables, Unknown):
        return tables
    if not isinstance(tables, JSObject):
        raise EvalError(
            "R006",
            "defineSchema() takes an object of tables, but this is "
            f"{type_name(tables)}",
            span,
        )
    schema = SchemaValue(tables, span=span)
    if isinstance(options, JSObject):
        validation = options.props.get("schemaValidation", UNDEFINED)
        if validation is not UNDEFINED:
            schema.schema_validation = truthy(validation)
        strict = options.props.get("strictTableNameTypes", UNDEFINED)
        if strict is not UNDEFINED:
            schema.strict_table_name_types = truthy(strict)
    return schema


def _doc_validator(ev: Evaluator, name: Any, table: Any, span: Span) -> VVal:
    if not isinstance(name, str) or not isinstance(table, TableBuilder):
        return VVal(AnyV(span=span), span=span)
    return VVal(_with_system_fields(name, table.document.validator, span), span=span)


def _with_system_fields(name: str, document: Validator, span: Span) -> Validator:
    if isinstance(document, ObjectV):
        fields = list(document.fields)
        for item in (
            Field("_id", IdV(name, span=span), False, span),
            Field("_creationTime", Float64V(span=span), False, span),
        ):
            if item.name in [f.name for f in fields]:
                fields = [item if f.name == item.name else f for f in fields]
            else:
                fields.append(item)
        return ObjectV(tuple(fields), span=span)
    if isinstance(document, UnionV):
        return UnionV(
            tuple(_with_system_fields(name, m, span) for m in document.members),
            span=span,
        )
    return document


def _schema_member(ev: Evaluator, schema: SchemaValue, key: str, span: Span) -> Any:
    if key == "tables":
        return schema.tables
    if key == "schemaValidation":
        return schema.schema_validation
    if key == "doc":
        return Builtin(
            "doc",
            lambda ev, args, span: _doc_validator(
                ev, _arg(args, 0), schema.tables.props.get(_arg(args, 0)), span
            ),
        )
    if key == "id":
        return Builtin("id", lambda ev, args, span: _v_id(ev, args, span))
    return UNDEFINED


# -- member access ---------------------------------------------------------------


def member_of(ev: Evaluator, target: Any, key: str, span: Span) -> Any:
    if isinstance(target, JSObject):
        value = target.props.get(key, UNDEFINED)
        return value.get() if isinstance(value, _LazyExport) else value
    if isinstance(target, Namespace):
        return _namespace_member(target, key, span)
    if isinstance(target, VVal):
        return _validator_member(ev, target, key, span)
    if isinstance(target, TableBuilder):
        return table_member(target, key)
    if isinstance(target, SchemaValue):
        return _schema_member(ev, target, key, span)
    if isinstance(target, list):
        return _array_member(target, key, span)
    if target is UNDEFINED or target is None:
        raise EvalError(
            "R005",
            f"cannot read `{key}` of {type_name(target)}",
            span,
            UNDEFINED_HINT,
        )
    if isinstance(target, str) and key == "length":
        return float(len(target.encode("utf-16-le")) // 2)
    return Unknown(f"`.{key}` of {type_name(target)}", span)


def _namespace_member(target: Namespace, key: str, span: Span) -> Any:
    if key in target.members:
        value = target.members[key]
        return value.get() if isinstance(value, _LazyExport) else value
    if target.name == "v":
        from rapidfuzz import process  # only for a misspelt member

        close = process.extractOne(key, list(V_MEMBERS))
        hint = (
            f"Did you mean `v.{close[0]}`?"
            if close and close[1] >= 60
            else ("See the validators in `convex/values`.")
        )
        raise EvalError("R006", f"`v.{key}` is not a validator", span, hint)
    return UNDEFINED


def _array_member(target: list[Any], key: str, span: Span) -> Any:
    if key == "length":
        return float(len(target))
    if key == "map":

        def map_(ev: Evaluator, args: list[Any], span: Span) -> Any:
            function = _arg(args, 0)
            if not isinstance(function, JSFunction | Builtin):
                return Unknown(".map() with a callback that is not a function", span)
            return [
                ev.call(function, [item, float(i)], span)
                for i, item in enumerate(target)
            ]

        return Builtin("map", map_)
    if key == "concat":
        return Builtin(
            "concat",
            lambda ev, args, span: (
                target + [x for a in args for x in (a if isinstance(a, list) else [a])]
            ),
        )
    return Unknown(f"`.{key}` of an array", span)


def _object_from_entries(ev: Evaluator, args: list[Any], span: Span) -> Any:
    entries = _arg(args, 0)
    if not isinstance(entries, list):
        return Unknown("Object.fromEntries() of a value that is not an array", span)
    result = JSObject()
    for entry in entries:
        if not (
            isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
        ):
            return Unknown(
                "Object.fromEntries() of entries that are not [key, value]", span
            )
        result.set(entry[0], entry[1], span)
    return result


def _object_entries(kind: str) -> Builtin:
    def call(ev: Evaluator, args: list[Any], span: Span) -> Any:
        target = _arg(args, 0)
        if not isinstance(target, JSObject):
            return Unknown(f"Object.{kind}() of {type_name(target)}", span)
        items = target.items()
        if kind == "keys":
            return [k for k, _ in items]
        if kind == "values":
            return [value for _, value in items]
        return [[k, value] for k, value in items]

    return Builtin(f"Object.{kind}", call)


def _object_assign(ev: Evaluator, args: list[Any], span: Span) -> Any:
    target = _arg(args, 0)
    if not isinstance(target, JSObject):
        return Unknown("Object.assign() to a value that is not an object", span)
    for source in args[1:]:
        if isinstance(source, JSObject):
            for name, value in source.items():
                target.set(name, value, source.spans.get(name))
    return target


def _bigint(ev: Evaluator, args: list[Any], span: Span) -> Any:
    value = _arg(args, 0)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return Unknown("BigInt() of a value that is not an integer", span)


GLOBALS: dict[str, Any] = {
    "undefined": UNDEFINED,
    "NaN": math.nan,
    "Infinity": math.inf,
    "BigInt": Builtin("BigInt", _bigint),
    "Object": Namespace(
        "Object",
        {
            "fromEntries": Builtin("Object.fromEntries", _object_from_entries),
            "entries": _object_entries("entries"),
            "keys": _object_entries("keys"),
            "values": _object_entries("values"),
            "assign": Builtin("Object.assign", _object_assign),
            "freeze": Builtin("Object.freeze", lambda ev, args, span: _arg(args, 0)),
        },
    ),
}
