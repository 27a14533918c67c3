/* The transmission chain graph 传播链: reads the JSON the page embeds (json_script) and draws it
   with the vendored ECharts. Colours follow the case badges: infections red, suspected and fever
   orange, contacts green, persons outside the user's area grey. */
(function () {
  "use strict";

  var COLOURS = {
    confirmed: "#c62828", admitted: "#8e0000", died: "#4a0000", asymptomatic: "#ef6c00",
    suspected: "#f9a825", fever: "#fbc02d", close_contact: "#2e7d32", quarantined: "#43a047",
    released: "#90a4ae", excluded: "#b0bec5", recovered: "#78909c", unidentified: "#ffffff",
    "": "#cfd8dc"
  };
  var OUTSIDE = "#9e9e9e";

  function draw() {
    var holder = document.getElementById("chain-graph");
    var source = document.getElementById("chain-data");
    if (!holder || !source || typeof echarts === "undefined") { return; }
    var graph = JSON.parse(source.textContent);
    // Sized from here: the CSP allows no inline style attribute in the page.
    holder.style.width = "100%";
    holder.style.height = Math.min(720, 320 + 8 * graph.nodes.length) + "px";
    var states = [];
    var labels = {};
    graph.nodes.forEach(function (node) {
      if (states.indexOf(node.state) < 0) { states.push(node.state); }
      labels[node.state] = node.state_label;
    });
    var generation = holder.getAttribute("data-generation-label") || "generation";
    var esc = echarts.format.encodeHTML;  // names are typed by people: never raw HTML
    var chart = echarts.init(holder);
    chart.setOption({
      tooltip: {
        formatter: function (item) {
          if (item.dataType === "edge") {
            return esc(item.data.exposed_on + " · " + item.data.setting_label);
          }
          var node = item.data.node;
          return esc(node.name) + "<br>" + esc(node.state_label + " · " + generation + " " +
            node.generation);
        }
      },
      legend: [{ data: states.map(function (state) { return labels[state]; }), bottom: 0 }],
      series: [{
        type: "graph",
        layout: "force",
        roam: true,
        draggable: true,
        force: { repulsion: 160, edgeLength: 60 },
        edgeSymbol: ["none", "arrow"],
        edgeSymbolSize: 7,
        label: { show: graph.nodes.length <= 80, position: "right" },
        categories: states.map(function (state) {
          return { name: labels[state], itemStyle: { color: COLOURS[state] || "#cfd8dc" } };
        }),
        data: graph.nodes.map(function (node) {
          var style = { borderColor: node.start ? "#000" : "#555", borderWidth: node.start ? 3 : 1 };
          if (node.outside) { style.color = OUTSIDE; }
          return {
            id: node.id, name: node.name, node: node, category: states.indexOf(node.state),
            symbolSize: node.start ? 26 : 16, itemStyle: style
          };
        }),
        links: graph.edges.map(function (edge) {
          return { source: edge.source, target: edge.target, exposed_on: edge.exposed_on,
                   setting_label: edge.setting_label };
        })
      }]
    });
    chart.on("click", function (item) {
      if (item.dataType === "node" && item.data.node.case_id && !item.data.node.start) {
        window.location.href = window.location.pathname.replace(/\d+\/$/,
          item.data.node.case_id + "/") + window.location.search;
      }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
