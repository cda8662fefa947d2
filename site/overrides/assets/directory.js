// The centre directory (/centres/) and each centre's page: "open now" in the centre's own time
// zone, a warning on details not checked for six months, past dates hidden; on the directory, the
// filters kept in the address, centres sorted by distance, and the list refreshed from the API.
// Every page works without it (the filters are CSS). Positions from geolocation stay in this page:
// they are never sent anywhere. Text from the API is set with textContent.
import { $, fill, say } from "./dom.js";
import { dayName, fieldsIn, formatNumber, formatTime, load, pluralForm, weekday } from "./i18n/format.js";

const lang = document.documentElement.lang || "en";
// Times, counts and distances in the page's language from the CLDR data the site ships (a phone's
// own Intl may have none for Tajik, Khmer or Burmese); `cldr` is the code format.js answers to.
let cldr = null;  // until loaded, "open now" and "closed now" are said without times

// ---- Time in a centre's time zone ----------------------------------------------------------------
function localNow(timeZone, now) {
  const f = fieldsIn(Number(now), timeZone);  // `now`: a Date or epoch milliseconds
  const two = (n) => String(n).padStart(2, "0");
  return {
    date: f.year + "-" + two(f.month) + "-" + two(f.day),
    day: DAYS[weekday(f.year, f.month, f.day)],
    time: two(f.hour) + ":" + two(f.minute)
  };
}
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY_MS = 86400000;

// The day `offset` days after `date` (YYYY-MM-DD): its date and its weekday's key.
function dayAfter(date, offset) {
  const stamp = new Date(date + "T12:00:00Z").getTime() + offset * DAY_MS;
  const next = new Date(stamp).toISOString().slice(0, 10);
  return { date: next, day: DAYS[(new Date(stamp).getUTCDay() + 6) % 7] };
}
// A day's opening ranges: dated exceptions (and a mobile centre's visits) win over the weekly plan.
function rangesOn(hours, exceptions, date, day) {
  return Object.prototype.hasOwnProperty.call(exceptions, date) ? exceptions[date] : hours[day] || [];
}
// Open now? If not, when it opens next (today, or on which day within a week), in the centre's zone.
function openState(node, now) {
  const zone = node.getAttribute("data-timezone");
  if (!zone) return null;
  const hours = JSON.parse(node.getAttribute("data-hours") || "{}");
  const exceptions = JSON.parse(node.getAttribute("data-exceptions") || "{}");
  const here = localNow(zone, now);
  const today = rangesOn(hours, exceptions, here.date, here.day);
  for (const range of today) {
    if (range[0] <= here.time && here.time < range[1]) return { open: true, closes: range[1] };
  }
  const later = today.find((range) => range[0] > here.time);
  if (later) return { open: false, opens: later[0] };
  for (let offset = 1; offset <= 7; offset += 1) {
    const next = dayAfter(here.date, offset);
    const ranges = rangesOn(hours, exceptions, next.date, next.day);
    if (ranges.length) return { open: false, opens: ranges[0][0], day: DAYS.indexOf(next.day) + 1 };
  }
  return { open: false };
}
function showOpenState(node, texts, now) {
  const badge = node.querySelector(".px-open");
  const state = openState(node, now);
  if (!badge || !state) return;
  badge.hidden = false;
  badge.className = "px-open " + (state.open ? "px-open--yes" : "px-open--no");
  const at = (hhmm) => formatTime(cldr, hhmm === "24:00" ? "00:00" : hhmm, { style: "short" });
  if (!cldr) {
    badge.textContent = state.open ? texts.open : texts.closed;
  } else if (state.open) {
    badge.textContent = texts.open + (state.closes && state.closes !== "24:00" ? " · " + fill(texts.closes, { time: at(state.closes) }) : "");
  } else if (state.opens && state.day) {
    badge.textContent = fill(texts["opens-on"], { day: dayName(cldr, state.day, { context: "format" }), time: at(state.opens) });
  } else if (state.opens) {
    badge.textContent = fill(texts["opens-at"], { time: at(state.opens) });
  } else {
    badge.textContent = texts.closed;
  }
}
function showStale(node, texts, now) {
  const verified = node.getAttribute("data-verified");
  if (!verified || node.querySelector(".px-stale")) return;
  const age = (now - new Date(verified + "T00:00:00Z")) / 86400000;
  if (age > 183) {
    const warning = document.createElement("p");
    warning.className = "px-stale";
    warning.textContent = texts.stale;
    node.appendChild(warning);
  }
}
function hidePast(now) {
  const today = new Date(now).toISOString().slice(0, 10);
  document.querySelectorAll(".px-dated li[data-date]").forEach((li) => {
    if (li.getAttribute("data-date") < today) li.hidden = true;
  });
}

// ---- The directory --------------------------------------------------------------------------------
function distanceKm(lat1, lon1, lat2, lon2) {
  const rad = Math.PI / 180, r = 6371;
  const dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
  return 2 * r * Math.asin(Math.sqrt(a));
}

function setUpDirectory(list, status, texts) {
  const form = $("centre-filters");
  const visible = () => Array.from(list.querySelectorAll(".px-centre")).filter((li) => li.offsetParent !== null);
  function count() {
    const n = visible().length;
    say(status, n ? pluralForm(cldr, n, JSON.parse(texts.count)) : texts.none);
  }
  // Filters: the radios already filter through CSS; keep them in the URL so a link (or a guide's
  // "centres that can help") can open the directory pre-filtered, and say how many match.
  const params = new URLSearchParams(location.search);
  ["country", "service", "language", "audience"].forEach((name) => {
    const value = params.get(name);
    const radio = value && $("f-" + name + "-" + value);
    if (radio) {
      radio.checked = true;
      radio.closest("details").open = true;
    }
  });
  if (form) {
    form.addEventListener("change", () => {
      const query = new URLSearchParams();
      new FormData(form).forEach((value, name) => { if (value) query.set(name, value); });
      const search = query.toString();
      history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
      count();
    });
  }
  count();

  // Nearest first: the position never leaves the device.
  const nearest = $("nearest");
  if (nearest && "geolocation" in navigator) {
    nearest.closest(".px-nearest").hidden = false;
    nearest.addEventListener("click", () => {
      navigator.geolocation.getCurrentPosition((position) => {
        const lat = position.coords.latitude, lon = position.coords.longitude;
        const items = Array.from(list.querySelectorAll(".px-centre"));
        items.forEach((li) => {
          const km = distanceKm(lat, lon, parseFloat(li.getAttribute("data-lat")), parseFloat(li.getAttribute("data-lon")));
          li.setAttribute("data-km", String(km));
          const label = li.querySelector(".px-distance");
          label.hidden = false;
          label.textContent = fill(texts.distance, { km: formatNumber(cldr, km, { maximumFractionDigits: km < 10 ? 1 : 0 }) });
        });
        items.sort((a, b) => a.getAttribute("data-km") - b.getAttribute("data-km"));
        list.replaceChildren(...items);
        list.setAttribute("data-sorted", "distance");
        count();
      }, () => say(status, texts.denied), { timeout: 15000, maximumAge: 600000 });
    });
  }

  // The list built into the page works offline; the API's answer says whether anything changed
  // since the page was built (a centre added or closed), and only then are names refreshed.
  // (The API helper is fetched here only: a centre's own page never asks the API.)
  const path = list.getAttribute("data-api").replace(/^\/api/, "");  // request() adds /api
  const query = path + "?lang=" + encodeURIComponent(list.getAttribute("data-lang") || lang);
  const offline = { ok: false, status: 0 };
  import("./api.js").then(({ request }) => request("GET", query), () => offline).then((result) => {
    if (!result.ok || !result.body || !Array.isArray(result.body.centres)) {
      if (!navigator.onLine) say(status, texts.offline);
      return;
    }
    const byId = {};
    result.body.centres.forEach((c) => { byId[c.id] = c; });
    list.querySelectorAll(".px-centre").forEach((li) => {
      const centre = byId[li.getAttribute("data-id")];
      if (!centre) { li.remove(); return; }
      li.querySelector(".px-centre__name").textContent = centre.name;
    });
    list.setAttribute("data-source", "api");
    count();
  });
}

const statusNode = $("centre-status");
if (statusNode) {
  const texts = {};
  ["open", "closed", "closes", "opens-at", "opens-on", "stale", "count", "none", "offline", "denied", "distance"]
    .forEach((name) => { texts[name] = statusNode.getAttribute("data-" + name); });
  const now = Date.now();
  const centres = document.querySelectorAll(".px-centre[data-timezone]");
  // open or closed at once, as the page is shown; the times once the language's CLDR data are here
  centres.forEach((node) => {
    showOpenState(node, texts, now);
    showStale(node, texts, now);
  });
  hidePast(now);
  cldr = await load(lang);
  centres.forEach((node) => showOpenState(node, texts, now));
  const directory = $("centre-list");
  if (directory) setUpDirectory(directory, statusNode, texts);
}
