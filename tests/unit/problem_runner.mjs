// Runs the site's assets/api.js `problem()` under Node for tests/unit/test_staff_console.py:
//   node problem_runner.mjs <api.js>  < cases.json   ([{result, texts}, ...])
// prints [what the page would say for each case].
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const { problem } = await import(pathToFileURL(process.argv[2]).href);
const cases = JSON.parse(readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(cases.map((c) => problem(c.result, c.texts))));
