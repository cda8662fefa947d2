// Every call a page makes to the portal's API, and what anonymous submissions (bookings and the
// waiting list, complaints, feedback) need besides: a proof of work instead of a third-party
// captcha (GET /api/challenge, then `X-Proof: <challenge>:<nonce>`), an Idempotency-Key so a retry
// counts once, and the "try again after" time of a 429. Shared by booking.js, complaint.js,
// feedback.js, directory.js and the staff console (staff.js).
import { fill } from "./dom.js";

// ---- a request: every answer as {status, ok, body, retryAfter}; status 0 when offline ------------
// The body is the parsed JSON, or the text of another answer (a calendar file); with `accept`
// (another type than JSON, e.g. the dashboard's CSV) a good answer's body is a Blob.
// Options: body (sent as JSON), headers, accept, credentials ("same-origin"), cache.
export async function request(method, path, options = {}) {
  const { body, headers = {}, accept, credentials = "same-origin", cache } = options;
  const init = { method, credentials, headers: { Accept: accept || "application/json", ...headers } };
  if (cache) init.cache = cache;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch("/api" + path, init);
  } catch (err) {
    return { status: 0, ok: false, body: null, retryAfter: null };
  }
  const answer = (payload) => ({
    status: response.status, ok: response.ok, body: payload, retryAfter: response.headers.get("Retry-After")
  });
  try {
    if (accept && response.ok) return answer(await response.blob());
    const json = (response.headers.get("Content-Type") || "").includes("json");
    return answer(json ? await response.json() : await response.text());
  } catch (err) {
    return answer(null);
  }
}

// What went wrong, in the page's words, told apart: no network ("you are offline: nothing was
// sent"), the service's own trouble (5xx, a timeout, an answer that is not ours: "try again"), or
// a refusal (4xx: what to change). A refusal is said from the page's table of API codes
// (`texts.table`: err.<code>, with the field named by field.<field> in the reader's language); the
// API's English message is shown only by a page without that table. `texts`: offline, wait (a
// 429's, with {time}; without it a 429 is an error like any other), error (with {message}), table;
// `dates`: see retryTime.
export function problem(result, texts, dates) {
  const table = texts.table || {};
  if (result.status === 0) return texts.offline || table["net.offline"];
  const error = result.body && typeof result.body === "object" && result.body.error;
  if (result.status >= 500 || !error) return table["net.server"] || fill(texts.error, { message: String(result.status) });
  const time = retryTime(result.retryAfter, dates);
  const code = String(error.code || "");
  const key = ["err." + code, code.startsWith("proof_") && "err.proof", code.startsWith("field_") && "err.field_invalid"]
    .find((k) => k && table[k]);
  if (!key && result.status === 429 && texts.wait) return fill(texts.wait, { time });
  if (!key && !table["err.other"]) return fill(texts.error, { message: error.message || String(result.status) });
  const field = fieldName(error.field, table);
  let text = table[key || "err.other"];
  // No name for the field in this language: say it without one (never `contact.phone`), and
  // without the punctuation that followed it ("{field} : merci…" in French).
  if (!field) {
    text = text.replace(/^\{field\}\s*[^\s\p{L}\p{N}]*\s*/u, "").replace("{field}", "");
    text = text.charAt(0).toUpperCase() + text.slice(1);
  }
  return fill(text, { field: field || "", time });
}
// A field's name in the page's language: `field.<field>`, or, for an item of a list
// (`hours.0.1`), the list's own name (`field.hours`).
function fieldName(field, table) {
  if (!field) return "";
  const name = String(field);
  return table["field." + name] || table["field." + name.replace(/\.\d+(?=\.|$)/g, "")] || "";
}

// ---- when to try again (a 429's Retry-After), on this phone's clock --------------------------------
// "14:05" (24-hour, to the next whole minute) within 12 hours; beyond, the day too, in the page
// language's pattern and month names (`dates`, from CLDR at build time: devstack/pages/render.py),
// else ISO.
function pad(n) { return (n < 10 ? "0" : "") + n; }
export function retryTime(retryAfter, dates, now) {
  now = now || Date.now();
  const seconds = Math.max(1, Number(retryAfter) || 60);
  const at = new Date(Math.ceil((now + seconds * 1000) / 60000) * 60000);
  const time = pad(at.getHours()) + ":" + pad(at.getMinutes());
  if (seconds <= 12 * 3600) return time;
  const day = !dates ? at.getFullYear() + "-" + pad(at.getMonth() + 1) + "-" + pad(at.getDate())
    : dates.pattern.replace(/'([^']*)'|MMM+|MM|M|dd|d/g, (token, quoted) => {
      if (quoted !== undefined) return quoted || "'";
      if (token.indexOf("MMM") === 0) return dates.months[at.getMonth()];
      if (token === "MM") return pad(at.getMonth() + 1);
      if (token === "M") return String(at.getMonth() + 1);
      return token === "dd" ? pad(at.getDate()) : String(at.getDate());
    });
  return day + " " + time;
}

// ---- idempotency ------------------------------------------------------------------------------------
// A new key for a new request; the same key again when the same request is tried again.
export function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.prototype.map.call(bytes, (b) => ("0" + b.toString(16)).slice(-2)).join("");
}

// ---- the proof of work, solved before it is needed --------------------------------------------------
// The solver (./proof.js) is fetched the first time a proof is prepared: a guide's reader who
// never answers never downloads it. The browser remembers a failed import() for the page's life
// (whatwg/html#6768), so a retry after one (offline) asks for the file under another address.
let solver = null, solverTries = 0;
function loadSolver() {
  if (!solver) {
    const address = solverTries++ ? "./proof.js?try=" + solverTries : "./proof.js";
    solver = import(address).catch((err) => { solver = null; throw err; });
  }
  return solver;
}

// A form calls prepare() while the person fills it in, so sending does not wait for the solver.
// A challenge lasts 10 minutes on the server and is used once: a prepared proof is used if it is
// younger than 9 minutes (elapsed time: the phone's clock may be changed meanwhile), and only once.
const FRESH_MS = 9 * 60 * 1000;
const OFFLINE = { status: 0, ok: false, body: null, retryAfter: null };
let ready = null;  // {at, promise}: the promise gives {header} or, when no proof could be made, {failed: answer}
export function prepare() {
  if (ready && performance.now() - ready.at < FRESH_MS) return;
  const mine = ready = {
    at: performance.now(),
    promise: Promise.all([request("GET", "/challenge"), loadSolver().catch(() => null)]).then(([challenge, proof]) => {
      if (challenge.status !== 200) return { failed: challenge };
      if (!proof) return { failed: OFFLINE };  // the solver could not be fetched: no connection
      return proof.solve(challenge.body.challenge, challenge.body.difficulty)
        .then((nonce) => ({ header: challenge.body.challenge + ":" + nonce }));
    })
  };
  mine.promise.then((proof) => { if (proof.failed && ready === mine) ready = null; });  // offline: later
}
function take() {
  prepare();
  const mine = ready;
  ready = null;
  return mine.promise;
}
// A proof for a request sent another way (an upload with progress: assets/evidence.js): {header}
// or {failed: answer}.
export function takeProof() { return take(); }

// POST an anonymous submission with a proof (and an Idempotency-Key, so a retry is counted once).
// A proof the server refuses (it expired while the phone slept) is replaced once.
export async function submit(path, body, key, again) {
  const proof = await take();
  if (proof.failed) return proof.failed;
  const headers = { "X-Proof": proof.header };
  if (key) headers["Idempotency-Key"] = key;
  const answer = await request("POST", path, { body, headers });
  const error = answer.status === 400 && answer.body && answer.body.error;
  return error && error.field === "X-Proof" && !again ? submit(path, body, key, true) : answer;
}
