"""The built-in engine on an existing schema: a request in, operations out.

`edit(text, schema)` reads the request against the names the schema already
uses ("the body field on posts", "customers" when the table is `users`) and
returns the operations that make the change, each with why, the practice it
follows and what it needs (a backfill, a migration). It understands renames
("rename X to Y", "... everywhere"), drops ("we don't need createdAt on
posts"), optional and required fields, type changes ("dueDate should be a
timestamp rather than a string", "prices in cents"), replacements ("replace
the published flag with a status: ..."), enumerations ("plan should only
allow free, pro or enterprise", "should also allow system"), moving an
embedded array or a string field into a table of its own, and access
patterns ("list messages by channel", "look up invites by their token");
everything else — new tables, relations, fields, search and vector indexes
— goes through the same rules as `design`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace

from convex_schema.assistant import variants
from convex_schema.assistant.conventions import apply as apply_conventions
from convex_schema.assistant.draft import (
    Draft,
    DraftField,
    DraftIndex,
    DraftTable,
    Step,
)
from convex_schema.assistant.edit_additions import (
    AddCommands,
)
from convex_schema.assistant.edit_base import (
    BACKFILL,
    NARROWING,
)
from convex_schema.assistant.edit_commands import (
    ChangeCommands,
)
from convex_schema.assistant.engine import Design
from convex_schema.assistant.intent import Entity, parse
from convex_schema.assistant.lexicon import _WORD
from convex_schema.assistant.patterns import Library, literals, load_library
from convex_schema.assistant.questions import stored_in_users
from convex_schema.assistant.words import (
    plural,
    singular,
)
from convex_schema.model import (
    AnyIndex,
    Index,
    Schema,
    SearchIndex,
    Table,
    VectorIndex,
)
from convex_schema.model.semantics import equal
from convex_schema.operations import (
    AddField,
    AddIndex,
    AddTable,
    ChangeValidator,
    DropField,
    DropIndex,
    DropTable,
    Operation,
    RenameField,
    RenameTable,
    SetOptional,
    apply_to_schema,
)

__all__ = ["edit"]

logger = logging.getLogger(__name__)


def edit(
    text: str,
    schema: Schema,
    library: Library | None = None,
    answers: Mapping[str, str] | None = None,
) -> Design:
    """Operations that change `schema` as `text` asks, with their reasons;
    `answers` are the choices already made for the engine's questions."""
    library = library or load_library()
    fields = frozenset(
        f.name for t in schema.tables for f in (t.fields.fields if t.fields else ())
    )
    text, kinds = variants.extract(text)
    intent = parse(
        text, library, known=tuple(t.name for t in schema.tables), fields=fields
    )
    editor = _Editor(intent, library, schema, answers)
    editor.kinds = kinds
    return editor.run()


class _Editor(ChangeCommands, AddCommands):
    """Runs the edit commands, then the design rules, then diffs."""

    def run(self) -> Design:
        self._load()
        self._commands()
        self._use_up()
        self._resolve_entities()
        variants.attach(self, self.kinds, new_only=True)
        self._relations()
        self._fields()
        self._index_intents()
        self._ordered()
        self._complete_edit()
        apply_conventions(self.draft, self.conventions)
        variants.follow(self.draft, self.conventions)
        steps = self._operations()
        schema = self.base
        for step in steps:
            schema = apply_to_schema(schema, step.operation)
        summary = f"{len(steps)} operation(s) on {len(self.base.tables)} table(s)."
        questions = tuple(dict.fromkeys(self.questions + self.intent.questions))
        return Design(schema, tuple(steps), questions, None, summary, tuple(self.asked))

    def _load(self) -> None:
        for table in self.base.tables:
            draft = DraftTable(table.name, "", was=table.name)
            fields = table.fields
            if fields is not None:
                for item in fields.fields:
                    draft.fields.append(
                        DraftField(
                            item.name, item.validator, item.optional, was=item.name
                        )
                    )
            for index in table.indexes:
                draft.indexes.append(_draft_index(index))
            self.draft.add(draft)
            self.order.append(table.name)

    def _commands(self) -> None:
        text = self.text
        for handler in (
            self._do_rename,
            self._do_subitems,
            self._do_drop_table,
            self._do_drop_field,
            self._do_replace,
            self._do_optional,
            self._do_change_type,
            self._do_cents,
            self._do_reference,
            self._do_extract_array,
            self._do_extract_string,
            self._do_extend_enum,
            self._do_access_patterns,
            self._do_add_to,
            self._do_feedback,
            self._do_pronoun,
        ):
            handler(text)

    def _resolve(self, entity: Entity) -> str:
        index = self.intent.entities.index(entity)
        related = any(index in (r.child, r.parent) for r in self.intent.relations)
        if entity.person and not related and "users" not in self.draft.tables:
            return ""  # a person named in passing ("let shop admins upload ...")
        found = self._existing(entity.words)
        if found is not None:
            if found == "users" and entity.key != "users":
                word = plural(singular(entity.words[-1]))
                if self._ask(stored_in_users(word)) == "separate":
                    return self._generic(entity).name
            return found
        return super()._resolve(entity)

    def _use_up(self) -> None:
        """Entities and fields read from words a command acted on."""
        offsets = [m.span() for m in _WORD.finditer(self.text) if m.group() != "'"]
        used = {
            k
            for k, (a, b) in enumerate(offsets)
            if any(start <= a and b <= end for start, end in self.spans)
        }
        for index, entity in enumerate(self.intent.entities):
            if entity.positions and all(p in used for p in entity.positions):
                self.consumed.add(index)
        self.intent.fields = [f for f in self.intent.fields if f.at not in used]

    def _resolve_entities(self) -> None:
        for index, entity in enumerate(self.intent.entities):
            if index in self.consumed:
                found = self._existing(entity.words)
                if found is not None:
                    self.tables[index] = found
                continue
            if entity.role_of is None:
                name = self._resolve(entity)
                if name:
                    self.tables[index] = name
        for index, entity in enumerate(self.intent.entities):
            if entity.role_of is not None and entity.role_of in self.tables:
                self.tables[index] = self.tables[entity.role_of]

    def _keep_reference(self, target: str) -> bool:
        return (
            target in self.draft.tables or self.renamed.get(target) in self.draft.tables
        )

    def _relations(self) -> None:
        self.intent.relations = [
            r
            for r in self.intent.relations
            if r.child not in self.consumed or r.parent not in self.consumed
        ]
        super()._relations()

    def _fields(self) -> None:
        kept = []
        for item in self.intent.fields:
            if item.values and item.values in self.handled_enums:
                continue
            if item.entity is None or item.entity in self.consumed:
                if not self._field_without_table(item):
                    continue
                continue
            kept.append(item)
        self.intent.fields = kept
        super()._fields()

    def _field_without_table(self, item: object) -> bool:
        """ "plan should only allow free, pro": a field the text names
        without its table."""
        from convex_schema.assistant.intent import FieldIntent

        assert isinstance(item, FieldIntent)
        if not item.words:
            return False
        field = self._field_named(item.words)
        if field is None:
            return False
        draft = self.draft.tables[field[0]]
        target = draft.field(field[1])
        assert target is not None
        if item.values:
            target.validator = literals(item.values)
            self._why(
                "change_validator",
                field[0],
                field[1],
                f"{field[1]} is one of {', '.join(item.values)}",
                NARROWING,
            )
        if item.unique:
            self._unique(draft, target)
        if item.searchable:
            self._search(draft, target, item)
        if item.optional is not None:
            target.optional = item.optional
        if item.optional is False or item.unique:
            self.required.add((draft.name, target.name))
        return True

    def _complete_edit(self) -> None:
        for table in self.draft.tables.values():
            if not table.was:
                self._default_fields(table)
                continue
            for item in table.fields:
                if not item.was and (table.name, item.name) not in self.required:
                    item.optional = True  # existing documents stay valid
        if "users" in self.draft.referenced() and self.draft.table("users") is None:
            self._users()

    def _operations(self) -> list[Step]:
        base = {t.name: t for t in self.base.tables}
        current = list(self.draft.tables.values())
        kept = [t for t in current if t.was]
        steps: list[Step] = []
        for table in kept:
            if table.name != table.was:
                steps.append(
                    self._step(
                        RenameTable(table.was, table.name),
                        "rename_table",
                        table.name,
                        "",
                    )
                )
        for table in kept:
            for item in table.fields:
                if item.was and item.was != item.name:
                    path = item.was
                    steps.append(
                        self._step(
                            RenameField(table.name, path, item.name),
                            "rename_field",
                            table.name,
                            item.name,
                        )
                    )
        new_tables = [t for t in current if not t.was]
        schema, built = Draft({t.name: t for t in new_tables}).finish(
            [t.name for t in new_tables], self.conventions.index_name
        )
        for step in built:
            if isinstance(step.operation, AddTable):
                why = self.reasons.get(
                    ("add_table", step.operation.table.name, ""), step.why
                )
                warnings = tuple(
                    self.warned.get(("add_table", step.operation.table.name, ""), ())
                )
                steps.append(replace(step, why=why, warnings=step.warnings + warnings))
        for table in kept:
            steps.extend(self._field_steps(table, base[table.was]))
        for table in kept:
            steps.extend(self._dropped_indexes(table, base[table.was]))
        for table in kept:
            names = {f.was for f in table.fields if f.was}
            fields = base[table.was].fields
            for old in fields.fields if fields else ():
                if old.name not in names:
                    steps.append(
                        self._step(
                            DropField(table.name, old.name),
                            "drop_field",
                            table.name,
                            old.name,
                        )
                    )
        for name in base:
            if name not in {t.was for t in kept}:
                steps.append(self._step(DropTable(name), "drop_table", name, ""))
        for step in built:
            if isinstance(step.operation, AddIndex):
                steps.append(step)
        for table in kept:
            steps.extend(self._added_indexes(table))
        return steps

    def _step(self, op: Operation, kind: str, table: str, name: str) -> Step:
        why = self.reasons.get((kind, table, name), "")
        if not why:
            why = {
                "add_field": f"you asked for {name} on {table}",
                "drop_field": f"{table}.{name} is no longer needed",
                "change_validator": (
                    f"{table}.{name} becomes {self._describe(table, name)}"
                ),
                "set_optional": f"{table}.{name} changes optionality",
                "drop_table": f"{table} is no longer needed",
            }.get(kind, kind.replace("_", " "))
        warnings = tuple(self.warned.get((kind, table, name), ()))
        return Step(op, why, "", warnings)

    def _describe(self, table: str, name: str) -> str:
        from convex_schema.model.semantics import describe

        draft = self.draft.tables.get(table)
        item = draft.field(name) if draft else None
        return describe(item.validator) if item else "a new type"

    def _field_steps(self, table: DraftTable, before: Table) -> list[Step]:
        steps: list[Step] = []
        old = {f.name: f for f in (before.fields.fields if before.fields else ())}
        for item in table.fields:
            if not item.was:
                warnings = tuple(
                    self.warned.get(("add_field", table.name, item.name), ())
                )
                if not warnings and not item.optional:
                    warnings = (BACKFILL.format(field=item.name),)
                step = self._step(
                    AddField(table.name, item.name, item.validator, item.optional),
                    "add_field",
                    table.name,
                    item.name,
                )
                steps.append(
                    replace(
                        step,
                        warnings=warnings,
                        why=step.why
                        if self.reasons.get(("add_field", table.name, item.name))
                        else (item.note or step.why),
                    )
                )
                continue
            previous = old[item.was]
            if not equal(previous.validator, item.validator):
                steps.append(
                    self._step(
                        ChangeValidator(table.name, item.name, item.validator),
                        "change_validator",
                        table.name,
                        item.name,
                    )
                )
            if previous.optional != item.optional:
                steps.append(
                    self._step(
                        SetOptional(table.name, item.name, item.optional),
                        "set_optional",
                        table.name,
                        item.name,
                    )
                )
        return steps

    def _dropped_indexes(self, table: DraftTable, before: Table) -> list[Step]:
        kept = {i.was for i in table.indexes if i.was}
        return [
            Step(
                DropIndex(table.name, index.name),
                f"{index.name} covered fields that changed",
                "",
                (),
            )
            for index in before.indexes
            if index.name not in kept
        ]

    def _added_indexes(self, table: DraftTable) -> list[Step]:
        fresh = DraftTable(
            table.name, "", list(table.fields), [i for i in table.indexes if not i.was]
        )
        _, built = Draft({table.name: fresh}).finish(
            [table.name], self.conventions.index_name
        )
        taken = {i.was for i in table.indexes if i.was}
        steps = []
        for step in built:
            if (
                isinstance(step.operation, AddIndex)
                and step.operation.index.name not in taken
            ):
                steps.append(step)
        return steps


def _draft_index(index: AnyIndex) -> DraftIndex:
    if isinstance(index, SearchIndex):
        return DraftIndex(
            (index.search_field,),
            "search",
            filters=index.filter_fields,
            was=index.name,
            keep=True,
        )
    if isinstance(index, VectorIndex):
        return DraftIndex(
            (index.vector_field,),
            "vector",
            int(index.dimensions),
            index.filter_fields,
            was=index.name,
            keep=True,
        )
    assert isinstance(index, Index)
    return DraftIndex(index.fields, was=index.name, keep=True)
