// Runs the site's assets/search/engine.js under Node for tests/unit/test_search.py:
//   node search_runner.mjs <engine.js> <calls.json>
// calls.json: {"indexes": {name: index}, "calls": [{"fn": "find"|"foldQuery"|"terms", "index": name, "args": [...]}]}
// prints [one answer per call].
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [enginePath, callsPath] = process.argv.slice(2);
const engine = await import(pathToFileURL(enginePath).href);
const { indexes, calls } = JSON.parse(readFileSync(callsPath, "utf8"));
const prepared = Object.fromEntries(Object.entries(indexes).map(([name, index]) => [name, engine.prepare(index)]));
const answers = calls.map(({ fn, index, args }) => (fn === "find" ? engine.find(prepared[index], ...args) : engine[fn](...args)));
process.stdout.write(JSON.stringify(answers));
