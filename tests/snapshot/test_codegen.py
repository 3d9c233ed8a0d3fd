"""The generated document checks agree with the closure checks they speed up."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from convex_schema.model import (
    AnyV,
    ArrayV,
    BooleanV,
    BytesV,
    Field,
    Float64V,
    Int64V,
    LiteralV,
    NullV,
    ObjectV,
    RecordV,
    StringV,
    UnionV,
    Validator,
)
from convex_schema.snapshot.checker import IdTables, compile_check
from convex_schema.snapshot.codegen import compile_document

names = st.sampled_from(["a", "b", "kind", "c"])
literals = st.one_of(
    st.sampled_from(["x", "y", "z"]).map(LiteralV),
    st.integers(-2, 2).map(LiteralV),
    st.sampled_from([0.0, -0.0, 1.5, float("nan")]).map(LiteralV),
    st.booleans().map(LiteralV),
)
scalars = st.sampled_from(
    [StringV(), Float64V(), Int64V(), BooleanV(), NullV(), BytesV(), AnyV()]
)


def _object(children: st.SearchStrategy[Validator]) -> st.SearchStrategy[Validator]:
    fields = st.lists(st.tuples(names, children, st.booleans()), max_size=3)
    return fields.map(
        lambda items: ObjectV(
            tuple(
                Field(n, v, o)
                for n, v, o in {n: (n, v, o) for n, v, o in items}.values()
            )
        )
    )


validators = st.recursive(
    st.one_of(scalars, literals),
    lambda inner: st.one_of(
        inner.map(ArrayV),
        _object(inner),
        st.lists(inner, max_size=4).map(lambda ms: UnionV(tuple(ms))),
        inner.map(lambda v: RecordV(StringV(), v)),
    ),
    max_leaves=6,
)
values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-2, 2),
        st.sampled_from([0.0, -0.0, 1.5, float("nan")]),
        st.sampled_from(["x", "y", "z", ""]),
        st.binary(max_size=2),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(list(string.ascii_lowercase[:3]) + ["kind"]),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=6,
)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(validator=validators, value=values)
def test_generated_check_agrees_with_closure_check(
    validator: Validator, value: Any
) -> None:
    ids = IdTables({}, known=False)
    assert compile_document(validator, ids)(value) == compile_check(validator, ids)(
        value
    )


def test_discriminated_union_dispatch() -> None:
    members = tuple(
        ObjectV((Field("kind", LiteralV(k)), Field("n", Int64V()))) for k in "abc"
    )
    check = compile_document(UnionV(members), IdTables({}, known=False))
    assert check({"kind": "b", "n": 1})
    assert not check({"kind": "b", "n": 1.0})
    assert not check({"kind": "d", "n": 1})
    assert not check({"n": 1})


def test_deep_validators_compile() -> None:
    validator: Validator = Int64V()
    value: Any = 1
    for _ in range(40):
        validator = ArrayV(ObjectV((Field("a", validator), Field("b", StringV()))))
        value = [{"a": value, "b": "x"}]
    ids = IdTables({}, known=False)
    check = compile_document(validator, ids)
    assert check(value)
    assert not check([{"a": value, "b": 1}])
    assert check(value) == compile_check(validator, ids)(value)
