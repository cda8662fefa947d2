// Matching a recruitment agency by name or licence number, on the phone, with no network.
// The rules come with each compiled list (`list.rules`, from backend/chalicelib/centres/
// matching_rules.json); backend/chalicelib/centres/matching.py implements them the same way, step
// for step, and tests/data/recruiter_match_vectors.json holds the cases both must pass.
//
//   import { search, verdict } from "./match.js";
//   const list = await (await fetch("/assets/recruiters/tj.json")).json();
//   const found = search(list, "Ҳамроҳ");           // [{ agency, id, via, rank, tones }], best first
//   verdict(found.length ? found[0].agency : null, "2026-12-04");
//                                                    // { state: "licensed", date: "2027-01-14" }

export const FORMAT = 1;
// Ranks of a match, best first (LICENCE_START: the query is the start of a licence number).
export const LICENCE = 0, EXACT = 1, PREFIX = 2, WITHIN = 3, WORDS = 4, LICENCE_START = 5;

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const DIGIT_RUNS = /[0-9]+|[^0-9]+/g;
const DOUBLED = /([a-z])\1+/g;
const cache = new WeakMap();

const isDigits = (run) => run[0] >= "0" && run[0] <= "9";
const noLeadingZeros = (run) => run.replace(/^0+/, "") || "0";

class Matcher {
  constructor(rules) {
    this.marks = rules.strip_marks;
    this.chars = rules.chars;
    this.zeros = rules.digit_zeros;
    this.fold = rules.fold;
    this.collapse = rules.collapse;
    this.minQuery = rules.min_query;
    const phrases = new Map();
    for (const text of rules.legal_words) {
      const words = this.bases(text);
      if (words.length) phrases.set(words.join(" "), words);
    }
    this.legal = [...phrases.values()].sort((a, b) => b.length - a.length);
    this.affixes = rules.legal_affixes.map((text) => this.bases(text).join("")).filter(Boolean);
    this.prefixes = new Set(rules.licence_prefixes.flatMap((text) => this.bases(text)));
  }

  isMark(code) {
    return this.marks.some(([lo, hi]) => lo <= code && code <= hi);
  }

  digit(code) {
    for (const zero of this.zeros) if (zero <= code && code <= zero + 9) return String(code - zero);
    return null;
  }

  // The words of `text`, each as [letters and digits, the marks dropped from it].
  splitWords(text) {
    const words = [];
    let base = "", marks = "";
    for (const ch of String(text).normalize("NFKD").toLowerCase()) {
      const code = ch.codePointAt(0);
      if (this.isMark(code)) { marks += ch; continue; }
      let mapped = Object.prototype.hasOwnProperty.call(this.chars, ch) ? this.chars[ch] : null;
      if (mapped === null) mapped = this.digit(code);
      if (mapped === null && WORD_CHAR.test(ch)) mapped = ch;
      if (mapped !== null) { base += mapped; continue; }
      if (base) words.push([base, marks]);
      base = ""; marks = "";
    }
    if (base) words.push([base, marks]);
    return words;
  }

  bases(text) {
    return this.splitWords(text).map(([base]) => base);
  }

  withoutLegal(words) {
    const kept = [];
    for (let i = 0; i < words.length;) {
      const phrase = this.legal.find((p) => p.every((word, j) => words[i + j] === word));
      if (phrase) { i += phrase.length; continue; }
      kept.push(words[i]);
      i += 1;
    }
    const stripped = kept.map((word) => this.affixes.reduce((w, affix) => w.split(affix).join(""), word))
      .filter(Boolean);
    return stripped.length ? stripped : words;
  }

  folded(word) {
    return this.fold.reduce((w, [a, b]) => w.split(a).join(b), word);
  }

  collapsed(key) {
    return this.collapse ? key.replace(DOUBLED, "$1") : key;
  }

  queryWords(text) {
    return this.withoutLegal(this.bases(text)).map((w) => this.collapsed(this.folded(w)));
  }

  nameKey(text) {
    return this.collapsed(this.withoutLegal(this.bases(text)).map((w) => this.folded(w)).join(""));
  }

  // Words with their marks kept, sorted at the word's end: "hoà" and "hòa" agree.
  tonedWords(text) {
    return this.splitWords(text).map(([base, marks]) => base + [...marks].sort().join(""));
  }

  hasMarks(text) {
    return [...String(text).normalize("NFKD")].some((ch) => this.isMark(ch.codePointAt(0)));
  }

  queryLicence(text) {
    const runs = this.bases(text).flatMap((word) => word.match(DIGIT_RUNS) || []);
    while (runs.length && !isDigits(runs[0]) && this.prefixes.has(runs[0])) runs.shift();
    const raw = runs.filter(isDigits).join("");
    return {
      runs: runs.filter(isDigits).map(noLeadingZeros).join("-"),
      digits: raw ? noLeadingZeros(raw) : "",
      full: runs.map((run) => (isDigits(run) ? noLeadingZeros(run) : run)).join("-"),
      letters: runs.some((run) => !isDigits(run)),
    };
  }

  licenceKey(text) {
    const { runs, digits, full } = this.queryLicence(text);
    return { runs, digits, full };
  }
}

// The rules of a list, ready to use (built once per rules object).
export function matcher(rules) {
  let m = cache.get(rules);
  if (!m) { m = new Matcher(rules); cache.set(rules, m); }
  return m;
}

export function licenceRank(query, key) {
  if (!query.runs) return null;
  if (query.letters) return query.full === key.full ? LICENCE : null;
  if (query.runs === key.runs || query.digits === key.digits) return LICENCE;
  const asked = query.runs.split("-"), listed = key.runs.split("-");
  if (asked.length < listed.length && asked.every((run, i) => run === listed[i])) return LICENCE_START;
  return null;
}

export function nameRank(words, key) {
  const phrase = words.join("");
  if (key === phrase) return EXACT;
  if (key.startsWith(phrase)) return PREFIX;
  if (key.includes(phrase)) return WITHIN;
  if (words.every((word) => key.includes(word))) return WORDS;
  return null;
}

// An agency's names in the order of its `keys`: local, Latin, then other names.
export function namesOf(agency) {
  return [agency.name.local, agency.name.latin, ...(agency.aliases || [])];
}

const before = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

// The agencies of one compiled list that `query` names, best first.
export function search(list, query) {
  if (list.format !== FORMAT) throw new Error(`recruiters list format ${list.format}, expected ${FORMAT}`);
  const m = matcher(list.rules);
  const licence = m.queryLicence(query);
  const words = m.queryWords(query);
  const longEnough = [...words.join("")].length >= m.minQuery;
  const toned = m.hasMarks(query) ? m.tonedWords(query) : [];
  const found = [];
  list.agencies.forEach((agency, position) => {
    let best = null, via = "licence";
    const rank = licenceRank(licence, agency.licence_key);
    if (rank !== null) best = [0, rank, position];
    if (longEnough) {
      const ranks = agency.keys.map((key) => nameRank(words, key)).filter((r) => r !== null);
      if (ranks.length) {
        let toneMiss = 0;
        if (toned.length) {
          const named = namesOf(agency).map((name) => new Set(m.tonedWords(name)));
          toneMiss = named.some((wordsOf) => toned.every((w) => wordsOf.has(w))) ? 0 : 1;
        }
        const candidate = [toneMiss, Math.min(...ranks), position];
        if (best === null || before(candidate, best) < 0) { best = candidate; via = "name"; }
      }
    }
    if (best !== null) found.push([best, { agency, id: agency.id, via, rank: best[1], tones: best[0] === 0 }]);
  });
  return found.sort((a, b) => before(a[0], b[0])).map(([, match]) => match);
}

// What the page says of a search result on `today` (ISO date from the phone's own calendar).
export function verdict(agency, today) {
  if (!agency) return { state: "not_listed" };
  if (agency.status === "revoked") return { state: "revoked", date: agency.revoked_on };
  if (agency.status === "suspended") {
    const result = { state: "suspended", date: agency.suspended_on };
    if (agency.suspended_until) result.until = agency.suspended_until;
    return result;
  }
  if (agency.status === "expired" || agency.valid_until < today) return { state: "expired", date: agency.valid_until };
  if (agency.valid_from && today < agency.valid_from) return { state: "not_yet_valid", date: agency.valid_from };
  return { state: "licensed", date: agency.valid_until };
}
