// The hourly passages chart of checkpoints/figure_*.html. Data arrive by json_script (no inline
// script under the CSP); the series' names come translated from the page.
(function () {
  "use strict";

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var data = read("hours-data");
    var labels = read("hours-labels");
    var box = document.getElementById("hours-chart");
    if (!data || !labels || !box || !window.echarts) { return; }
    var chart = window.echarts.init(box);
    var names = ["passages_in", "passages_out", "vehicles", "turned_back", "fevers"];
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 56 },
      xAxis: { type: "category", data: data.hours },
      yAxis: { type: "value", minInterval: 1 },
      dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }],
      series: names.map(function (name) {
        return { name: labels[name], type: name.indexOf("passages") === 0 ? "bar" : "line",
                 stack: name.indexOf("passages") === 0 ? "passages" : undefined,
                 data: data[name], symbol: "none" };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
}());
