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
// v3: exit.js became a classic script in the head (main.html says why); its module copy saved
// before would find no button there, so the old copies go when this worker activates.
var ASSETS = "passerelle-assets-v3";
// Each language's search index (<lang>/search/index.json): saved when a page of that language is
// first saved, so search works offline once a page was read; refreshed whenever search uses it.
var SEARCH = "passerelle-search-v1";
var LANGUAGE = /^([a-z]{2})\//;
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
    return Promise.all(names.filter(function (n) { return n !== PAGES && n !== ASSETS && n !== SEARCH; })
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

// The search index of the language a page belongs to (the site's root is English).
function searchIndexOf(url) {
  var path = below(url);
  if (path === null) return null;
  var match = LANGUAGE.exec(path);
  return new URL(ROOT + (match ? match[1] + "/" : "") + "search/index.json", url).href;
}
// What search needs besides the index, fetched only when the reader opens search: kept with it.
var SEARCH_MODULES = ["assets/search/search.js", "assets/search/engine.js", "assets/i18n/format.js"];
function keepOnce(cacheName, address) {
  return caches.open(cacheName).then(function (cache) {
    return cache.match(address).then(function (saved) {
      if (saved) return undefined;
      return fetch(address).then(function (response) {
        if (response.ok) return cache.put(address, response);
        return undefined;
      });
    });
  });
}
function keepSearchIndex(url) {
  var index = searchIndexOf(url);
  if (!index) return Promise.resolve();
  var match = LANGUAGE.exec(below(url));
  var modules = SEARCH_MODULES.concat(["assets/i18n/cldr/" + (match ? match[1] : "en") + ".js"])
    .map(function (path) { return new URL(ROOT + path, url).href; });
  return keepOnce(SEARCH, index).then(function () {
    return Promise.all(modules.map(function (address) { return keepOnce(ASSETS, address); }));
  }).catch(function () { /* offline or full: the next page read tries again */ });
}

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
        if (!isPrivate(request.url)) event.waitUntil(keepSearchIndex(request.url));
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
  if (/\/search\/index\.json$/.test(url.pathname)) {
    // The saved index at once (offline too), refreshed from the network for the next time.
    event.respondWith(caches.open(SEARCH).then(function (cache) {
      return cache.match(request).then(function (saved) {
        var network = fetch(request).then(function (response) {
          if (response.ok) cache.put(request, response.clone());
          return response;
        });
        if (saved) {
          event.waitUntil(network.catch(function () {}));
          return saved;
        }
        return network;
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
