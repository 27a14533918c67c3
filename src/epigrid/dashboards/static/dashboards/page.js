// The dashboard page (dashboards/area.html): draws its charts from the json_script data; a
// click on a point of the trend or an area of the map opens the records behind it.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var board = window.epigridDashboard;
    var data = board && board.read("dashboard-data");
    var labels = board && board.read("dashboard-labels");
    if (!data || !labels) { return; }
    board.mount(data, labels, { dark: false, links: true });
  });
}());
