// The epidemic curve and Rt charts of cases/figure_curve.html. Data arrive by json_script
// (no inline script under the CSP); labels come translated from the page.
(function () {
  "use strict";

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function drawCurve(data, labels) {
    var box = document.getElementById("curve-chart");
    if (!box || !window.echarts) { return null; }
    var chart = window.echarts.init(box);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 56 },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", minInterval: 1 },
      dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }],
      series: [
        { name: labels.by_onset, type: "bar", data: data.by_onset },
        { name: labels.by_report, type: "bar", data: data.by_report }
      ]
    });
    return chart;
  }

  function drawRt(data, labels) {
    var box = document.getElementById("rt-chart");
    if (!box || !window.echarts || !data.rt.length) { return null; }
    var days = data.rt.map(function (e) { return e.day; });
    var lower = data.rt.map(function (e) { return e.lower; });
    var band = data.rt.map(function (e) { return +(e.upper - e.lower).toFixed(4); });
    var chart = window.echarts.init(box);
    chart.setOption({
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var e = data.rt[items[0].dataIndex];
          return e.day + "<br>Rt " + e.mean.toFixed(2) + " (" + e.lower.toFixed(2) + "–" +
            e.upper.toFixed(2) + ")";
        }
      },
      legend: { top: 0, data: [labels.rt, labels.interval] },
      grid: { left: 40, right: 16, top: 36, bottom: 32 },
      xAxis: { type: "category", data: days },
      yAxis: { type: "value", min: 0 },
      series: [
        { name: labels.interval, type: "line", data: lower, stack: "ci", symbol: "none",
          lineStyle: { opacity: 0 } },
        { name: labels.interval, type: "line", data: band, stack: "ci", symbol: "none",
          lineStyle: { opacity: 0 }, areaStyle: { opacity: 0.25 } },
        { name: labels.rt, type: "line", data: data.rt.map(function (e) { return e.mean; }),
          markLine: { silent: true, symbol: "none", data: [{ yAxis: 1 }] } }
      ]
    });
    return chart;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var data = read("curve-data");
    var labels = read("curve-labels");
    if (!data || !labels) { return; }
    var charts = [drawCurve(data, labels), drawRt(data, labels)].filter(Boolean);
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  });
}());
