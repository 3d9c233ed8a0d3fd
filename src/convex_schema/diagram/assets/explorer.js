// The schema explorer: tables as nodes, references as edges, a side panel.
// Written for convex-schema; the data comes from the JSON blob in the page.
(function () {
  "use strict";

  const started = performance.now();
  const data = JSON.parse(document.getElementById("explorer-data").textContent);
  const byName = new Map(data.tables.map((t) => [t.name, t]));
  const large = data.tables.length > 120;

  const $ = (id) => document.getElementById(id);
  const panel = $("panel");

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function elements() {
    const nodes = data.tables.map((t) => ({
      group: "nodes",
      data: {
        id: t.name,
        label: t.hotspots.length ? "⚠ " + t.name : t.name,
        kind: t.kind,
      },
      classes: [t.kind, ...t.hotspots.map((h) => "hot-" + h)].join(" "),
    }));
    const edges = data.references.map((r, i) => ({
      group: "edges",
      data: {
        id: "r" + i,
        source: r.source,
        target: r.target,
        label: r.path,
        cardinality: r.cardinality,
      },
      classes: r.cardinality,
    }));
    return nodes.concat(edges);
  }

  const style = [
    {
      selector: "node",
      style: {
        label: "data(label)",
        shape: "round-rectangle",
        width: (n) => 16 + 7 * n.data("label").length,
        height: 26,
        "background-color": "#eef3fb",
        "border-color": "#5b7db1",
        "border-width": 1.5,
        color: "#1b2a41",
        "font-size": 12,
        "text-valign": "center",
        "text-halign": "center",
        "min-zoomed-font-size": 6,
      },
    },
    { selector: "node.system", style: { "background-color": "#e6e6e6", "border-color": "#888" } },
    {
      selector: "node.missing",
      style: { "background-color": "#fdecec", "border-color": "#c0392b", "border-style": "dashed" },
    },
    { selector: "node.hot-limits", style: { "border-color": "#e08e0b", "border-width": 4 } },
    { selector: "node.hot-collect", style: { "border-color": "#8e44ad", "border-width": 4 } },
    {
      selector: "node.hot-filter",
      style: { "border-color": "#d62828", "border-width": 4, "background-color": "#fff0f0" },
    },
    {
      selector: "edge",
      style: {
        width: 1.4,
        "curve-style": large ? "straight" : "bezier",
        "line-color": "#9aaccc",
        "target-arrow-color": "#9aaccc",
        "target-arrow-shape": "triangle",
        "arrow-scale": 0.8,
        label: large ? "" : "data(label)",
        "font-size": 9,
        color: "#555",
        "text-background-color": "#fff",
        "text-background-opacity": 0.8,
        "min-zoomed-font-size": 8,
      },
    },
    { selector: "edge.many", style: { "target-arrow-shape": "triangle-tee", "line-style": "solid" } },
    { selector: "edge.zero_or_one", style: { "line-style": "dashed" } },
    { selector: "node:selected", style: { "background-color": "#ffe98a", "border-color": "#b58900", "z-index": 10 } },
    { selector: ".faded", style: { opacity: 0.15 } },
    { selector: "node.path", style: { "background-color": "#c9f2d0", "border-color": "#1e8e3e", "border-width": 4 } },
    { selector: "edge.path", style: { "line-color": "#1e8e3e", "target-arrow-color": "#1e8e3e", width: 3 } },
    { selector: "node.collapsed", style: { label: (n) => n.data("label") + " (+" + n.data("hidden") + ")" } },
  ];

  function layout(eles) {
    const count = eles.nodes().length;
    const options = count > 120
      ? { name: "cose", animate: false, numIter: 250, nodeRepulsion: () => 40000, nodeOverlap: 20, idealEdgeLength: () => 80, componentSpacing: 60, randomize: true }
      : { name: "cose", animate: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 90, padding: 30 };
    return eles.layout(options);
  }

  const cy = cytoscape({
    container: $("graph"),
    elements: elements(),
    style: style,
    layout: { name: "preset" },
    minZoom: 0.05,
    maxZoom: 4,
    textureOnViewport: large,
    hideEdgesOnViewport: large,
  });
  const state = { selected: null, depth: "all", collapsed: new Map() };

  window.explorer = { cy: cy, ready: false, firstRenderMs: null, select: select };
  const first = layout(cy.elements());
  first.one("layoutstop", () => {
    cy.fit(undefined, 30);
    cy.one("render", () => {
      window.explorer.firstRenderMs = Math.round(performance.now() - started);
      window.explorer.ready = true;
      document.body.dataset.ready = "true";
    });
    cy.forceRender();
  });
  first.run();

  // Search: a table name (or the only name starting with what was typed).
  const names = $("table-names");
  for (const t of data.tables) names.append(el("option", { value: t.name }));
  function find(text) {
    const wanted = text.trim().toLowerCase();
    if (!wanted) return null;
    const exact = data.tables.find((t) => t.name.toLowerCase() === wanted);
    if (exact) return exact.name;
    const starts = data.tables.filter((t) => t.name.toLowerCase().startsWith(wanted));
    if (starts.length === 1) return starts[0].name;
    const within = data.tables.filter((t) => t.name.toLowerCase().includes(wanted));
    return within.length ? within[0].name : null;
  }
  $("search").addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    const name = find(event.target.value);
    event.target.classList.toggle("not-found", name === null);
    if (name) select(name, true);
  });
  $("search").addEventListener("change", (event) => {
    if (byName.has(event.target.value)) select(event.target.value, true);
  });

  cy.on("tap", "node", (event) => select(event.target.id(), false));
  cy.on("tap", (event) => {
    if (event.target === cy) clearPath();
  });
  $("fit").addEventListener("click", () => cy.fit(cy.elements(":visible"), 30));
  $("reset").addEventListener("click", () => {
    state.depth = "all";
    $("depth").value = "all";
    state.collapsed.clear();
    cy.batch(() => {
      cy.elements().style("display", "element");
      cy.nodes().removeClass("collapsed");
    });
    clearPath();
    cy.fit(undefined, 30);
  });
  $("depth").addEventListener("change", (event) => {
    state.depth = event.target.value;
    applyFocus(true);
  });

  function select(name, center) {
    const node = cy.getElementById(name);
    if (node.empty()) return;
    state.selected = name;
    cy.$(":selected").unselect();
    node.select();
    clearPath();
    if (state.depth !== "all") applyFocus(true);
    else if (node.style("display") === "none") node.style("display", "element");
    if (center && state.depth === "all") cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1.5) }, { duration: 200 });
    showPanel(byName.get(name));
  }

  // Focus: only the tables within N references of the selected one.
  function applyFocus(relayout) {
    if (state.depth === "all" || !state.selected) {
      cy.elements().style("display", "element");
      return;
    }
    let shown = cy.getElementById(state.selected);
    for (let hop = 0; hop < Number(state.depth); hop++) shown = shown.union(shown.closedNeighborhood());
    cy.batch(() => {
      cy.elements().style("display", "none");
      shown.style("display", "element");
    });
    if (relayout) {
      cy.stop();
      const run = shown.layout({ name: "breadthfirst", roots: "#" + CSS.escape(state.selected), circle: true, animate: false, padding: 30, fit: true });
      run.run();
    }
  }

  // Collapse: hide the tables that are linked to nothing but this one.
  function toggleCollapse(name) {
    const node = cy.getElementById(name);
    if (state.collapsed.has(name)) {
      state.collapsed.get(name).style("display", "element");
      state.collapsed.delete(name);
      node.removeClass("collapsed");
    } else {
      const leaves = node.neighborhood("node").filter((n) => n.id() !== name && n.neighborhood("node").difference(n).every((m) => m.id() === name));
      const hidden = leaves.union(leaves.connectedEdges());
      hidden.style("display", "none");
      state.collapsed.set(name, hidden);
      node.data("hidden", leaves.length);
      node.addClass("collapsed");
    }
    showPanel(byName.get(name));
  }

  // A query path: the tables a function touches and the index it goes through.
  function showPath(table, use, row) {
    clearPath();
    const nodes = cy.collection();
    for (const name of new Set([table.name, ...use.tables])) nodes.merge(cy.getElementById(name));
    const edges = nodes.edgesWith(nodes);
    cy.batch(() => {
      cy.elements().addClass("faded");
      nodes.union(edges).removeClass("faded").addClass("path");
    });
    row.classList.add("active");
    for (const item of panel.querySelectorAll("[data-index]")) {
      item.classList.toggle("path-index", item.dataset.index === use.index);
    }
    $("path-note").textContent = use.function + " → " + table.name + (use.index ? " via " + use.index : use.scan ? " (scans the table, no index)" : "");
  }

  function clearPath() {
    cy.elements().removeClass("faded path");
    for (const item of panel.querySelectorAll(".active, .path-index")) item.classList.remove("active", "path-index");
    const note = $("path-note");
    if (note) note.textContent = "";
  }

  function section(title, items, empty, count) {
    const shown = count === undefined ? items.length : count;
    return el("section", {}, el("h3", {}, title, " ", el("span", { class: "count" }, shown)), items.length ? items : el("p", { class: "empty" }, empty));
  }

  function showPanel(table) {
    const refsOut = data.references.filter((r) => r.source === table.name);
    const refsIn = data.references.filter((r) => r.target === table.name);
    const usedBy = (index) => table.functions.filter((u) => u.index === index).length;
    const link = (name) => el("a", { href: "#", class: "table-link", onclick: (e) => { e.preventDefault(); select(name, true); } }, name);

    const fields = el("table", { class: "fields" }, table.fields.map((f) => el("tr", { class: f.system ? "system" : "" }, el("td", {}, f.name, f.optional ? "?" : ""), el("td", { class: "type" }, f.type))));
    const indexes = table.indexes.map((i) => el("li", { "data-index": i.name }, el("b", {}, i.name), " ", i.kind === "index" ? "" : "(" + i.kind + ") ", "[" + i.fields.join(", ") + "]", i.staged ? " staged" : "", data.analyzed ? el("span", { class: "uses" }, usedBy(i.name) + " uses") : null));
    const outgoing = refsOut.map((r) => el("li", {}, r.path, " → ", link(r.target), " ", el("span", { class: "card" }, r.cardinality)));
    const incoming = refsIn.map((r) => el("li", {}, link(r.source), ".", r.path, " ", el("span", { class: "card" }, r.cardinality)));
    const uses = table.functions.map((u) => {
      const row = el("li", { class: "query-path " + u.access + (u.scan ? " scan" : "") + (u.unbounded ? " unbounded" : ""), title: u.location, tabindex: "0" }, el("b", {}, u.function), " ", el("span", { class: "access" }, u.access), " ", el("code", {}, u.how), u.index ? el("span", { class: "via" }, " via " + u.index) : u.scan ? el("span", { class: "warn" }, " no index: scans") : null, u.unbounded ? el("span", { class: "warn" }, " unbounded") : null);
      row.addEventListener("click", () => showPath(table, u, row));
      return row;
    });
    const findings = table.findings.map((f) => el("li", { class: f.severity }, el("b", {}, f.code), " ", f.message, el("div", { class: "where" }, f.location)));
    const stats = table.stats
      ? el("dl", {}, el("dt", {}, "documents"), el("dd", {}, table.stats.documents.toLocaleString()), el("dt", {}, "document size max / p95"), el("dd", {}, (table.stats.sizeMax ?? "–") + " / " + (table.stats.sizeP95 ?? "–") + " bytes"), el("dt", {}, "longest array"), el("dd", {}, table.stats.longestArray ?? "–"))
      : el("p", { class: "empty" }, data.measured ? "not in the snapshot" : "no snapshot: run with --data SNAP");

    const hot = table.hotspots.map((h) => el("span", { class: "badge hot-" + h }, { filter: "scanned with .filter", collect: "unbounded .collect()", limits: "near limits" }[h]));
    const collapse = el("button", { type: "button", onclick: () => toggleCollapse(table.name) }, state.collapsed.has(table.name) ? "Expand" : "Collapse leaf tables");
    panel.replaceChildren(
      el("h2", {}, table.name),
      el("div", { class: "kind" }, table.kind === "table" ? "" : table.kind === "system" ? "system table" : "not in the schema", hot, collapse),
      el("p", { id: "path-note", class: "path-note" }),
      section("Fields", table.fields.length ? [fields] : [], "none known", table.fields.filter((f) => !f.system).length),
      section("Indexes", indexes, "no indexes"),
      section("References out", outgoing, "none"),
      section("References in", incoming, "none"),
      section("Functions", uses, data.analyzed ? "no function reads or writes it" : "no function files analyzed"),
      section("Findings", findings, "none"),
      el("section", {}, el("h3", {}, "Data"), stats),
    );
  }
})();
