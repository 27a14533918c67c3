// The facilities map of care/dashboard.html: each facility at its longitude and latitude, sized
// by its beds and coloured by its free beds (red: none free). Data arrive by json_script (no
// inline script under the CSP); the labels come translated from the page.
(function () {
  "use strict";

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var data = read("facility-map-data");
    var labels = read("facility-map-labels");
    var box = document.getElementById("facility-map");
    if (!data || !labels || !box || !window.echarts) { return; }
    var points = data.points || [];
    var most = points.reduce(function (m, p) { return Math.max(m, p[3]); }, 1);
    var chart = window.echarts.init(box);
    chart.setOption({
      tooltip: {
        formatter: function (item) {
          var p = item.data;
          var esc = window.echarts.format.encodeHTML;  // names are typed by people: no HTML
          var text = esc(p[4]) + "<br>" + esc(labels.free) + ": " + p[2] + " / " + esc(labels.beds) + ": " + p[3];
          return p[5] ? text + "<br>" + esc(labels.stale) : text;
        }
      },
      grid: { left: 56, right: 80, top: 16, bottom: 40 },
      xAxis: { type: "value", scale: true, name: labels.longitude, nameLocation: "middle",
               nameGap: 26 },
      yAxis: { type: "value", scale: true, name: labels.latitude },
      visualMap: { type: "piecewise", dimension: 2, right: 0, top: "middle",
                   pieces: [{ max: 0, color: "#c62828", label: "0" },
                            { min: 1, max: 9, color: "#f57c00", label: "1–9" },
                            { min: 10, color: "#1a7f37", label: "10+" }] },
      series: [{
        type: "scatter", data: points,
        symbolSize: function (p) { return 8 + 24 * Math.sqrt(p[3] / most); },
        itemStyle: { borderColor: "#fff", borderWidth: 1 },
        label: { show: points.length <= 30, position: "right", fontSize: 11,
                 formatter: function (item) { return item.data[4]; } }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
}());
