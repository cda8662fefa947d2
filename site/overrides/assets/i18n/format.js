// Dates, times, numbers, lists and plurals in the portal's languages, from the CLDR data the site
// ships (devstack/cldr.py writes ./cldr/<lang>.js at build time), never from the phone's own Intl
// data: a phone whose locale is tg-TJ, km-KH or my-MM has none and prints "M12 5, Sat".
// The browser's Intl is used for one thing only: the wall-clock fields of an instant in an IANA
// time zone, asked of the "en" locale with Latin digits, which every Chromium has.
// chalicelib/core/cldr.py is the same code in Python; tests hold both to Babel's output.
//
//   import { load, formatDate, pluralForm } from "../assets/i18n/format.js";
//   const lang = await load(document.documentElement.lang);          // fetches ./cldr/<lang>.js once
//   formatDate(lang, slot.start, { style: "full", timeZone: centre.timezone });
//   pluralForm(lang, seats, { one: "{n} seat left", other: "{n} seats left" });

const registry = new Map();
const FALLBACK = "en";

function base(lang) {
  return String(lang || FALLBACK).toLowerCase().split(/[-_]/)[0];
}

// Data a page already has (a static import of ./cldr/<lang>.js): no request.
export function register(data) {
  registry.set(data.lang, data);
  return data.lang;
}

// Loads the language's data (once) and resolves to the code to pass to the functions below:
// "fr-CA" gives "fr"; a language the site does not have gives "en".
export async function load(lang) {
  const code = base(lang);
  if (registry.has(code)) return code;
  if (/^[a-z]{2,3}$/.test(code)) {
    try {
      const module = await import(new URL(`./cldr/${code}.js`, import.meta.url).href);
      return register(module.default);
    } catch (error) {
      if (code === FALLBACK) throw error;
    }
  }
  await load(FALLBACK);
  registry.set(code, registry.get(FALLBACK));
  return code;
}

function localeData(lang) {
  const data = registry.get(base(lang));
  if (!data) throw new Error(`CLDR data for "${lang}" are not loaded: await load("${lang}") first`);
  return data;
}

// ---- dates and times -----------------------------------------------------------------------

const wallClocks = new Map();

function wallClock(timeZone) {
  let format = wallClocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-u-ca-gregory-nu-latn", {
      timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
      hour: "numeric", minute: "numeric", second: "numeric",
    });
    wallClocks.set(timeZone, format);
  }
  return format;
}

function utcFromFields(f) {
  const stamp = new Date(0);
  stamp.setUTCFullYear(f.year, f.month - 1, f.day);
  stamp.setUTCHours(f.hour, f.minute, f.second, 0);
  return stamp.getTime();
}

// The fields of instant `ms` in `timeZone` (year, month, day, hour 0-23, minute, second), with
// its UTC offset in minutes. Exported for the centre pages' "open now" (directory.js).
export function fieldsIn(ms, timeZone) {
  const fields = {};
  for (const part of wallClock(timeZone).formatToParts(ms)) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  fields.offset = Math.round((utcFromFields(fields) - Math.floor(ms / 1000) * 1000) / 60000);
  return fields;
}

// Summer time: an offset above the year's smaller one (January's or July's, whichever is winter).
function isSummerTime(offset, year, timeZone) {
  const january = fieldsIn(Date.UTC(year, 0, 1), timeZone).offset;
  const july = fieldsIn(Date.UTC(year, 6, 1), timeZone).offset;
  return offset > Math.min(january, july);
}

export function weekday(year, month, day) {
  const stamp = new Date(0);
  stamp.setUTCFullYear(year, month - 1, day);
  return (stamp.getUTCDay() + 6) % 7; // 0 is Monday, as in the data
}

// A Date, epoch milliseconds, an ISO instant with its offset ("2026-12-05T09:30:00+05:00", "...Z"),
// a calendar day ("2026-12-05", never moved between zones) or a time of day ("09:30").
function moment(value, timeZone) {
  if (typeof value === "string") {
    let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (match) {
      const [year, month, day] = match.slice(1).map(Number);
      return { year, month, day, weekday: weekday(year, month, day) };
    }
    match = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
    if (match) return { hour: Number(match[1]), minute: Number(match[2]), second: Number(match[3] || 0) };
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value)) {
      throw new TypeError(`"${value}" is not a date (YYYY-MM-DD), a time (HH:MM) or an instant with its offset`);
    }
    value = Date.parse(value);
  }
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== "number" || !Number.isFinite(ms)) throw new TypeError(`cannot format ${value} as a date or time`);
  const zone = timeZone || new Intl.DateTimeFormat().resolvedOptions().timeZone;
  const fields = fieldsIn(ms, zone);
  fields.weekday = weekday(fields.year, fields.month, fields.day);
  fields.dst = isSummerTime(fields.offset, fields.year, zone);
  fields.zone = zone;
  return fields;
}

function digitsOf(data, numberingSystem) {
  const number = data.number;
  if (!numberingSystem || numberingSystem === number.system) return number.digits;
  if (numberingSystem === "latn") return "0123456789";
  throw new RangeError(`numbering system "${numberingSystem}": only "latn" or "${number.system}" for "${data.lang}"`);
}

function localDigits(text, digits) {
  return digits === "0123456789" ? text : text.replace(/[0-9]/g, (d) => digits[d]);
}

function pad(value, width) {
  return String(value).padStart(width, "0");
}

function name(data, kind, context, width, index) {
  const tables = data[kind];
  return ((tables[context] || {})[width] || tables.format[width])[index];
}

function need(value, letter) {
  if (value === undefined) throw new RangeError(`the pattern field "${letter}" needs a value this one does not have`);
  return value;
}

function gmt(data, offset, long) {
  const sign = offset < 0 ? "-" : "+";
  const hours = pad(Math.floor(Math.abs(offset) / 60), 2);
  const minutes = pad(Math.abs(offset) % 60, 2);
  return long ? data.gmt.replace("{0}", `${sign}${hours}:${minutes}`) : `${sign}${hours}${minutes}`;
}

// [text, numeric]: numeric text is written in the language's digits afterwards.
function field(data, letter, count, m) {
  switch (letter) {
    case "y": {
      const year = need(m.year, letter);
      return [count === 2 ? pad(year % 100, 2) : pad(year, count), true];
    }
    case "M":
    case "L": {
      const month = need(m.month, letter);
      if (count <= 2) return [pad(month, count), true];
      const context = letter === "M" ? "format" : "stand-alone";
      return [name(data, "months", context, count === 3 ? "abbreviated" : "wide", month - 1), false];
    }
    case "d":
      return [pad(need(m.day, letter), count), true];
    case "E":
    case "c": {
      const context = letter === "E" ? "format" : "stand-alone";
      return [name(data, "days", context, count === 4 ? "wide" : "abbreviated", need(m.weekday, letter)), false];
    }
    case "G":
      return [data.eras[count === 4 ? "wide" : "abbreviated"][need(m.year, letter) > 0 ? 1 : 0], false];
    case "h":
    case "H":
    case "K":
    case "k": {
      const hour = need(m.hour, letter);
      const shown = { h: hour % 12 || 12, H: hour, K: hour % 12, k: hour || 24 }[letter];
      return [pad(shown, count), true];
    }
    case "a":
      return [data.dayPeriods[need(m.hour, letter) >= 12 ? "pm" : "am"], false];
    case "m":
      return [pad(need(m.minute, letter), count), true];
    case "s":
      return [pad(need(m.second, letter), count), true];
    case "z": {
      if (m.offset === undefined) throw new RangeError("a time zone name needs an instant, not a time of day");
      const names = ((data.zones[m.zone] || {})[count === 4 ? "long" : "short"]) || [];
      const zoneName = names[m.dst ? 1 : 0];
      return zoneName ? [zoneName, false] : [gmt(data, m.offset, count === 4), true];
    }
    default:
      throw new RangeError(`pattern letter "${letter.repeat(count)}" is not supported`);
  }
}

// '' is a quote; 'text' is literal text; a run of one letter is a field; anything else is literal.
const TOKEN = /''|'((?:[^']|'')*)'|([A-Za-z])\2*|[^'A-Za-z]+/g;

function render(data, pattern, m, numberingSystem) {
  const digits = digitsOf(data, numberingSystem);
  let out = "";
  for (const match of pattern.matchAll(TOKEN)) {
    const token = match[0];
    if (match[2]) {
      const [text, numeric] = field(data, token[0], token.length, m);
      out += numeric ? localDigits(text, digits) : text;
    } else if (match[1] !== undefined) {
      out += match[1].replace(/''/g, "'");
    } else {
      out += token === "''" ? "'" : token;
    }
  }
  return out;
}

// `value` written with a CLDR date/time pattern ("d MMMM y", "HH:mm"...).
export function formatPattern(lang, pattern, value, { timeZone, numberingSystem } = {}) {
  return render(localeData(lang), pattern, moment(value, timeZone), numberingSystem);
}

// A date; `skeleton` picks a flexible format instead of a style: Ed, MEd, MMMd, MMMMd, MMMEd,
// yMMM, yMMMM, yMMMd, yMMMEd.
export function formatDate(lang, value, { style = "medium", skeleton, timeZone, numberingSystem } = {}) {
  const data = localeData(lang);
  const pattern = skeleton ? data.skeletons[skeleton] : data.date[style];
  if (!pattern) throw new RangeError(`no date format "${skeleton || style}"`);
  return render(data, pattern, moment(value, timeZone), numberingSystem);
}

// A time (short and medium styles also take a time of day, "09:30"; long and full name the zone).
export function formatTime(lang, value, { style = "medium", timeZone, numberingSystem } = {}) {
  const data = localeData(lang);
  if (!data.time[style]) throw new RangeError(`no time style "${style}"`);
  return render(data, data.time[style], moment(value, timeZone), numberingSystem);
}

// Date and time joined the language's way (the glue follows the date's style).
export function formatDateTime(lang, value, { style = "medium", dateStyle, timeStyle, timeZone, numberingSystem } = {}) {
  const data = localeData(lang);
  const dates = dateStyle || style;
  const times = timeStyle || style;
  if (!data.date[dates] || !data.time[times]) throw new RangeError(`no style "${dates}"/"${times}"`);
  const m = moment(value, timeZone);
  return fill(data.dateTime[dates].replace(/'/g, ""),
    render(data, data.time[times], m, numberingSystem), render(data, data.date[dates], m, numberingSystem));
}

// January is 1. "stand-alone" for a name on its own; "format" inside a date (Russian "декабря").
export function monthName(lang, month, { width = "wide", context = "stand-alone" } = {}) {
  if (!(month >= 1 && month <= 12)) throw new RangeError(`month ${month} is not 1 to 12`);
  return name(localeData(lang), "months", context, width, month - 1);
}

// Monday is 1, Sunday 7 (ISO 8601, as Python's isoweekday()).
export function dayName(lang, isoWeekday, { width = "wide", context = "stand-alone" } = {}) {
  if (!(isoWeekday >= 1 && isoWeekday <= 7)) throw new RangeError(`weekday ${isoWeekday} is not 1 (Monday) to 7`);
  return name(localeData(lang), "days", context, width, isoWeekday - 1);
}

// ---- numbers and plurals --------------------------------------------------------------------

// A number as its shortest decimal string without exponent ("1e-7" -> "0.0000001"), the
// digits Python's repr and Babel read; a string is taken as written ("1.50" keeps its zero).
function decimalString(value) {
  let text;
  if (typeof value === "string") {
    text = value.trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) throw new TypeError(`"${value}" is not a number`);
  } else if (typeof value === "number" && Number.isFinite(value)) {
    text = String(value);
  } else {
    throw new TypeError(`cannot format ${value} as a number`);
  }
  const negative = text.startsWith("-") || Object.is(value, -0);
  text = text.replace(/^[+-]/, "");
  const [mantissa, exponentText] = text.toLowerCase().split("e");
  let [whole, fraction = ""] = mantissa.split(".");
  const exponent = Number(exponentText || 0);
  if (exponent > 0) {
    fraction = fraction.padEnd(exponent, "0");
    whole += fraction.slice(0, exponent);
    fraction = fraction.slice(exponent);
  } else if (exponent < 0) {
    whole = whole.padStart(-exponent + 1, "0");
    fraction = whole.slice(exponent) + fraction;
    whole = whole.slice(0, exponent);
  }
  whole = whole.replace(/^0+(?=\d)/, "") || "0";
  return { negative, whole, fraction };
}

// Rounds half to even to `places` fraction digits, as Babel (Python's decimal) does.
function roundHalfEven({ whole, fraction }, places) {
  if (fraction.length <= places) return { whole, fraction };
  const kept = BigInt(whole + fraction.slice(0, places));
  const first = fraction[places];
  const rest = /[1-9]/.test(fraction.slice(places + 1));
  const up = first > "5" || (first === "5" && (rest || kept % 2n === 1n));
  const digits = String(up ? kept + 1n : kept).padStart(places + 1, "0");
  return { whole: digits.slice(0, digits.length - places), fraction: digits.slice(digits.length - places) };
}

function group(digits, primary, secondary, separator) {
  let out = "";
  let size = primary;
  while (digits.length > size) {
    out = separator + digits.slice(-size) + out;
    digits = digits.slice(0, -size);
    size = secondary;
  }
  return digits + out;
}

// A decimal number: the language's separators and digits, rounded half to even to
// maximumFractionDigits (the language's pattern: 0 to 3), at least minimumFractionDigits shown.
export function formatNumber(lang, value, { minimumFractionDigits, maximumFractionDigits, useGrouping = true,
  numberingSystem } = {}) {
  const data = localeData(lang);
  const format = data.number;
  const low = minimumFractionDigits ?? format.fraction[0];
  const high = Math.max(low, maximumFractionDigits ?? format.fraction[1]);
  const parsed = decimalString(value);
  let { whole, fraction } = roundHalfEven(parsed, high);
  whole = whole.padStart(format.minInt, "0");
  if (useGrouping) whole = group(whole, format.grouping[0], format.grouping[1], format.symbols.group);
  fraction = fraction.padEnd(low, "0");
  if (high === 0 || (low === 0 && !/[1-9]/.test(fraction))) {
    fraction = "";
  } else {
    while (fraction.length > low && fraction.endsWith("0")) fraction = fraction.slice(0, -1);
    fraction = format.symbols.decimal + fraction;
  }
  const sign = parsed.negative ? 1 : 0;
  return format.prefix[sign] + localDigits(whole + fraction, digitsOf(data, numberingSystem)) + format.suffix[sign];
}

// CLDR's plural operands (UTS #35) of a number or a decimal string.
function operands(value) {
  const { whole, fraction } = decimalString(value);
  const trimmed = fraction.replace(/0+$/, "");
  return { n: Number(`${whole}.${fraction || 0}`), i: Number(whole), v: fraction.length, w: trimmed.length,
    f: Number(fraction || 0), t: Number(trimmed || 0), e: 0 };
}

// The CLDR plural category of `value`: zero, one, two, few, many or other. A string keeps its
// visible decimals ("1.0" is "other" in English, 1 is "one").
export function plural(lang, value) {
  const { n, i, v, w, f, t, e } = operands(value);
  return localeData(lang).plural(n, i, v, w, f, t, e);
}

// The message form for `value` ({one: "{n} seat left", other: "{n} seats left"}), with {n} in the
// language's digits. An exact form for a whole number ("=0": "No seats left") comes first; a missing category
// falls back to "other".
export function pluralForm(lang, value, forms, { numberingSystem } = {}) {
  const exact = Number.isInteger(Number(value)) ? `=${Number(value)}` : "";
  const key = [exact, plural(lang, value), "other"].find((k) => Object.hasOwn(forms, k));
  if (key === undefined) throw new RangeError('message forms need at least "other"');
  return forms[key].replaceAll("{n}", formatNumber(lang, value, { numberingSystem }));
}

function fill(pattern, first, second) {
  return pattern.replace(/\{([01])\}/g, (_, which) => (which === "0" ? first : second));
}

// "a, b and c" (type "standard") or "a, b or c" ("or"), the language's way.
export function formatList(lang, items, { type = "standard" } = {}) {
  const patterns = localeData(lang).lists[type];
  if (!patterns) throw new RangeError(`no list type "${type}"`);
  if (items.length === 0) return "";
  if (items.length === 1) return String(items[0]);
  if (items.length === 2) return fill(patterns["2"], items[0], items[1]);
  let text = fill(patterns.start, items[0], items[1]);
  for (const item of items.slice(2, -1)) text = fill(patterns.middle, text, item);
  return fill(patterns.end, text, items[items.length - 1]);
}
