// "Nearest first": ask the phone where the grid worker stands, reload the round ordered by it.
(function () {
  "use strict";
  var button = document.getElementById("nearest-first");
  if (!button || !("geolocation" in navigator)) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      var url = new URL(window.location.href);
      url.searchParams.set("near", position.coords.latitude.toFixed(6) + "," +
                                   position.coords.longitude.toFixed(6));
      window.location.assign(url.toString());
    }, function () { button.disabled = false; }, {enableHighAccuracy: true, timeout: 10000});
  });
})();
