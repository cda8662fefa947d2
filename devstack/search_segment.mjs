// Word boundaries for the search index of a language written without spaces (th, lo, km, my), with
// ICU's dictionary segmenter (the same engine as Chromium's Intl.Segmenter): devstack/search.py
// sends {"lang": "km", "texts": [...]} on stdin and reads back the texts with a zero-width space
// (U+200B) between two words that no space or punctuation separates. The search module strips it
// from what it matches and keeps it as "a word starts here", to rank whole words first.
import { readFileSync } from "node:fs";

const { lang, texts } = JSON.parse(readFileSync(0, "utf8"));
if (Intl.Segmenter.supportedLocalesOf([lang]).length === 0) {
  process.stderr.write(`search_segment: this Node's ICU has no word segmenter for "${lang}"\n`);
  process.exit(2);
}
const segmenter = new Intl.Segmenter(lang, { granularity: "word" });
const out = texts.map((text) => {
  let result = "";
  let previousWord = false;
  for (const { segment, isWordLike } of segmenter.segment(text)) {
    if (isWordLike && previousWord) result += "\u200b";
    result += segment;
    previousWord = isWordLike;
  }
  return result;
});
process.stdout.write(JSON.stringify(out));
