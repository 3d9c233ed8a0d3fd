"""The pattern library as package data, and the word-level helpers the
engine builds on."""

from __future__ import annotations

import pytest

from convex_schema.assistant.attributes import attribute
from convex_schema.assistant.lexicon import detect_domain, normalize
from convex_schema.assistant.patterns import (
    domains_folder,
    index_name,
    load_library,
    parse_type,
    to_validator,
)
from convex_schema.assistant.words import plural, singular, table_name
from convex_schema.model import ArrayV, Float64V, IdV, LiteralV, ObjectV, UnionV


def test_the_library_ships_with_the_package() -> None:
    library = load_library()

    assert len(library.domains) == len(list(domains_folder().glob("*.toml"))) >= 45
    assert load_library() is library  # read once per process
    for domain in library.domains:
        for table in domain.tables:
            for item in table.fields:
                assert to_validator(item.type) is not None


def test_types_become_validators() -> None:
    assert to_validator(parse_type("array:number")) == ArrayV(Float64V())
    assert to_validator(parse_type("id:users")) == IdV("users")
    assert to_validator(parse_type("literals:a,b")) == UnionV(
        (LiteralV("a"), LiteralV("b"))
    )
    assert to_validator(parse_type("literals:a")) == LiteralV("a")
    assert isinstance(to_validator(parse_type("object:{a:string;b?:number}")), ObjectV)


def test_index_names_follow_the_convention() -> None:
    assert index_name(["authorId"], {"authorId"}) == "by_author"
    assert index_name(["status", "publishedAt"], set()) == "by_status_and_publishedAt"


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("an online store", "ecommerce"),
        ("e-comerce site with products", "ecommerce"),
        ("resturant ordering system", "restaurant"),
        ("something like a mini reddit", "forum"),
        ("Slack-like chat app", "chat"),
        ("clinic appointment system: patients, doctors, appointments", "clinic"),
        ("a plant nursery: plants and greenhouses", None),
        ("fitness studio: instructors teach classes", None),
    ],
)
def test_domains_are_found_by_name_brand_or_close_spelling(
    text: str, domain: str | None
) -> None:
    found = detect_domain(normalize(text), load_library())

    assert (found.domain.name if found else None) == domain


@pytest.mark.parametrize(
    ("word", "one", "many"),
    [
        ("categories", "category", "categories"),
        ("quizzes", "quiz", "quizzes"),
        ("addresses", "address", "addresses"),
        ("people", "person", "people"),
        ("status", "status", "statuses"),
        ("matches", "match", "matches"),
    ],
)
def test_singular_and_plural(word: str, one: str, many: str) -> None:
    assert singular(word) == one
    assert plural(one) == many


def test_table_names_are_plural_camel_case() -> None:
    assert table_name(("order", "items")) == "orderItems"
    assert table_name(("watering", "log")) == "wateringLogs"


@pytest.mark.parametrize(
    ("words", "name", "kind"),
    [
        (("due", "date"), "dueAt", "number"),
        (("price",), "priceCents", "number"),
        (("resume", "file"), "resume", "id:_storage"),
        (("profile", "picture"), "profilePicture", "id:_storage"),
        (("phone", "number"), "phone", "string"),
        (("email", "addresses"), "email", "string"),
        (("embeddings",), "embedding", "array:number"),
        (("published",), "published", "boolean"),
        (("arbitrary", "properties"), "properties", "record:string:any"),
    ],
)
def test_fields_from_words(words: tuple[str, ...], name: str, kind: str) -> None:
    found = attribute(words)

    assert found is not None
    assert (found.name, found.type) == (name, kind)
