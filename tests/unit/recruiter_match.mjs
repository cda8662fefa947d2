// Runs the shared recruiter-matching vectors through the phone's match.js (see test_recruiters.py).
// Reads {"vectors": ..., "lists": {"TJ": <compiled list>, ...}} on stdin; writes what match.js made of
// each case on stdout, in the vectors' order, for the Python test to compare.
import { readFileSync } from "node:fs";
import { matcher, search, verdict } from "../../site/overrides/assets/recruiters/match.js";

const { vectors, lists, rules } = JSON.parse(readFileSync(0, "utf8"));
const out = {
  keys: vectors.keys.map((c) => {
    const m = matcher(rules[c.script]);
    return { name_key: m.nameKey(c.text), toned_words: m.tonedWords(c.text) };
  }),
  licences: vectors.licences.map((c) => matcher(rules[c.script]).licenceKey(c.text)),
  searches: vectors.searches.map((c) => search(lists[c.country], c.query).map((found) => found.id)),
  verdicts: vectors.verdicts.map((c) => verdict(c.agency, c.today)),
};
process.stdout.write(JSON.stringify(out));
