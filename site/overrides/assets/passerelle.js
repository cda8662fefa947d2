// Passerelle's only script on every page (an ES module: it runs once the page is parsed).
// Every page works without it. It stands in for mkdocs-material's inline globals (our
// Content-Security-Policy forbids inline scripts), loads the theme's bundle when the reader opens
// search, and registers the service worker that keeps pages read once for offline reading.
// Its own tag (overrides/main.html) says where the site begins and where the theme's bundle is.
const script = document.querySelector("script[data-bundle]");
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

// ---- Material's bundle, loaded when the reader opens search ----------------------------------------
// It weighs more than a whole guide; reading needs none of it. Material mounts its components
// on DOMContentLoaded, so that event is replayed once the bundle has run.
root.classList.remove("no-js");
root.classList.add("js", "px-lazy");
let bundleRequested = false;
function loadBundle() {
  if (bundleRequested) return;
  bundleRequested = true;
  const tag = document.createElement("script");
  tag.src = script.getAttribute("data-bundle");
  tag.onload = () => {
    document.dispatchEvent(new Event("DOMContentLoaded"));
    root.classList.remove("px-lazy");
    const input = document.querySelector(".md-search__input");
    const toggle = document.getElementById("__search");
    if (input && toggle && toggle.checked) input.focus();
  };
  document.body.appendChild(tag);
}
const searchToggle = document.getElementById("__search");
if (searchToggle) {
  searchToggle.addEventListener("change", () => { if (searchToggle.checked) loadBundle(); });
}
const searchInput = document.querySelector(".md-search__input");
if (searchInput) {
  searchInput.addEventListener("focus", loadBundle);
  searchInput.addEventListener("pointerdown", loadBundle);
}
document.addEventListener("keydown", (ev) => {
  const target = ev.target;
  const typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  if (!typing && (ev.key === "/" || ev.key === "s" || ev.key === "f")) loadBundle();
});
if (/[?&](q|h)=/.test(location.search)) loadBundle();

// ---- Offline: pages read once can be read again without a network --------------------------------
if ("serviceWorker" in navigator && location.protocol !== "file:") {
  navigator.serviceWorker.register(new URL("sw.js", scope).href, { scope: scope.pathname }).catch(() => {});
}
