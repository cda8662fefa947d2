// "Check a recruiter": the regulator's list of one country, searched on the phone as the person
// types (match.js), with a plain verdict per agency. No search leaves the phone: the list is
// fetched once per country (the service worker keeps it, with this module and match.js, for
// offline use); the only request after that is the complaint figures, when someone asks for them.
import { $, el, clear, fill, say } from "../dom.js";
import { request } from "../api.js";
import { load, formatDate } from "../i18n/format.js";
import { search, verdict } from "./match.js";

const data = JSON.parse($("px-recruiters-data").textContent);
const t = data.messages;
const MAX_SHOWN = 10;
const lists = {};
let lang = "en";
let current = null;

function today() {
  const now = new Date();
  const pad = (n) => (n < 10 ? "0" : "") + n;
  return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
}

function day(iso) {
  return iso ? formatDate(lang, iso, { style: "long" }) : "";
}

function verdictText(found) {
  const v = verdict(found, today());
  return { state: v.state, text: fill(t["recruiters." + v.state], { date: day(v.date) }) };
}

function links() {
  const items = [
    el("a", { href: data.guide, text: t["recruiters.guide"] }),
    el("a", { href: data.book, text: t["recruiters.book"] }),
  ];
  return el("p", { className: "px-check__links" }, items.flatMap((a, i) => (i ? [" · ", a] : [a])));
}

function figures(agencyId, holder, button) {
  button.disabled = true;
  request("GET", "/recruiters/" + encodeURIComponent(agencyId)).then((result) => {
    button.hidden = true;
    const box = clear(holder);
    if (!result.ok) {
      box.append(el("p", { className: "px-message", text: t["recruiters.figures_offline"] }));
      return;
    }
    const published = result.body.publication;
    box.append(el("h3", { text: t["recruiters.figures_title"] }));
    if (published) {
      box.append(el("p", { text: fill(t["recruiters.figures_period"], { from: day(published.period_from), to: day(published.period_to) }) }));
    }
    const years = result.body.upheld || [];
    if (!years.length) box.append(el("p", { text: t["recruiters.figures_none"] }));
    years.forEach((year) => {
      box.append(el("p", { text: fill(t["recruiters.figures_period"], { from: day(year.period_from), to: day(year.period_to) }) }));
      box.append(el("ul", {}, year.categories.map((c) =>
        el("li", { text: fill(t["recruiters.figures_count"], { category: data.categories[c.category] || c.category, n: c.upheld }) }))));
    });
    box.append(el("p", { className: "px-hint", text: t["recruiters.figures_note"] }));
  });
}

function card(found) {
  const agency = found ? found.agency : null;
  const v = verdictText(agency);
  const children = [];
  if (agency) {
    children.push(el("h2", {}, [el("span", { lang: data.scripts[current.country.toLowerCase()] || "", text: agency.name.local })]));
    children.push(el("p", { className: "px-check__latin", text: agency.name.latin }));
  }
  children.push(el("p", { className: "px-check__verdict px-check__verdict--" + v.state }, [el("strong", { text: v.text })]));
  if (agency) {
    children.push(el("p", { text: fill(t["recruiters.licence"], { licence: agency.licence }) }));
  }
  children.push(links());
  if (agency) {
    const holder = el("div", { className: "px-check__figures" });
    const button = el("button", { type: "button", className: "md-button", text: t["recruiters.figures"] });
    button.addEventListener("click", () => figures(agency.id, holder, button));
    children.push(el("p", {}, [button]), holder);
  }
  return el("li", { className: "px-check__agency" }, children);
}

function show() {
  const results = clear($("r-results"));
  const query = $("r-query").value;
  if (!current || !query.trim()) { say($("r-status"), ""); return; }
  const found = search(current, query);
  const words = query.replace(/[\s\p{P}]/gu, "");
  if (!found.length && [...words].length < current.rules.min_query) { say($("r-status"), ""); return; }
  say($("r-status"), fill(t["recruiters.found"], { n: found.length }));
  if (!found.length) { results.append(card(null)); return; }
  found.slice(0, MAX_SHOWN).forEach((f) => results.append(card(f)));
}

function describe(list) {
  const source = list.source;
  $("r-source").textContent = fill(t["recruiters.source"], {
    source: source.title, date: day(source.published_on || source.checked_on),
  });
  $("r-sample").hidden = !list.sample_data;
}

async function choose(code) {
  current = null;
  clear($("r-results"));
  if (!lists[code]) {
    say($("r-status"), t["recruiters.loading"]);
    try {
      const response = await fetch(data.lists + code + ".json");
      if (!response.ok) throw new Error(String(response.status));
      lists[code] = await response.json();
    } catch (err) {
      say($("r-status"), t["recruiters.load_failed"], "error");
      return;
    }
  }
  current = lists[code];
  describe(current);
  say($("r-status"), "");
  show();
}

async function start() {
  lang = await load(document.documentElement.lang);
  $("check").hidden = false;
  $("r-country").addEventListener("change", (event) => choose(event.target.value));
  $("r-query").addEventListener("input", show);
  $("r-form").addEventListener("submit", (event) => { event.preventDefault(); show(); });
  await choose($("r-country").value);
}

start();
