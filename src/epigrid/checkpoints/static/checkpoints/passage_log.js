/*
 * The checkpoint logging page, offline first. A logged passage goes into a queue in
 * localStorage at once (with a UUID made here, its `client_id`), and the queue is sent to
 * POST /api/passages/batch in batches whenever the network lets it: right away, on the
 * `online` event, every 15 s and when the page opens. The server stores a resent passage once
 * (same client_id: "duplicate"), so a batch whose answer was lost is simply sent again.
 * Answered items leave the queue; refused ones are kept aside with the server's messages.
 * The service worker (web/offline-sw.js) keeps the page and its files for opening it offline.
 * No inline script (CSP): settings come in a json_script block, texts in data attributes.
 */
(function () {
  "use strict";

  // The signed-in person's own (own-queues.js): never sent under another person's session.
  var own = window.epigridOwnQueue || function (name) { return name; };
  var QUEUE = own("epigrid-passage-queue");
  var REFUSED = own("epigrid-passage-refused");
  var RECENT = own("epigrid-passage-recent");
  var CACHE = "epigrid-passage-log-v1";
  var RETRY_MS = 15000;
  var RECENT_MAX = 20;
  var config = JSON.parse(document.getElementById("passage-config").textContent);
  var form = document.getElementById("passage-form");
  var statusBox = document.getElementById("queue-status");
  var sending = false;
  var problem = "";

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

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.from(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); });
    return [hex.slice(0, 4), hex.slice(4, 6), hex.slice(6, 8), hex.slice(8, 10), hex.slice(10)]
      .map(function (part) { return part.join(""); }).join("-");
  }

  function text(name) {
    return statusBox.dataset[name] || "";
  }

  // --- what the page shows -------------------------------------------------------------------

  function showStatus() {
    var waiting = load(QUEUE).length;
    var parts = [];
    if (waiting === 1) {
      parts.push(text("waitingOne"));
    } else if (waiting > 1) {
      parts.push(text("waitingMany").replace("%(n)s", String(waiting)));
    } else {
      parts.push(text("allSent"));
    }
    if (problem && waiting) {
      parts.push(problem);
    }
    statusBox.textContent = parts.join(" · ");
    statusBox.dataset.waiting = String(waiting);
    statusBox.classList.toggle("is-clear", waiting === 0);
    showRecent();
    showRefused();
  }

  function showRecent() {
    var list = document.getElementById("recent");
    var queued = {};
    load(QUEUE).forEach(function (item) { queued[item.client_id] = true; });
    list.textContent = "";
    load(RECENT).forEach(function (entry) {
      var li = document.createElement("li");
      var state = queued[entry.client_id] ? list.dataset.waiting : list.dataset.sent;
      li.textContent = entry.label + " · " + state;
      li.className = queued[entry.client_id] ? "waiting" : "sent";
      list.appendChild(li);
    });
  }

  function showRefused() {
    var refused = load(REFUSED);
    var box = document.getElementById("refused");
    var list = document.getElementById("refused-list");
    list.textContent = "";
    refused.forEach(function (entry) {
      var li = document.createElement("li");
      var messages = Object.keys(entry.errors || {}).map(function (field) {
        return field + ": " + entry.errors[field].join(" ");
      });
      li.textContent = entry.label + " — " + messages.join("; ");
      list.appendChild(li);
    });
    box.hidden = refused.length === 0;
  }

  // --- the form ------------------------------------------------------------------------------

  function checked(name) {
    var input = form.querySelector("input[name=" + name + "]:checked");
    return input ? input.value : "";
  }

  function field(name) {
    var input = form.elements.namedItem(name);
    return input && input.value ? String(input.value).trim() : "";
  }

  function temperature() {
    return field("temperature_other") || checked("temperature");
  }

  function refresh() {
    form.classList.toggle("is-vehicle", checked("kind") === "vehicle");
    var t = parseFloat(temperature());
    var fever = !isNaN(t) && t >= parseFloat(config.threshold);
    form.classList.toggle("is-fever", fever);
    document.getElementById("fever-warning").hidden = !fever;
  }

  function readItem(decision) {
    var kind = checked("kind") || "person";
    var item = {
      client_id: uuid(), checkpoint_id: config.checkpoint, at: new Date().toISOString(),
      kind: kind, direction: checked("direction"), temperature: temperature() || null,
      decision: decision, id_number: field("id_number"), name: field("name"),
      origin: field("origin"), destination: field("destination"),
      destination_area_id: field("destination_area_id") || null,
    };
    if (kind === "vehicle") {
      item.plate = field("plate");
      item.passengers = parseInt(field("passengers") || "1", 10);
    }
    return item;
  }

  // The server checks everything again; these only catch what a tap forgot.
  function missing(item) {
    if (!item.direction) {
      return text("needDirection");
    }
    var t = parseFloat(item.temperature);
    if (item.kind === "person" && (isNaN(t) || t < 34 || t > 43)) {
      return text("needTemperature");
    }
    if (item.kind === "vehicle" && !item.plate) {
      return text("needPlate");
    }
    return "";
  }

  function label(item) {
    var time = item.at.slice(11, 16);
    var who = item.kind === "vehicle" ? item.plate + " ×" + item.passengers : (item.name || "");
    return [time, item.direction, who, item.temperature ? item.temperature + " °C" : "",
            item.decision].filter(Boolean).join(" ");
  }

  function reset() {
    ["direction", "temperature"].forEach(function (name) {
      form.querySelectorAll("input[name=" + name + "]").forEach(function (input) {
        input.checked = false;
      });
    });
    ["temperature_other", "plate", "id_number", "name", "origin", "destination",
     "destination_area_id"].forEach(function (name) {
      var input = form.elements.namedItem(name);
      if (input) {
        input.value = "";
      }
    });
    form.elements.namedItem("passengers").value = "1";
    form.querySelector("details.more").open = false;
    refresh();
  }

  function onSubmit(event) {
    event.preventDefault();
    var decision = event.submitter && event.submitter.value ? event.submitter.value : "pass";
    var item = readItem(decision);
    var why = missing(item);
    if (why) {
      statusBox.textContent = why;
      return;
    }
    if (parseFloat(item.temperature) >= parseFloat(config.threshold)) {
      item.decision = "fever";
    }
    var queue = load(QUEUE);
    queue.push(item);
    store(QUEUE, queue);
    var recent = load(RECENT);
    recent.unshift({client_id: item.client_id, label: label(item)});
    store(RECENT, recent.slice(0, RECENT_MAX));
    reset();
    showStatus();
    flush();
  }

  // --- sending -------------------------------------------------------------------------------

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(items) {
    return window.fetch(config.batchUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRFToken": csrfToken()},
      body: JSON.stringify({passages: items}),
    });
  }

  // Remove answered items from the queue (re-read: more may have been logged meanwhile).
  function settle(answer, sent) {
    var done = {};
    var refused = load(REFUSED);
    answer.results.forEach(function (result) {
      var item = sent[result.index];
      done[item.client_id] = true;
      if (result.result === "error") {
        refused.push({client_id: item.client_id, label: label(item), errors: result.errors,
                      item: item});
      }
    });
    store(QUEUE, load(QUEUE).filter(function (item) { return !done[item.client_id]; }));
    store(REFUSED, refused);
  }

  function sendNext() {
    var batch = load(QUEUE).slice(0, config.batchSize);
    if (!batch.length) {
      return Promise.resolve(false);
    }
    return post(batch).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.status === 401 || response.status === 403) {
        problem = text("signedOut");
        return false;
      }
      if (!response.ok || type.indexOf("application/json") === -1) {
        problem = text("offline");
        return false;
      }
      return response.json().then(function (answer) {
        problem = "";
        settle(answer, batch);
        return true;
      });
    }, function () {
      problem = text("offline");
      return false;
    });
  }

  function flush() {
    if (sending) {
      return Promise.resolve();
    }
    sending = true;
    function loop() {
      return sendNext().then(function (progressed) {
        showStatus();
        return progressed && load(QUEUE).length ? loop() : null;
      });
    }
    return loop().then(function () { sending = false; }, function () { sending = false; });
  }

  form.addEventListener("submit", onSubmit);
  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
  form.querySelectorAll("button.step").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = form.elements.namedItem("passengers");
      var next = (parseInt(input.value || "1", 10) || 1) + parseInt(button.dataset.step, 10);
      input.value = String(Math.min(99, Math.max(1, next)));
    });
  });
  document.getElementById("refused-clear").addEventListener("click", function () {
    store(REFUSED, []);
    showStatus();
  });
  window.addEventListener("online", flush);
  window.setInterval(flush, RETRY_MS);
  refresh();
  showStatus();
  // Offline: the service worker, and the page's own files kept for it (web/offline-pages.js).
  if (window.epigridKeepOffline) {
    window.epigridKeepOffline(config.workerUrl, config.scope, CACHE, []);
  }
  flush();
}());
