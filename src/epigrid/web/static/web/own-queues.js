/*
 * Each signed-in person's own queues on a shared phone: what one person left waiting to be sent
 * (offline-forms.js, passage_log.js) is kept under a name of its own
 * (`epigrid-offline-queue:<user id>`, the user from the body's `data-user`), so it is never sent
 * under another person's session, and is sent when its person signs in again. A queue kept
 * under the plain name (before queues were a person's own) goes to whoever signs in first, as
 * it would have been sent before. Loaded before the scripts that keep queues.
 */
(function () {
  "use strict";

  function entries(key) {
    try {
      var found = JSON.parse(window.localStorage.getItem(key) || "[]");
      return Array.isArray(found) ? found : [];
    } catch (error) {
      return [];
    }
  }

  window.epigridOwnQueue = function (name) {
    var user = document.body.dataset.user || "";
    if (!user) {
      return name;
    }
    var mine = name + ":" + user;
    var plain = entries(name);
    if (plain.length) {
      window.localStorage.setItem(mine, JSON.stringify(entries(mine).concat(plain)));
    }
    window.localStorage.removeItem(name);
    return mine;
  };
}());
