/* The organization page's neighbourhood graph, loaded after the page: the table shows at once and the graph
   follows when its data arrives (GET /organization/ID/graph, the same data `kg viz --org` draws). The data
   goes into a <script type="application/json"> by textContent (never parsed as markup); kg-viz.js, the page
   script of `kg viz`, then draws it with the vis-network build served from /assets/. */
(function () {
  "use strict";
  var box = document.getElementById("kg-main");
  if (!box) { return; }
  var loading = document.getElementById("kg-loading");

  function say(id, text) {
    var el = document.getElementById(id);
    if (el) { el.textContent = text; el.hidden = !text; }
  }

  fetch(box.getAttribute("data-graph"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.text();
    })
    .then(function (text) {
      var net = JSON.parse(text);
      say("kg-stats", net.stats || "");
      say("kg-message", (net.info && net.info.message) || "");
      var data = document.createElement("script");
      data.id = "kg-data";
      data.type = "application/json";
      data.textContent = text;
      document.body.appendChild(data);
      var draw = document.createElement("script");
      draw.src = "/assets/kg-viz.js";
      document.body.appendChild(draw);
    })
    .catch(function (e) {
      if (loading) { loading.textContent = "关系图无法载入 the graph could not be loaded: " + e.message; }
    });
})();
