"""Reading how entities relate: "each A has many B", "B belongs to A",
"A and B are many-to-many", joins named by a verb ("members book classes"),
and self-references ("replies", "a manager who is also an employee").
"""

from __future__ import annotations

import logging
import re

from convex_schema.assistant.lexicon import (
    DETERMINERS,
    Mention,
)
from convex_schema.assistant.reading import (
    CONTAINERS,
    MODALS,
    SELF_VERBS,
    ZONE_TRIGGERS,
    ReaderBase,
    Relation,
)
from convex_schema.assistant.words import (
    CREATE_VERBS,
    JOIN_VERBS,
    VERB_ROLES,
    singular,
    table_name,
    verb_lemma,
)

logger = logging.getLogger(__name__)


class RelationRules(ReaderBase):
    """The rules that find relations between entities."""

    def _possessions(self) -> None:
        """ "pet owners, pets": each pet references its owner."""
        entities = self.intent.entities
        for index, entity in enumerate(entities):
            if not entity.owns:
                continue
            key = table_name(entity.owns)
            for other, candidate in enumerate(entities):
                if candidate.key == key and other != index:
                    role = singular(entity.words[-1])
                    self.add(Relation("belongs", other, index, role=role))

    def _roles(self) -> None:
        """ "a manager who is also an employee": managers are employees."""
        text, _ = self.skeleton()
        pattern = (
            r"@(\d+) (?:who |that |which )?(?:is|are) (?:also |themselves |itself )?"
            r"(?:a |an |the )?@(\d+)"
        )
        for found in re.finditer(pattern, text):
            role, target = int(found.group(1)), int(found.group(2))
            if role != target and self.intent.entities[role].person:
                self.intent.entities[role].role_of = target
                self.intent.entities[role].listed = False

    def _self_references(self) -> None:
        text, _ = self.skeleton()
        entities = self.intent.entities
        patterns = [
            r"@(\d+) (?:\w+ ){0,4}?(?:reply|replies|replying|respond|responds|"
            r"responding) to (?:other |another |earlier |previous |existing |a |an "
            r"|the |one )*@(\d+)",
            r"@(\d+) (?:\w+ ){0,4}?(?:nested|threaded) (?:replies|responses|threads|"
            r"comments|discussions|reply)()",
            r"(?:replies|reply|responses) to (?:other |another |the |a |an )*@(\d+)()",
            r"(?:nested|threaded) (?:replies|responses|threads|comments) "
            r"(?:on|to|for|in) (?:the |a |an )?@(\d+)()",
            r"@(\d+) (?:\w+ ){0,2}?(?:nested |stored |kept |placed )?(?:inside|within|"
            r"under|in|into) (?:other |another |parent |a |an |the )*@(\d+)",
            r"(?:nested|hierarchical|hierarchy of|tree of|trees of|parent) @(\d+)()",
            r"@(\d+) (?:\w+ ){0,3}?(?:a |its |their )?parent\b()",
            r"@(\d+) (?:can |may )?(?:with|have|has|support|supports|allow|allows) "
            r"(?:nested |threaded )?(?:replies|responses)\b()",
            r"@(\d+) (?:can |may |should |must )?(?:be |are |is )?nested()"
            r"(?! under| inside| in| within)",
        ]
        for pattern in patterns:
            for found in re.finditer(pattern, text):
                a = int(found.group(1))
                b = int(found.group(2)) if found.group(2) else a
                if a == b:
                    self.add(Relation("self", self._base(a), self._base(a), "parent"))
                elif "repl" in found.group(0) or "respond" in found.group(0):
                    self.add(Relation("belongs", a, b))
        self._sub_words()
        self._each_other(text)
        for entity in entities:
            if entity.role_of is not None:
                target = entity.role_of
                self.add(Relation("self", target, target, singular(entity.words[-1])))
                logger.debug("%s is a role of %s", entity.key, entities[target].key)

    def _sub_words(self) -> None:
        """ "subtasks", "sub-folders": the table references itself."""
        for i, word in enumerate(self.tokens):
            if not self._sub_word(word):
                continue
            base = singular(word[3:])
            target = None
            for index, entity in enumerate(self.intent.entities):
                if singular(entity.words[-1]) == base:
                    target = index
            if target is None:
                subject = self.subject(i) or self.mention_before(i)
                target = subject.entity if subject is not None else None
            if target is not None:
                self.add(Relation("self", target, target, "parent"))

    def _each_other(self, text: str) -> None:
        pattern = r"@(\d+) (?:\w+ ){0,2}?(\w+) (?:each other|one another|other @(\d+))"
        for found in re.finditer(pattern, text):
            a = int(found.group(1))
            other = found.group(3)
            if other is not None and int(other) != a:
                continue
            verb = verb_lemma(found.group(2))
            if verb not in JOIN_VERBS and verb not in SELF_VERBS:
                continue
            self.add(Relation("self_many", a, a, verb=verb))

    def _many_to_many(self) -> None:
        text, _ = self.skeleton()
        for found in re.finditer(
            r"@(\d+) (?:and|,) @(\d+) ,? ?(?:are |is |have a |with a |in a |as )?"
            r"(?:a )?many_to_many",
            text,
        ):
            self._m2m(int(found.group(1)), int(found.group(2)))
        for found in re.finditer(
            r"@(\d+) (?:are |is )?(?:a )?many_to_many (?:with|to) @(\d+)", text
        ):
            self._m2m(int(found.group(2)), int(found.group(1)))
        for found in re.finditer(
            r"many_to_many (?:relationship |relation |link )?(?:between |of )?"
            r"@(\d+) and @(\d+)",
            text,
        ):
            self._m2m(int(found.group(1)), int(found.group(2)))
        for found in re.finditer(
            r"@(\d+) (?:to|on|for|with) @(\d+) ,? ?\(? ?many_to_many", text
        ):
            self._m2m(int(found.group(2)), int(found.group(1)))
        for found in re.finditer(r"@(\d+) \( ?many_to_many", text):
            b = int(found.group(1))
            a = self._other_subject(text, found.start(), b)
            if a is not None:
                self._m2m(a, b)
        shared = (
            r"@(\d+) (?:\w+ ){0,2}?(?:be in|belong to|be on|be part of|appear in|"
            r"appear on|be shared across|be shared by|be used in|be used by|be "
            r"linked to|be tagged with|be assigned to|be added to|be on) "
            r"(?:many|multiple|several|lots of|any number of|one or more|other) "
            r"@(\d+)"
        )
        for found in re.finditer(shared, text):
            self._m2m(int(found.group(2)), int(found.group(1)))
        for found in re.finditer(
            r"@(\d+) (?:\w+ )?shared (?:across|between|among|by) "
            r"(?:many |multiple |all |different )?@(\d+)",
            text,
        ):
            self._m2m(int(found.group(2)), int(found.group(1)))

    def _other_subject(self, text: str, end: int, exclude: int) -> int | None:
        before = re.findall(r"@(\d+)", re.split(r"[;.:!?]", text[:end])[-1])
        for value in reversed(before):
            if int(value) != exclude:
                return int(value)
        return None

    def _verbs(self) -> None:
        """ "members book classes" (a join), "companies post jobs" (a reference)."""
        tokens = self.tokens
        for i, word in enumerate(tokens):
            if i in self.at:
                continue
            lemma = verb_lemma(word)
            if lemma not in JOIN_VERBS and lemma not in CREATE_VERBS:
                continue
            after = tokens[i + 1] if i + 1 < len(tokens) else ""
            if lemma in CREATE_VERBS and word.endswith("ed") and after in CONTAINERS:
                continue  # "lessons scheduled in rooms": passive, read by _belongs
            before = tokens[i - 1] if i else ""
            if before in DETERMINERS and before not in ("each", "every"):
                continue
            subject = self._verb_subject(i)
            target = self._verb_object(i)
            if subject is None or target is None:
                continue
            a, b = self.entity(subject), self.entity(target)
            if lemma in JOIN_VERBS and (subject.person or self._is_users(a)):
                if a == b:
                    self.add(Relation("self_many", a, a, verb=lemma))
                else:
                    self._join(a, b, lemma)
                    if tokens[target.end : target.end + 1] == ["with"]:
                        self.join_zones[target.end + 1] = (b, a)
            elif lemma in CREATE_VERBS and a != b:
                role = singular(subject.head) if subject.person else ""
                self.add(Relation("belongs", b, a, role=role, verb=lemma))

    def _verb_subject(self, i: int) -> Mention | None:
        tokens = self.tokens
        j = i - 1
        while j >= 0 and tokens[j] in MODALS | {"and", "not", "never", "who"}:
            j -= 1
        if j >= 0 and j in self.at:
            return self.at[j]
        if j >= 0 and tokens[j] in ("them", "they"):
            return self.mention_before(j)
        subject = self.subject(i)
        if subject is not None and tokens[j : j + 1] in ([","], ["and"]):
            return subject
        return None

    def _verb_object(self, i: int) -> Mention | None:
        tokens = self.tokens
        j = i + 1
        skip = CONTAINERS | DETERMINERS | {"other"}
        while j < len(tokens) and tokens[j] in skip and j - i < 5:
            j += 1
        if j in self.at:
            return self.at[j]
        if j < len(tokens) and tokens[j] in ("them", "it", "one"):
            subject = self._verb_subject(i)
            limit = subject.start if subject is not None else i
            return self.mention_before(limit, same_clause=False)
        return None

    def _belongs(self) -> None:
        text, _ = self.skeleton()
        quantity = (
            r"(?:many|multiple|several|lots of|a lot of|a bunch of|any number of|"
            r"one or more|zero or more|numerous|various|their own|its own|its|"
            r"their|some|a|an|one|ordered)"
        )
        has = (
            rf"@(\d+) (?:\w+ ){{0,2}}?(?:has|have|contains?|holds?|owns?|gets?|"
            rf"made of|consists? of|composed of) (?:{quantity} ){{0,2}}(?:\w+ )?@(\d+)"
        )
        for found in re.finditer(has, text):
            self._has(int(found.group(1)), int(found.group(2)), found.group(0))
        belongs = (
            r"@(\d+) (?:\w+ ){0,2}?(?:belongs?|belonging|is owned|are owned|owned|"
            r"is assigned|are assigned|assigned|is linked|are linked|linked|attached"
            r"|tied|is tied|are tied|is made|are made|made|created|written|posted|"
            r"published|sent|submitted|uploaded|taught|hosted|organi[sz]ed|managed|"
            r"led|run|reviewed|approved|reported|authored|placed|booked) (?:to|by) "
            r"(?:each |every |one |a |an |the |exactly one |single |their |its |other "
            r")*@(\d+)"
        )
        for found in re.finditer(belongs, text):
            child, parent = int(found.group(1)), int(found.group(2))
            verb = re.search(r"(\w+) (?:to|by) ", found.group(0))
            lemma = verb_lemma(verb.group(1)) if verb else ""
            role = ""
            if self.intent.entities[parent].person:
                role = singular(self.intent.entities[parent].words[-1])
                if role == "user" or not self.intent.entities[parent].listed:
                    role = VERB_ROLES.get(lemma, role)
            self._belong(child, parent, role)
        contained = (
            r"@(\d+) (?:(?!and |or )[a-z_]+ ){0,5}?(?:inside|within|in|into|under|at|"
            r"on|of|per|for|during|from|to) (?:each |every |a |an |the |one |its |"
            r"their |a given |a specific |the same |any )*@(\d+)"
        )
        for found in re.finditer(contained, text):
            self._contained(found)
        for found in re.finditer(
            r"@(\d+) and @(\d+) (?:\w+ ){0,2}?(?:per|in|of|on|for|inside|within|under)"
            r" (?:each |every |a |an |the |one )*@(\d+)",
            text,
        ):
            self._belong(int(found.group(1)), int(found.group(3)))
        for found in re.finditer(
            r"@(\d+) (?:\w+ ){0,2}?between (?:two|2|both|a pair of) @(\d+)", text
        ):
            self.add(Relation("pair", int(found.group(1)), int(found.group(2))))
        for found in re.finditer(
            r"@(\d+) (?:can be |are |is )?shared (?:with|between|among) "
            r"(?:other |their |its |the )?@(\d+)",
            text,
        ):
            if self.intent.entities[int(found.group(2))].person:
                self._m2m(int(found.group(1)), int(found.group(2)), verb="share")
        for found in re.finditer(
            r"(?:split|break|divide|cut|chunk) (?:up )?(?:each |every |the |a )?@(\d+) "
            r"(?:up )?into (?:\w+ )?@(\d+)",
            text,
        ):
            self._belong(int(found.group(2)), int(found.group(1)))
        for found in re.finditer(r"@(\d+) 's (?:\w+ )?@(\d+)", text):
            self._belong(int(found.group(2)), int(found.group(1)))
        for found in re.finditer(r"@(\d+) ,? ?(?:and )?(?:their|its) @(\d+)", text):
            self._belong(int(found.group(2)), int(found.group(1)))

    def _nominal_verbs(self) -> None:
        """ "people get invited to teams ... the invitations": the table
        named after the verb belongs to the verb's object."""
        for i, word in enumerate(self.tokens):
            if i in self.at or not word.endswith("ed") or len(word) < 6:
                continue
            target = self.mention_after(i + 1, limit=2)
            if target is None or self.tokens[i + 1] not in CONTAINERS:
                continue
            stem = word[:-2].rstrip("e")[:5]
            for index, entity in enumerate(self.intent.entities):
                if entity.key.lower().startswith(stem) and index != self.entity(target):
                    self._belong(index, self.entity(target))

    def _contained(self, found: re.Match[str]) -> None:
        child, parent = int(found.group(1)), int(found.group(2))
        middle = found.group(0)
        if child == parent:
            return
        entities = self.intent.entities
        words = middle.split()
        verb = next(
            (verb_lemma(w) for w in words[1:-1] if verb_lemma(w) in JOIN_VERBS), ""
        )
        if verb:
            return  # "students enrolled in classes" is a join, read by _verbs
        if words[-2] == "to" and entities[child].person:
            return
        if any(
            w in ("by", "with", "and", "or") or w in ZONE_TRIGGERS for w in words[1:-1]
        ):
            return
        if entities[child].person and words[-2] in ("for", "to", "from", "per"):
            return
        if words[-2] == "into" and re.search(
            r"\b(?:split|break|divide|cut)\b",
            " ".join(self.tokens[max(0, self.clause_start(0)) :]),
        ):
            return
        self._belong(child, parent)
