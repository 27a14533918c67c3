/*
 * On the sign-in page: the copies of pages kept for going without signal (web/offline-sw.js)
 * were made for whoever signed in before, on this phone; they go, so that the next person never
 * opens them. What waits to be sent (localStorage) stays: it is sent once someone signs in.
 */
(function () {
  "use strict";

  if (!window.caches) {
    return;
  }
  window.caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("epigrid-") === 0;
    }).map(function (name) { return window.caches.delete(name); }));
  }).catch(function () { return null; });
}());
