"""Look of the pyvis pages: colours, shapes, edge styles, fonts, layouts, legend, page shell.

Kept apart from :mod:`kg.viz` (which decides *what* is drawn) so the legend is made from
the very tables that style the nodes and edges, and cannot drift from them.
"""
from __future__ import annotations

import html
import json
from typing import Any, Iterable

# Canvas labels and the HTML overlays both use this stack. The first two ship with Debian
# (fonts-noto-cjk, fonts-wqy-microhei); the next three cover macOS/Windows viewers.
FONT_STACK = (
    '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Source Han Sans SC", '
    '"Microsoft YaHei", "PingFang SC", sans-serif'
)

# kind -> how a node of that kind looks. `label_max` is the number of characters kept on the
# node; the full text is in the tooltip. Font sizes fall with the kind's rank but none is below
# 14 px, so that at the page's opening zoom (LEGIBLE_PX / 14) every label is at least 10 px.
_STYLE_FIELDS = ("name", "shape", "bg", "border", "font", "size", "font_size", "label_max")
NODE_STYLES: dict[str, dict[str, Any]] = {kind: dict(zip(_STYLE_FIELDS, row)) for kind, row in {
    "document": ("文件 document", "box", "#1f3b73", "#10213f", "#ffffff", 30, 20, 20),
    "section": ("部分 section", "box", "#5b84c4", "#3c5f96", "#ffffff", 22, 17, 14),
    "action": ("行动 action", "ellipse", "#f4a261", "#c7773a", "#222222", 20, 15, 16),
    "task": ("任务 task", "square", "#e9c46a", "#b8952f", "#333333", 8, 14, 14),
    "organization": ("单位 organization", "dot", "#2a9d8f", "#1b6b61", "#12403a", 12, 14, 18),
    "collective": ("集合单位 collective", "hexagon", "#9b7fd1", "#6a52a0", "#3b2a63", 12, 14, 18),
    "target": ("目标 target", "diamond", "#6a994e", "#3f6130", "#2d4a22", 8, 14, 12),
}.items()}
# A document's title is written whole in column layouts: DOC_LINES lines of DOC_WRAP characters.
DOC_WRAP, DOC_LINES = 12, 4
# Smallest label size, in screen pixels, a page may open at (it zooms no further out than that).
LEGIBLE_PX = 10.0
# Height of a label line per pixel of font, as vis-network draws it (measured in Chromium).
LINE_HEIGHT = 1.15
# The toggles a page offers, in order: items carrying `layer` = key.
LAYERS: dict[str, str] = {"target": "目标 targets", "align": "对应 alignments", "配合": "配合 edges"}
KIND_ORDER = ["document", "section", "action", "task", "organization", "collective", "target"]

# (role, qualifier) -> edge look. LEADS is solid and heavier whatever its qualifier.
EDGE_STYLES: dict[str, dict[str, Any]] = {
    "LEADS": {"name": "牵头 LEADS", "color": "#c0392b", "width": 3.2, "dashes": False, "css": "solid", "px": 4},
    "负责": {"name": "负责 RESPONSIBLE_FOR", "color": "#34495e", "width": 1.3, "dashes": False, "css": "solid", "px": 2},
    "配合": {"name": "配合 RESPONSIBLE_FOR", "color": "#6c7a89", "width": 1.3, "dashes": [8, 5], "css": "dashed", "px": 2},
    "指导": {"name": "指导 RESPONSIBLE_FOR", "color": "#8e44ad", "width": 1.5, "dashes": [2, 4], "css": "dotted", "px": 3},
    "part": {"name": "包含 part of", "color": "#b9bec6", "width": 1.0, "dashes": False, "css": "solid", "px": 1},
    "target": {"name": "目标 has target", "color": "#8fb573", "width": 1.0, "dashes": False, "css": "solid", "px": 1},
    "align": {"name": "对应 aligns with", "color": "#7b93b5", "width": 1.8, "dashes": [10, 6], "css": "dashed",
              "px": 2},
}
EDGE_ORDER = ["LEADS", "负责", "配合", "指导", "part", "target", "align"]

RANDOM_SEED = 20240601


def edge_style_key(role: str, qualifier: str) -> str:
    """LEADS by role; RESPONSIBLE_FOR by its qualifier (a stray 牵头 qualifier draws as 负责)."""
    if role == "LEADS":
        return "LEADS"
    return qualifier if qualifier in ("配合", "指导") else "负责"


def node_visual(kind: str, *, center: bool = False) -> dict[str, Any]:
    """vis-network node options for a kind; a view's centre gets a thicker border and more size."""
    s = NODE_STYLES[kind]
    color = {"background": s["bg"], "border": s["border"],
             "highlight": {"background": s["bg"], "border": "#e63946"},
             "hover": {"background": s["bg"], "border": "#e63946"}}
    out: dict[str, Any] = {
        "shape": s["shape"], "color": color, "size": s["size"] * (1.6 if center else 1),
        "borderWidth": 4 if center else 1.5,
        "font": {"face": FONT_STACK, "size": s["font_size"] + (4 if center else 0), "color": s["font"]},
    }
    if s["shape"] in ("box", "ellipse"):
        out["margin"] = 8
    else:
        out["font"]["strokeWidth"] = 3
        out["font"]["strokeColor"] = "#ffffff"
    return out


def edge_visual(key: str, *, faint: bool = False) -> dict[str, Any]:
    """vis-network edge options for an edge style key (see EDGE_STYLES); faint = context only."""
    s = EDGE_STYLES[key]
    out: dict[str, Any] = {"color": {"color": s["color"], "highlight": "#e63946", "hover": "#e63946",
                                     "opacity": 0.3 if faint else 1.0},
                           "width": s["width"], "dashes": s["dashes"]}
    if key in ("part", "target"):
        out["arrows"] = {"to": {"enabled": False}}
    else:
        out["arrows"] = {"to": {"enabled": True, "scaleFactor": 0.6}}
    return out


def vis_options(layout: str, n_nodes: int) -> dict[str, Any]:
    """Options for vis.Network: fixed positions for layered views (document, whole), tuned
    forceAtlas2 for the rest, which runs a bounded stabilisation; the page then switches
    physics off so nothing drifts.
    """
    interaction = {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": n_nodes > 400,
                   "navigationButtons": False, "keyboard": False, "multiselect": False}
    edges: dict[str, Any] = {"selectionWidth": 1.5, "hoverWidth": 0.8}
    if layout == "layered":
        edges["smooth"] = {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal",
                           "roundness": 0.45}
        return {
            # Every node carries its x and y (kg.viz_layout): the page is settled once drawn.
            "layout": {"randomSeed": RANDOM_SEED, "improvedLayout": False},
            "physics": {"enabled": False},
            "interaction": interaction,
            "edges": edges,
        }
    edges["smooth"] = {"enabled": True, "type": "continuous", "roundness": 0.3}
    iterations = 1000 if n_nodes <= 300 else 600 if n_nodes <= 900 else 350
    return {
        "layout": {"randomSeed": RANDOM_SEED, "improvedLayout": n_nodes <= 150},
        "physics": {"enabled": True, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -70, "centralGravity": 0.012,
                                         "springLength": 110, "springConstant": 0.06,
                                         "damping": 0.55, "avoidOverlap": 1.0},
                    "maxVelocity": 60, "minVelocity": 1.0, "timestep": 0.45,
                    "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 50,
                                      "fit": True}},
        "interaction": interaction,
        "edges": edges,
    }


def _swatch(kind: str) -> str:
    s = NODE_STYLES[kind]
    shape = {"box": "border-radius:3px;width:22px;height:13px",
             "ellipse": "border-radius:50%;width:24px;height:14px",
             "square": "width:11px;height:11px;margin:0 6px",
             "diamond": "width:10px;height:10px;margin:0 7px;transform:rotate(45deg)",
             "dot": "border-radius:50%;width:14px;height:14px;margin:0 4px",
             "hexagon": "width:16px;height:15px;margin:0 3px;"
                        "clip-path:polygon(25% 0,75% 0,100% 50%,75% 100%,25% 100%,0 50%)"}[s["shape"]]
    return (f'<span class="kg-sw" style="{shape};background:{s["bg"]};'
            f'border:1px solid {s["border"]}"></span>')


def legend_html() -> str:
    """The legend overlay, built from NODE_STYLES and EDGE_STYLES (all constant text)."""
    rows = ['<div class="kg-lg-h">图例 Legend</div>']
    for kind in KIND_ORDER:
        rows.append(f'<div class="kg-lg-r" data-kind="{kind}">{_swatch(kind)}'
                    f'<span>{html.escape(NODE_STYLES[kind]["name"])}</span></div>')
    for key in EDGE_ORDER:
        s = EDGE_STYLES[key]
        line = (f'<span class="kg-ln" style="border-top:{s["px"]}px {s["css"]} {s["color"]}"></span>')
        rows.append(f'<div class="kg-lg-r" data-edge="{html.escape(key)}">{line}'
                    f'<span>{html.escape(s["name"])}</span></div>')
    return '<div id="kg-legend" role="note">' + "".join(rows) + "</div>"


def tools_html(layers: dict[str, int], off: Iterable[str] = ()) -> str:
    """The search box, a toggle per layer present (with its count; unticked when `off`) and a
    fit button: constant text and numbers only."""
    toggles = "".join(
        f'<label class="kg-layer"><input type="checkbox" data-layer="{html.escape(k)}"'
        f'{"" if k in off else " checked"}> '
        f'{html.escape(name)} <span class="kg-n">{int(layers[k])}</span></label>'
        for k, name in LAYERS.items() if layers.get(k))
    return ('<div id="kg-tools">'
            '<input id="kg-find" type="search" list="kg-find-list" autocomplete="off" '
            'placeholder="查找单位或任务 Find a unit or task" aria-label="查找 Find">'
            '<datalist id="kg-find-list"></datalist>'
            '<span id="kg-find-status" role="status"></span>'
            f'{toggles}<button id="kg-fit" type="button">全图 Fit all</button>'
            '<select id="kg-go" aria-label="跳到 Go to" hidden><option value="">跳到 Go to …</option></select>'
            '</div>')


PAGE_CSS = """
html, body { margin: 0; padding: 0; height: 100%; background: #ffffff;
  font-family: __FONT__; color: #1d2733; }
body { display: flex; flex-direction: column; }
#kg-header { flex: none; padding: 8px 14px; background: #ffffff; border-bottom: 1px solid #dde2e8; }
#kg-main { flex: 1 1 auto; display: flex; min-height: 0; position: relative; }
#kg-title { font-size: 17px; font-weight: 600; }
#kg-stats { font-size: 12px; color: #5a6675; margin-top: 2px; }
#kg-message { font-size: 13px; margin-top: 4px; padding: 4px 8px; background: #fff4d6;
  border: 1px solid #f0c36d; border-radius: 4px; }
#kg-message:empty { display: none; }
#kg-network { flex: 1 1 auto; min-width: 0; position: relative; }
#kg-tools { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 14px; margin-top: 6px;
  font-size: 13px; }
#kg-find { width: 300px; font: inherit; padding: 3px 8px; border: 1px solid #b8c2cc; border-radius: 4px; }
#kg-find-status { min-width: 5em; color: #5a6675; }
.kg-layer { display: inline-flex; align-items: center; gap: 4px; cursor: pointer; user-select: none; }
.kg-n { color: #7a8592; }
#kg-go { font: inherit; max-width: 360px; }
#kg-fit { font: inherit; padding: 2px 10px; border: 1px solid #b8c2cc; border-radius: 4px;
  background: #f6f8fb; cursor: pointer; }
#kg-legend { flex: none; align-self: flex-start; margin: 10px; font-size: 12px;
  background: #ffffff; border: 1px solid #cfd6de; border-radius: 6px;
  padding: 8px 10px; box-shadow: 0 1px 4px rgba(0,0,0,0.10); }
.kg-lg-h { font-weight: 600; margin-bottom: 4px; }
.kg-lg-r { display: flex; align-items: center; gap: 8px; line-height: 20px; }
.kg-sw { display: inline-block; box-sizing: border-box; flex: none; }
.kg-ln { display: inline-block; width: 30px; height: 0; flex: none; }
#kg-loading { position: absolute; left: 50%; top: 50%; z-index: 7; transform: translate(-50%,-50%);
  font-size: 13px; background: rgba(255,255,255,0.9); padding: 6px 12px; border-radius: 4px;
  border: 1px solid #cfd6de; }
div.vis-tooltip { font-family: __FONT__; font-size: 13px; max-width: 460px; white-space: normal;
  background: #fffdf5; border: 1px solid #c9b98a; border-radius: 4px; padding: 7px 9px;
  box-shadow: 2px 2px 8px rgba(0,0,0,0.18); color: #1d2733; }
.kg-tip-k { font-size: 11px; color: #7a8592; text-transform: uppercase; letter-spacing: .04em; }
.kg-tip-h { font-weight: 600; margin: 2px 0 4px 0; white-space: pre-wrap; }
.kg-tip-r { margin-top: 3px; white-space: pre-wrap; word-break: break-all; }
.kg-tip-l { color: #7a8592; margin-right: 4px; }
""".replace("__FONT__", FONT_STACK)

# The page's own script. DATA is the JSON placed in <script id="kg-data" type="application/json">.
# Tooltips are built as DOM nodes with textContent, datalist options through .value and frame
# titles with fillText: document text can never become markup. DATA.page (kg viz pages; absent
# in the web application) adds the opening zoom, island frames, search and layer toggles.
PAGE_JS = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var PAGE = DATA.page || null;
  var FONT = __FONT_JSON__;
  function tip(t) {
    var box = document.createElement("div");
    var k = document.createElement("div"); k.className = "kg-tip-k"; k.textContent = t.k; box.appendChild(k);
    var h = document.createElement("div"); h.className = "kg-tip-h"; h.textContent = t.h; box.appendChild(h);
    (t.rows || []).forEach(function (r) {
      var row = document.createElement("div"); row.className = "kg-tip-r";
      var l = document.createElement("span"); l.className = "kg-tip-l"; l.textContent = r[0];
      var v = document.createElement("span"); v.textContent = r[1];
      row.appendChild(l); row.appendChild(v); box.appendChild(row);
    });
    return box;
  }
  function withTips(items) {
    return items.map(function (it) {
      var o = Object.assign({}, it);
      if (o.tip) { o.title = tip(o.tip); delete o.tip; }
      return o;
    });
  }
  var nodes = new vis.DataSet(withTips(DATA.nodes));
  var edges = new vis.DataSet(withTips(DATA.edges));
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, DATA.options);
  window.network = network;
  window.kgInfo = DATA.info;
  window.kgStable = false;
  var loading = document.getElementById("kg-loading");
  var minScale = (PAGE && PAGE.minScale) || 0;

  // Islands of the whole view: a frame behind each group and its title, in the frame's top
  // band; zoomed out, the title keeps a readable size on screen and moves above the frame.
  var frames = (PAGE && PAGE.frames) || [];
  if (frames.length) {
    network.on("beforeDrawing", function (ctx) {
      var s = network.getScale(), fs = Math.min(Math.max(22, 15 / s), 110), inside = fs <= 40;
      frames.forEach(function (f) {
        ctx.save();
        ctx.fillStyle = "#f5f7fa"; ctx.strokeStyle = "#cfd6de"; ctx.lineWidth = 1.5 / s;
        ctx.fillRect(f.x, f.y, f.w, f.h); ctx.strokeRect(f.x, f.y, f.w, f.h);
        ctx.beginPath();
        if (inside) { ctx.rect(f.x, f.y, f.w, f.h); } else { ctx.rect(f.x, f.y - 140, f.w + 120, 140); }
        ctx.clip();
        ctx.fillStyle = "#1f3b73"; ctx.textBaseline = inside ? "top" : "bottom";
        ctx.font = "600 " + fs + "px " + FONT;
        ctx.fillText(f.title, f.x + (inside ? 16 : 0), inside ? f.y + 14 : f.y - 6);
        ctx.restore();
      });
    });
  }

  function extent() {
    var b = {x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity};
    ((PAGE && PAGE.frames) || []).forEach(function (f) {
      b.x0 = Math.min(b.x0, f.x); b.y0 = Math.min(b.y0, f.y);
      b.x1 = Math.max(b.x1, f.x + f.w); b.y1 = Math.max(b.y1, f.y + f.h);
    });
    nodes.getIds().forEach(function (id) {
      var r = network.getBoundingBox(id);
      if (!r) { return; }
      b.x0 = Math.min(b.x0, r.left); b.y0 = Math.min(b.y0, r.top);
      b.x1 = Math.max(b.x1, r.right); b.y1 = Math.max(b.y1, r.bottom);
    });
    return b;
  }
  // Open on the whole graph when its labels can be read so; otherwise at the smallest zoom
  // where they can, on the view's unit (org pages) or at the top left (columns start there).
  function openingView() {
    network.fit({animation: false});
    if (!minScale || network.getScale() >= minScale) { return; }
    var b = extent(), w = container.clientWidth, h = container.clientHeight, pad = 30;
    // Columns: as much of the width as fits at a legible size. A force layout: legible, on its centre.
    var s = PAGE.anchor === "top-left" ? Math.max(minScale, Math.min(1, (w - 2 * pad) / (b.x1 - b.x0))) : minScale;
    var x, y;
    if (PAGE.focus && nodes.get(PAGE.focus)) {
      var p = network.getPosition(PAGE.focus); x = p.x; y = p.y;
    } else if (PAGE.anchor === "top-left") {
      x = (b.x1 - b.x0) * s <= w - 2 * pad ? (b.x0 + b.x1) / 2 : b.x0 + (w / 2 - pad) / s;
      y = (b.y1 - b.y0) * s <= h - 2 * pad ? (b.y0 + b.y1) / 2 : b.y0 + (h / 2 - pad) / s;
    } else {
      var c = network.getViewPosition(); x = c.x; y = c.y;
    }
    network.moveTo({position: {x: x, y: y}, scale: s, animation: false});
  }
  var done = false;
  function settled() {
    if (done) { return; }
    done = true;
    network.setOptions({physics: false});
    if (loading) { loading.style.display = "none"; }
    // After the browser has laid the page out: the canvas has its final size only then.
    window.requestAnimationFrame(function () {
      network.redraw();
      openingView();
      window.kgStable = true;
      document.body.setAttribute("data-kg-stable", "1");
    });
  }
  network.on("stabilizationProgress", function (p) {
    if (loading) { loading.textContent = "layout " + Math.round(100 * p.iterations / p.total) + "%"; }
  });
  network.once("stabilizationIterationsDone", settled);
  network.once("stabilized", settled);
  if (!DATA.options.physics || DATA.options.physics.enabled === false) { settled(); }

  // Layer toggles: hide or show every node and edge carrying that layer.
  function setLayer(layer, on) {
    var pick = {filter: function (x) { return x.layer === layer; }};
    nodes.update(nodes.get(pick).map(function (n) { return {id: n.id, hidden: !on}; }));
    edges.update(edges.get(pick).map(function (e) { return {id: e.id, hidden: !on}; }));
  }
  Array.prototype.forEach.call(document.querySelectorAll("#kg-tools input[data-layer]"), function (box) {
    box.addEventListener("change", function () { setLayer(box.getAttribute("data-layer"), box.checked); });
  });
  var fit = document.getElementById("kg-fit");
  if (fit) { fit.addEventListener("click", function () { network.fit({animation: false}); }); }
  // Go to an island: its top left at a legible zoom.
  var jump = document.getElementById("kg-go");
  if (jump && frames.length > 1) {
    frames.forEach(function (f, i) {
      var o = document.createElement("option"); o.value = String(i); o.textContent = f.title; jump.appendChild(o);
    });
    jump.hidden = false;
    jump.addEventListener("change", function () {
      var f = frames[Number(jump.value)];
      if (!f) { return; }
      var w = container.clientWidth, h = container.clientHeight, pad = 30;
      var s = Math.max(minScale, Math.min(1, (w - 2 * pad) / f.w, (h - 2 * pad) / f.h));
      var x = f.w * s <= w - 2 * pad ? f.x + f.w / 2 : f.x + (w / 2 - pad) / s;
      var y = f.h * s <= h - 2 * pad ? f.y + f.h / 2 : f.y + (h / 2 - pad) / s;
      network.moveTo({position: {x: x, y: y}, scale: s, animation: false});
      window.kgGroup = f.title;
    });
  }

  // Search: units (by name or as written), tasks, actions … ; Enter again goes to the next match.
  var finder = document.getElementById("kg-find");
  if (!finder) { return; }
  var RANK = {organization: 0, collective: 0, task: 1, action: 2, section: 3, document: 4, target: 5};
  var index = DATA.nodes.map(function (n, i) {
    var names = (n.find || []).concat([n.tip ? n.tip.h : "", n.label]);
    return {id: n.id, i: i, rank: RANK[n.kind] || 0, names: names.map(function (x) { return String(x).toLowerCase(); })};
  });
  var list = document.getElementById("kg-find-list");
  var seen = {};
  DATA.nodes.forEach(function (n) {
    var name = n.find && n.find.length ? n.find[0] : n.label;
    if (n.kind === "target" || n.kind === "document" || seen[name]) { return; }
    seen[name] = true;
    var o = document.createElement("option"); o.value = name; list.appendChild(o);
  });
  var status = document.getElementById("kg-find-status");
  var hits = [], at = -1, last = null;
  function matches(q) {
    var found = index.filter(function (e) {
      var n = nodes.get(e.id);
      return n && !n.hidden && e.names.some(function (x) { return x.indexOf(q) >= 0; });
    });
    found.sort(function (a, b) {
      var ea = a.names.indexOf(q) >= 0 ? 0 : 1, eb = b.names.indexOf(q) >= 0 ? 0 : 1;
      return ea - eb || a.rank - b.rank || a.i - b.i;
    });
    return found.map(function (e) { return e.id; });
  }
  function show(id) {
    network.selectNodes([id], true);
    network.focus(id, {scale: Math.max(network.getScale(), minScale, 0.9), animation: false});
    window.kgFound = id;
  }
  function search(again) {
    var q = finder.value.trim().toLowerCase();
    if (!q) { status.textContent = ""; last = null; return; }
    if (q !== last) { hits = matches(q); at = -1; last = q; } else if (!again) { return; }
    if (!hits.length) {
      network.unselectAll(); window.kgFound = null;
      status.textContent = "没有找到 not found"; return;
    }
    at = (at + 1) % hits.length;
    show(hits[at]);
    status.textContent = (at + 1) + " / " + hits.length;
  }
  finder.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); search(true); } });
  finder.addEventListener("change", function () { search(false); });
})();
""".replace("__FONT_JSON__", json.dumps(FONT_STACK))
