"""A static evaluator for the JavaScript that schema files are written in.

It never runs code. Each module is scanned for its top-level bindings, which
are evaluated lazily, on first use, so imports across files (and cycles
between them) resolve the way a reader would follow them. Expressions it does
not model evaluate to `Unknown`; the place that needed a value reports it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tree_sitter import Node

from convex_schema.diagnostics import Diagnostic, Severity
from convex_schema.model import Span
from convex_schema.reader.syntax import (
    SourceFile,
    number_value,
    string_value,
    unwrap,
)
from convex_schema.reader.values import (
    UNDEFINED,
    Builtin,
    JSFunction,
    Namespace,
    Unknown,
    type_name,
)

logger = logging.getLogger(__name__)

SOURCE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx")
MAX_CALL_DEPTH = 64

# Globals of the JavaScript runtime whose values only exist when code runs.
RUNTIME_GLOBALS = frozenset(
    {
        "process",
        "console",
        "globalThis",
        "Math",
        "JSON",
        "Date",
        "Number",
        "String",
        "Boolean",
        "Array",
        "Symbol",
        "Map",
        "Set",
        "Promise",
        "Reflect",
        "Proxy",
        "Error",
        "RegExp",
        "URL",
        "crypto",
        "require",
        "module",
        "exports",
        "window",
        "self",
        "Buffer",
        "__dirname",
        "__filename",
        "parseInt",
        "parseFloat",
        "encodeURIComponent",
        "structuredClone",
    }
)


class EvalError(Exception):
    """Something the `convex` package itself would throw while building the
    schema (a bad argument, an undefined validator): the construct fails."""

    def __init__(self, code: str, message: str, span: Span | None, hint: str = ""):
        super().__init__(message)
        self.diagnostic = Diagnostic(code, Severity.ERROR, message, span, hint or None)


@dataclass
class Binding:
    """A name bound in a scope, evaluated on first use."""

    name: str
    thunk: Callable[[], Any]
    state: str = "new"  # new | evaluating | done
    value: Any = None
    span: Span | None = None


class Scope:
    def __init__(self, module: Module, parent: Scope | None = None) -> None:
        self.module = module
        self.parent = parent
        self.bindings: dict[str, Binding] = {}

    def bind_value(self, name: str, value: Any) -> None:
        self.bindings[name] = Binding(name, lambda: value, "done", value)

    def lookup(self, name: str) -> Binding | None:
        scope: Scope | None = self
        while scope is not None:
            found = scope.bindings.get(name)
            if found is not None:
                return found
            scope = scope.parent
        return None


@dataclass
class Module:
    """One source file: its top-level scope and what it exports."""

    file: SourceFile
    scope: Scope = field(init=False)
    exports: dict[str, Callable[[], Any]] = field(default_factory=dict)
    star_sources: list[tuple[str, Node]] = field(default_factory=list)
    default: Callable[[], Any] | None = None
    default_node: Node | None = None
    effects: list[Node] = field(default_factory=list)
    effects_done: bool = False
    # The expression handler for each kind id of this file's grammar.
    handlers: dict[int, Callable[[Evaluator, Node, Scope], Any]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self.scope = Scope(self)
        self.handlers = handlers_by_kind(self.file.grammar)


class Evaluator:
    """Evaluates modules of one project; collects every diagnostic once."""

    def __init__(self, packages: dict[str, Namespace]) -> None:
        self.packages = packages
        self.modules: dict[str, Module] = {}
        self.loading: list[str] = []
        self.diagnostics: list[Diagnostic] = []
        self._seen: set[tuple[str, str, int]] = set()
        self.depth = 0
        self.root: Path | None = None
        self.overrides: dict[str, bytes] = {}
        # Each file is imported many times (once per imported name): resolving
        # a path touches the file system, so each answer is kept for the read.
        self._loaded: dict[Path, Module] = {}
        self._resolved: dict[tuple[Path, str], Path | None] = {}

    # -- diagnostics ---------------------------------------------------------

    def report(self, diagnostic: Diagnostic) -> None:
        span = diagnostic.span
        key = (diagnostic.code, str(span) if span else "", hash(diagnostic.message))
        if key not in self._seen:
            self._seen.add(key)
            self.diagnostics.append(diagnostic)

    def unsupported(self, value: Unknown, what: str) -> None:
        """Report that `value` stood where `what` was needed."""
        self.report(
            Diagnostic(
                "R002",
                Severity.WARNING,
                f"cannot evaluate {what} statically: {value.reason}",
                value.span,
                "The reader used a conservative stand-in (v.any() for a "
                "validator). Write the value inline, or as a const in a file "
                "of this project, to have it checked.",
            )
        )

    # -- modules -------------------------------------------------------------

    def display(self, path: Path) -> str:
        if self.root is not None:
            try:
                return str(path.resolve().relative_to(self.root))
            except ValueError:
                pass
        return str(path)

    def load(self, path: Path) -> Module:
        loaded = self._loaded.get(path)
        if loaded is not None:
            return loaded
        key = str(path.resolve())
        if key in self.modules:
            self._loaded[path] = self.modules[key]
            return self.modules[key]
        source = self.overrides.get(key)
        if source is None:
            source = path.read_bytes()
        file = SourceFile(key, source, self.display(path))
        module = Module(file)
        self.modules[key] = module
        logger.debug("reading module %s", file.display)
        self._check_syntax(file)
        self._scan(module)
        self._loaded[path] = module
        return module

    def _check_syntax(self, file: SourceFile) -> None:
        root = file.tree.root_node
        if not root.has_error:
            return
        node = _first_error(root)
        assert node is not None
        if node.is_missing:
            message = f"syntax error: missing `{node.type}`"
        else:
            snippet = file.text(node).splitlines()[0][:40] if node.text else ""
            message = (
                f"syntax error: unexpected `{snippet}`" if snippet else ("syntax error")
            )
        from convex_schema.errors import ConvexSchemaError

        diagnostic = Diagnostic(
            "R001",
            Severity.ERROR,
            message,
            file.span(node),
            "Fix the TypeScript syntax; `npx tsc --noEmit` shows the same place.",
        )
        raise ConvexSchemaError(f"{diagnostic.location()}: {message}", (diagnostic,))

    def _scan(self, module: Module) -> None:
        for statement in module.file.tree.root_node.named_children:
            self._scan_statement(module, statement)

    def _scan_statement(self, module: Module, node: Node) -> None:
        kind = node.type
        if kind == "import_statement":
            self._scan_import(module, node)
        elif kind in ("lexical_declaration", "variable_declaration"):
            self._scan_declaration(module.scope, node)
        elif kind == "function_declaration":
            self._scan_function(module.scope, node)
        elif kind == "export_statement":
            self._scan_export(module, node)
        elif kind == "expression_statement":
            module.effects.append(node)

    def run_effects(self, module: Module) -> None:
        """Run a module's top-level statements such as `posts.index(...)`,
        which mutate tables, before any of its values is used from outside."""
        if module.effects_done:
            return
        module.effects_done = True
        for statement in module.effects:
            if statement.named_children:
                self.evaluate(statement.named_children[0], module.scope)

    def _scan_declaration(
        self, scope: Scope, node: Node, exported: Module | None = None
    ) -> None:
        for declarator in node.named_children:
            if declarator.type != "variable_declarator":
                continue
            name_node = declarator.child_by_field_name("name")
            value_node = declarator.child_by_field_name("value")
            if name_node is None:
                continue
            names = self._bind_pattern(scope, name_node, value_node)
            if exported is not None:
                for name in names:
                    exported.exports[name] = _reader(scope, name, self)

    def _bind_pattern(
        self, scope: Scope, pattern: Node, value_node: Node | None
    ) -> list[str]:
        file = scope.module.file
        if pattern.type == "identifier":
            name = file.text(pattern)

            def thunk() -> Any:
                if value_node is None:
                    return UNDEFINED
                return self.evaluate(value_node, scope)

            scope.bindings[name] = Binding(name, thunk, span=file.span(pattern))
            return [name]
        if pattern.type == "object_pattern" and value_node is not None:
            return self._bind_object_pattern(scope, pattern, value_node)
        return []

    def _bind_object_pattern(
        self, scope: Scope, pattern: Node, value_node: Node
    ) -> list[str]:
        file = scope.module.file
        source = Binding("<destructured>", lambda: self.evaluate(value_node, scope))
        names: list[str] = []
        for item in pattern.named_children:
            if item.type == "shorthand_property_identifier_pattern":
                key = local = file.text(item)
            elif item.type == "pair_pattern":
                key_node = item.child_by_field_name("key")
                value = item.child_by_field_name("value")
                if key_node is None or value is None or value.type != "identifier":
                    continue
                key, local = _key_text(file, key_node), file.text(value)
            else:
                continue

            span = file.span(item)

            def thunk(key: str = key, span: Span = span) -> Any:
                return self.member(self.force(source), key, span)

            scope.bindings[local] = Binding(local, thunk, span=span)
            names.append(local)
        return names

    def _scan_function(
        self, scope: Scope, node: Node, exported: Module | None = None
    ) -> None:
        name_node = node.child_by_field_name("name")
        params = node.child_by_field_name("parameters")
        body = node.child_by_field_name("body")
        if name_node is None or body is None:
            return
        name = scope.module.file.text(name_node)
        function = JSFunction(name, _params(params), body, scope)
        scope.bind_value(name, function)
        if exported is not None:
            exported.exports[name] = lambda: function

    def _scan_import(self, module: Module, node: Node) -> None:
        file = module.file
        source_node = node.child_by_field_name("source")
        if source_node is None:
            return
        specifier = string_value(file, source_node)
        clause = next(
            (c for c in node.named_children if c.type == "import_clause"), None
        )
        if clause is None:
            return
        for part in clause.named_children:
            if part.type == "identifier":
                name = file.text(part)
                module.scope.bindings[name] = Binding(
                    name, self._importer(module, specifier, "default", part)
                )
            elif part.type == "namespace_import":
                ident = part.named_children[0]
                name = file.text(ident)
                module.scope.bindings[name] = Binding(
                    name, self._importer(module, specifier, "*", part)
                )
            elif part.type == "named_imports":
                for spec in part.named_children:
                    if spec.type != "import_specifier":
                        continue
                    imported = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias") or imported
                    if imported is None or alias is None:
                        continue
                    name = file.text(alias)
                    module.scope.bindings[name] = Binding(
                        name,
                        self._importer(
                            module, specifier, _key_text(file, imported), spec
                        ),
                    )

    def _scan_export(self, module: Module, node: Node) -> None:
        file = module.file
        declaration = node.child_by_field_name("declaration")
        value = node.child_by_field_name("value")
        source_node = node.child_by_field_name("source")
        is_default = any(c.type == "default" for c in node.children)
        if declaration is not None:
            if declaration.type in ("lexical_declaration", "variable_declaration"):
                self._scan_declaration(module.scope, declaration, exported=module)
            elif declaration.type == "function_declaration":
                self._scan_function(module.scope, declaration, exported=module)
                if is_default:
                    name_node = declaration.child_by_field_name("name")
                    if name_node is not None:
                        module.default = _reader(
                            module.scope, file.text(name_node), self
                        )
            return
        if value is not None and is_default:
            module.default_node = value
            module.default = lambda: self.evaluate(value, module.scope)
            return
        specifier = string_value(file, source_node) if source_node else None
        clause = next(
            (c for c in node.named_children if c.type == "export_clause"), None
        )
        if clause is None:
            namespace = next(
                (c for c in node.named_children if c.type == "namespace_export"), None
            )
            if specifier is not None and namespace is not None:
                name = file.text(namespace.named_children[-1])
                module.exports[name] = self._importer(module, specifier, "*", node)
            elif specifier is not None:
                module.star_sources.append((specifier, node))
            return
        for spec in clause.named_children:
            if spec.type != "export_specifier":
                continue
            local_node = spec.child_by_field_name("name")
            alias_node = spec.child_by_field_name("alias") or local_node
            if local_node is None or alias_node is None:
                continue
            local, exported_name = (
                _key_text(file, local_node),
                _key_text(file, alias_node),
            )
            if specifier is not None:
                module.exports[exported_name] = self._importer(
                    module, specifier, local, spec
                )
            elif exported_name == "default":
                module.default = _reader(module.scope, local, self)
            else:
                module.exports[exported_name] = _reader(module.scope, local, self)

    def _importer(
        self, module: Module, specifier: str, name: str, node: Node
    ) -> Callable[[], Any]:
        span = module.file.span(node)

        def thunk() -> Any:
            return self.import_name(module, specifier, name, span)

        return thunk

    def import_name(self, module: Module, specifier: str, name: str, span: Span) -> Any:
        """The value `name` imported from `specifier` in `module`."""
        if not specifier.startswith("."):
            if specifier == "convex/schema":
                raise EvalError(
                    "R003",
                    "the module `convex/schema` no longer exists",
                    span,
                    "Import defineSchema and defineTable from `convex/server`.",
                )
            package = self.packages.get(specifier)
            if package is None:
                return Unknown(
                    f"it is imported from the package `{specifier}`, which the "
                    "reader does not evaluate",
                    span,
                )
            if name == "*":
                return package
            if name not in package.members:
                return Unknown(f"`{specifier}` has no export `{name}` we know", span)
            return package.members[name]
        target = self.resolve(Path(module.file.path).parent, specifier)
        if target is None:
            raise EvalError(
                "R003",
                f"cannot find the module `{specifier}` imported here",
                span,
                "Check the path; relative imports are resolved from this file.",
            )
        if specifier.split("/")[-1].startswith("_generated") or "/_generated/" in str(
            target
        ):
            return Unknown(f"`{specifier}` is generated code", span)
        imported = self.load(target)
        self.run_effects(imported)
        if name == "*":
            return self.namespace(imported)
        return self.export_of(imported, name, span, set())

    def namespace(self, module: Module) -> Namespace:
        members: dict[str, Any] = {}
        for name in self.export_names(module, set()):
            members[name] = _LazyExport(self, module, name)
        return Namespace(module.file.display, members)

    def export_names(self, module: Module, seen: set[str]) -> list[str]:
        if module.file.path in seen:
            return []
        seen.add(module.file.path)
        names = list(module.exports)
        for specifier, _ in module.star_sources:
            target = self.resolve(Path(module.file.path).parent, specifier)
            if target is not None:
                names += self.export_names(self.load(target), seen)
        return names

    def export_of(self, module: Module, name: str, span: Span, seen: set[str]) -> Any:
        if name == "default":
            if module.default is None:
                return Unknown(f"{module.file.display} has no default export", span)
            return module.default()
        if name in module.exports:
            return module.exports[name]()
        if module.file.path not in seen:
            seen.add(module.file.path)
            for specifier, node in module.star_sources:
                target = self.resolve(Path(module.file.path).parent, specifier)
                if target is None:
                    continue
                inner = self.load(target)
                if name in self.export_names(inner, set()):
                    return self.export_of(inner, name, module.file.span(node), seen)
        raise EvalError(
            "R003",
            f"`{name}` is not exported by {module.file.display}",
            span,
            "Export it from that file, or import the name it is exported as.",
        )

    def resolve(self, base: Path, specifier: str) -> Path | None:
        """A relative import as TypeScript and bundlers resolve it."""
        key = (base, specifier)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(base, specifier)
        return self._resolved[key]

    def _resolve(self, base: Path, specifier: str) -> Path | None:
        target = (base / specifier).resolve()
        candidates = [target]
        if target.suffix in (".js", ".mjs", ".cjs", ".jsx"):
            stem = target.with_suffix("")
            candidates += [stem.with_suffix(s) for s in (".ts", ".tsx", ".mts", ".cts")]
        candidates += [Path(str(target) + suffix) for suffix in SOURCE_SUFFIXES]
        candidates += [target / f"index{suffix}" for suffix in SOURCE_SUFFIXES]
        for candidate in candidates:
            if candidate.is_file():
                return candidate
        return None

    # -- bindings ------------------------------------------------------------

    def force(self, binding: Binding) -> Any:
        if binding.state == "done":
            return binding.value
        if binding.state == "evaluating":
            raise EvalError(
                "R004",
                f"`{binding.name}` is used while it is still being defined "
                "(a circular reference or import)",
                binding.span,
                "At run time this value would be undefined, and Convex throws "
                "'A validator is undefined ... circular imports'. Move the shared "
                "validators into a file that imports neither side.",
            )
        binding.state = "evaluating"
        try:
            binding.value = binding.thunk()
        finally:
            if binding.state == "evaluating":
                binding.state = "new"
        binding.state = "done"
        return binding.value

    def lookup(self, name: str, scope: Scope, span: Span) -> Any:
        binding = scope.lookup(name)
        if binding is not None:
            return self.force(binding)
        return self.global_value(name, span)

    def global_value(self, name: str, span: Span) -> Any:
        from convex_schema.reader.builtins import GLOBALS

        if name in GLOBALS:
            return GLOBALS[name]
        if name in RUNTIME_GLOBALS:
            return Unknown(f"`{name}` is only known at run time", span)
        raise EvalError(
            "R005",
            f"`{name}` is not defined",
            span,
            "Import it or declare it in this file; at run time this is a "
            "ReferenceError and Convex cannot load the schema.",
        )

    # -- expressions ---------------------------------------------------------

    def evaluate(self, node: Node, scope: Scope) -> Any:
        handler = scope.module.handlers.get(node.kind_id)
        if handler is None:  # a wrapper such as `x as T`, or no value we model
            node = unwrap(node)
            handler = HANDLERS.get(node.type)
            if handler is None:
                file = scope.module.file
                return Unknown(
                    f"`{_snippet(file, node)}` is not a value the reader models",
                    file.span(node),
                )
        return handler(self, node, scope)

    def member(self, target: Any, key: str, span: Span) -> Any:
        from convex_schema.reader.builtins import member_of

        if isinstance(target, _LazyExport):
            target = target.get()
        if isinstance(target, Unknown):
            return target
        return member_of(self, target, key, span)

    def call(self, callee: Any, args: list[Any], span: Span) -> Any:
        if type(callee) is Builtin:  # most calls: `v.string()`, `.index()`
            return callee.call(self, args, span)
        if isinstance(callee, _LazyExport):
            callee = callee.get()
        if isinstance(callee, Builtin):
            return callee.call(self, args, span)
        if isinstance(callee, JSFunction):
            return self.call_function(callee, args, span)
        if isinstance(callee, Unknown):
            return callee
        raise EvalError(
            "R006",
            f"{type_name(callee)} is not a function",
            span,
            "Only functions can be called here.",
        )

    def call_function(self, function: JSFunction, args: list[Any], span: Span) -> Any:
        if self.depth >= MAX_CALL_DEPTH:
            return Unknown(f"`{function.name}` calls itself too deeply", span)
        scope = Scope(function.scope.module, function.scope)
        for index, param in enumerate(function.params):
            self._bind_param(
                scope, param, args[index] if index < len(args) else UNDEFINED
            )
        self.depth += 1
        try:
            body = function.body
            if body.type != "statement_block":
                return self.evaluate(body, scope)
            return self._run_block(function, body, scope, span)
        finally:
            self.depth -= 1

    def _bind_param(self, scope: Scope, param: Node, value: Any) -> None:
        file = scope.module.file
        pattern = param.child_by_field_name("pattern") or param
        default = param.child_by_field_name("value")
        if value is UNDEFINED and default is not None:
            value = self.evaluate(default, scope)
        if pattern.type == "identifier":
            scope.bind_value(file.text(pattern), value)
        elif pattern.type == "object_pattern":
            for item in pattern.named_children:
                if item.type == "shorthand_property_identifier_pattern":
                    name = file.text(item)
                    scope.bind_value(name, self.member(value, name, file.span(item)))
        elif pattern.type == "rest_pattern":
            inner = pattern.named_children[0] if pattern.named_children else None
            if inner is not None and inner.type == "identifier":
                scope.bind_value(file.text(inner), value)

    def _run_block(
        self, function: JSFunction, block: Node, scope: Scope, span: Span
    ) -> Any:
        for statement in block.named_children:
            if statement.type in ("lexical_declaration", "variable_declaration"):
                self._scan_declaration(scope, statement)
            elif statement.type == "function_declaration":
                self._scan_function(scope, statement)
            elif statement.type == "return_statement":
                value = (
                    statement.named_children[0] if statement.named_children else None
                )
                return UNDEFINED if value is None else self.evaluate(value, scope)
            elif statement.type != "comment":
                return Unknown(
                    f"`{function.name}` does more than compute and return a value",
                    scope.module.file.span(statement),
                )
        return UNDEFINED


class _LazyExport:
    """A namespace member, evaluated when it is read."""

    def __init__(self, evaluator: Evaluator, module: Module, name: str) -> None:
        self.evaluator, self.module, self.name = evaluator, module, name

    def get(self) -> Any:
        span = self.module.file.span(self.module.file.tree.root_node)
        return self.evaluator.export_of(self.module, self.name, span, set())


def _reader(scope: Scope, name: str, evaluator: Evaluator) -> Callable[[], Any]:
    def thunk() -> Any:
        span = scope.module.file.span(scope.module.file.tree.root_node)
        return evaluator.lookup(name, scope, span)

    return thunk


def _params(node: Node | None) -> list[Node]:
    if node is None:
        return []
    if node.type == "identifier":
        return [node]
    return [
        c
        for c in node.named_children
        if c.type in ("required_parameter", "optional_parameter", "identifier")
    ]


def _key_text(file: SourceFile, node: Node) -> str:
    if node.type == "string":
        return string_value(file, node)
    if node.type == "number":
        value = number_value(file.text(node))
        from convex_schema.model.values import js_number

        return js_number(float(value))
    return file.text(node)


def _snippet(file: SourceFile, node: Node) -> str:
    text = " ".join(file.text(node).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _first_error(node: Node) -> Node | None:
    if node.type == "ERROR" or node.is_missing:
        return node
    for child in node.children:
        if child.has_error or child.is_missing:
            found = _first_error(child)
            if found is not None:
                return found
    return None


# The handlers import this module's classes, so they are imported last.
from convex_schema.reader.expressions import HANDLERS, handlers_by_kind  # noqa: E402
