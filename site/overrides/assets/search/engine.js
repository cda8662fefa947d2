// The site's search, without the page: prepares a language's index (devstack/search.py writes
// <lang>/search/index.json) and answers a query as it is typed. No DOM here: search.js draws.
//
//   const prepared = prepare(await (await fetch(url)).json());
//   const results = find(prepared, "патен");   // [{url, anchor, title, heading, snippet, marks, score}]
//
// What is typed is matched anywhere in a word, in every script: text and query are folded the same
// way (case, Latin and Cyrillic accents, Vietnamese đ, Arabic vowel marks and alef forms, dotless i),
// so "патен" finds "патент" before the word is finished and Khmer "លិខិត" finds "លិខិតឆ្លងដែន"
// (passport), which the word segmenter keeps as one word. Terms are what spaces and punctuation
// separate; in a language written without spaces (th, lo, km, my), `Intl.Segmenter` also splits a
// typed run into words where the browser has a segmenter for the language (Chromium's ICU has one for
// all four): every term must occur in the page, and a run found whole ranks first. Where the browser
// has none, the run is matched whole, which is still right for a word typed as it is written.
// A match on word boundaries (a space, punctuation or the zero-width space the build puts between
// words of those languages) ranks above one inside a word; a title above a heading above the text.

const UNSPACED = new Set(["th", "lo", "km", "my"]);
const MIN_LENGTH = 2; // folded code points: one letter finds everything
const MAX_RESULTS = 12;
const SNIPPET_BEFORE = 40;
const SNIPPET_AFTER = 100;
const SATURATION = 3; // matches of a term in one field that add to its score

const ZERO_WIDTH = /[\u200b\u200c\u200d\u2060\ufeff\u00ad]/;
const COMBINING = /[\u0300-\u036f]/g; // Latin and Cyrillic accents once decomposed: é, ё, й, ư, ồ
const ARABIC_MARKS = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g; // harakat, tatweel
const SEPARATOR = /[\s\p{P}\p{S}]/u;
const FOLDED = new Map([["ı", "i"], ["đ", "d"], ["أ", "ا"], ["إ", "ا"], ["آ", "ا"], ["ٱ", "ا"], ["ى", "ي"]]);

// A code point's folding, computed once: null for a zero-width character (a word boundary the build
// marks), " " for a separator, "" for a mark that folds away, else the folded letters.
const cache = new Map();

function foldChar(char) {
  let folded = cache.get(char);
  if (folded === undefined) {
    if (ZERO_WIDTH.test(char)) folded = null;
    else if (SEPARATOR.test(char)) folded = " ";
    else {
      folded = char.toLowerCase().normalize("NFD").replace(COMBINING, "").replace(ARABIC_MARKS, "");
      folded = Array.from(folded, (c) => FOLDED.get(c) ?? c).join("").normalize("NFC");
    }
    cache.set(char, folded);
  }
  return folded;
}

// A text as shown (zero-width characters left out), folded: the folded text, the offset in the shown
// text each folded code unit comes from, and whether a word starts at each folded offset.
export function fold(text) {
  const shownParts = [];
  const parts = [];
  const from = [];
  const startList = [];
  let shownLength = 0;
  let length = 0;
  let boundary = true;
  for (const char of text) {
    const folded = foldChar(char);
    if (folded === null) {
      boundary = true;
      continue;
    }
    if (folded === " ") boundary = true;
    else if (folded && boundary) {
      startList.push(length);
      boundary = false;
    } else if (folded) boundary = false;
    for (let k = 0; k < folded.length; k += 1) from.push(shownLength);
    parts.push(folded);
    length += folded.length;
    shownParts.push(char);
    shownLength += char.length;
  }
  from.push(shownLength);
  const starts = new Uint8Array(length + 1);
  for (const at of startList) starts[at] = 1;
  return { shown: shownParts.join(""), text: parts.join(""), from, starts };
}

// The folded text only: for queries.
export function foldQuery(text) {
  return fold(text).text.replace(/ +/g, " ").trim();
}

// The index as loaded, with each title, heading and text folded once.
export function prepare(index) {
  return {
    lang: index.lang,
    pages: index.pages.map(([url, title, sections]) => ({
      url,
      title: fold(title),
      sections: sections.map(([anchor, heading, text]) => ({ anchor, heading: fold(heading), text: fold(text) })),
    })),
  };
}

let segmenters = new Map();

// The browser's word and letter (grapheme) segmenters for `lang`, or null where it has none.
function segmenter(lang) {
  if (!segmenters.has(lang)) {
    const known = typeof Intl.Segmenter === "function" && Intl.Segmenter.supportedLocalesOf([lang]).length > 0;
    segmenters.set(lang, known
      ? { words: new Intl.Segmenter(lang, { granularity: "word" }), letters: new Intl.Segmenter(lang) }
      : null);
  }
  return segmenters.get(lang);
}

// The typed query as runs (between spaces and punctuation, folded) and the terms to look for: the
// runs, or in a language written without spaces the words the browser's segmenter cuts each run into.
// A piece of one letter (a syllable of a half-typed word, or of a word the segmenter's dictionary
// lacks: Chromium cuts the Burmese loanword ပတ်စ်ပို့, passport, into letters) is left to the run.
export function terms(lang, query) {
  const runs = foldQuery(query).split(" ").filter(Boolean);
  const cutter = UNSPACED.has(lang) ? segmenter(lang) : null;
  const words = new Set();
  for (const run of runs) {
    const parts = cutter
      ? Array.from(cutter.words.segment(run), (s) => s.segment)
        .filter((s) => Array.from(cutter.letters.segment(s)).length >= MIN_LENGTH)
      : [];
    for (const part of parts.length > 1 ? parts : [run]) words.add(part);
  }
  return { runs, words: [...words] };
}

function isEnd(folded, at) {
  return at >= folded.text.length || folded.text[at] === " " || folded.starts[at] === 1;
}

// Every occurrence of `term` in a folded field: [start, end, whole word?].
function occurrences(folded, term) {
  const found = [];
  let at = folded.text.indexOf(term);
  while (at !== -1) {
    const end = at + term.length;
    found.push([at, end, folded.starts[at] === 1 && isEnd(folded, end)]);
    at = folded.text.indexOf(term, at + 1);
  }
  return found;
}

// A field's score for a term: whole-word matches count three times a part of a word; a few of each
// count, so a page that names a thing once in its title outranks one that repeats it everywhere.
function weigh(found, weight) {
  const whole = found.filter((match) => match[2]).length;
  return weight * (3 * Math.min(whole, SATURATION) + Math.min(found.length - whole, SATURATION));
}

// The shown text around the first match, and where the matches are in it ([start, end] offsets).
function snippet(folded, matches) {
  const shown = folded.shown;
  if (!matches.length) return { text: shown.slice(0, SNIPPET_BEFORE + SNIPPET_AFTER), marks: [] };
  const first = folded.from[matches[0][0]];
  let start = Math.max(0, first - SNIPPET_BEFORE);
  let end = Math.min(shown.length, first + SNIPPET_AFTER);
  const space = shown.lastIndexOf(" ", first);
  if (start > 0 && space > start) start = space + 1;
  const after = shown.indexOf(" ", end);
  if (after !== -1 && after - end < 20) end = after;
  const lead = start > 0 ? "…" : "";
  const marks = matches
    .map(([a, b]) => [folded.from[a], folded.from[b]])
    .filter(([a, b]) => a >= start && b <= end)
    .map(([a, b]) => [a - start + lead.length, b - start + lead.length]);
  return { text: lead + shown.slice(start, end) + (end < shown.length ? "…" : ""), marks };
}

// The pages where every term occurs, best first: [{url, anchor, title, heading, snippet, marks, score}].
export function find(prepared, query, { limit = MAX_RESULTS } = {}) {
  const { runs, words: wanted } = terms(prepared.lang, query);
  if (!wanted.length || Array.from(runs.join("")).length < MIN_LENGTH) return [];
  const results = [];
  for (const page of prepared.pages) {
    const perTerm = wanted.map((term) => {
      const inTitle = occurrences(page.title, term);
      const sections = page.sections.map((s) => ({
        section: s,
        heading: occurrences(s.heading, term),
        text: occurrences(s.text, term),
      }));
      return { inTitle, sections };
    });
    const everywhere = perTerm.every((t) => t.inTitle.length || t.sections.some((s) => s.heading.length || s.text.length));
    if (!everywhere) continue;
    // the whole run typed, found as it is, counts most
    const phrase = runs.join(" ");
    const phraseInTitle = occurrences(page.title, phrase);
    let score = weigh(phraseInTitle, 40);
    let best = null;
    page.sections.forEach((section, k) => {
      let sectionScore = 0;
      for (const t of perTerm) sectionScore += weigh(t.sections[k].heading, 8) + weigh(t.sections[k].text, 1);
      sectionScore += weigh(occurrences(section.heading, phrase), 16) + weigh(occurrences(section.text, phrase), 4);
      score += sectionScore;
      if (!best || sectionScore > best.score) best = { section, score: sectionScore, k };
    });
    for (const t of perTerm) score += weigh(t.inTitle, 20);
    const section = best && best.score > 0 ? best.section : page.sections[0];
    const k = best && best.score > 0 ? best.k : 0;
    const matches = section
      ? perTerm.flatMap((t) => t.sections[k].text).sort((a, b) => a[0] - b[0])
      : [];
    const { text, marks } = section ? snippet(section.text, nonOverlapping(matches)) : { text: "", marks: [] };
    results.push({
      url: page.url,
      anchor: section && section.anchor ? section.anchor : "",
      title: page.title.shown,
      heading: section && section.anchor ? section.heading.shown : "",
      snippet: text,
      marks,
      score,
    });
  }
  results.sort((a, b) => b.score - a.score || a.title.localeCompare(b.title));
  return results.slice(0, limit);
}

function nonOverlapping(matches) {
  const kept = [];
  for (const m of matches) if (!kept.length || m[0] >= kept[kept.length - 1][1]) kept.push(m);
  return kept;
}

// For tests: forget the segmenters (a test may stub Intl.Segmenter).
export function reset() {
  segmenters = new Map();
}
