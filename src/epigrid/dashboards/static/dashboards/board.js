// The charts of a dashboard (dashboards/area.html and the wall screen wall.html): the trend of
// the chosen figures and the map of the sub-areas. Data arrive by json_script (no inline script
// under the CSP) or from the API (the wall's refresh), in the shape of board.Board.as_json; the
// words come translated from the page. Exposes window.epigridDashboard.mount(data, labels, opts)
// -> {update(data)}.
(function () {
  "use strict";

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function esc(text) {  // names are typed by people: never HTML
    return window.echarts.format.encodeHTML(String(text));
  }

  function go(url) {
    if (url) { window.location.href = url; }
  }

  function trendOption(data, labels, opts) {
    return {
      backgroundColor: "transparent",
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      xAxis: { type: "category", data: data.trend.days },
      yAxis: { type: "value", minInterval: 1 },
      series: data.trend.series.map(function (s) {
        return { name: s.name, type: "line", data: s.values, symbolSize: 7,
                 cursor: opts.links ? "pointer" : "default",
                 lineStyle: { width: opts.dark ? 3 : 2 } };
      })
    };
  }

  function tooltip(data, labels) {
    return function (item) {
      var child = item.data && item.data.child;
      if (!child) { return ""; }
      var text = esc(child.name) + "<br>" + esc(labels.risk_title) + ": " + esc(child.risk_label);
      if (data.map.by !== "risk") {
        text += "<br>" + esc(data.map.name) + ": " + child.value;
      }
      return text;
    };
  }

  function visualMap(data, opts) {
    if (data.map.by === "risk") { return []; }
    var most = data.map.areas.reduce(function (m, a) { return Math.max(m, a.value); }, 1);
    return [{ type: "continuous", min: 0, max: most, calculable: true, right: 8, bottom: 8,
              dimension: data.map.mode === "points" ? 2 : undefined,
              textStyle: { color: opts.dark ? "#e6edf3" : "#1f2328" },
              inRange: { color: ["#fff3e0", "#f57c00", "#b71c1c"] } }];
  }

  function regionsOption(data, labels, opts, mapName) {
    var byRisk = data.map.by === "risk";
    return {
      backgroundColor: "transparent",
      tooltip: { formatter: tooltip(data, labels) },
      visualMap: visualMap(data, opts),
      series: [{
        type: "map", map: mapName, roam: true, nameProperty: "name",
        label: { show: data.map.areas.length <= 40, fontSize: opts.dark ? 14 : 11,
                 color: opts.dark ? "#e6edf3" : "#1f2328",
                 formatter: function (p) { return p.data && p.data.child ? p.data.child.name : ""; } },
        itemStyle: { borderColor: opts.dark ? "#0d1117" : "#fff", borderWidth: 1 },
        data: data.map.areas.filter(function (a) { return a.has_boundary; }).map(function (a) {
          var item = { name: String(a.id), value: a.value, child: a };
          if (byRisk) { item.itemStyle = { areaColor: a.colour }; }
          return item;
        })
      }]
    };
  }

  function pointsOption(data, labels, opts) {
    var byRisk = data.map.by === "risk";
    var placed = data.map.areas.filter(function (a) { return a.latitude !== null; });
    var most = placed.reduce(function (m, a) { return Math.max(m, a.value); }, 1);
    var axis = { color: opts.dark ? "#8b949e" : "#5b6570" };
    return {
      backgroundColor: "transparent",
      tooltip: { formatter: tooltip(data, labels) },
      visualMap: visualMap(data, opts),
      grid: { left: 64, right: byRisk ? 24 : 96, top: 16, bottom: 40 },
      xAxis: { type: "value", scale: true, name: labels.longitude, nameLocation: "middle",
               nameGap: 26, axisLabel: axis, splitLine: { show: false },
               boundaryGap: ["12%", "12%"] },
      yAxis: { type: "value", scale: true, name: labels.latitude, axisLabel: axis,
               splitLine: { show: false }, boundaryGap: ["12%", "12%"] },
      series: [{
        type: "scatter",
        data: placed.map(function (a) {
          var item = { value: [a.longitude, a.latitude, a.value], child: a };
          if (byRisk) { item.itemStyle = { color: a.colour }; }
          return item;
        }),
        symbolSize: function (value) {
          return byRisk ? 18 : 10 + 30 * Math.sqrt(value[2] / most);
        },
        itemStyle: { borderColor: opts.dark ? "#0d1117" : "#fff", borderWidth: 1 },
        label: { show: placed.length <= 40, position: "right", fontSize: opts.dark ? 14 : 11,
                 color: opts.dark ? "#e6edf3" : "#1f2328",
                 formatter: function (p) { return p.data.child.name; } }
      }]
    };
  }

  function mount(data, labels, opts) {
    if (!window.echarts) { return { update: function () {} }; }
    var theme = opts.dark ? "dark" : null;
    var trendBox = document.getElementById("trend-chart");
    var mapBox = document.getElementById("map-chart");
    var trend = trendBox ? window.echarts.init(trendBox, theme) : null;
    var map = mapBox ? window.echarts.init(mapBox, theme) : null;
    var mapName = "dashboard-" + data.area.id;
    var series = data.trend.series;

    function draw(fresh) {
      series = fresh.trend.series;
      if (trend) { trend.setOption(trendOption(fresh, labels, opts), true); }
      if (!map) { return; }
      if (fresh.map.mode === "regions") {
        if (fresh.map.geojson) { window.echarts.registerMap(mapName, fresh.map.geojson); }
        map.setOption(regionsOption(fresh, labels, opts, mapName), true);
      } else if (fresh.map.mode === "points") {
        map.setOption(pointsOption(fresh, labels, opts), true);
      }
    }

    if (opts.links) {  // every number drills down to its records
      if (trend) {
        trend.on("click", function (p) { go((series[p.seriesIndex].urls || [])[p.dataIndex]); });
      }
      if (map) {
        map.on("click", function (p) {
          var child = p.data && p.data.child;
          if (child) { go(child.url || child.dashboard_url); }
        });
      }
    }
    draw(data);
    window.addEventListener("resize", function () {
      [trend, map].forEach(function (chart) { if (chart) { chart.resize(); } });
    });
    return { update: draw };
  }

  window.epigridDashboard = { mount: mount, read: read };
}());
