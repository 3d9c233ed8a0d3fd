"""Evaluating expressions: one handler per kind of tree-sitter node.

`Evaluator.evaluate` looks the node's type up in `HANDLERS`; a kind that is
not here evaluates to `Unknown`, which the place that needed it reports.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from tree_sitter import Node

from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.model import Span

# Imported while it is itself loading (it imports the evaluator, which loads
# this module): its functions are only looked up once evaluation runs.
from convex_schema.reader import builtins as modelled
from convex_schema.reader.evaluate import (
    Evaluator,
    Scope,
    _key_text,
    _LazyExport,
    _params,
    _snippet,
)
from convex_schema.reader.syntax import (
    Grammar,
    SourceFile,
    number_value,
    string_value,
    unwrap,
)
from convex_schema.reader.values import (
    UNDEFINED,
    JSFunction,
    JSObject,
    Namespace,
    TableBuilder,
    Unknown,
    type_name,
)


def _string(ev: Evaluator, node: Node, scope: Scope) -> Any:
    file = scope.module.file
    inner = file.source[node.start_byte + 1 : node.end_byte - 1]
    if b"\\" in inner or b"\n" in inner or b"\r" in inner:
        return string_value(file, node)
    # Without escapes or line breaks (which tree-sitter leaves out of the
    # string's fragments) the value is the text between the quotes.
    return inner.decode("utf-8", "replace")


def _template(ev: Evaluator, node: Node, scope: Scope) -> Any:
    file = scope.module.file
    parts: list[str] = []
    for child in node.named_children:
        if child.type == "string_fragment":
            parts.append(file.text(child))
        elif child.type == "escape_sequence":
            parts.append(_escape(file, child))
        elif child.type == "template_substitution":
            value = ev.evaluate(child.named_children[0], scope)
            text = _to_js_string(value)
            if text is None:
                return Unknown(
                    "a template substitution is not a constant", file.span(child)
                )
            parts.append(text)
    return "".join(parts)


def _escape(file: SourceFile, node: Node) -> str:
    from convex_schema.reader.syntax import _unescape

    return _unescape(file.text(node))


def _to_js_string(value: Any) -> str | None:
    from convex_schema.model.values import js_number

    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return js_number(value)
    return None


def _number(ev: Evaluator, node: Node, scope: Scope) -> Any:
    return number_value(scope.module.file.text(node))


def _identifier(ev: Evaluator, node: Node, scope: Scope) -> Any:
    file = scope.module.file
    name = file.text(node)
    binding = scope.lookup(name)
    if binding is not None:
        return binding.value if binding.state == "done" else ev.force(binding)
    return ev.global_value(name, file.span(node))


def _constant(value: Any) -> Callable[[Evaluator, Node, Scope], Any]:
    return lambda ev, node, scope: value


def _unary(ev: Evaluator, node: Node, scope: Scope) -> Any:
    file = scope.module.file
    operator = node.child_by_field_name("operator")
    argument = node.child_by_field_name("argument")
    if operator is None or argument is None:
        return Unknown("an incomplete expression", file.span(node))
    value = ev.evaluate(argument, scope)
    op = file.text(operator)
    if op == "-" and isinstance(value, int | float) and not isinstance(value, bool):
        return -value
    if op == "+" and isinstance(value, float):
        return value
    if op == "!" and isinstance(value, bool):
        return not value
    if op == "void":
        return UNDEFINED
    return Unknown(f"`{_snippet(file, node)}` is not a constant", file.span(node))


def _binary(ev: Evaluator, node: Node, scope: Scope) -> Any:
    file = scope.module.file
    left_node = node.child_by_field_name("left")
    right_node = node.child_by_field_name("right")
    operator = node.child_by_field_name("operator")
    if left_node is None or right_node is None or operator is None:
        return Unknown("an incomplete expression", file.span(node))
    op = file.text(operator)
    left = ev.evaluate(left_node, scope)
    if op in ("&&", "||", "??"):
        known = _truthiness(left)
        if op == "??" and not isinstance(left, Unknown):
            return (
                left
                if left not in (None, UNDEFINED)
                else ev.evaluate(right_node, scope)
            )
        if known is None:
            return Unknown(
                f"`{_snippet(file, left_node)}` is not a constant", file.span(node)
            )
        if (op == "&&") == known:
            return ev.evaluate(right_node, scope)
        return left
    right = ev.evaluate(right_node, scope)
    if op == "+" and isinstance(left, str | float) and isinstance(right, str | float):
        if isinstance(left, str) or isinstance(right, str):
            return f"{_to_js_string(left)}{_to_js_string(right)}"
        return left + right
    if op in ("*", "-", "/") and all(isinstance(x, float) for x in (left, right)):
        if op == "*":
            return left * right
        if op == "-":
            return left - right
        return left / right if right else Unknown("division by zero", file.span(node))
    return Unknown(f"`{_snippet(file, node)}` is not a constant", file.span(node))


def _object(ev: Evaluator, node: Node, scope: Scope) -> Any:
    module = scope.module
    file, grammar, handlers = module.file, module.file.grammar, module.handlers
    result = JSObject()
    written: set[str] = set()  # keys this literal writes itself (not spreads)
    for item in node.named_children:
        if item.kind_id in grammar.pair:
            key_node = item.child_by_field_id(grammar.key)
            value_node = item.child_by_field_id(grammar.value)
            if key_node is None or value_node is None:
                continue
            if key_node.kind_id in grammar.property_identifier:
                key: str | Unknown = file.text(key_node)
            else:
                key = _property_key(ev, key_node, scope)
            if isinstance(key, Unknown):
                ev.unsupported(key, "a computed property name")
                continue
            # What `ev.evaluate` does, without its call: most values are calls.
            handler = handlers.get(value_node.kind_id)
            value = (
                handler(ev, value_node, scope)
                if handler is not None
                else ev.evaluate(value_node, scope)
            )
            _written(ev, written, key, file.span(key_node))
            result.set(key, value, file.span(item))
            continue
        kind = item.type
        if kind == "shorthand_property_identifier":
            name = file.text(item)
            _written(ev, written, name, file.span(item))
            result.set(name, ev.lookup(name, scope, file.span(item)), file.span(item))
        elif kind == "spread_element":
            _spread_into(ev, result, item, scope)
        elif kind == "method_definition":
            name_node = item.child_by_field_name("name")
            body = item.child_by_field_name("body")
            if name_node is not None and body is not None:
                params = _params(item.child_by_field_name("parameters"))
                name = _key_text(file, name_node)
                result.set(name, JSFunction(name, params, body, scope), file.span(item))
    return result


def _written(ev: Evaluator, written: set[str], key: str, span: Span) -> None:
    """Note a key the object literal writes; a second one is an error."""
    if key in written:
        ev.report(
            Diagnostic(
                "R009",
                Severity.ERROR,
                f'"{key}" is written twice in one object literal; the last one '
                "wins, and TypeScript rejects it (TS1117), so the push fails its "
                "typecheck",
                span,
                "Remove or rename one of them.",
            )
        )
    written.add(key)


def _property_key(ev: Evaluator, node: Node, scope: Scope) -> str | Unknown:
    file = scope.module.file
    if node.type == "computed_property_name":
        value = ev.evaluate(node.named_children[0], scope)
        text = _to_js_string(value)
        if text is None:
            return Unknown("a computed key is not a constant", file.span(node))
        return text
    return _key_text(file, node)


def _spread_into(ev: Evaluator, result: JSObject, item: Node, scope: Scope) -> None:
    file = scope.module.file
    value = ev.evaluate(item.named_children[0], scope)
    if isinstance(value, _LazyExport):
        value = value.get()
    if isinstance(value, JSObject):
        for key, inner in value.items():
            result.set(key, inner, value.spans.get(key) or file.span(item))
    elif isinstance(value, Namespace):
        for key in value.members:
            result.set(key, ev.member(value, key, file.span(item)), file.span(item))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            result.set(str(index), inner, file.span(item))
    elif isinstance(value, Unknown):
        ev.unsupported(value, "an object spread")
    elif value is UNDEFINED or value is None:
        return
    else:
        ev.report(
            Diagnostic(
                "R002",
                Severity.WARNING,
                f"spreading {type_name(value)} adds no fields the reader can see",
                file.span(item),
                "Spread a plain object of validators, or `validator.fields`.",
            )
        )


def _array(ev: Evaluator, node: Node, scope: Scope) -> Any:
    return _elements(ev, node.named_children, scope)


def _elements(ev: Evaluator, children: list[Node], scope: Scope) -> list[Any]:
    """Array elements or call arguments, with `...spread` arrays flattened."""
    items: list[Any] = []
    handlers = scope.module.handlers
    for child in children:
        # What `ev.evaluate` does, without its call (wrappers go through it).
        handler = handlers.get(child.kind_id)
        if handler is not None:
            items.append(handler(ev, child, scope))
            continue
        kind = child.type
        if kind == "spread_element":
            value = ev.evaluate(child.named_children[0], scope)
            if isinstance(value, list):
                items.extend(value)
            elif isinstance(value, Unknown):
                items.append(value)
            else:
                span = scope.module.file.span(child)
                items.append(Unknown("a spread that is not an array", span))
        elif kind != "comment":
            items.append(ev.evaluate(child, scope))
    return items


def _member(ev: Evaluator, node: Node, scope: Scope) -> Any:
    file = scope.module.file
    target_node = node.child_by_field_id(file.grammar.object)
    prop = node.child_by_field_id(file.grammar.property)
    if target_node is None or prop is None:
        return Unknown("an incomplete member access", file.span(node))
    target = ev.evaluate(target_node, scope)
    return _member_value(ev, file, node, target, file.text(prop))


def _member_value(
    ev: Evaluator, file: SourceFile, node: Node, target: Any, key: str
) -> Any:
    """`target[key]` for the member expression `node`."""
    # The common cases need no span; build one only where it may be reported.
    if type(target) is JSObject and key in target.props:
        value = target.props[key]
        return value.get() if isinstance(value, _LazyExport) else value
    if type(target) is Namespace and key in target.members:
        value = target.members[key]
        return value.get() if isinstance(value, _LazyExport) else value
    if type(target) is TableBuilder:  # `.index(...)` and the like
        return modelled.table_member(target, key)
    return ev.member(target, key, file.span(node))


def _subscript(ev: Evaluator, node: Node, scope: Scope) -> Any:
    file = scope.module.file
    target_node = node.child_by_field_name("object")
    index_node = node.child_by_field_name("index")
    if target_node is None or index_node is None:
        return Unknown("an incomplete subscript", file.span(node))
    target = ev.evaluate(target_node, scope)
    index = ev.evaluate(index_node, scope)
    if isinstance(target, list) and isinstance(index, float) and index.is_integer():
        position = int(index)
        return target[position] if 0 <= position < len(target) else UNDEFINED
    key = _to_js_string(index)
    if key is None:
        return Unknown("a subscript that is not a constant", file.span(node))
    return ev.member(target, key, file.span(node))


def _call(ev: Evaluator, node: Node, scope: Scope) -> Any:
    file = scope.module.file
    grammar = file.grammar
    function_node = node.child_by_field_id(grammar.function)
    arguments = node.child_by_field_id(grammar.arguments)
    if function_node is None:
        return Unknown("an incomplete call", file.span(node))
    args: list[Any] = []
    if arguments is not None:
        if arguments.kind_id in grammar.template_string:
            return Unknown("a tagged template", file.span(node))
        if arguments.named_child_count:  # `v.string()` has none
            args = _elements(ev, arguments.named_children, scope)
    if function_node.kind_id in grammar.member_expression:
        # A method call, as most calls in a schema are (`v.string()`,
        # `.index(...)`): the member is read here, as `_member` would.
        target_node = function_node.child_by_field_id(grammar.object)
        prop = function_node.child_by_field_id(grammar.property)
        if target_node is not None and prop is not None:
            target = ev.evaluate(target_node, scope)
            key = file.text(prop)
            callee = _member_value(ev, file, function_node, target, key)
            return ev.call(callee, args, _method_span(file, node, function_node))
    callee = ev.evaluate(function_node, scope)
    return ev.call(callee, args, call_span(file, node))


def call_span(file: SourceFile, node: Node) -> Span:
    """The span of a call; for a method call, from its `.` to the closing
    parenthesis, which is the text an editor removes to drop it."""
    function_node = unwrap(node.child_by_field_name("function") or node)
    if function_node.type == "member_expression":
        return _method_span(file, node, function_node)
    return file.span(node)


def _method_span(file: SourceFile, node: Node, member: Node) -> Span:
    # The dot follows the object, unless a comment sits between them.
    dot: Node | None = member.child(1)
    if dot is None or dot.kind_id not in file.grammar.dot:
        dot = next((c for c in member.children if c.type in (".", "?.")), None)
    if dot is None:  # `?.`
        return file.span(node)
    return file.span(dot, node)


def _arrow(ev: Evaluator, node: Node, scope: Scope) -> Any:
    body = node.child_by_field_name("body")
    params = node.child_by_field_name("parameters") or node.child_by_field_name(
        "parameter"
    )
    assert body is not None
    return JSFunction("<arrow function>", _params(params), body, scope)


def _ternary(ev: Evaluator, node: Node, scope: Scope) -> Any:
    file = scope.module.file
    condition = node.child_by_field_name("condition")
    consequence = node.child_by_field_name("consequence")
    alternative = node.child_by_field_name("alternative")
    if condition is None or consequence is None or alternative is None:
        return Unknown("an incomplete expression", file.span(node))
    test = _truthiness(ev.evaluate(condition, scope))
    if test is not None:
        return ev.evaluate(consequence if test else alternative, scope)
    return Unknown(f"`{_snippet(file, condition)}` is not a constant", file.span(node))


def _truthiness(value: Any) -> bool | None:
    """JavaScript truthiness, or None when the value is not known."""
    from convex_schema.reader.builtins import truthy

    if isinstance(value, Unknown):
        return None
    return truthy(value)


def _assign(ev: Evaluator, node: Node, scope: Scope) -> Any:
    """`name = value` at the top of a module: the binding takes the new value."""
    file = scope.module.file
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    if left is None or right is None or left.type != "identifier":
        return Unknown("an assignment the reader does not follow", file.span(node))
    value = ev.evaluate(right, scope)
    binding = scope.lookup(file.text(left))
    if binding is not None:
        binding.value, binding.state = value, "done"
    return value


def _new(ev: Evaluator, node: Node, scope: Scope) -> Any:
    file = scope.module.file
    return Unknown(f"`{_snippet(file, node)}` constructs an object", file.span(node))


Handler = Callable[[Evaluator, Node, Scope], Any]

HANDLERS: dict[str, Handler] = {
    "string": _string,
    "template_string": _template,
    "number": _number,
    "true": _constant(True),
    "false": _constant(False),
    "null": _constant(None),
    "undefined": _constant(UNDEFINED),
    "identifier": _identifier,
    "unary_expression": _unary,
    "binary_expression": _binary,
    "object": _object,
    "array": _array,
    "member_expression": _member,
    "subscript_expression": _subscript,
    "call_expression": _call,
    "arrow_function": _arrow,
    "function_expression": _arrow,
    "function": _arrow,
    "ternary_expression": _ternary,
    "new_expression": _new,
    "assignment_expression": _assign,
}


@functools.cache
def handlers_by_kind(grammar: Grammar) -> dict[int, Handler]:
    """`HANDLERS` by kind id: `node.kind_id` costs less than `node.type`."""
    language = grammar.language
    kinds = range(language.node_kind_count)
    return {
        kind: HANDLERS[name]
        for kind in kinds
        if (name := language.node_kind_for_id(kind)) in HANDLERS
    }
