// "Nearest first": the grid worker's round ordered by where she stands, and where a door is
// learnt at its first visit. Her choice is kept on the phone, so that after each visit the list
// is ordered again from the next door; "By household number" forgets it.
(function () {
  "use strict";
  var KEY = "epigrid.nearestFirst";
  var ACCURATE_METRES = 50;  // a reading vaguer than this would misplace a door
  if (!("geolocation" in navigator)) { return; }

  function chosen() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function choose(on) {
    try {
      if (on) { window.localStorage.setItem(KEY, "1"); } else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* private mode: the choice lasts this page only */ }
  }
  function locate(done, failed) {
    navigator.geolocation.getCurrentPosition(done, failed || function () {},
                                             {enableHighAccuracy: true, timeout: 10000});
  }
  function reloadNear(position) {
    var url = new URL(window.location.href);
    url.searchParams.set("near", position.coords.latitude.toFixed(6) + "," +
                                 position.coords.longitude.toFixed(6));
    window.location.replace(url.toString());
  }

  // The round's list.
  var button = document.getElementById("nearest-first");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      choose(true);
      locate(reloadNear, function () { button.disabled = false; });
    });
    if (chosen()) { locate(reloadNear); }
  }
  var byNumber = document.getElementById("by-number");
  if (byNumber) { byNumber.addEventListener("click", function () { choose(false); }); }

  // A household without a location: the door's position goes with the visit.
  var door = document.querySelector("form[data-locate-door] input[name=position]");
  if (door && chosen()) {
    locate(function (position) {
      if (position.coords.accuracy <= ACCURATE_METRES) {
        door.value = position.coords.latitude.toFixed(6) + "," +
                     position.coords.longitude.toFixed(6);
      }
    });
  }
})();
