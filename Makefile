# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# The explorer's graph library, copied from the pinned npm package (not committed).
ASSETS := src/convex_schema/diagram/assets/cytoscape.min.js

.PHONY: demo test lint typecheck pytest install node assets bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP)

node: $(NODE_STAMP)

$(ASSETS): $(NODE_STAMP)
	cp node_modules/cytoscape/dist/cytoscape.min.js $@

assets: $(ASSETS)

demo: $(STAMP) $(ASSETS)
	$(BIN)/convex-schema --project examples/blog show
	$(BIN)/convex-schema --project examples/blog check
	@echo "--- the example's data, checked against its schema (4 planted problems):"
	-$(BIN)/convex-schema --project examples/blog validate --data examples/blog/snapshot.zip
	$(BIN)/convex-schema --project examples/blog profile --data examples/blog/snapshot.zip --unique users.email --unique posts.slug
	@echo "--- the example's schema and functions reviewed together (findings, index suggestions, score):"
	-$(BIN)/convex-schema --project examples/blog analyze --suggestions --data examples/blog/snapshot.zip
	@echo "--- its ER diagram (Mermaid) and Markdown documentation:"
	$(BIN)/convex-schema --project examples/blog diagram --format mermaid
	$(BIN)/convex-schema --project examples/blog docs --out out/blog-docs --data examples/blog/snapshot.zip
	@echo "--- the interactive explorer (one HTML file, works offline):"
	$(BIN)/convex-schema --project examples/blog diagram --format html --data examples/blog/snapshot.zip --out out/blog-explorer.html
	@echo "open file://$(CURDIR)/out/blog-explorer.html in a browser"
	@echo "--- a new schema from plain English, with the reasoning:"
	$(BIN)/convex-schema design "I need a blog system with posts, authors, and comments" --explain

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) $(NODE_STAMP) $(ASSETS)
	$(BIN)/pytest

bench: $(STAMP) $(NODE_STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/read.py
	$(BIN)/python benchmarks/validate.py
	$(BIN)/python benchmarks/migrate.py
	$(BIN)/python benchmarks/analyze.py
	$(BIN)/python benchmarks/explorer.py
	$(BIN)/python benchmarks/assistant.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
