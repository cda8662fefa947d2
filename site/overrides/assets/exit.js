// "Exit this page" (#px-exit) and the Esc key, on the pages where a person writes about themselves
// (complaint, follow-up, booking, manage, feedback forms): someone may be watching the phone.
// At once: the page goes blank and what was typed is cleared; localStorage and sessionStorage are
// emptied and IndexedDB deleted; the service worker drops every saved copy of these pages (sw.js);
// then the history entry is replaced by an ordinary site's (location.replace), so Back does not
// return here. The link itself leaves without JavaScript too. Nothing here needs the network.
// Between these pages, links replace the history entry too: one entry of them at most, which the
// exit then replaces.
// A classic script in the page's <head> (overrides/main.html), neither async nor a module: the
// browser shows nothing of the page, and so nothing can be tapped or typed into, before it has run.
// Loaded any later (an async module ran whenever its fetch ended), a link tapped or Esc pressed on
// a slow phone before it came did what a plain link does: the page stayed in the tab's history,
// where the exit no longer reaches it. It runs before the body exists, so it listens on the
// document and finds the button when it is used.
(function () {
  "use strict";
  // Where the site begins (overrides/main.html's data-scope on this script's own tag).
  const scope = document.currentScript && document.currentScript.getAttribute("data-scope");
  const root = new URL(scope || ".", location).pathname;
  // As sw.js says it: these folders, in any language (/<lang>/ before them).
  const PRIVATE = /^(?:[a-z]{2}\/)?(?:complaint|book|feedback)\//;
  const WAIT_MS = 1000;  // the most the cleaning may hold the exit back; the worker goes on after
  let leaving = false;

  function exitButton(node) {
    return node && node.closest ? node.closest("#px-exit") : null;
  }
  function blank() {
    document.querySelectorAll("input, textarea, select").forEach((field) => {
      if (field.type === "checkbox" || field.type === "radio") field.checked = false;
      else if (field.tagName === "SELECT") field.selectedIndex = -1;
      else field.value = "";
    });
    document.title = "";
    if (document.body) document.body.replaceChildren();  // receipts, codes and answers shown go with it
  }
  function forgetStorage() {
    [window.localStorage, window.sessionStorage].forEach((store) => {
      try { store.clear(); } catch (err) { /* storage refused: nothing was kept there */ }
    });
  }
  function deleteDatabases() {
    if (!window.indexedDB || !indexedDB.databases) return Promise.resolve();
    return indexedDB.databases().then((list) => Promise.all(list.map((db) => new Promise((done) => {
      const request = indexedDB.deleteDatabase(db.name);
      request.onsuccess = request.onerror = request.onblocked = () => done();
    }))), () => {});
  }
  // The service worker does the cache work (event.waitUntil keeps it going after this page has
  // gone) and says when it is done.
  function dropSavedPages() {
    if (!("serviceWorker" in navigator)) return Promise.resolve();
    return navigator.serviceWorker.getRegistration(root).then((registration) => {
      const worker = registration && (registration.active || registration.waiting || registration.installing);
      if (!worker) return undefined;
      return new Promise((done) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => done();
        worker.postMessage({ type: "quick-exit" }, [channel.port2]);
      });
    }).catch(() => {});
  }

  function leave(event, button) {
    if (event) event.preventDefault();
    if (leaving) return;
    leaving = true;
    const destination = button.href;
    blank();
    forgetStorage();
    const cleaned = Promise.all([dropSavedPages(), deleteDatabases()]);
    const waited = new Promise((done) => setTimeout(done, WAIT_MS));
    Promise.race([cleaned, waited]).then(() => location.replace(destination));
  }

  document.addEventListener("click", (event) => {
    const button = exitButton(event.target);
    if (button) leave(event, button);
  }, true);
  document.addEventListener("keydown", (event) => {
    const button = document.getElementById("px-exit");
    if (!button) return;  // a page without the exit: nothing to leave by
    if (event.key === " " && exitButton(event.target)) {  // a role="button" link answers Space too
      leave(event, button);
      return;
    }
    // Esc while an input method is composing a word cancels the word, nothing more.
    if (event.key !== "Escape" || event.isComposing || event.keyCode === 229) return;
    leave(event, button);
  }, true);

  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey ||
        event.altKey || !document.getElementById("px-exit")) return;
    const link = event.target.closest && event.target.closest("a[href]");
    if (!link || exitButton(link) || link.target || link.hasAttribute("download")) return;
    const url = new URL(link.href, location);
    if (url.origin !== location.origin || url.pathname.indexOf(root) !== 0) return;
    if (!PRIVATE.test(url.pathname.slice(root.length))) return;
    event.preventDefault();
    location.replace(url.href);
  });
}());
