// Passerelle's only script on every page (a classic script, at the end of <body>).
// Every page works without it. Text that comes from the API is set with textContent, never
// parsed as HTML. Positions from geolocation stay in this page: they are never sent anywhere.
(function () {
  "use strict";
  var script = document.currentScript;
  var root = document.documentElement;
  var lang = root.lang || "en";

  // ---- mkdocs-material's globals (its inline script, moved here for the CSP) -----------------
  window.__md_scope = new URL(script.getAttribute("data-scope") || ".", location);
  window.__md_hash = function (s) {
    return Array.prototype.reduce.call(s, function (h, c) { return (h << 5) - h + c.charCodeAt(0); }, 0);
  };
  window.__md_get = function (key, storage, scope) {
    storage = storage || localStorage; scope = scope || window.__md_scope;
    try { return JSON.parse(storage.getItem(scope.pathname + "." + key)); } catch (err) { return null; }
  };
  window.__md_set = function (key, value, storage, scope) {
    storage = storage || localStorage; scope = scope || window.__md_scope;
    try { storage.setItem(scope.pathname + "." + key, JSON.stringify(value)); } catch (err) { /* full */ }
  };

  // ---- Material's bundle, loaded when the reader opens search --------------------------------
  // It weighs more than a whole guide; reading needs none of it. Material mounts its components
  // on DOMContentLoaded, so that event is replayed once the bundle has run.
  root.classList.remove("no-js");
  root.classList.add("js", "px-lazy");
  var bundleRequested = false;
  function loadBundle() {
    if (bundleRequested) return;
    bundleRequested = true;
    var tag = document.createElement("script");
    tag.src = script.getAttribute("data-bundle");
    tag.onload = function () {
      document.dispatchEvent(new Event("DOMContentLoaded"));
      root.classList.remove("px-lazy");
      var input = document.querySelector(".md-search__input");
      var toggle = document.getElementById("__search");
      if (input && toggle && toggle.checked) input.focus();
    };
    document.body.appendChild(tag);
  }
  var searchToggle = document.getElementById("__search");
  if (searchToggle) {
    searchToggle.addEventListener("change", function () { if (searchToggle.checked) loadBundle(); });
  }
  var searchInput = document.querySelector(".md-search__input");
  if (searchInput) {
    searchInput.addEventListener("focus", loadBundle);
    searchInput.addEventListener("pointerdown", loadBundle);
  }
  document.addEventListener("keydown", function (ev) {
    var target = ev.target;
    var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (!typing && (ev.key === "/" || ev.key === "s" || ev.key === "f")) loadBundle();
  });
  if (/[?&](q|h)=/.test(location.search)) loadBundle();

  // ---- Offline: pages read once can be read again without a network ------------------------
  if ("serviceWorker" in navigator && location.protocol !== "file:") {
    var base = new URL(script.getAttribute("data-scope") || ".", location);
    navigator.serviceWorker.register(new URL("sw.js", base).href, { scope: base.pathname }).catch(function () {});
  }

  // ---- Time in a centre's time zone ----------------------------------------------------------
  var DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
  function localNow(timeZone, now) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: timeZone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", weekday: "short"
    }).formatToParts(now).forEach(function (p) { parts[p.type] = p.value; });
    return {
      date: parts.year + "-" + parts.month + "-" + parts.day,
      day: parts.weekday.slice(0, 3).toLowerCase(),
      time: parts.hour + ":" + parts.minute
    };
  }
  function fill(template, key, value) { return (template || "").replace("{" + key + "}", value); }
  // Open now? Dated exceptions (and a mobile centre's visits) win over the weekly plan.
  function openState(node, now) {
    var zone = node.getAttribute("data-timezone");
    if (!zone) return null;
    var hours = JSON.parse(node.getAttribute("data-hours") || "{}");
    var exceptions = JSON.parse(node.getAttribute("data-exceptions") || "{}");
    var here = localNow(zone, now);
    var ranges = Object.prototype.hasOwnProperty.call(exceptions, here.date) ? exceptions[here.date] : hours[here.day] || [];
    for (var i = 0; i < ranges.length; i++) {
      if (ranges[i][0] <= here.time && here.time < ranges[i][1]) return { open: true, closes: ranges[i][1] };
    }
    return { open: false };
  }
  function showOpenState(node, texts, now) {
    var badge = node.querySelector(".px-open");
    var state = openState(node, now);
    if (!badge || !state) return;
    badge.hidden = false;
    badge.className = "px-open " + (state.open ? "px-open--yes" : "px-open--no");
    badge.textContent = state.open
      ? texts.open + (state.closes && state.closes !== "24:00" ? " · " + fill(texts.closes, "time", state.closes) : "")
      : texts.closed;
  }
  function showStale(node, texts, now) {
    var verified = node.getAttribute("data-verified");
    if (!verified || node.querySelector(".px-stale")) return;
    var age = (now - new Date(verified + "T00:00:00Z")) / 86400000;
    if (age > 183) {
      var warning = document.createElement("p");
      warning.className = "px-stale";
      warning.textContent = texts.stale;
      node.appendChild(warning);
    }
  }
  function hidePast(now) {
    var today = new Date(now).toISOString().slice(0, 10);
    document.querySelectorAll(".px-dated li[data-date]").forEach(function (li) {
      if (li.getAttribute("data-date") < today) li.hidden = true;
    });
  }

  // ---- The directory --------------------------------------------------------------------------
  function distanceKm(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180, r = 6371;
    var dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * r * Math.asin(Math.sqrt(a));
  }

  function setUpDirectory(list, status, texts) {
    var form = document.getElementById("centre-filters");
    var say = function (text) { status.textContent = text || ""; };
    function visible() {
      return Array.prototype.filter.call(list.querySelectorAll(".px-centre"), function (li) {
        return li.offsetParent !== null;
      });
    }
    function count() {
      var n = visible().length;
      say(n ? fill(texts.count, "n", String(n)) : texts.none);
    }
    // Filters: the radios already filter through CSS; keep them in the URL so a link (or a guide's
    // "centres that can help") can open the directory pre-filtered, and say how many match.
    var params = new URLSearchParams(location.search);
    ["country", "service", "language", "audience"].forEach(function (name) {
      var value = params.get(name);
      var radio = value && document.getElementById("f-" + name + "-" + value);
      if (radio) {
        radio.checked = true;
        radio.closest("details").open = true;
      }
    });
    if (form) {
      form.addEventListener("change", function () {
        var query = new URLSearchParams();
        new FormData(form).forEach(function (value, name) { if (value) query.set(name, value); });
        var search = query.toString();
        history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
        count();
      });
    }
    count();

    // Nearest first: the position never leaves the device.
    var nearest = document.getElementById("nearest");
    if (nearest && "geolocation" in navigator) {
      nearest.closest(".px-nearest").hidden = false;
      nearest.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          var lat = position.coords.latitude, lon = position.coords.longitude;
          var items = Array.prototype.slice.call(list.querySelectorAll(".px-centre"));
          items.forEach(function (li) {
            var km = distanceKm(lat, lon, parseFloat(li.getAttribute("data-lat")), parseFloat(li.getAttribute("data-lon")));
            li.setAttribute("data-km", String(km));
            var label = li.querySelector(".px-distance");
            label.hidden = false;
            label.textContent = fill(texts.distance, "km", km < 10 ? km.toFixed(1) : String(Math.round(km)));
          });
          items.sort(function (a, b) { return a.getAttribute("data-km") - b.getAttribute("data-km"); });
          list.replaceChildren.apply(list, items);
          list.setAttribute("data-sorted", "distance");
          count();
        }, function () { say(texts.denied); }, { timeout: 15000, maximumAge: 600000 });
      });
    }

    // The list built into the page works offline; the API's answer says whether anything changed
    // since the page was built (a centre added or closed), and only then are names refreshed.
    fetch(list.getAttribute("data-api") + "?lang=" + encodeURIComponent(list.getAttribute("data-lang") || lang),
      { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (payload) {
        var byId = {};
        payload.centres.forEach(function (c) { byId[c.id] = c; });
        list.querySelectorAll(".px-centre").forEach(function (li) {
          var centre = byId[li.getAttribute("data-id")];
          if (!centre) { li.remove(); return; }
          li.querySelector(".px-centre__name").textContent = centre.name;
        });
        list.setAttribute("data-source", "api");
        count();
      })
      .catch(function () {
        if (!navigator.onLine) say(texts.offline);
      });
  }

  var statusNode = document.getElementById("centre-status");
  var texts = statusNode ? {
    open: statusNode.getAttribute("data-open"), closed: statusNode.getAttribute("data-closed"),
    closes: statusNode.getAttribute("data-closes"), stale: statusNode.getAttribute("data-stale"),
    count: statusNode.getAttribute("data-count"), none: statusNode.getAttribute("data-none"),
    offline: statusNode.getAttribute("data-offline"), denied: statusNode.getAttribute("data-denied"),
    distance: statusNode.getAttribute("data-distance")
  } : null;
  var now = Date.now();
  if (texts) {
    document.querySelectorAll(".px-centre[data-timezone]").forEach(function (node) {
      showOpenState(node, texts, now);
      showStale(node, texts, now);
    });
    hidePast(now);
    var directory = document.getElementById("centre-list");
    if (directory) setUpDirectory(directory, statusNode, texts);
  }
})();
