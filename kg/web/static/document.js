/* The document page: click an edge → scroll to and mark its clause; click a clause → list its edges.
   Data comes from <script id="kg-clauses" type="application/json">; every text goes in by textContent. */
(function () {
  "use strict";
  var holder = document.getElementById("kg-clauses");
  var DATA = holder ? JSON.parse(holder.textContent) : {spans: [], edges: {}};
  var byId = {};
  DATA.spans.forEach(function (s) { byId[s.id] = s; });
  var panel = document.getElementById("clause-panel");
  var ROLE_CLASS = {"牵头": "lead", "负责": "resp", "配合": "coop", "指导": "guide"};

  function markFor(id) {
    var el = document.getElementById(id);
    if (el && el.tagName === "MARK") { return el; }
    var marks = document.querySelectorAll("mark.clause[data-also]");
    for (var i = 0; i < marks.length; i++) {
      if (marks[i].getAttribute("data-also").split(" ").indexOf(id) >= 0) { return marks[i]; }
    }
    return el;
  }

  function link(href, text) {
    var a = document.createElement("a"); a.href = href; a.textContent = text; return a;
  }

  function showPanel(id) {
    if (!panel) { return; }
    var span = byId[id];
    while (panel.firstChild) { panel.removeChild(panel.firstChild); }
    if (!span) { panel.hidden = true; return; }
    var h = document.createElement("div"); h.className = "panel-h";
    h.textContent = "此条款陈述 " + span.edges.length + " 条关系 · this clause states " + span.edges.length +
      " edge" + (span.edges.length === 1 ? "" : "s") + " [" + span.start + ", " + span.end + ")";
    panel.appendChild(h);
    var ul = document.createElement("ul");
    span.edges.forEach(function (eid) {
      var e = DATA.edges[eid]; if (!e) { return; }
      var li = document.createElement("li"); li.className = "panel-edge";
      var badge = document.createElement("span");
      badge.className = "role q-" + (ROLE_CLASS[e.qualifier] || "resp"); badge.textContent = e.qualifier;
      li.appendChild(badge);
      li.appendChild(link("/organization/" + encodeURIComponent(e.organization_id), e.organization));
      if (e.mention && e.mention !== e.organization) {
        var m = document.createElement("span"); m.className = "mention"; m.textContent = "（" + e.mention + "）";
        li.appendChild(m);
      }
      li.appendChild(document.createTextNode(" → "));
      var kind = e.target_id === e.action_id ? "action" : "task";
      li.appendChild(link("/" + kind + "/" + encodeURIComponent(e.target_id), e.target));
      if (e.deadline) {
        var d = document.createElement("span"); d.className = "meta"; d.textContent = " · " + e.deadline;
        li.appendChild(d);
      }
      ul.appendChild(li);
    });
    panel.appendChild(ul);
    panel.hidden = false;
  }

  function activate(id, scroll) {
    var el = markFor(id);
    if (!el) { return false; }
    var old = document.querySelectorAll("mark.clause.active");
    for (var i = 0; i < old.length; i++) { old[i].classList.remove("active"); }
    el.classList.add("active");
    if (scroll) { el.scrollIntoView({block: "center", inline: "nearest"}); }
    if (history.replaceState) { history.replaceState(null, "", "#" + id); }
    showPanel(el.id);
    document.body.setAttribute("data-kg-active", el.id);
    return true;
  }

  document.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a[data-span]") : null;
    if (a && document.getElementById("doc-text")) {
      if (activate(a.getAttribute("data-span"), true)) { ev.preventDefault(); }
      return;
    }
    var m = ev.target.closest ? ev.target.closest("mark.clause") : null;
    if (m) { activate(m.id, false); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && ev.target.matches && ev.target.matches("mark.clause")) { activate(ev.target.id, false); }
  });
  if (location.hash.length > 1) { activate(decodeURIComponent(location.hash.slice(1)), true); }
  document.body.setAttribute("data-kg-ready", "1");
})();
