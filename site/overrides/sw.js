// Passerelle's service worker: a page read once can be read again with no network.
// Pages: network first, the saved copy when offline. Theme assets: the saved copy first.
// Never saved: API answers (bookings and complaints must be live) and the complaint pages (someone
// may look through the phone; the server also sends them with Cache-Control: no-store).
// On a quick exit (assets/exit.js), every saved copy of a page where a person writes about
// themselves goes, with the scripts only those pages use. Nothing is sent anywhere.
// The site's scripts are ES modules: a module's imports (dom.js, api.js, staff/*.js, and proof.js
// when a form first needs a proof) are fetched like any asset and saved the same way.
"use strict";
var PAGES = "passerelle-pages-v1";
// v2: the scripts became ES modules; a copy of a classic script saved before must not be run as one.
var ASSETS = "passerelle-assets-v2";
var ROOT = new URL(self.registration.scope).pathname;
// Paths below the site's root, in any language (/<lang>/ before them): as exit.js says it. The
// private scripts: the forms' own, the quick exit, and the proof of work's solver (fetched only
// to send something: a guide's reader who never answers never has it).
var NEVER_SAVED = /^(?:[a-z]{2}\/)?complaint\//;
var PRIVATE = /^(?:[a-z]{2}\/)?(?:complaint|book|feedback)\//;
var PRIVATE_ASSETS = /^assets\/(?:booking|complaint|exit|proof)\.js$/;

function below(url) {
  var path = new URL(url).pathname;
  return path.indexOf(ROOT) === 0 ? path.slice(ROOT.length) : null;
}
function neverSaved(url) {
  var path = below(url);
  return path !== null && (NEVER_SAVED.test(path) || path === "assets/complaint.js");
}
function isPrivate(url) {
  var path = below(url);
  return path !== null && (PRIVATE.test(path) || PRIVATE_ASSETS.test(path));
}
// Delete, from every cache of this origin, the entries whose URL `matches`.
function drop(matches) {
  return caches.keys().then(function (names) {
    return Promise.all(names.map(function (name) {
      return caches.open(name).then(function (cache) {
        return cache.keys().then(function (requests) {
          return Promise.all(requests.filter(function (r) { return matches(r.url); })
            .map(function (r) { return cache.delete(r); }));
        });
      });
    }));
  });
}

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== PAGES && n !== ASSETS; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () {
    return drop(neverSaved);  // complaint pages an earlier version of this worker saved
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  if (!event.data || event.data.type !== "quick-exit") return;
  var port = event.ports && event.ports[0];
  var done = function () { if (port) port.postMessage("done"); };
  event.waitUntil(drop(isPrivate).then(done, done));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin || url.pathname.indexOf("/api/") === 0) return;
  if (neverSaved(request.url)) return;  // the browser fetches it as if there were no worker
  if (request.mode === "navigate" || (request.headers.get("Accept") || "").indexOf("text/html") !== -1) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(PAGES).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(url.pathname, { cacheName: PAGES }).then(function (saved) {
        return saved || caches.match(url.pathname.replace(/[^/]*$/, ""), { cacheName: PAGES });
      }).then(function (saved) {
        return saved || new Response("Offline: this page has not been saved on this phone yet.",
          { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
      });
    }));
    return;
  }
  if (/\/assets\//.test(url.pathname)) {
    event.respondWith(caches.open(ASSETS).then(function (cache) {
      return cache.match(request).then(function (saved) {
        var network = fetch(request).then(function (response) {
          if (response.ok) cache.put(request, response.clone());
          return response;
        });
        return saved || network;
      });
    }));
  }
});
