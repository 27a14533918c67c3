// The charts of the dispatch meeting page (briefing/meeting.html): the epidemic curve, the
// screening progress and the checkpoint flows, from the same data the briefing's PDF draws
// (briefing.chart_data). Data arrive by json_script (no inline script under the CSP), in the
// shape of ChartData.as_json, words and colours included (the JavaScript has none). A click on
// a bar or a point opens the records behind it, where the value has a link.
(function () {
  "use strict";

  var GREY = "#8c8c8c";

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function go(url) {
    if (url) { window.location.href = url; }
  }

  function isEmpty(chart) {
    return chart.series.every(function (s) {
      return s.values.every(function (v) { return !v; });
    });
  }

  function nameWidth(chart) {  // room for the areas' names left of horizontal bars
    var longest = chart.categories.reduce(function (m, c) { return Math.max(m, c.length); }, 0);
    return Math.min(180, 24 + 13 * longest);
  }

  function option(chart) {
    var empty = isEmpty(chart);
    var category = { type: "category", data: chart.categories };
    if (chart.by_day) {  // ISO days shown as MM-DD, as the PDF does
      category.axisLabel = { formatter: function (day) { return day.slice(5); } };
    }
    var value = { type: "value", minInterval: 1 };
    if (chart.percent) {
      value.min = 0;
      value.max = 100;
      value.axisLabel = { formatter: "{value}%" };
    } else if (empty) {
      value.max = 1;
    }
    if (chart.horizontal) { category.inverse = true; }  // the first area on top
    return {
      tooltip: { trigger: "axis", valueFormatter: chart.percent ? function (v) {
        return v + "%";
      } : undefined },
      legend: { top: 0, show: chart.series.length > 1 },
      title: empty ? { text: chart.empty, left: "center", top: "middle",
                       textStyle: { color: GREY, fontSize: 13, fontWeight: "normal" } } : [],
      grid: { left: chart.horizontal ? nameWidth(chart) : 40, right: 16,
              top: chart.series.length > 1 ? 36 : 16, bottom: 28 },
      xAxis: chart.horizontal ? value : category,
      yAxis: chart.horizontal ? category : value,
      series: chart.series.map(function (s) {
        var drawn = { name: s.label, type: s.kind, data: s.values, itemStyle: { color: s.color },
                      cursor: s.urls.length ? "pointer" : "default" };
        if (s.kind === "line") {
          drawn.lineStyle = { color: s.color, width: 1.5 };
          drawn.symbolSize = 5;
        }
        return drawn;
      })
    };
  }

  function draw(chart) {
    var box = document.getElementById("chart-" + chart.key);
    if (!box) { return null; }
    box.hidden = false;  // hidden until drawn: without a script the table stands in
    var drawn = window.echarts.init(box);
    drawn.setOption(option(chart));
    drawn.on("click", function (p) {
      var series = chart.series[p.seriesIndex];
      if (series) { go(series.urls[p.dataIndex]); }
    });
    return drawn;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var data = read("meeting-charts");
    if (!data || !window.echarts) { return; }
    var drawn = data.charts.map(draw).filter(Boolean);
    window.addEventListener("resize", function () {
      drawn.forEach(function (chart) { chart.resize(); });
    });
  });
}());
