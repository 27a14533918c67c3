/*
 * The service worker of the pages that must open without signal: the checkpoint's passage log
 * and the grid worker's round. One file, served by each app under its own path (core.offline) so
 * that its scope covers that app's pages and nothing else, with its cache's name filled in.
 *
 * Pages: from the network when there is one (a copy is kept), else the kept copy, marked
 * `data-served-from-copy` on its <html> so that its script renews what was true only when it
 * was made (a form's key and time). Static files: the kept copy, else the network. Posts are
 * never touched: the pages' own queues (localStorage) hold what waits to be sent.
 */
"use strict";

var CACHE = "__CACHE__";
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

function fromCopy(hit) {
  if (!hit) {
    return Response.error();
  }
  // The copy's text is decoded and one attribute longer: its length and encoding go.
  var headers = new Headers(hit.headers);
  headers.delete("Content-Length");
  headers.delete("Content-Encoding");
  return hit.text().then(function (html) {
    return new Response(html.replace("<html", "<html data-served-from-copy"), {
      status: hit.status, statusText: hit.statusText, headers: headers});
  });
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
      // ignoreVary: a copy the page kept of itself or of a page it links was asked without a
      // navigation's headers (the pages vary on Accept-Language and Cookie), and must serve.
      // The copy of this very address first, else a copy of its path asked with another query
      // (the list with another filter, from another position).
      return caches.match(request, {ignoreVary: true}).then(function (hit) {
        return hit || caches.match(request, {ignoreSearch: true, ignoreVary: true});
      }).then(fromCopy);
    }));
    return;
  }
  if (url.pathname.indexOf(STATIC_URL) === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) { return keep(request, response); });
    }));
  }
});
