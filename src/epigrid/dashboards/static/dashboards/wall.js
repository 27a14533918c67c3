// The wall screen 大屏 (dashboards/wall.html): draws the dashboard dark, then refetches the same
// data from the API every `refresh_seconds` (wall-config) and redraws the key figures and the
// charts in place; a failed fetch says so and the next one tries again. No links: nobody clicks
// a wall.
(function () {
  "use strict";

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function clock() {
    var now = new Date();
    return now.getFullYear() + "-" + two(now.getMonth() + 1) + "-" + two(now.getDate()) + " " +
      two(now.getHours()) + ":" + two(now.getMinutes()) + ":" + two(now.getSeconds());
  }

  function setText(node, text) { if (node) { node.textContent = text; } }

  function showFigures(data) {
    data.figures.forEach(function (f) {
      var box = document.querySelector('[data-figure="' + f.code + '"]');
      if (!box) { return; }
      setText(box.querySelector(".value"), f.value.toLocaleString());
      var change = box.querySelector(".change");
      if (!change) { return; }
      change.classList.remove("worse", "better");
      if (f.change === null) {
        setText(change, "–");
      } else {
        setText(change, (f.change > 0 ? "+" : "") + f.change.toLocaleString());
        if (f.trend) { change.classList.add(f.trend); }  // what the change means, not its sign
      }
    });
    setText(document.getElementById("wall-day"), data.day);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var board = window.epigridDashboard;
    var data = board && board.read("dashboard-data");
    var labels = board && board.read("dashboard-labels");
    var wall = board && board.read("wall-config");
    if (!data || !labels || !wall) { return; }
    var shown = board.mount(data, labels, { dark: true, links: false });
    var status = document.getElementById("wall-status");
    var clockBox = document.getElementById("wall-clock");
    setText(clockBox, clock());
    window.setInterval(function () { setText(clockBox, clock()); }, 1000);

    function refresh() {
      window.fetch(wall.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (fresh) {
          showFigures(fresh);
          shown.update(fresh);
          setText(status, labels.updated + " " + clock().slice(11));
          if (status) { status.classList.remove("failed"); }
        })
        .catch(function () {
          setText(status, labels.failed);
          if (status) { status.classList.add("failed"); }
        });
    }
    window.setInterval(refresh, Math.max(10, wall.refresh_seconds) * 1000);

    var full = document.getElementById("wall-fullscreen");
    if (full) {
      if (!document.documentElement.requestFullscreen) { full.hidden = true; }
      full.addEventListener("click", function () {
        document.documentElement.requestFullscreen().then(function () { full.hidden = true; },
                                                          function () {});
      });
      document.addEventListener("fullscreenchange", function () {
        full.hidden = Boolean(document.fullscreenElement);
      });
    }
  });
}());
