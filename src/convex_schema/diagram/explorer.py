"""The explorer: one self-contained HTML file to search and click through.

The page carries its own JavaScript and CSS: the graph library (copied from
the pinned npm package into `assets/` by `make assets`), the explorer's own
script and style, and a JSON blob with what the tool knows of every table:
fields, indexes, references, the functions that read or write it and through
which index, findings, and data statistics when a snapshot was measured.
"""

from __future__ import annotations

import html
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from importlib import resources
from typing import TYPE_CHECKING, Any

from convex_schema.diagram.relations import Relation, TargetKind, find_relations
from convex_schema.diagram.types import SYSTEM_FIELDS, document_fields, type_text
from convex_schema.errors import ConvexSchemaError
from convex_schema.model import Index, Schema, SearchIndex, Table, VectorIndex

if TYPE_CHECKING:
    from convex_schema.analyze import Analysis
    from convex_schema.analyze.functions import Function, QueryChain

logger = logging.getLogger(__name__)

LIBRARY = "cytoscape.min.js"
WRITES = frozenset({"insert", "patch", "replace", "delete"})
# A table is "near limits" when its largest document or array reaches this
# share of Convex's limit (1 MiB per document, 8192 array elements).
NEAR_LIMIT = 0.5
ARRAY_LIMIT = 8192


class ExplorerAssetMissing(ConvexSchemaError):
    """The graph library was not copied next to the explorer's own assets."""


def explorer_data(
    schema: Schema,
    analysis: Analysis | None = None,
    profile: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What the page shows, as JSON: tables, references, usage and statistics."""
    relations = find_relations(schema)
    usage = _usage(analysis) if analysis is not None else {}
    findings = _findings(analysis) if analysis is not None else {}
    stats = {t["table"]: t for t in (profile or {}).get("tables", [])}

    tables = [
        _table(t, usage.get(t.name, []), findings.get(t.name, []), stats.get(t.name))
        for t in schema.tables
    ]
    tables += _referenced_only(relations)
    logger.info("explorer data: %d tables, %d references", len(tables), len(relations))
    return {
        "tables": tables,
        "references": [r.to_json() for r in relations],
        "analyzed": analysis is not None,
        "measured": profile is not None,
    }


def render_explorer(data: dict[str, Any], title: str) -> str:
    """The HTML page, its script, style and data inlined."""
    library = _asset(LIBRARY)
    script = _asset("explorer.js")
    style = _asset("explorer.css")
    blob = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return _PAGE.format(
        title=html.escape(title),
        style=style,
        data=_script_safe(blob),
        library=_script_safe(library),
        script=_script_safe(script),
    )


def _asset(name: str) -> str:
    path = resources.files("convex_schema.diagram") / "assets" / name
    if not path.is_file():
        raise ExplorerAssetMissing(
            f"the explorer's asset {name} is missing from the package: "
            "run `make assets` (it copies the pinned graph library from "
            "node_modules after `npm ci`)"
        )
    return path.read_text(encoding="utf-8")


def _script_safe(text: str) -> str:
    """Text that cannot close the `<script>` element it sits in."""
    return text.replace("</", "<\\/")


def _table(
    table: Table,
    usage: list[dict[str, Any]],
    findings: list[dict[str, Any]],
    stats: dict[str, Any] | None,
) -> dict[str, Any]:
    fields = [
        {"name": f.name, "type": type_text(f.validator), "optional": f.optional}
        for f in document_fields(table)
    ]
    system = [
        {"name": f.name, "type": "Id" if f.name == "_id" else "number"}
        for f in SYSTEM_FIELDS
    ]
    return {
        "name": table.name,
        "kind": "table",
        "fields": [{**f, "optional": False, "system": True} for f in system] + fields,
        "indexes": [_index(i) for i in table.indexes],
        "functions": usage,
        "findings": findings,
        "stats": _stats(stats),
        "hotspots": _hotspots(usage, stats),
    }


def _index(index: Index | SearchIndex | VectorIndex) -> dict[str, Any]:
    if isinstance(index, SearchIndex):
        kind, fields = "search", (index.search_field, *index.filter_fields)
    elif isinstance(index, VectorIndex):
        kind, fields = "vector", (index.vector_field, *index.filter_fields)
    else:
        kind, fields = "index", index.fields
    return {
        "name": index.name,
        "kind": kind,
        "fields": list(fields),
        "staged": index.staged,
    }


def _referenced_only(relations: Iterable[Relation]) -> list[dict[str, Any]]:
    """Nodes for the system tables and missing tables that references reach."""
    kinds = {
        r.target: str(r.target_kind)
        for r in relations
        if r.target_kind is not TargetKind.TABLE
    }
    return [
        {"name": name, "kind": kinds[name], "fields": [], "indexes": []}
        | {"functions": [], "findings": [], "stats": None, "hotspots": []}
        for name in sorted(kinds)
    ]


def _usage(analysis: Analysis) -> dict[str, list[dict[str, Any]]]:
    """For each table, how each function reads or writes it."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for function in analysis.project.functions:
        touched = _touched(function)
        for chain in function.reach.queries:
            if chain.table is not None:
                out[chain.table].append(_query(function, chain, touched))
        for call in function.reach.calls:
            table = call.table or call.id_table
            if call.kind != "db" or table is None:
                continue
            access = "write" if call.name in WRITES else "read"
            out[table].append(
                _entry(function, touched, access, f"db.{call.name}", "_id")
                | {"location": str(call.span)}
            )
    return out


def _touched(function: Function) -> list[str]:
    tables = {q.table for q in function.reach.queries if q.table}
    tables |= {
        c.table or c.id_table or ""
        for c in function.reach.calls
        if c.kind == "db" and (c.table or c.id_table)
    }
    return sorted(tables)


def _query(function: Function, chain: QueryChain, touched: list[str]) -> dict[str, Any]:
    index = chain.index or chain.search_index
    scan = "filter" if chain.filters and index is None else None
    steps = ["db.query"]
    if chain.search_index:
        steps.append(f"withSearchIndex({chain.search_index})")
    elif chain.index:
        steps.append(f"withIndex({chain.index})")
    steps += ["filter"] * len(chain.filters)
    if chain.terminal:
        steps.append(chain.terminal)
    entry = _entry(function, touched, "read", ".".join(steps), index)
    return entry | {
        "location": str(chain.span),
        "scan": scan,
        "unbounded": chain.terminal == "collect",
    }


def _entry(
    function: Function, touched: list[str], access: str, how: str, index: str | None
) -> dict[str, Any]:
    return {
        "function": function.name,
        "kind": function.kind,
        "access": access,
        "how": how,
        "index": index,
        "tables": touched,
        "scan": None,
        "unbounded": False,
    }


def _findings(analysis: Analysis) -> dict[str, list[dict[str, Any]]]:
    """Findings that name a table, by that table."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in analysis.findings:
        table = (finding.data or {}).get("table")
        if isinstance(table, str):
            out[table].append(
                {
                    "code": finding.code,
                    "severity": finding.severity.label,
                    "message": finding.message,
                    "location": finding.location(),
                }
            )
    return out


def _stats(stats: dict[str, Any] | None) -> dict[str, Any] | None:
    if stats is None:
        return None
    arrays = [
        f["arrayLength"]["max"] for f in stats.get("fields", []) if f.get("arrayLength")
    ]
    size = stats.get("documentSize") or {}
    return {
        "documents": stats.get("documents", 0),
        "sizeMax": size.get("max"),
        "sizeP95": size.get("p95"),
        "sizeLimit": stats.get("documentSizeLimit"),
        "longestArray": max(arrays, default=None),
    }


def _hotspots(usage: list[dict[str, Any]], stats: dict[str, Any] | None) -> list[str]:
    found = []
    if any(u["scan"] == "filter" for u in usage):
        found.append("filter")
    if any(u["unbounded"] for u in usage):
        found.append("collect")
    if stats is not None and _near_limits(_stats(stats) or {}):
        found.append("limits")
    return found


def _near_limits(stats: dict[str, Any]) -> bool:
    size, limit = stats.get("sizeMax"), stats.get("sizeLimit")
    if size and limit and size >= NEAR_LIMIT * limit:
        return True
    longest = stats.get("longestArray")
    return bool(longest and longest >= NEAR_LIMIT * ARRAY_LIMIT)


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{style}
</style>
</head>
<body>
<header>
  <h1>{title}</h1>
  <input id="search" list="table-names" placeholder="Find a table…"
         autocomplete="off" aria-label="Find a table">
  <datalist id="table-names"></datalist>
  <label>Focus
    <select id="depth" aria-label="Hops around the selected table">
      <option value="all">all tables</option>
      <option value="1">1 hop</option>
      <option value="2">2 hops</option>
      <option value="3">3 hops</option>
    </select>
  </label>
  <button id="fit" type="button">Fit</button>
  <button id="reset" type="button">Show all</button>
  <span class="legend">
    <span class="swatch scan"></span>scan (.filter, no index)
    <span class="swatch collect"></span>unbounded .collect()
    <span class="swatch limits"></span>near limits
  </span>
</header>
<main>
  <div id="graph"></div>
  <aside id="panel"><p class="hint">Click a table, or find one by name.</p></aside>
</main>
<script type="application/json" id="explorer-data">{data}</script>
<script>
{library}
</script>
<script>
{script}
</script>
</body>
</html>
"""
