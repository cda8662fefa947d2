// What every view of the staff console shares: its strings (content/staff/<lang>.yaml, in the
// page's data island), the lists of values the API speaks, dates, numbers and names in the
// console's language, the alert and status lines, and who is signed in.
// Every text that comes from the API goes on the page with textContent (or as an attribute value
// that is never a URL we did not build), never as markup.
import { $, el, clear, fill, say as sayIn } from "../dom.js";
import { problem } from "../api.js";
import { load as loadCldr } from "../i18n/format.js";
import { counted } from "./plural.js";

const dataNode = $("px-staff-data");
export const DATA = dataNode ? JSON.parse(dataNode.textContent) : null;
const S = DATA ? DATA.strings : {};
export const ENUMS = DATA ? DATA.enums : {};
export const lang = DATA ? DATA.lang : "en";
// The language's CLDR data (plural rules, digits), loaded before any view draws.
const cldrLang = await loadCldr(lang);
// Who is signed in (GET /api/staff/me), once they are.
export const state = { me: null };

// ---- strings -------------------------------------------------------------------------------------
export function t(key) { return Object.prototype.hasOwnProperty.call(S, key) ? S[key] : key; }
export function label(prefix, value) {
  const key = prefix + "." + value;
  return Object.prototype.hasOwnProperty.call(S, key) ? S[key] : String(value);
}
// A counted string in the count's plural form (plural.js), its other {placeholders} from `values`.
export function tn(key, count, values) {
  return fill(counted(cldrLang, t(key), count), values || {});
}
export function hasRole(...wanted) {
  return !!state.me && (state.me.roles || []).some((r) => wanted.indexOf(r) !== -1);
}

// ---- form controls -------------------------------------------------------------------------------
export function option(value, text, selected) {
  const node = el("option", { value, text });
  if (selected) node.selected = true;
  return node;
}
// A select's options: [value, text] pairs, after an empty choice when `blankText` is given; the
// chosen value is kept if it is still offered.
export function fillSelect(select, pairs, blankText) {
  const keep = select.value;
  clear(select);
  if (blankText !== undefined) select.appendChild(option("", blankText));
  pairs.forEach((pair) => select.appendChild(option(pair[0], pair[1])));
  if (keep && pairs.some((p) => p[0] === keep)) select.value = keep;
}
export function badge(text, kind) {
  return el("span", { className: "px-staff-badge" + (kind ? " px-staff-badge--" + kind : ""), text });
}

// ---- dates, numbers, names ----------------------------------------------------------------------
const numberFormat = new Intl.NumberFormat(lang);
export function num(value) { return numberFormat.format(value); }
export function percent(value) {
  return new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 }).format(value);
}
export function when(value) {
  if (!value) return t("case.none");
  const text = String(value);
  const date = new Date(text.length === 10 ? text + "T00:00:00Z" : text);
  if (isNaN(date.getTime())) return text;
  const options = text.length === 10 ? { dateStyle: "medium", timeZone: "UTC" } : { dateStyle: "medium", timeStyle: "short" };
  return new Intl.DateTimeFormat(lang, options).format(date);
}
export function languageName(code) {
  if (!code) return t("case.none");
  try {
    const name = new Intl.DisplayNames([lang], { type: "language" }).of(code);
    return name && name !== code ? name + " (" + code + ")" : code;
  } catch (error) { return code; }
}
export function countryName(code) {
  if (!code) return t("case.none");
  try { return new Intl.DisplayNames([lang], { type: "region" }).of(code) || code; } catch (error) { return code; }
}
export function money(amount, currency) {
  try {
    return new Intl.NumberFormat(lang, { style: "currency", currency }).format(Number(amount));
  } catch (error) { return amount + " " + currency; }
}
export function hours(ranges) {
  if (!ranges || !ranges.length) return t("agenda.closed_day");
  return ranges.map((r) => r[0] + "–" + r[1]).join(", ");
}
export function clock(value) {
  const match = /T?(\d\d:\d\d)/.exec(String(value || ""));
  return match ? match[1] : String(value || "");
}
export function localDate(timeZone) {
  try { return new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date()); }
  catch (error) { return new Date().toISOString().slice(0, 10); }
}
export function monthName(value, width) {
  const date = new Date(String(value) + "-01T00:00:00Z");
  if (isNaN(date.getTime())) return String(value);
  return new Intl.DateTimeFormat(lang, { month: width || "short", year: "numeric", timeZone: "UTC" }).format(date);
}

// ---- messages ------------------------------------------------------------------------------------
// The alert (role=alert, there before any error so screen readers announce it) and the status line.
export function showError(text) {
  const alertNode = $("s-alert");
  alertNode.textContent = text;
  alertNode.hidden = false;
}
export function clearError() { $("s-alert").textContent = ""; }
export function say(text) { sayIn($("s-status"), text); }
// What went wrong, in the console's language (assets/api.js, problem): no connection (net.offline),
// the server's trouble (net.server), or a refusal said from its code, err.<code>, naming the
// field by field.<field> (content/staff/<lang>.yaml; tests/unit/test_staff_console.py checks that
// every code and field a staff route can answer has its words in the five languages). The API's
// English message never shows: a code without words gets err.other; error.api, which quotes it,
// is left for a table without err.other.
export function errorText(result) {
  return problem(result, { table: S, error: t("error.api") });
}
// A call that failed: said in the alert (unless the person was just signed out).
export function fail(result) {
  say("");
  if (!result.signedOut) showError(errorText(result));
  return null;
}
