// Passerelle's only script on every page (an ES module: it runs once the page is parsed).
// Every page works without it. It stands in for mkdocs-material's inline globals (our
// Content-Security-Policy forbids inline scripts), opens the site's own search when the reader
// opens the theme's search box, and registers the service worker that keeps pages read once for
// offline reading. Its own tag (overrides/main.html) says where the site begins.
const script = document.querySelector("script[data-scope][src$='assets/passerelle.js']");
const root = document.documentElement;
const scope = new URL(script.getAttribute("data-scope") || ".", location);

// ---- mkdocs-material's globals (its inline script, moved here for the CSP) -----------------------
window.__md_scope = scope;
window.__md_hash = (s) => Array.prototype.reduce.call(s, (h, c) => (h << 5) - h + c.charCodeAt(0), 0);
window.__md_get = (key, storage = localStorage, at = window.__md_scope) => {
  try { return JSON.parse(storage.getItem(at.pathname + "." + key)); } catch (err) { return null; }
};
window.__md_set = (key, value, storage = localStorage, at = window.__md_scope) => {
  try { storage.setItem(at.pathname + "." + key, JSON.stringify(value)); } catch (err) { /* full */ }
};

// ---- Search ----------------------------------------------------------------------------------------
// The theme's search box with the site's own search (assets/search/search.js, fetched when the reader
// first opens the box): Material's bundle and its lunr index are never loaded; the drawer and the
// language menu are CSS. The box is focused in the same tap that opens it, so a phone's keyboard
// comes up at once; the module answers from the first letter typed.
root.classList.remove("no-js");
root.classList.add("js", "px-lazy");
const searchToggle = document.getElementById("__search");
const searchInput = document.querySelector(".md-search__input");
let searchLoaded = false;
function openSearch() {
  if (searchInput) searchInput.focus();
  if (!searchLoaded) {
    searchLoaded = true;
    import("./search/search.js").catch(() => { searchLoaded = false; });
  }
}
if (searchToggle && searchInput) {
  searchToggle.addEventListener("change", () => { if (searchToggle.checked) openSearch(); });
  searchInput.addEventListener("focus", openSearch);
  document.addEventListener("keydown", (ev) => {
    const target = ev.target;
    const typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (!typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey && (ev.key === "/" || ev.key === "s")) {
      ev.preventDefault();
      searchToggle.checked = true;
      openSearch();
    }
  });
}

// ---- Offline: pages read once can be read again without a network --------------------------------
if ("serviceWorker" in navigator && location.protocol !== "file:") {
  navigator.serviceWorker.register(new URL("sw.js", scope).href, { scope: scope.pathname }).catch(() => {});
}
