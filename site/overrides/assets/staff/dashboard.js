// The dashboard (#/dashboard: managers, administrators, focal points): what the centres achieved
// in a calendar month, quarter or year. A count the API withholds (fewer than it may show) is
// never drawn as 0, in the charts or in the CSV.
import { $, clear, el, fill } from "../dom.js";
import {
  clearError, fail, label, lang, languageName, money, monthName, num, option, percent, say, t
} from "./common.js";
import { centreName, serviceName } from "./centres.js";
import { call, load } from "./session.js";

let loaded = false;

// ---- the period and the filters ----------------------------------------------------------------
// A period is a calendar month, quarter or year (never a range: two overlapping ranges could be
// subtracted to recover a count the API withholds). Listed up to today, newest first.
const YEARS_LISTED = 3;
const yearFormat = new Intl.NumberFormat(lang, { useGrouping: false });
function periodLabel(value) {
  const text = String(value), year = text.slice(0, 4);
  if (/^\d{4}$/.test(text)) return yearFormat.format(Number(year));
  const quarter = /^\d{4}-Q([1-4])$/.exec(text);
  if (quarter) return fill(t("dash.quarter"), { q: yearFormat.format(Number(quarter[1])), year: yearFormat.format(Number(year)) });
  return monthName(text, "long");
}
function fillPeriods() {
  const select = clear($("d-period"));
  const today = new Date(), thisYear = today.getUTCFullYear(), thisMonth = today.getUTCMonth() + 1;
  const groups = { years: [], quarters: [], months: [] };
  for (let year = thisYear; year > thisYear - YEARS_LISTED; year--) {
    groups.years.push(String(year));
    for (let q = 4; q >= 1; q--) if (year < thisYear || 3 * q - 2 <= thisMonth) groups.quarters.push(year + "-Q" + q);
    for (let m = 12; m >= 1; m--) if (year < thisYear || m <= thisMonth) groups.months.push(year + "-" + (m < 10 ? "0" : "") + m);
  }
  ["years", "quarters", "months"].forEach((name) => {
    select.appendChild(el("optgroup", { label: t("dash." + name) },
      groups[name].map((value) => option(value, periodLabel(value)))));
  });
  select.value = String(thisYear);
}
function dashboardLane() {
  return $("d-lane").value === "restricted" ? "restricted" : "general";
}
function dashboardQuery() {
  const query = new URLSearchParams();
  query.set("lane", dashboardLane());
  if ($("d-centre").value) query.set("centre", $("d-centre").value);
  query.set("period", $("d-period").value);
  if (dashboardLane() === "general") {  // gender and age band narrow the needs, which only the general lane has
    if ($("d-gender").value) query.set("gender", $("d-gender").value);
    if ($("d-age").value) query.set("age_band", $("d-age").value);
  }
  return query.toString();
}
function showLaneFilters() {
  const general = dashboardLane() === "general";
  $("d-gender").parentNode.hidden = !general;
  $("d-age").parentNode.hidden = !general;
}
// Shown: this year, the first time.
export function showDashboard() {
  if (loaded) return;
  loaded = true;
  fillPeriods();
  showLaneFilters();
  loadDashboard();
}
function loadDashboard() {
  load("/staff/dashboard?" + dashboardQuery(), renderDashboard);
}

// ---- the charts ------------------------------------------------------------------------------------
let suppressedBelow = 5;
// A count the API withheld (null: fewer than `suppressed_below`) is never shown as 0.
// (isolated left to right, so "<5" does not turn into "5>" in the Arabic console)
function count(value) {
  return value === null || value === undefined ? "\u2066" + fill(t("dash.suppressed"), { n: num(suppressedBelow) }) + "\u2069"
    : num(value);
}
function derived(value, format) { return value === null || value === undefined ? t("dash.not_shown") : format(value); }
const SVG = "http://www.w3.org/2000/svg";
function bar(value, max) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "px-staff-bar");
  svg.setAttribute("viewBox", "0 0 100 10");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const rect = document.createElementNS(SVG, "rect");
  const suppressed = value === null || value === undefined;
  const width = suppressed ? 100 : (max > 0 ? Math.max(value / max * 100, value > 0 ? 1 : 0) : 0);
  rect.setAttribute("width", String(width));
  rect.setAttribute("height", "10");
  rect.setAttribute("class", suppressed ? "px-staff-bar__suppressed" : "px-staff-bar__value");
  svg.appendChild(rect);
  return svg;
}
// A chart is a table (its text alternative) whose count cells hold a bar drawn to scale.
function chart(titleKey, columnKey, rows) {
  const max = rows.reduce((m, r) => (r.value === null || r.value === undefined ? m : Math.max(m, r.value)), 0);
  const body = el("tbody", {}, rows.map((r) => el("tr", {}, [
    el("th", { scope: "row", text: r.label }),
    el("td", { className: "px-staff-chart__value" }, [
      el("span", { className: "px-staff-chart__number", text: count(r.value) }), bar(r.value, max)])
  ])));
  if (!rows.length) body.appendChild(el("tr", {}, [el("td", { colSpan: 2, text: t("dash.empty") })]));
  return el("section", { className: "px-staff-chart" }, [
    el("table", {}, [
      el("caption", { text: t(titleKey) }),
      el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: t(columnKey) }),
                                     el("th", { scope: "col", text: t("dash.count") })])]),
      body
    ])
  ]);
}
function stats(titleKey, pairs) {
  const dl = el("dl", { className: "px-staff-dl px-staff-stats" });
  pairs.forEach((p) => dl.appendChild(el("div", {}, [el("dt", { text: t(p[0]) }), el("dd", { text: p[1] })])));
  return el("section", { className: "px-staff-chart" }, [el("h3", { text: t(titleKey) }), dl]);
}
function renderDashboard(d) {
  suppressedBelow = d.suppressed_below || 5;
  $("d-note").textContent = fill(t("dash.suppressed_note"), { n: num(suppressedBelow) }) + " " +
    fill(t("dash.period_shown"), { period: periodLabel(d.period && d.period.value) }) +
    (d.lane === "restricted" ? " " + t("dash.restricted_note") : "");
  const charts = clear($("d-charts"));
  if (d.lane === "restricted") { complaintCharts(charts, d.complaints || {}); return; }
  charts.appendChild(chart("dash.served", "dash.month_centre_service", (d.served || []).map((s) => ({
    label: monthName(s.month) + " · " + centreName(s.centre_id) + " · " + serviceName(s.centre_id, s.service_id),
    value: s.count
  }))));
  const noShow = d.no_show_rate || {};
  charts.appendChild(stats("dash.no_show", [
    ["dash.attended", count(noShow.attended)], ["dash.no_show_count", count(noShow.no_show)],
    ["dash.rate", derived(noShow.rate, percent)]
  ]));
  complaintCharts(charts, d.complaints || {});
  const ratings = d.ratings || {};
  charts.appendChild(stats("dash.ratings", [
    ["dash.ratings_count", count(ratings.count)],
    ["dash.average", derived(ratings.average, (v) => new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(v))],
    ["dash.helped", derived(ratings.helped_decide_share, percent)],
    ["dash.delivered", derived(ratings.delivered_share, percent)]
  ]));
  charts.appendChild(guidesTable(d.guides || []));
  charts.appendChild(chart("dash.needs", "dash.topic", (d.needs || []).map((n) => ({
    label: label("topic", n.topic), value: n.count
  }))));
  if (d.needs_text && d.needs_text.length) {
    charts.appendChild(el("section", { className: "px-staff-chart" }, [
      el("h3", { text: t("dash.needs_text") }),
      el("ol", { className: "px-messages" }, d.needs_text.map((n) => el("li", {}, [
        el("p", { className: "px-staff-meta", text: label("topic", n.topic) + " · " + languageName(n.language) + " · " + monthName(n.month, "long") }),
        el("p", { className: "px-staff-text", dir: "auto", text: n.text })
      ])))
    ]));
  }
}
function complaintCharts(charts, complaints) {
  charts.appendChild(chart("dash.by_category", "field.category", (complaints.by_category || []).map((c) => ({
    label: label("category", c.category), value: c.count
  }))));
  charts.appendChild(chart("dash.by_outcome", "field.outcome", (complaints.by_outcome || []).map((o) => ({
    label: label("outcome", o.outcome), value: o.count
  }))));
  const compensation = (complaints.compensation || []).map((c) => money(c.amount, c.currency)).join(", ");
  charts.appendChild(stats("dash.complaints", [
    ["dash.received", count(complaints.received)],
    ["dash.median_ack", derived(complaints.median_days_to_acknowledge, (v) => fill(t("queue.days"), { n: num(v) }))],
    ["dash.compensation", compensation || t("case.none")]
  ]));
}
function guidesTable(guides) {
  const body = el("tbody", {}, guides.map((g) => {
    const share = g.yes !== null && g.no !== null && g.yes + g.no > 0 ? g.yes / (g.yes + g.no) : null;
    return el("tr", {}, [
      el("th", { scope: "row" }, [el("span", { dir: "ltr", text: g.page }), " (" + languageName(g.language) + ")"]),
      el("td", { text: count(g.yes) }),
      el("td", { text: count(g.no) }),
      el("td", { className: "px-staff-chart__value" }, [
        el("span", { className: "px-staff-chart__number", text: derived(share, percent) }),
        bar(share === null ? null : share * 100, 100)])
    ]);
  }));
  if (!guides.length) body.appendChild(el("tr", {}, [el("td", { colSpan: 4, text: t("dash.empty") })]));
  return el("section", { className: "px-staff-chart" }, [el("table", {}, [
    el("caption", { text: t("dash.guides") }),
    el("thead", {}, [el("tr", {}, ["dash.page", "dash.yes", "dash.no", "dash.yes_share"].map((k) =>
      el("th", { scope: "col", text: t(k) })))]),
    body
  ])]);
}

// ---- the CSV ---------------------------------------------------------------------------------------
async function downloadCsv() {
  clearError();
  say(t("loading"));
  const result = await call("GET", "/staff/dashboard.csv?" + dashboardQuery(), undefined, "text/csv");
  if (!result.ok) { fail(result); return; }
  const url = URL.createObjectURL(result.body);
  const link = el("a", { href: url, download: "passerelle-dashboard-" + dashboardLane() + "-" + $("d-period").value + ".csv" });
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  document.body.removeChild(link);
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  say(t("dash.csv_done"));
}

export function setUpDashboard() {
  $("d-form").addEventListener("submit", (event) => { event.preventDefault(); loadDashboard(); });
  $("d-csv").addEventListener("click", downloadCsv);
  $("d-lane").addEventListener("change", () => { showLaneFilters(); loadDashboard(); });
}
