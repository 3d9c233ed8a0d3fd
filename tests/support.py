"""Test support: the fixture projects and the real `convex` package as oracle."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from convex_schema.reader import find_schema

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "schemas"
TSX = ROOT / "node_modules" / ".bin" / "tsx"


def fixture_projects() -> list[Path]:
    """The fixture projects, and the bundled example project."""
    projects = sorted(p for p in FIXTURES.iterdir() if p.is_dir())
    return [*projects, ROOT / "examples" / "blog"]


def fixture_schemas() -> list[Path]:
    return [find_schema(p).relative_to(ROOT) for p in fixture_projects()]


def run_oracle(paths: list[Path]) -> dict[Path, dict[str, object]]:
    """What the real `convex` package exports for each schema file."""
    if not TSX.exists() or shutil.which("node") is None:
        pytest.fail("the oracle needs node and `npm ci` (make test installs both)")
    output = subprocess.run(
        [str(TSX), "tools/export_schema.ts", *(str(ROOT / p) for p in paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    results: dict[Path, dict[str, object]] = {}
    for line in output.splitlines():
        record = json.loads(line)
        path = Path(record["path"])
        results[path if path.is_absolute() else ROOT / path] = record
    return results


def run_tsc(folder: Path, include: str) -> subprocess.CompletedProcess[str]:
    """`tsc --strict --noEmit` over `include` (a glob) under `folder`, with the
    module resolution Convex projects use."""
    config = folder / "tsconfig.json"
    config.write_text(
        json.dumps(
            {
                "compilerOptions": {
                    "strict": True,
                    "noEmit": True,
                    "target": "ES2022",
                    "module": "ESNext",
                    "moduleResolution": "Bundler",
                    "skipLibCheck": True,
                },
                "include": [include],
            }
        )
    )
    tsc = ROOT / "node_modules" / ".bin" / "tsc"
    return subprocess.run(
        [str(tsc), "-p", str(config)], capture_output=True, text=True, timeout=600
    )


# `convex/_generated/` as `npx convex dev` writes it, reduced to what
# function files import: typed builders and contexts over the schema.
GENERATED_SERVER = """\
import {
  actionGeneric, httpActionGeneric, internalActionGeneric,
  internalMutationGeneric, internalQueryGeneric, mutationGeneric, queryGeneric,
} from "convex/server";
import type {
  ActionBuilder, GenericActionCtx, GenericMutationCtx, GenericQueryCtx,
  HttpActionBuilder, MutationBuilder, QueryBuilder,
} from "convex/server";
import type { DataModel } from "./dataModel.js";
export const query: QueryBuilder<DataModel, "public"> = queryGeneric;
export const internalQuery: QueryBuilder<DataModel, "internal"> = internalQueryGeneric;
export const mutation: MutationBuilder<DataModel, "public"> = mutationGeneric;
export const internalMutation: MutationBuilder<DataModel, "internal"> =
  internalMutationGeneric;
export const action: ActionBuilder<DataModel, "public"> = actionGeneric;
export const internalAction: ActionBuilder<DataModel, "internal"> =
  internalActionGeneric;
export const httpAction: HttpActionBuilder = httpActionGeneric;
export type QueryCtx = GenericQueryCtx<DataModel>;
export type MutationCtx = GenericMutationCtx<DataModel>;
export type ActionCtx = GenericActionCtx<DataModel>;
"""
GENERATED_DATA_MODEL = """\
import type {
  DataModelFromSchemaDefinition,
  DocumentByName,
  TableNamesInDataModel,
} from "convex/server";
import schema from "../schema.js";
export type DataModel = DataModelFromSchemaDefinition<typeof schema>;
import type { GenericId } from "convex/values";
export type Id<TableName extends string> = GenericId<TableName>;
export type TableNames = TableNamesInDataModel<DataModel>;
export type Doc<TableName extends TableNames> = DocumentByName<
  DataModel,
  TableName
>;
"""


def write_generated(convex: Path) -> None:
    """Write the `_generated` stubs a typecheck of `convex/` needs: the
    server builders, the data model, and `api`/`internal` typed from every
    function module, the way `npx convex dev` types them."""
    folder = convex / "_generated"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "server.ts").write_text(GENERATED_SERVER)
    (folder / "dataModel.ts").write_text(GENERATED_DATA_MODEL)
    modules = sorted(
        p.relative_to(convex).with_suffix("").as_posix()
        for p in convex.rglob("*.ts")
        if p.relative_to(convex).parts[0] != "_generated"
        and p.name not in ("schema.ts", "convex.config.ts")
    )
    imports = "".join(
        f'import type * as m{i} from "../{name}.js";\n'
        for i, name in enumerate(modules)
    )
    members = "".join(f'  "{name}": typeof m{i};\n' for i, name in enumerate(modules))
    (folder / "api.ts").write_text(
        'import { anyApi } from "convex/server";\n'
        "import type { ApiFromModules, FilterApi, FunctionReference } from "
        '"convex/server";\n'
        + imports
        + "declare const fullApi: ApiFromModules<{\n"
        + members
        + "}>;\n"
        "export const api: FilterApi<typeof fullApi, "
        'FunctionReference<any, "public">> = anyApi as any;\n'
        "export const internal: FilterApi<typeof fullApi, "
        'FunctionReference<any, "internal">> = anyApi as any;\n'
    )
