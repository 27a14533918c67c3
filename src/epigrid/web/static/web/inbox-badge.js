// The count of unread notices beside "Inbox", asked of the API when a page opens, every minute
// while it is in view, and when it comes back into view: a fever reported at a checkpoint
// reaches an officer whose page has stayed open since the morning.
(function () {
  "use strict";
  var EVERY_MS = 60000;
  var link = document.querySelector("a[data-unread-url]");
  if (!link || !window.fetch) { return; }
  var badge = document.createElement("span");
  badge.className = "unread";
  badge.hidden = true;
  link.appendChild(badge);

  function show(count) {
    badge.hidden = count === 0;
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.title = count + " " + link.getAttribute("data-unread-label");
    link.setAttribute("data-unread", String(count));
  }
  function ask() {
    if (document.hidden) { return; }
    fetch(link.getAttribute("data-unread-url"), {credentials: "same-origin",
                                                 headers: {Accept: "application/json"}})
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (body) { if (body) { show(body.unread); } })
      .catch(function () { /* offline: the last count stands */ });
  }
  ask();
  window.setInterval(ask, EVERY_MS);
  document.addEventListener("visibilitychange", ask);
})();
