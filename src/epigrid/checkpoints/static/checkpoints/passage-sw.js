/*
 * The service worker of the checkpoint logging pages (served at /checkpoints/log/sw.js, so it
 * controls /checkpoints/log/ and nothing else). Pages: from the network when there is one (the
 * copy is kept), else the kept copy. Static files: the kept copy, else the network. Posts are
 * never touched: the page's own queue (passage_log.js) holds passages until they are sent.
 */
"use strict";

var CACHE = "epigrid-passage-log-v1";
var STATIC_URL = "__STATIC_URL__";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function keep(request, response) {
  if (response && response.ok && response.type === "basic") {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
  }
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      return keep(request, response);
    }, function () {
      // ignoreVary: the page's copy kept by passage_log.js was asked without the headers of a
      // navigation (the response varies on Accept-Language and Cookie), and must still serve.
      return caches.match(request, {ignoreSearch: true, ignoreVary: true}).then(function (hit) {
        return hit || Response.error();
      });
    }));
    return;
  }
  if (url.pathname.indexOf(STATIC_URL) === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) { return keep(request, response); });
    }));
  }
});
