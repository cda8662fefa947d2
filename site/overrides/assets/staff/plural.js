// Counts in the console's strings, in each language's CLDR plural forms ("1 case", "2 cases";
// Russian "1 дело", "3 дела", "5 дел", "21 дело"; Arabic's six forms). No DOM: the tests run it
// under Node (tests/unit/test_staff_plurals.py).
//
// A counted string (content/staff/<lang>.yaml) lists its forms by CLDR category, each in braces:
//   queue.days: "one {{n} day} other {{n} days}"
// with an exact form for a whole number first if wanted ("=0 {…}"); a missing category falls
// back to "other". {n} becomes the count in the language's digits; other {placeholders} stay for
// the caller to fill.
import { pluralForm } from "../i18n/format.js";

const FORM = /(=\d+|zero|one|two|few|many|other)\s*\{((?:[^{}]|\{\w+\})*)\}/g;

export function forms(text) {
  const found = {};
  for (const match of String(text).matchAll(FORM)) found[match[1]] = match[2];
  return Object.hasOwn(found, "other") ? found : { other: String(text) };
}

// `lang` as format.js's load() resolved it.
export function counted(lang, text, count) {
  return pluralForm(lang, count, forms(text));
}
