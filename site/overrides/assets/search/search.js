// The site's search, in the theme's search box: answers at each `input` event (a phone keyboard
// sends no key events), in the page's language only. assets/passerelle.js imports this module the
// first time the reader opens search (nothing of it loads with a page) and has already focused the
// box, so the keyboard opens in the same tap. The language's index (<lang>/search/index.json,
// written by devstack/search.py) is fetched at once; the service worker keeps it, so search works
// offline once a page of that language was read. Results are built as DOM nodes: no markup from
// the index is ever parsed.
import { find, prepare } from "./engine.js";
import { load, pluralForm } from "../i18n/format.js";

const DEFAULT_LANGUAGE = "en";
const lang = (document.documentElement.lang || DEFAULT_LANGUAGE).split("-")[0];
const siteRoot = new URL("../../", import.meta.url);
const languageRoot = new URL(lang === DEFAULT_LANGUAGE ? "./" : `${lang}/`, siteRoot);
const texts = JSON.parse(document.getElementById("px-search-data")?.textContent || "{}");

const toggle = document.getElementById("__search");
const input = document.querySelector(".md-search__input");
const meta = document.querySelector(".md-search-result__meta");
const list = document.querySelector(".md-search-result__list");
const form = document.querySelector(".md-search__form");

let prepared = null;
let loading = null;
let cldr = null;

function say(text) {
  if (meta) meta.textContent = text || "";
}

function loadIndex() {
  if (!loading) {
    loading = Promise.all([
      fetch(new URL("search/index.json", languageRoot)).then((response) => {
        if (!response.ok) throw new Error(`search index: HTTP ${response.status}`);
        return response.json();
      }),
      load(lang).then((code) => { cldr = code; }),
    ]).then(([index]) => {
      prepared = prepare(index);
      return prepared;
    });
    loading.catch(() => { loading = null; });  // a later keystroke tries again
  }
  return loading;
}

// The snippet as text nodes, with <mark> around the matches.
function snippetNodes(text, marks) {
  const nodes = [];
  let at = 0;
  for (const [start, end] of marks) {
    if (start < at) continue;
    nodes.push(document.createTextNode(text.slice(at, start)));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    nodes.push(mark);
    at = end;
  }
  nodes.push(document.createTextNode(text.slice(at)));
  return nodes;
}

function resultItem(result) {
  const link = document.createElement("a");
  link.className = "md-search-result__link";
  link.href = new URL(result.url + (result.anchor ? `#${encodeURIComponent(result.anchor)}` : ""), languageRoot).href;
  const article = document.createElement("article");
  article.className = "md-search-result__article md-typeset";
  const title = document.createElement("h1");
  title.textContent = result.title;
  article.append(title);
  if (result.heading) {
    const heading = document.createElement("h2");
    heading.textContent = result.heading;
    article.append(heading);
  }
  if (result.snippet) {
    const text = document.createElement("p");
    text.append(...snippetNodes(result.snippet, result.marks));
    article.append(text);
  }
  link.append(article);
  const item = document.createElement("li");
  item.className = "md-search-result__item";
  item.append(link);
  return item;
}

let asked = 0;
async function answer() {
  const query = input.value;
  const ticket = ++asked;
  if (!query.trim()) {
    list.replaceChildren();
    say("");
    return;
  }
  if (!prepared) say(texts.loading);
  try {
    await loadIndex();
  } catch (error) {
    if (ticket === asked) say(texts.unavailable);
    return;
  }
  if (ticket !== asked) return;  // a newer keystroke answers instead
  const results = find(prepared, query);
  list.replaceChildren(...results.map(resultItem));
  say(results.length ? pluralForm(cldr, results.length, texts.results) : texts.none);
}

function close() {
  if (toggle && toggle.checked) {
    toggle.checked = false;
    toggle.dispatchEvent(new Event("change"));
  }
}

if (input && list && meta) {
  if (form) form.addEventListener("submit", (event) => {
    event.preventDefault();  // Enter opens the first result, as the theme's search does
    const first = list.querySelector("a");
    if (first) first.click();
  });
  if (form) form.addEventListener("reset", () => setTimeout(answer));
  input.addEventListener("input", answer);
  input.setAttribute("placeholder", texts.placeholder || input.getAttribute("placeholder") || "");
  list.removeAttribute("role");  // a real list of links, read as one
  list.addEventListener("click", (event) => {
    if (event.target.closest("a")) close();  // a result on this page: the search box goes
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && toggle && toggle.checked) close();
  });
  say("");
  loadIndex().catch(() => {});
  if (input.value) answer();
}
