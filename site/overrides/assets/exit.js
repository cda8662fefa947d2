// "Exit this page" (#px-exit) and the Esc key, on the pages where a person writes about themselves
// (complaint, follow-up, booking, manage, feedback forms): someone may be watching the phone.
// At once: the page goes blank and what was typed is cleared; localStorage and sessionStorage are
// emptied and IndexedDB deleted; the service worker drops every saved copy of these pages (sw.js);
// then the history entry is replaced by an ordinary site's (location.replace), so Back does not
// return here. The link itself leaves without JavaScript too. Nothing here needs the network.
// Between these pages, links replace the history entry too: one entry of them at most, which the
// exit then replaces.
(function () {
  "use strict";
  var script = document.currentScript;
  var button = document.getElementById("px-exit");
  if (!button) return;
  var destination = button.href;
  var root = new URL(script.getAttribute("data-scope") || ".", location).pathname;
  // As sw.js says it: these folders, in any language (/<lang>/ before them).
  var PRIVATE = /^(?:[a-z]{2}\/)?(?:complaint|book|feedback)\//;
  var WAIT_MS = 1000;  // the most the cleaning may hold the exit back; the worker goes on after
  var leaving = false;

  function blank() {
    document.querySelectorAll("input, textarea, select").forEach(function (field) {
      if (field.type === "checkbox" || field.type === "radio") field.checked = false;
      else if (field.tagName === "SELECT") field.selectedIndex = -1;
      else field.value = "";
    });
    document.title = "";
    document.body.replaceChildren();  // receipts, codes and answers shown on the page go with it
  }
  function forgetStorage() {
    [window.localStorage, window.sessionStorage].forEach(function (store) {
      try { store.clear(); } catch (err) { /* storage refused: nothing was kept there */ }
    });
  }
  function deleteDatabases() {
    if (!window.indexedDB || !indexedDB.databases) return Promise.resolve();
    return indexedDB.databases().then(function (list) {
      return Promise.all(list.map(function (db) {
        return new Promise(function (done) {
          var request = indexedDB.deleteDatabase(db.name);
          request.onsuccess = request.onerror = request.onblocked = function () { done(); };
        });
      }));
    }, function () {});
  }
  // The service worker does the cache work (event.waitUntil keeps it going after this page has
  // gone) and says when it is done.
  function dropSavedPages() {
    if (!("serviceWorker" in navigator)) return Promise.resolve();
    return navigator.serviceWorker.getRegistration(root).then(function (registration) {
      var worker = registration && (registration.active || registration.waiting || registration.installing);
      if (!worker) return undefined;
      return new Promise(function (done) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function () { done(); };
        worker.postMessage({ type: "quick-exit" }, [channel.port2]);
      });
    }).catch(function () {});
  }

  function leave(event) {
    if (event) event.preventDefault();
    if (leaving) return;
    leaving = true;
    blank();
    forgetStorage();
    var cleaned = Promise.all([dropSavedPages(), deleteDatabases()]);
    var waited = new Promise(function (done) { setTimeout(done, WAIT_MS); });
    Promise.race([cleaned, waited]).then(function () { location.replace(destination); });
  }

  button.addEventListener("click", leave);
  button.addEventListener("keydown", function (event) {  // a role="button" link answers Space too
    if (event.key === " ") leave(event);
  });
  document.addEventListener("keydown", function (event) {
    // Esc while an input method is composing a word cancels the word, nothing more.
    if (event.key !== "Escape" || event.isComposing || event.keyCode === 229) return;
    leave(event);
  }, true);

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey ||
        event.altKey) return;
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || link === button || link.target || link.hasAttribute("download")) return;
    var url = new URL(link.href, location);
    if (url.origin !== location.origin || url.pathname.indexOf(root) !== 0) return;
    if (!PRIVATE.test(url.pathname.slice(root.length))) return;
    event.preventDefault();
    location.replace(url.href);
  });
})();
