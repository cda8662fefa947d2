// Passerelle's service worker: a page read once can be read again with no network.
// Pages: network first, the saved copy when offline. Theme assets: the saved copy first.
// The API is never cached (bookings and complaints must be live), and nothing is sent anywhere.
"use strict";
var PAGES = "passerelle-pages-v1";
var ASSETS = "passerelle-assets-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== PAGES && n !== ASSETS; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin || url.pathname.indexOf("/api/") === 0) return;
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
