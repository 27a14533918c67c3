/*
 * Forms that survive a stairwell: a form marked `data-offline-queue` is sent with fetch().
 * When the network fails (or the server answers 5xx) its data is kept in localStorage and sent
 * again on the `online` event, every 30 s and on every page that loads this script, until the
 * server takes it. The form carries an idempotency key, so a resend never stores it twice.
 *
 * The server answers a fetch (Accept: application/json) with JSON: 200/201
 * {"redirect": url} when stored, 422 {"errors": {...}} when refused. A refused form is posted
 * again the plain way so the server shows its errors on the page; a refused queued entry is kept
 * aside and counted. A page opened from a kept copy (web/offline-sw.js) renews its forms' inputs
 * marked `data-fresh` (key, now), and takes nothing once past its `data-offline-until`. No inline script anywhere (CSP): texts come from data
 * attributes.
 */
(function () {
  "use strict";

  // The signed-in person's own (own-queues.js): never sent under another person's session.
  var own = window.epigridOwnQueue || function (name) { return name; };
  var QUEUE = own("epigrid-offline-queue");
  var REFUSED = own("epigrid-offline-refused");
  var RETRY_MS = 30000;
  var sending = false;

  function load(name) {
    try {
      return JSON.parse(window.localStorage.getItem(name) || "[]");
    } catch (error) {
      return [];
    }
  }

  function store(name, entries) {
    window.localStorage.setItem(name, JSON.stringify(entries));
  }

  function entryId(entry) {
    return entry.url + "#" + entry.key;
  }

  function remember(entry) {
    var entries = load(QUEUE).filter(function (e) { return entryId(e) !== entryId(entry); });
    entries.push(entry);
    store(QUEUE, entries);
  }

  function forget(name, entry) {
    store(name, load(name).filter(function (e) { return entryId(e) !== entryId(entry); }));
  }

  // The CSRF token of the page open now is the freshest; the saved one is the fallback.
  function currentToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function body(entry) {
    var params = new URLSearchParams();
    var token = currentToken();
    entry.fields.forEach(function (pair) {
      var value = pair[0] === "csrfmiddlewaretoken" && token ? token : pair[1];
      params.append(pair[0], value);
    });
    return params;
  }

  // "sent": stored (or a resend the server already had); "refused": 4xx; "failed": try again.
  function send(entry) {
    return window.fetch(entry.url, {
      method: "POST",
      body: body(entry),
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-Requested-With": "fetch"},
    }).then(function (response) {
      if (response.status >= 500 || response.status === 408 || response.status === 429) {
        return {state: "failed"};
      }
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        // A login page after an expired session, a proxy's page: not an answer of ours.
        return {state: "failed"};
      }
      return response.json().then(function (data) {
        return {state: response.ok ? "sent" : "refused", data: data};
      });
    }, function () {
      return {state: "failed"};
    });
  }

  function format(template, n) {
    return (template || "").replace("%(n)s", String(n));
  }

  function showBadges() {
    var waiting = load(QUEUE);
    var refused = load(REFUSED);
    document.querySelectorAll("[data-offline-badge]").forEach(function (badge) {
      var parts = [];
      if (waiting.length === 1) {
        parts.push(badge.dataset.waitingOne);
      } else if (waiting.length > 1) {
        parts.push(format(badge.dataset.waitingMany, waiting.length));
      }
      if (refused.length) {
        parts.push(format(badge.dataset.refused, refused.length));
      }
      badge.textContent = parts.join(" · ");
      badge.hidden = parts.length === 0;
      badge.dataset.waiting = String(waiting.length);
    });
    var urls = waiting.map(function (e) { return e.url; });
    document.querySelectorAll("[data-offline-url]").forEach(function (row) {
      row.classList.toggle("offline-waiting", urls.indexOf(row.dataset.offlineUrl) !== -1);
    });
  }

  function status(form, text) {
    var box = form.querySelector("[data-offline-status]");
    if (box) {
      box.textContent = text;
      box.hidden = !text;
    }
  }

  function flush() {
    if (sending) {
      return Promise.resolve();
    }
    var entries = load(QUEUE);
    if (!entries.length) {
      showBadges();
      return Promise.resolve();
    }
    sending = true;
    var chain = Promise.resolve();
    entries.forEach(function (entry) {
      chain = chain.then(function () {
        return send(entry).then(function (answer) {
          if (answer.state === "sent") {
            forget(QUEUE, entry);
          } else if (answer.state === "refused") {
            forget(QUEUE, entry);
            var refused = load(REFUSED);
            refused.push(entry);
            store(REFUSED, refused);
          }
          showBadges();
        });
      });
    });
    return chain.then(function () {
      sending = false;
      document.querySelectorAll("form[data-offline-queue]").forEach(function (form) {
        var key = form.querySelector("input[name=idempotency_key]");
        var mine = key && load(QUEUE).some(function (e) { return e.key === key.value; });
        if (key && form.dataset.offlineQueued === "yes" && !mine) {
          form.dataset.offlineQueued = "sent";
          status(form, form.dataset.offlineSent);
        }
      });
    });
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-offline-queue]")) {
      return;
    }
    event.preventDefault();
    var key = form.querySelector("input[name=idempotency_key]");
    var target = new URL(form.action || window.location.href, window.location.href);
    var entry = {
      url: target.pathname + target.search,
      key: key ? key.value : String(Date.now()),
      fields: Array.from(new FormData(form).entries()).filter(function (pair) {
        return typeof pair[1] === "string";
      }),
      savedAt: new Date().toISOString(),
    };
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
    }
    status(form, form.dataset.offlineSending);
    send(entry).then(function (answer) {
      if (button) {
        button.disabled = false;
      }
      if (answer.state === "sent") {
        forget(QUEUE, entry);
        window.location.assign(answer.data.redirect || window.location.href);
      } else if (answer.state === "refused") {
        // Nothing was stored: post the plain way so the page shows the server's errors.
        HTMLFormElement.prototype.submit.call(form);
      } else {
        remember(entry);
        form.dataset.offlineQueued = "yes";
        status(form, form.dataset.offlineSaved);
        showBadges();
      }
    });
  }

  function newKey() {
    if (window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;  // a random (version 4) UUID
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.from(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
            hex.slice(20)].join("-");
  }

  // A page opened from the copy its service worker kept (web/offline-sw.js): its form's key
  // and time are those of when the copy was made. This filling gets a key of its own (a
  // second filling of the same kept copy is not a resend of the first) and the time it opened.
  function renewKeptForms() {
    if (!document.documentElement.hasAttribute("data-served-from-copy")) {
      return;
    }
    // A copy good until a moment (`data-offline-until`: its forms name their day) is past it:
    // it says so, and its forms take nothing.
    var until = document.querySelector("[data-offline-until]");
    if (until && !(Date.now() < Date.parse(until.dataset.offlineUntil))) {
      until.hidden = false;
      document.querySelectorAll("form[data-offline-queue] button[type=submit]").forEach(
        function (button) { button.disabled = true; });
    }
    document.querySelectorAll("form[data-offline-queue] input[data-fresh]").forEach(
      function (input) {
        if (input.dataset.fresh === "key") {
          input.value = newKey();
        } else if (input.dataset.fresh === "now") {
          input.value = new Date().toISOString();
        }
      });
  }

  renewKeptForms();
  document.addEventListener("submit", onSubmit);
  window.addEventListener("online", flush);
  window.setInterval(flush, RETRY_MS);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", flush);
  } else {
    flush();
  }
}());
