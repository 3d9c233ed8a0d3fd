"""Edit commands that change what is there: renames, drops, replacements,
optional and required, type changes, money in cents, references instead of
names, and enumerations widened or narrowed.
"""

from __future__ import annotations

import logging
import re

from convex_schema.assistant.attributes import attribute
from convex_schema.assistant.draft import (
    DraftField,
    DraftIndex,
)
from convex_schema.assistant.edit_base import (
    BACKFILL,
    DROPPED,
    NARROWING,
    RENAMED,
    TYPE_WORDS,
    EditorBase,
    _before_owner,
    _literals_of,
)
from convex_schema.assistant.patterns import literals
from convex_schema.assistant.words import (
    reference_field,
    singular,
    singular_name,
)
from convex_schema.model import (
    Float64V,
    IdV,
    StringV,
    Validator,
)

logger = logging.getLogger(__name__)


class ChangeCommands(EditorBase):
    """Commands that rename, drop or change fields and tables."""

    def _do_pronoun(self, text: str) -> None:
        """ "add a sku to products and make it unique": `it` is that field."""
        for found in self._finditer(
            r"\bmake (?:it|them|that|this) (unique|optional|required)", text
        ):
            if self.last_field is None:
                continue
            table, name = self.last_field
            draft = self.draft.tables[table]
            item = draft.field(name)
            if item is None:
                continue
            if found.group(1) == "unique":
                self._unique(draft, item)
            else:
                item.optional = found.group(1) == "optional"
                if not item.optional:
                    self.required.add((table, name))
            self._why(
                "add_field",
                table,
                name,
                self.reasons.get(("add_field", table, name), "")
                + f"; {found.group(1)}",
            )

    def _do_rename(self, text: str) -> None:
        for match in self._finditer(
            r"\b(?:rename (?:the )?([a-z0-9_ ]+?) (?:to|into|as)|(?:the )?"
            r"([a-z0-9_ ]+?) should (?:be called|be named|be renamed to)) "
            r"([a-z0-9_]+)( everywhere)?",
            text,
        ):
            found = _Renamed(match)
            source, target = found.group(1).split(), self._identifier(found.group(2))
            table = self._existing(source) if "field" not in source else None
            owner = self._owner_in(source)
            field = (
                None
                if table and len(source) <= 2
                else self._field_named(_before_owner(source), owner)
            )
            if field is None and table is not None:
                self._rename_table(table, target)
                continue
            if field is None:
                continue
            tables = [owner] if owner else [field[0]]
            if found.group(3) or owner is None:
                tables = [
                    t
                    for t in self.draft.tables
                    if self.draft.tables[t].field(field[1]) is not None
                ]
            for name in tables:
                self.draft.tables[name].rename_field(field[1], target)
                self._why(
                    "rename_field",
                    name,
                    target,
                    f"renamed {field[1]} to {target}",
                    RENAMED,
                )
            self._consume(source + [found.group(2)])

    def _rename_table(self, old: str, new: str) -> None:
        if new in self.draft.tables:
            return
        self.draft.rename_table(old, new)
        self.order = [new if n == old else n for n in self.order]
        self._why("rename_table", new, "", f"renamed {old} to {new}")
        refs = [
            (t.name, f.name)
            for t in self.draft.tables.values()
            for f in t.fields
            if isinstance(f.validator, IdV) and f.validator.table == new
        ]
        for table, field in refs:
            self._why(
                "change_validator",
                table,
                field,
                f"{table}.{field} now references {new}",
            )
            if field == reference_field(new):
                self._why(
                    "rename_field",
                    table,
                    field,
                    f"named after the table it references, as {new} is now",
                    RENAMED,
                )
        self._consume([old, new, singular(old), singular(new)])

    def _do_subitems(self, text: str) -> None:
        """ "allow subtasks": a table that references itself."""
        for found in self._finditer(r"\bsub-?([a-z]{3,}s)\b", text):
            table = self._existing([found.group(1)])
            if table is None:
                continue
            draft = self.draft.tables[table]
            if draft.references(table):
                continue
            note = "the parent; unset at the top level"
            draft.add_field(DraftField("parentId", IdV(table), True, note))
            draft.add_index(DraftIndex(("parentId",), why=f"list the sub{table}"))
            self._why("add_field", table, "parentId", f"{table} can nest: sub{table}")
            self._consume([found.group(0)])

    def _do_drop_table(self, text: str) -> None:
        for found in self._finditer(
            r"\b(?:drop|delete|remove|get rid of) (?:the )?([a-z0-9_]+) table"
            r"|\b(?:don't|do not|no longer) need (?:the )?([a-z0-9_]+) table",
            text,
        ):
            name = self._existing([found.group(1) or found.group(2)])
            if name is None:
                continue
            del self.draft.tables[name]
            self._why(
                "drop_table",
                name,
                "",
                f"you asked to drop {name}",
                "export or delete its documents first; nothing else references it",
            )
            for table in self.draft.tables.values():
                for item in table.references(name):
                    table.drop_field(item.name)
                    self._why(
                        "drop_field",
                        table.name,
                        item.name,
                        f"it referenced the dropped table {name}",
                    )
            self._consume([name])

    def _do_drop_field(self, text: str) -> None:
        patterns = [
            r"\b(?:drop|delete|remove|get rid of) (?:the )?([a-z0-9_ ]+?) "
            r"(?:field |column )?"
            r"(?:on|from|in|of) (?:the )?([a-z0-9_]+)",
            r"\b(?:don't|do not|no longer) (?:need|use|want) (?:the )?([a-z0-9_ ]+?) "
            r"(?:field )?(?:on|in|from|of) (?:the )?([a-z0-9_]+)",
            r"\b([a-z0-9_]+) on ([a-z0-9_]+) (?:duplicates|is redundant|repeats|"
            r"is not needed|isn't needed)",
        ]
        for pattern in patterns:
            for found in self._finditer(pattern, text):
                table = self._existing([found.group(2)])
                field = (
                    self._field_named(found.group(1).split(), table) if table else None
                )
                if field is None:
                    continue
                why = f"you no longer need {field[0]}.{field[1]}"
                if "creation" in text:
                    why += "; the system field _creationTime already records it"
                self.draft.tables[field[0]].drop_field(field[1])
                self._why(
                    "drop_field",
                    field[0],
                    field[1],
                    why,
                    DROPPED.format(field=field[1]),
                )
                self._consume([found.group(2)])

    def _do_replace(self, text: str) -> None:
        for found in self._finditer(
            r"\b(?:replace|swap|switch|exchange) (?:the )?([a-z0-9_ ]+?) "
            r"(?:flag |field |boolean )?(?:on (?:the )?([a-z0-9_]+) )?(?:with|for) "
            r"(?:an? )?(optional )?([a-z0-9_]+)",
            text,
        ):
            table = self._existing([found.group(2)]) if found.group(2) else None
            old = self._field_named(found.group(1).split(), table)
            if old is None:
                continue
            new_name = self._identifier(found.group(4))
            table_draft = self.draft.tables[old[0]]
            found_attr = attribute((new_name,)) if new_name.islower() else None
            validator: Validator = StringV()
            if new_name.endswith("At") or (found_attr and found_attr.kind == "time"):
                validator = Float64V()
            optional = bool(found.group(3))
            values = self._enum_after(found.end())
            if values:
                validator = literals(values)
            name = (
                found_attr.name
                if found_attr and not new_name.endswith("At")
                else new_name
            )
            table_draft.drop_field(old[1])
            table_draft.add_field(DraftField(name, validator, optional))
            self._why(
                "drop_field",
                old[0],
                old[1],
                f"{name} replaces {old[1]}",
                DROPPED.format(field=old[1]),
            )
            warnings = () if optional else (BACKFILL.format(field=name),)
            self._why("add_field", old[0], name, f"replaces {old[1]}", *warnings)
            self._consume([found.group(4)])
            self.handled_enums.add(values)

    def _do_optional(self, text: str) -> None:
        patterns = [
            r"\bmake (?:the )?([a-z0-9_ ]+?) (optional|required|mandatory)",
            r"\b(?:a |an |the )?([a-z0-9_ ]+?) (?:is|are|should be|must be) "
            r"(optional|required|mandatory) (?:for|on|in) (?:every |each |all |the )?"
            r"([a-z0-9_]+)",
        ]
        for pattern in patterns:
            for found in self._finditer(pattern, text):
                words = found.group(1).split()
                table = (
                    self._existing([found.group(3)]) if found.lastindex == 3 else None
                )
                table = table or self._owner_in(words)
                field = self._field_named(_before_owner(words), table)
                if field is None:
                    continue
                optional = found.group(2) == "optional"
                item = self.draft.tables[field[0]].field(field[1])
                assert item is not None
                item.optional = optional
                warnings = () if optional else (BACKFILL.format(field=field[1]),)
                self._why(
                    "set_optional",
                    field[0],
                    field[1],
                    f"{field[1]} is {found.group(2)} now",
                    *warnings,
                )
                self._consume(words + [found.group(found.lastindex or 1)])

    def _do_change_type(self, text: str) -> None:
        patterns = [
            r"\bchange (?:the )?([a-z0-9_ ]+?) (?:to|into) (?:an? )?([a-z0-9]+)",
            r"\b(?:the )?([a-z0-9_ ]+?) should be (?:an? )?([a-z0-9]+)(?: \([^)]*\))? "
            r"(?:rather than|instead of)",
        ]
        for pattern in patterns:
            for found in self._finditer(pattern, text):
                kind = found.group(2)
                if kind not in TYPE_WORDS:
                    self._change_name(found)
                    continue
                words = found.group(1).split()
                field = self._field_named(_before_owner(words), self._owner_in(words))
                if field is None:
                    continue
                item = self.draft.tables[field[0]].field(field[1])
                assert item is not None
                item.validator = TYPE_WORDS[kind]
                note = "ms since epoch" if kind == "timestamp" else ""
                what = f"{field[1]} becomes {kind}" + (f" ({note})" if note else "")
                self._why("change_validator", field[0], field[1], what, NARROWING)
                self._consume(words)

    def _change_name(self, found: re.Match[str]) -> None:
        """ "change price on products to priceCents": a rename."""
        new = self.original.get(found.group(2), "")
        if not re.search(r"[A-Z]", new) or not found.group(0).startswith("change"):
            return
        words = found.group(1).split()
        field = self._field_named(_before_owner(words), self._owner_in(words))
        if field is None:
            return
        self.draft.tables[field[0]].rename_field(field[1], new)
        why = f"renamed {field[1]} to {new}"
        if new.endswith("Cents"):
            why += ": money in integer cents"
        self._why("rename_field", field[0], new, why, RENAMED)

    def _do_cents(self, text: str) -> None:
        for found in self._finditer(
            r"\b([a-z0-9_ ]+?) (?:should be |must be |are |is )?(?:stored |kept |"
            r"saved )?in cents\b",
            text,
        ):
            words = found.group(1).split()
            field = self._field_named(_before_owner(words)[-2:], self._owner_in(words))
            if field is not None and field[1].endswith("Cents"):
                continue
            if field is None:
                continue
            table = self.draft.tables[field[0]]
            new = field[1] + "Cents"
            table.rename_field(field[1], new)
            self._why(
                "rename_field",
                field[0],
                new,
                "money in integer cents: floats cannot hold 0.10 exactly",
                "multiply the stored values by 100 in the migration that copies them",
            )

    def _do_reference(self, text: str) -> None:
        for found in self._finditer(
            r"\b(?:the )?([a-z0-9_ ]+?) should be a reference to "
            r"(?:a |an |the )?([a-z0-9_]+)",
            text,
        ):
            words = found.group(1).split()
            field = self._field_named(_before_owner(words), self._owner_in(words))
            target = self._existing([found.group(2)])
            if field is None or target is None:
                continue
            table = self.draft.tables[field[0]]
            new = field[1] if field[1].endswith("Id") else field[1] + "Id"
            table.rename_field(field[1], new)
            item = table.field(new)
            assert item is not None
            item.validator = IdV(target)
            table.add_index(
                DraftIndex((new,), why=f"list a {singular_name(target)}'s {table.name}")
            )
            self._why(
                "change_validator",
                field[0],
                new,
                f"a reference to {target}, not a copy of a name",
                NARROWING,
            )
            self._consume(words + [found.group(2)])

    def _do_extend_enum(self, text: str) -> None:
        for found in self._finditer(
            r"\b([a-z0-9_ ]+?) should (?:also|additionally) "
            r"(?:allow|accept|include|support) ",
            text,
        ):
            field = self._field_named(found.group(1).split()[-2:])
            values = self._enum_after(found.end() - 1)
            if field is None or not values:
                continue
            item = self.draft.tables[field[0]].field(field[1])
            assert item is not None
            old = _literals_of(item.validator)
            item.validator = literals(tuple(dict.fromkeys(old + values)))
            self._why(
                "change_validator",
                field[0],
                field[1],
                f"{field[1]} also allows {', '.join(values)}",
            )
            self.handled_enums.add(values)


class _Renamed:
    """A rename match read the same way whichever phrasing it used:
    group 1 the old name, group 2 the new one, group 3 "everywhere"."""

    def __init__(self, found: re.Match[str]) -> None:
        self.found = found

    def group(self, number: int) -> str:
        found = self.found
        if number == 1:
            return found.group(1) or found.group(2)
        return found.group(number + 1) or ""
