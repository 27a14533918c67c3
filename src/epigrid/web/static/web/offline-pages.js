/*
 * Pages that open without signal: the element marked `data-offline-worker` names the service
 * worker of its app (core.offline), the folder it keeps (`data-offline-scope`) and its cache
 * (`data-offline-cache`). While there is a network, this page keeps a copy of itself, of its
 * scripts and styles, and of the pages it marks `data-offline-keep` (`data-offline-url`): the
 * forms of the round's next doors, which then open in a stairwell. A page already kept is not
 * asked again from here (opening it with a network renews its copy). Marks the element
 * `data-offline-kept="yes"` when done. A page with settings of its own calls
 * `window.epigridKeepOffline(worker, scope, cache, pages)` instead (the passage log). No inline
 * script anywhere (CSP).
 */
(function () {
  "use strict";

  // A page not kept yet, kept as the server answers it: not an answer it was sent on to (the
  // sign-in page, once the session is gone). A page kept is renewed by the worker each time it
  // opens with a network; asking it again here would only race the next request's cookies.
  function keepOnce(cache, url) {
    return cache.match(url, {ignoreVary: true}).then(function (hit) {
      return hit ? null : window.fetch(url, {credentials: "same-origin"}).then(function (answer) {
        return answer.ok && !answer.redirected ? cache.put(url, answer) : null;
      });
    }).catch(function () { return null; });
  }

  // Register the worker and keep this page, its files and `pages`; resolves true once kept.
  // Also called by a page's own script with its settings (checkpoints/passage_log.js).
  function keepOffline(worker, scope, cacheName, pages) {
    if (!("serviceWorker" in navigator) || !window.caches) {
      return Promise.resolve(false);
    }
    navigator.serviceWorker.register(worker, {scope: scope}).catch(function () { return null; });
    if (!navigator.onLine || document.documentElement.hasAttribute("data-served-from-copy")) {
      return Promise.resolve(false);
    }
    var files = [];  // its scripts and styles, renewed at each opening
    document.querySelectorAll("script[src], link[rel=stylesheet]").forEach(function (node) {
      files.push(node.getAttribute("src") || node.getAttribute("href"));
    });
    var own = window.location.pathname + window.location.search;
    return window.caches.open(cacheName).then(function (cache) {
      return cache.addAll(files).then(function () {
        // One at a time: a worker's phone on one bar of signal, the server not flooded.
        return [own].concat(pages).reduce(function (chain, url) {
          return chain.then(function () { return keepOnce(cache, url); });
        }, Promise.resolve());
      });
    }).then(function () { return true; }, function () { return false; });
  }

  window.epigridKeepOffline = keepOffline;
  var root = document.querySelector("[data-offline-worker]");
  if (!root) {
    return;
  }
  var pages = [];
  document.querySelectorAll("[data-offline-keep][data-offline-url]").forEach(function (node) {
    pages.push(node.dataset.offlineUrl);
  });
  keepOffline(root.dataset.offlineWorker, root.dataset.offlineScope, root.dataset.offlineCache,
              pages).then(function (kept) {
    if (kept) {
      root.dataset.offlineKept = "yes";
    }
  });
}());
