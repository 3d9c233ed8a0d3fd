"""The engine on prompts reworded from the evaluation set, scored against the
same expectations: the rules must not depend on the set's exact wording.
These rewordings were written after the rules, as a check on them."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from scorer import check, score

from convex_schema.assistant.editing import edit
from convex_schema.assistant.engine import design
from convex_schema.model import Schema
from convex_schema.reader import read_schema

PROMPTS = Path(__file__).with_name("prompts.toml")
BAR = 0.9

# (evaluation prompt whose expectations apply, a rewording of it)
DESIGNS = [
    (
        "design-blog-1",
        "build me a blogging app: articles, writers and comments on articles",
    ),
    (
        "design-ecommerce-1",
        "webshop with products in categories, customers, orders and order lines",
    ),
    (
        "design-chat-1",
        "a slack clone - workspaces have channels, channels have messages",
    ),
    (
        "design-saas-1",
        "saas app with organizations; users are members of organizations with a role "
        "(admin or member); each organization has many projects",
    ),
    (
        "design-lms-1",
        "course platform where a course has many lessons in order, students enroll in "
        "courses and lesson progress is tracked",
    ),
    (
        "design-crm-1",
        "a crm: companies, contacts at companies, deals with a stage of lead, "
        "qualified, proposal, won or lost",
    ),
    (
        "design-pm-1",
        "task tracker: projects contain tasks; a task has an assignee and a due date",
    ),
    (
        "design-social-1",
        "twitter-like social app where users can follow other users, post and like "
        "posts",
    ),
    ("design-forum-1", "stackoverflow clone with questions, answers and votes"),
    (
        "design-todo-2",
        "todo app with several lists, each list has items with an optional due date, "
        "sorted manually",
    ),
    (
        "design-booking-1",
        "salon booking: stylists offer services (each with a duration and price) and "
        "customers book appointments with a start time",
    ),
    (
        "design-hr-1",
        "org chart: departments and employees, employees report to a manager who is "
        "another employee",
    ),
    ("design-iot-1", "telemetry for devices that push sensor readings"),
    ("design-url-1", "link shortener that counts clicks"),
    (
        "design-entities-plants",
        "greenhouse app: greenhouses have plants; each plant has many watering logs",
    ),
    (
        "design-entities-teams",
        "teams and users with a many to many relationship; each membership has a "
        "role: owner, admin or member",
    ),
    (
        "design-entities-users",
        "a users table: email must be unique, phone is optional, add timestamps and "
        "soft deletes",
    ),
    (
        "design-entities-products",
        "products: name, sku (unique), price, optional searchable description",
    ),
    (
        "design-entities-orders",
        "customers place orders; orders have a status (pending, paid, shipped) and "
        "many order lines",
    ),
    (
        "design-entities-fleet",
        "trucks with drivers assigned to them, and service records for each truck "
        "with a cost in cents",
    ),
    (
        "design-ai-2",
        "retrieval app storing text chunks with embeddings of 768 dimensions, "
        "filtered by user",
    ),
    (
        "design-recipes-1",
        "a recipe sharing site with recipes, ingredients and ordered steps",
    ),
    ("design-polls-1", "polling app: polls have options; users vote once per poll"),
    (
        "design-finance-1",
        "personal budget app with accounts, categorized transactions and monthly "
        "budgets, all amounts in cents",
    ),
    (
        "design-chat-2",
        "chat app; messages support threads (replies to a message) and people can "
        "react with emojis",
    ),
    (
        "design-chat-3",
        "discord clone with servers, text channels in each server, and server members "
        "with a role (owner, admin, member)",
    ),
    ("design-saas-2", "users are invited to teams via email; invitations expire"),
    (
        "design-helpdesk-1",
        "zendesk clone: tickets (priority low, normal, high or urgent) assigned to "
        "agents; tickets have replies",
    ),
    (
        "design-pm-2",
        "trello clone with boards, lists on boards, and cards in lists sorted by "
        "position",
    ),
    (
        "design-pm-3",
        "issue tracker: issues can have sub-issues, labels are many to many with "
        "issues, status is todo, in_progress or done",
    ),
    (
        "design-social-2",
        "a twitter clone with tweets, replies to tweets and usernames that must be "
        "unique",
    ),
    (
        "design-recipes-2",
        "recipes and ingredients are many-to-many (with a quantity per ingredient); "
        "users can favorite recipes",
    ),
    (
        "design-booking-1",
        "hair salon appointments: stylists, services with duration and price, "
        "appointments that start at a time",
    ),
    (
        "design-calendar-1",
        "team calendar with events; attendees can accept or decline; events may repeat",
    ),
    (
        "design-hr-2",
        "leave request tracking for employees with status pending, approved, rejected",
    ),
    (
        "design-jobs-1",
        "jobs board where companies publish jobs and candidates apply by uploading a "
        "resume",
    ),
    ("design-fitness-2", "running app: track runs with distance, duration, per user"),
    (
        "design-music-1",
        "music streaming like spotify: artists have albums, albums have tracks, users "
        "make playlists of tracks in order",
    ),
    (
        "design-photo-1",
        "instagram-like app: photo posts (file + caption), likes and followers",
    ),
    (
        "design-ai-1",
        "AI support bot: conversations with messages (role user or assistant) plus a "
        "knowledge base of documents with 1536-dim embeddings",
    ),
    (
        "design-wiki-2",
        "a note taking app, notes belong to users, full text search on notes",
    ),
    (
        "design-drive-1",
        "dropbox clone: nested folders, uploaded files, files shared with users as "
        "viewer or editor",
    ),
    (
        "design-auction-1",
        "ebay-style auctions: items have a reserve price and end time; bids in cents",
    ),
    (
        "design-entities-conference",
        "call for papers site: speakers submit proposals, reviewers score each "
        "submission, accepted ones become talks in rooms",
    ),
    (
        "design-entities-vet",
        "veterinary practice: pet owners, pets, visits, and vaccinations recorded at "
        "each visit",
    ),
    (
        "design-entities-comments",
        "embeddable comments for my website: pages identified by url, comments with "
        "replies, and a moderation status of pending, approved or spam",
    ),
]
EDITS = [
    (
        "edit-blog-avatars-unique-email",
        "users need an avatar, and emails have to be unique",
    ),
    ("edit-blog-nested-replies", "allow replies to comments"),
    ("edit-blog-rename-body", "posts.body should be called content"),
    ("edit-blog-drop-createdAt", "remove createdAt from posts"),
    (
        "edit-blog-status",
        "posts: swap the published boolean for a status that can be draft, published "
        "or archived",
    ),
    ("edit-blog-tags", "add tags to posts, many to many"),
    ("edit-blog-slug", "posts get a unique slug"),
    ("edit-shop-cents", "prices on products should be stored in cents"),
    (
        "edit-shop-order-items",
        "order items should live in their own table instead of an array on orders",
    ),
    ("edit-shop-rename-customers", "rename customers to users"),
    ("edit-shop-unique-email", "make the customer email unique"),
    ("edit-shop-phone-required", "make phone required on customers"),
    ("edit-chat-channel-index", "I want to fetch messages by channel"),
    ("edit-chat-threads", "support threaded replies on messages"),
    ("edit-chat-rename-text", "rename messages.text to body"),
    ("edit-chat-search", "full text search on messages, filtered by channel"),
    ("edit-chat-drop-sentAt", "drop sentAt from messages"),
    ("edit-tasks-subtasks", "allow subtasks"),
    ("edit-tasks-comments", "add comments to tasks"),
    ("edit-tasks-tags", "add tags to tasks (many-to-many)"),
    ("edit-tasks-rename-projects", "projects should be called boards"),
    ("edit-saas-rename-invites", "rename the invites table to invitations"),
    ("edit-saas-role-enum", "member role should be admin, editor or viewer"),
    ("edit-support-drop-url", "remove url from documents"),
    ("edit-support-search", "make message content searchable"),
    (
        "edit-support-embeddings",
        "documents need 1536-dimensional embeddings with a vector index",
    ),
]


@pytest.fixture(scope="module")
def prompts() -> dict[str, Any]:
    with PROMPTS.open("rb") as handle:
        data = tomllib.load(handle)
    return data


@pytest.fixture(scope="module")
def bases(
    prompts: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Schema]:
    folder = tmp_path_factory.mktemp("bases")
    out = {}
    for name, base in prompts["bases"].items():
        path = folder / f"{name}.ts"
        path.write_text(base["ts"])
        out[name] = read_schema(path, root=folder).schema
    return out


@pytest.mark.parametrize("kind", ["design", "edit"])
def test_rewordings_score_as_well(
    kind: str, prompts: dict[str, Any], bases: dict[str, Schema]
) -> None:
    by_id = {p["id"]: p for p in prompts["prompt"]}
    lines, values = [], []
    for prompt_id, text in DESIGNS if kind == "design" else EDITS:
        prompt = by_id[prompt_id]
        if kind == "design":
            data = design(text).to_json()
        else:
            data = edit(text, bases[prompt["base"]]).to_json()
        value = score(prompt["expect"], data)
        values.append(value)
        missed = [f"{k} {i}" for k, i, met in check(prompt["expect"], data) if not met]
        lines.append(f"{value:.2f} {prompt_id}: {text} {missed}")
    mean = sum(values) / len(values)

    assert mean >= BAR, f"mean {mean:.3f}\n" + "\n".join(sorted(lines))
