"""What each function file does as a module, beside the functions it registers.

`read_imports` reads a file's import statements before its functions are
read (their helpers resolve through them); `read_module` then completes its
`SourceFacts`: whether Convex bundles it as a module of functions
(`entry_point`, the bundler's own test), and what one tree-sitter query
(`functions.EVENTS`) finds anywhere in it, top-level code and test files
included: the database calls and query chains, the cron schedules, and the
reads of the global `process.env`. For each id-only
`db.get/patch/replace/delete` it works out the table the id belongs to when
the code says so: a `v.id("t")` argument validator, an `Id<"t">` or
`Doc<"t">` annotation, a helper declared to return one, or an id taken from
a document read from "t".

Names are resolved with a small scope walk (`binding`) over parameters,
declarations of enclosing blocks, loop variables and imports. It does not
follow reassignment, which is enough for the questions asked here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from tree_sitter import Node

from convex_schema.analyze.functions import (
    FUNCTION_NODES,
    Body,
    Call,
    Project,
    SourceFacts,
    _arguments,
    _callee_name,
    _is_db,
    _method_of,
    _read_call,
    _relative,
    _resolve,
    _text,
    _top_level,
    file_events,
    inside_functions,
)
from convex_schema.model import Span
from convex_schema.reader.syntax import (
    number_value,
    string_value,
    unwrap,
)

ID_DEPTH = 4
# db methods that take an id, and how many arguments they have without a table.
ID_METHODS = {"get": 1, "delete": 1, "patch": 2, "replace": 2}
CRON_METHODS = {"hourly", "daily", "weekly", "monthly"}
GENERATED_SERVER = re.compile(r"(^|/)_generated/server(\.js|\.ts)?$")
TABLE_TYPE = re.compile(r"\b(?:Id|Doc)\s*<\s*[\"']([^\"']+)[\"']\s*>")
ID_VALIDATOR = re.compile(
    r"^(?:v\.optional\(\s*)?v\.id\(\s*[\"']([^\"']+)[\"']\s*\)(?:\s*\))?$"
)
DATABASE_TYPE = re.compile(r"\b(Generic)?Database(Reader|Writer)\b")
BLOCKS = {"program", "statement_block", "switch_case", "switch_default"}
DECLARATIONS = {
    "function_declaration",
    "generator_function_declaration",
    "class_declaration",
    "abstract_class_declaration",
    "enum_declaration",
}
# Where a name is a type, or is not read by running code.
NOT_EVALUATED = {
    "type_annotation",
    "type_query",
    "type_alias_declaration",
    "interface_declaration",
    "type_arguments",
    "type_parameters",
    "implements_clause",
    "ambient_declaration",
    "import_statement",
}


@dataclass(frozen=True)
class Import:
    """An import statement, or an `export … from` that re-exports."""

    module: str  # as written
    target: str | None  # the file a relative module resolves to (root-relative)
    span: Span  # the statement
    type_only: bool = False  # `import type` / `export type`: erased when compiled
    reexport: bool = False
    bindings: tuple[tuple[str, str], ...] = ()  # (imported, local); "default", "*"
    named_end: int | None = None  # byte after the last `{ a, b }` specifier


@dataclass(frozen=True)
class EnvRead:
    """A use of the global `process.env` (not a local named `process`)."""

    span: Span  # `process.env`
    form: str  # member, destructure, whole, dynamic (computed key), write
    names: tuple[str, ...] = ()  # the variable read, or those destructured
    access: Span | None = None  # what a rewrite replaces
    env_name: str | None = None  # what `env` of `_generated/server` is called here
    env_imported: bool = False  # the file imports it already


@dataclass(frozen=True)
class CronSchedule:
    """A `minuteUTC` of `crons.daily("name", { minuteUTC: 0 }, …)` (or of
    hourly, weekly, monthly), or the expression of
    `crons.cron("name", "0 2 * * *", …)`."""

    method: str  # hourly, daily, weekly, monthly, cron
    name: str | None  # the job's name
    span: Span  # the `minuteUTC` property, or the cron expression
    minute_utc: float | None = None
    expression: str | None = None


@dataclass(frozen=True)
class Binding:
    """Where a name is declared."""

    kind: str  # param, var, import, function, catch
    node: Node
    annotation: str | None = None  # its type annotation, without the colon
    key: str | None = None  # the property it is destructured from
    value: Node | None = None  # a variable's initializer
    owner: Node | None = None  # the function, for a parameter
    index: int = 0  # the parameter's position


def read_module(project: Project, facts: SourceFacts) -> None:
    """Fill in the module facts of one file, once its functions are read."""
    facts.entry_point = is_entry_point(inside_functions(project, facts.relative))
    _scan(project, facts)


def _scan(project: Project, facts: SourceFacts) -> None:
    """The file's database calls and query chains, cron schedules and
    `process.env` reads, anywhere in it: from the calls and `process`
    members that `functions._events` found in one query."""
    grammar = facts.file.grammar
    body = Body()
    facts.cron_schedules, facts.env_reads = [], []
    events = file_events(facts)
    for node in events.scans:
        function = node.child_by_field_id(grammar.function)
        prop = function.child_by_field_id(grammar.property) if function else None
        if prop is None:
            continue
        method = _text(prop)
        if method in CRON_METHODS or method == "cron":
            facts.cron_schedules += _cron_schedule(facts, node, method)
        else:
            _read_call(facts, node, False, body)
    for node in events.process:
        if _is_process_env(facts, node):
            facts.env_reads.append(_env_read(facts, node))
    body.calls = sorted(
        (_with_table(project, facts, call) for call in body.calls),
        key=lambda call: call.span.start,
    )
    body.queries.sort(key=lambda chain: chain.span.start)
    facts.body = body


def is_entry_point(path: str) -> bool:
    """Whether Convex bundles the file at `path` (below the functions folder)
    as a module of functions. The bundler's rule, which ESLint's share: not
    generated code, not the schema, no hidden or `#` name, a single dot."""
    name = PurePosixPath(path).name
    return not (
        path.startswith("_generated/")
        or name.startswith((".", "#"))
        or name in ("schema.ts", "schema.js")
        or name.count(".") > 1
        or " " in path
    )


# --- names -----------------------------------------------------------------


def binding(node: Node, name: str) -> Binding | None:
    """The declaration `name` refers to where `node` is, or None for a global."""
    current = node.parent
    while current is not None:
        found: Binding | None = None
        if current.type in FUNCTION_NODES:
            found = _parameter(current, name)
        elif current.type in BLOCKS:
            found = _declared_in(current, name)
        elif current.type == "for_in_statement":
            left = current.child_by_field_name("left")
            if left is not None and _lookup(left, name)[0]:
                found = Binding("var", left)
        elif current.type == "for_statement":
            start = current.child_by_field_name("initializer")
            found = _declaration(start, name) if start is not None else None
        elif current.type == "catch_clause":
            parameter = current.child_by_field_name("parameter")
            if parameter is not None and _lookup(parameter, name)[0]:
                found = Binding("catch", parameter)
        if found is not None:
            return found
        current = current.parent
    return None


def _parameter(function: Node, name: str) -> Binding | None:
    parameters = function.child_by_field_name("parameters")
    if parameters is None:
        single = function.child_by_field_name("parameter")  # `x => …`
        if single is not None and _text(single) == name:
            return Binding("param", single, owner=function)
        return None
    items = [p for p in parameters.named_children if p.type != "comment"]
    for index, parameter in enumerate(items):
        pattern = parameter.child_by_field_name("pattern") or parameter
        bound, key = _lookup(pattern, name)
        if not bound:
            continue
        annotation = parameter.child_by_field_name("type")
        return Binding(
            "param",
            parameter,
            _annotation(annotation) if key is None else None,
            key=key,
            owner=function,
            index=index,
        )
    return None


def _declared_in(block: Node, name: str) -> Binding | None:
    for statement in block.named_children:
        inner = statement
        if inner.type == "export_statement":
            inner = inner.child_by_field_name("declaration") or inner
        if inner.type == "ambient_declaration" and inner.named_children:
            inner = inner.named_children[0]
        found = _declaration(inner, name)
        if found is not None:
            return found
        if inner.type in DECLARATIONS:
            declared = inner.child_by_field_name("name")
            if declared is not None and _text(declared) == name:
                return Binding("function", inner)
        elif inner.type == "import_statement":
            if any(local == name for _, local in _import_bindings(inner)[0]):
                return Binding("import", inner)
    return None


def _declaration(statement: Node, name: str) -> Binding | None:
    if statement.type not in ("lexical_declaration", "variable_declaration"):
        return None
    for declarator in statement.named_children:
        target = declarator.child_by_field_name("name")
        if declarator.type != "variable_declarator" or target is None:
            continue
        bound, key = _lookup(target, name)
        if bound:
            annotation = declarator.child_by_field_name("type")
            return Binding(
                "var",
                declarator,
                _annotation(annotation) if key is None else None,
                key=key,
                value=declarator.child_by_field_name("value"),
            )
    return None


def _lookup(pattern: Node, name: str) -> tuple[bool, str | None]:
    """Whether a binding pattern declares `name`, and the property it is
    destructured from when it sits directly in an object pattern."""
    kind = pattern.type
    if kind == "identifier":
        return _text(pattern) == name, None
    if kind == "shorthand_property_identifier_pattern":
        return (True, name) if _text(pattern) == name else (False, None)
    if kind in ("object_assignment_pattern", "assignment_pattern"):
        left = pattern.child_by_field_name("left")
        return _lookup(left, name) if left is not None else (False, None)
    if kind == "pair_pattern":
        key = pattern.child_by_field_name("key")
        value = pattern.child_by_field_name("value")
        if value is None or not _lookup(value, name)[0]:
            return False, None
        inner = (
            value.child_by_field_name("left")
            if value.type == "assignment_pattern"
            else value
        )
        direct = inner is not None and inner.type == "identifier" and key is not None
        return True, (_key_name(key) if direct and key is not None else None)
    if kind in ("object_pattern", "array_pattern", "rest_pattern"):
        for child in pattern.named_children:
            bound, property_name = _lookup(child, name)
            if bound:
                return True, property_name if kind == "object_pattern" else None
    return False, None


def _key_name(key: Node) -> str | None:
    if key.type == "property_identifier":
        return _text(key)
    if key.type == "string":
        return _text(key)[1:-1]
    return None


def _annotation(node: Node | None) -> str | None:
    return _text(node).lstrip(":").strip() if node is not None else None


# --- imports ---------------------------------------------------------------


def read_imports(project: Project, facts: SourceFacts) -> None:
    """The file's import statements and re-exports (`import_list`), and the
    names its relative imports bind to project files (`imports`: local name
    -> (file, imported name or "*"), type-only specifiers included), in one
    pass over its top-level statements."""
    out: list[Import] = []
    file = facts.file
    for statement in file.tree.root_node.named_children:
        kind = statement.type
        if kind != "import_statement" and kind != "export_statement":
            continue
        source = statement.child_by_field_name("source")
        if source is None or source.type != "string":
            continue
        module = string_value(file, source)
        path = _resolve(facts.path.parent, module) if module[:1] == "." else None
        target = _relative(path, project.root) if path is not None else None
        reexport = kind == "export_statement"
        bindings: tuple[tuple[str, str], ...] = ()
        named_end = None
        if not reexport:
            bindings, named_end = _import_bindings(statement, facts, path)
        out.append(
            Import(
                module,
                target,
                file.span(statement),
                type_only=any(c.type == "type" for c in statement.children),
                reexport=reexport,
                bindings=bindings,
                named_end=named_end,
            )
        )
    facts.import_list = out


def _import_bindings(
    statement: Node, facts: SourceFacts | None = None, path: Path | None = None
) -> tuple[tuple[tuple[str, str], ...], int | None]:
    """(imported, local) for each value binding of an import statement, and
    the byte after its last named specifier when it has only named ones.
    When the statement imports a project file (`path`), its named and
    namespace imports go into `facts.imports` too."""
    clause = next(
        (c for c in statement.named_children if c.type == "import_clause"), None
    )
    if clause is None:
        return (), None
    out: list[tuple[str, str]] = []
    named_end = None
    children = clause.named_children
    for child in children:
        if child.type == "identifier":
            out.append(("default", _text(child)))
        elif child.type == "namespace_import":
            for ident in child.named_children:
                if ident.type == "identifier":
                    out.append(("*", _text(ident)))
                    if path is not None and facts is not None:
                        facts.imports[_text(ident)] = (str(path), "*")
                    break
        elif child.type == "named_imports":
            specifiers = [
                s for s in child.named_children if s.type == "import_specifier"
            ]
            for specifier in specifiers:
                name = specifier.child_by_field_name("name")
                if name is None:
                    continue
                alias = specifier.child_by_field_name("alias")
                imported = _text(name)
                local = _text(alias) if alias is not None else imported
                if path is not None and facts is not None:
                    facts.imports[local] = (str(path), imported)
                if not any(c.type == "type" for c in specifier.children):
                    out.append((imported, local))
            if specifiers and len(children) == 1:
                named_end = specifiers[-1].end_byte
    return tuple(out), named_end


def eager_uses(facts: SourceFacts, item: Import) -> list[tuple[str, Span, bool]]:
    """Where the file uses a value `item` imports while the module loads (not
    in a function, a type, or an instance field's initializer): (name, span,
    whether the use is an `export { name }`, which only passes it on)."""
    names = {local for _, local in item.bindings}
    if item.type_only or not names:
        return []
    out: list[tuple[str, Span, bool]] = []
    stack = [facts.file.tree.root_node]
    while stack:
        node = stack.pop()
        if node.type in FUNCTION_NODES or node.type in NOT_EVALUATED:
            continue
        if node.type == "public_field_definition" and not any(
            c.type == "static" for c in node.children
        ):
            continue
        if node.type == "export_specifier":
            node = node.child_by_field_name("name") or node
        if node.type in ("identifier", "shorthand_property_identifier"):
            text = _text(node)
            found = binding(node, text) if text in names else None
            if found is not None and found.kind == "import":
                exported = (
                    node.parent is not None and node.parent.type == "export_specifier"
                )
                out.append((text, facts.file.span(node), exported))
            continue
        stack.extend(reversed(node.named_children))
    return out


# --- process.env -----------------------------------------------------------


def _is_process_env(facts: SourceFacts, node: Node) -> bool:
    if node.type not in ("member_expression", "subscript_expression"):
        return False
    target = node.child_by_field_name("object")
    if target is None or target.type != "identifier" or _text(target) != "process":
        return False
    if _member_key(facts, node) != "env":
        return False
    return binding(target, "process") is None


def _member_key(facts: SourceFacts, node: Node) -> str | None:
    """The static key of `a.key`, `a["key"]` or ``a[`key`]``."""
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return _text(prop) if prop is not None else None
    index = node.child_by_field_name("index")
    return _static_string(facts, unwrap(index)) if index is not None else None


def _static_string(facts: SourceFacts, node: Node) -> str | None:
    if node.type == "string":
        return string_value(facts.file, node)
    if node.type == "template_string" and not any(
        c.type == "template_substitution" for c in node.named_children
    ):
        return _text(node)[1:-1]
    return None


def _env_read(facts: SourceFacts, node: Node) -> EnvRead:
    span = facts.file.span(node)
    env_name, imported = _env_binding(facts, node)
    parent = node.parent
    if parent is None:
        return EnvRead(span, "whole")
    holder = parent.child_by_field_name("object")
    if (
        parent.type in ("member_expression", "subscript_expression")
        and holder is not None
        and holder.id == node.id
    ):
        key = _member_key(facts, parent)
        if key is None:
            return EnvRead(span, "dynamic")
        form = "write" if _is_written(parent) else "member"
        access = facts.file.span(parent)
        return EnvRead(span, form, (key,), access, env_name, imported)
    value = parent.child_by_field_name("value")
    pattern = parent.child_by_field_name("name")
    if (
        parent.type == "variable_declarator"
        and value is not None
        and value.id == node.id
        and pattern is not None
        and pattern.type == "object_pattern"
    ):
        keys = _destructured(pattern)
        if keys:
            return EnvRead(span, "destructure", keys, span, env_name, imported)
    return EnvRead(span, "whole")


def _is_written(member: Node) -> bool:
    parent = member.parent
    if parent is None:
        return False
    if parent.type in ("assignment_expression", "augmented_assignment_expression"):
        left = parent.child_by_field_name("left")
        return left is not None and left.id == member.id
    if parent.type == "update_expression":
        return True
    return parent.type == "unary_expression" and _text(parent).startswith("delete")


def _destructured(pattern: Node) -> tuple[str, ...]:
    """The names `const { A, B: b } = process.env` reads; () when a computed
    key or a rest element makes the set open."""
    keys: list[str] = []
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern":
            keys.append(_text(child))
        elif child.type == "object_assignment_pattern":
            left = child.child_by_field_name("left")
            if left is None:
                return ()
            keys.append(_text(left))
        elif child.type == "pair_pattern":
            key = child.child_by_field_name("key")
            name = _key_name(key) if key is not None else None
            if name is None:
                return ()
            keys.append(name)
        elif child.type != "comment":
            return ()
    return tuple(keys)


def _env_binding(facts: SourceFacts, node: Node) -> tuple[str | None, bool]:
    """What the generated `env` object can be called at `node`: the name the
    file imports it under, else `env` if that name is free, else None."""
    for item in facts.import_list:
        if GENERATED_SERVER.search(item.module) and not item.type_only:
            for imported, local in item.bindings:
                if imported == "env":
                    return local, True
    if binding(node, "env") is None:
        return "env", False
    return None, False


# --- crons -----------------------------------------------------------------


def _cron_schedule(facts: SourceFacts, node: Node, method: str) -> list[CronSchedule]:
    args = _arguments(node)
    if len(args) < 2 or args[1].type == "spread_element":
        return []
    name = _static_string(facts, unwrap(args[0]))
    schedule = unwrap(args[1])
    if method in CRON_METHODS and schedule.type == "object":
        return _minutes(facts, method, name, schedule)
    expression = _static_string(facts, schedule) if method == "cron" else None
    if expression is None:
        return []
    return [
        CronSchedule(method, name, facts.file.span(schedule), expression=expression)
    ]


def _minutes(
    facts: SourceFacts, method: str, name: str | None, schedule: Node
) -> list[CronSchedule]:
    out = []
    for item in schedule.named_children:
        key = item.child_by_field_name("key") if item.type == "pair" else None
        value = item.child_by_field_name("value") if item.type == "pair" else None
        if key is None or value is None or key.type != "property_identifier":
            continue
        value = unwrap(value)
        if _text(key) == "minuteUTC" and value.type == "number":
            minute = number_value(_text(value))
            if isinstance(minute, float):
                span = facts.file.span(item)
                out.append(CronSchedule(method, name, span, minute_utc=minute))
    return out


# --- ids -------------------------------------------------------------------


def _with_table(project: Project, facts: SourceFacts, call: Call) -> Call:
    """`call` with `known_db` and `id_table` worked out, for an id-only
    `db.get/patch/replace/delete`."""
    if call.kind != "db" or ID_METHODS.get(call.name) != call.arguments:
        return call
    root = facts.file.tree.root_node
    known = call.known_db
    if not known and call.receiver == "db":
        ident = root.named_descendant_for_byte_range(
            call.span.start, call.span.start + 2
        )
        known = ident is not None and ident.type == "identifier" and _is_database(ident)
    table = None
    if call.first_argument is not None:
        first = root.named_descendant_for_byte_range(
            call.first_argument.start, call.first_argument.end
        )
        if first is not None:
            table = _table_of(project, facts, first, ID_DEPTH)
    return replace(call, known_db=known, id_table=table)


def _is_database(node: Node) -> bool:
    """A bare `db` bound to a database: destructured from ctx, typed as a
    DatabaseReader/Writer, or assigned from `<x>.db`."""
    found = binding(node, "db")
    if found is None:
        return False
    if found.key == "db":
        return True
    if found.annotation is not None and DATABASE_TYPE.search(found.annotation):
        return True
    return found.value is not None and _text(unwrap(found.value)).endswith(".db")


def _strip(node: Node) -> Node:
    node = unwrap(node)
    while node.type == "await_expression" and node.named_children:
        node = unwrap(node.named_children[0])
    return node


def _table_of(
    project: Project, facts: SourceFacts, node: Node, depth: int
) -> str | None:
    """The table of the id (or document) `node` evaluates to, when known."""
    if depth == 0:
        return None
    asserted = _asserted_table(node)
    if asserted is not None:
        return asserted
    node = _strip(node)
    if node.type == "identifier":
        found = binding(node, _text(node))
        if found is None:
            return None
        table = _annotated_table(found.annotation)
        if table is not None:
            return table
        if found.kind == "param":
            return _arg_table(facts, found, found.key)
        if found.kind == "var" and found.value is not None:
            if found.key is None:
                return _table_of(project, facts, found.value, depth - 1)
            return _destructured_table(facts, found.value, found.key)
        return None
    if node.type == "member_expression":
        target = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        if target is None or prop is None:
            return None
        if _text(prop) == "_id":
            return _table_of(project, facts, target, depth - 1)
        target = _strip(target)
        if target.type == "identifier":  # `args.userId`
            found = binding(target, _text(target))
            if found is not None and found.kind == "param" and found.key is None:
                return _arg_table(facts, found, _text(prop))
        return None
    if node.type == "call_expression":
        return _table_of_call(project, facts, node, depth)
    return None


def _asserted_table(node: Node) -> str | None:
    """The table of an `x as Id<"t">` (or `satisfies`) around the value."""
    while True:
        if node.type in ("as_expression", "satisfies_expression"):
            named = node.named_children
            if len(named) == 2:
                table = _annotated_table(_text(named[1]))
                if table is not None:
                    return table
            node = named[0] if named else node
            if not named:
                return None
        elif node.type in ("parenthesized_expression", "non_null_expression"):
            if not node.named_children:
                return None
            node = node.named_children[0]
        elif node.type == "await_expression" and node.named_children:
            node = node.named_children[0]
        else:
            return None


def _destructured_table(facts: SourceFacts, value: Node, key: str) -> str | None:
    """The table of `key` in `const { key } = args`: the args validator's."""
    value = _strip(value)
    if value.type != "identifier":
        return None
    found = binding(value, _text(value))
    if found is None or found.kind != "param" or found.key is not None:
        return None
    return _arg_table(facts, found, key)


def _table_of_call(
    project: Project, facts: SourceFacts, node: Node, depth: int
) -> str | None:
    found = _method_of(node)
    args = _arguments(node)
    first = unwrap(args[0]) if args else None
    if found is None:
        callee = _callee_name(node)
        return _returned_table(project, facts, callee) if callee else None
    method, target = found
    if _is_db(target):
        if method in ("get", "insert", "normalizeId") and first is not None:
            if first.type == "string":
                return string_value(facts.file, first)
            if method == "get" and len(args) == 1:
                return _table_of(project, facts, first, depth - 1)
        return None
    if method in ("first", "unique"):
        return _chain_table(facts, target)
    imported = facts.imports.get(_text(target))
    if imported is not None and imported[1] == "*":
        return _returned_table(project, facts, method, imported[0])
    return None


def _chain_table(facts: SourceFacts, node: Node) -> str | None:
    """The table of `db.query("t")…` that `node` continues."""
    current = unwrap(node)
    while current.type == "call_expression":
        found = _method_of(current)
        if found is None:
            return None
        method, target = found
        if method == "query" and _is_db(target):
            args = _arguments(current)
            first = unwrap(args[0]) if args else None
            if first is not None and first.type == "string":
                return string_value(facts.file, first)
            return None
        current = unwrap(target)
    return None


def _returned_table(
    project: Project, facts: SourceFacts, name: str, source: str | None = None
) -> str | None:
    """The table in a helper's declared return type (`Promise<Doc<"t">>`)."""
    if source is None and name in facts.imports:
        source, name = facts.imports[name]
    owner = facts
    if source is not None:
        found = project.facts_of(_relative(Path(source), project.root))
        if found is None:
            return None
        owner = found
    for declared, value, _, _ in _top_level(owner.file.tree.root_node):
        if declared == name and value.type in FUNCTION_NODES:
            return _annotated_table(
                _annotation(value.child_by_field_name("return_type"))
            )
    return None


def _arg_table(facts: SourceFacts, found: Binding, name: str | None) -> str | None:
    """The table of a handler's argument `name` whose validator is `v.id`."""
    if found.index != 1 or found.owner is None or name is None:
        return None
    validators = facts.handlers.get(found.owner.start_byte)
    if validators is None:
        return None
    match = ID_VALIDATOR.match(validators.get(name, ""))
    return match.group(1) if match else None


def _annotated_table(annotation: str | None) -> str | None:
    if annotation is None:
        return None
    tables = set(TABLE_TYPE.findall(annotation))
    return tables.pop() if len(tables) == 1 else None
