// Runs the site's assets/i18n/format.js under Node for tests/unit/test_cldr.py:
//   node cldr_runner.mjs <folder holding format.js and cldr/> <vectors.json>
// prints {"results": [one answer per vector, or {"error": "..."}], "data": {lang: the module's data}}.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [folder, vectorsPath] = process.argv.slice(2);
const format = await import(pathToFileURL(join(folder, "format.js")).href);
const vectors = JSON.parse(readFileSync(vectorsPath, "utf8"));
const data = {};
for (const lang of new Set(vectors.map((v) => v.lang))) {
  const file = join(folder, "cldr", `${await format.load(lang)}.js`);
  if (existsSync(file)) {
    const { plural, ...rest } = (await import(pathToFileURL(file).href)).default;
    data[rest.lang] = rest;
  }
}
const results = vectors.map((v) => {
  try {
    return format[v.call](v.lang, ...v.args, v.options);
  } catch (error) {
    return { error: `${error.name}: ${error.message}` };
  }
});
process.stdout.write(JSON.stringify({ results, data }));
