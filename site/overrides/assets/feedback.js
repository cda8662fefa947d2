// Public feedback, sent to POST /api/feedback with a proof of work (api.js, whose solver is fetched
// only when something is sent, so guides stay light):
// - "Was this page helpful?" at the end of every guide. Given offline, the answer is kept on this
//   phone (localStorage: the answer only, no time, no id) until it can be sent, then deleted.
// - the service feedback form (/feedback/service/): the reference may come in the URL fragment
//   (#ref=...), which browsers never send to a server; the manage page's link puts it there.
// - "tell us what you need" (/feedback/need/).
// Errors are shown next to their field, in the page's language.
import { $, say } from "./dom.js";
import { newKey, problem, submit } from "./api.js";

const dataNode = $("px-feedback-data");
const msg = dataNode ? JSON.parse(dataNode.textContent) : {};
const PENDING = "passerelle.feedback.pending";
const MAX_PENDING = 20;

// ---- sending ------------------------------------------------------------------------------------------
// The answer as {status, body, retryAfter}: status 0 when there is no connection.
function send(body, key) {
  return submit("/feedback", body, key);
}
function generalError(result) {
  return problem(result, { offline: msg["feedback.not_sent"], wait: msg["limit.wait"], error: msg["book.error"] });
}

// ---- answers kept on the phone until there is a connection --------------------------------------------
function readPending() {
  try {
    const list = JSON.parse(localStorage.getItem(PENDING) || "[]");
    return Array.isArray(list) ? list : [];
  } catch (err) { return []; }
}
function writePending(list) {
  try {
    if (list.length) localStorage.setItem(PENDING, JSON.stringify(list.slice(-MAX_PENDING)));
    else localStorage.removeItem(PENDING);
    return true;
  } catch (err) { return false; }  // storage refused (private mode, full): say it was not sent
}
// "online" is only a hint: the browser may say it before the network really carries requests, or
// never say it (a captive portal). So a failed try is tried again after a growing pause
// (5 s, 10 s, ... at most 5 min; the server's Retry-After when it asks to slow down).
let flushing = false, onSent = null, retryTimer = null, pause = 5000;
function retryLater(seconds) {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(flush, seconds ? seconds * 1000 : pause);
  pause = Math.min(pause * 2, 300000);
}
async function flush() {
  const list = readPending();
  if (flushing || !list.length) return;
  if (navigator.onLine === false) { retryLater(); return; }
  flushing = true;
  clearTimeout(retryTimer);
  const entry = list[0];
  const result = await send(entry.body, entry.key);
  flushing = false;
  if (result.status === 0 || result.status === 429 || result.status >= 500) {  // later
    retryLater(result.status === 429 ? Number(result.retryAfter) || 60 : 0);
    return;
  }
  pause = 5000;
  // Sent, or refused for good (400): either way it leaves the phone. The same Idempotency-Key
  // makes a second tab's copy of the same answer count once.
  writePending(readPending().filter((other) => other.key !== entry.key));
  if (onSent) onSent(entry.key, result.status === 201);
  flush();
}
window.addEventListener("online", () => { pause = 5000; flush(); });

// ---- "Was this page helpful?" ----------------------------------------------------------------------------
function setUpWidget(widget) {
  let helpful = null, waitingFor = null;
  const status = $("pf-status");
  const buttons = [$("pf-yes"), $("pf-no")];
  const finish = (text) => {
    // The widget keeps its height: the page below it does not move.
    widget.style.minHeight = widget.offsetHeight + "px";
    $("pf-ask").hidden = true;
    say(status, text);
    $("pf-need").hidden = false;
  };
  buttons.forEach((button) => {
    button.addEventListener("click", () => {
      helpful = button.getAttribute("data-helpful") === "true";
      buttons.forEach((other) => other.setAttribute("aria-pressed", String(other === button)));
      $("pf-more").hidden = false;
    });
  });
  $("pf-more").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (helpful === null) return;
    const body = { kind: "page", page: location.pathname.replace(/index\.html$/, ""),
                   language: widget.getAttribute("data-lang"), helpful };
    const comment = $("pf-comment").value.trim();
    if (comment) body.comment = comment.slice(0, 500);
    const key = newKey();
    $("pf-send").disabled = true;
    say(status, msg["book.sending"]);
    const result = await send(body, key);
    if (result.status === 201) { finish(msg["feedback.thanks"]); return; }
    if (result.status === 0 && writePending(readPending().concat([{ body, key }]))) {
      waitingFor = key;
      finish(msg["feedback.queued"]);
      retryLater();
      return;
    }
    $("pf-send").disabled = false;
    say(status, generalError(result), "error");
  });
  onSent = (key, sent) => {
    if (key === waitingFor && sent) say(status, msg["feedback.thanks"]);
  };
  widget.setAttribute("data-ready", "");
}

// ---- the forms ------------------------------------------------------------------------------------------
function chosen(form, name) {
  const checked = form.querySelector("input[name='" + name + "']:checked");
  return checked ? checked.value : null;
}
// A field's control: a radio group's first radio.
function controls(form, field) {
  const named = form.elements.namedItem(field);
  return named && named.length !== undefined && !named.tagName ? Array.from(named) : [named];
}
function clearErrors(form) {
  form.querySelectorAll(".px-field-error").forEach((node) => { node.textContent = ""; });
  form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
}
function showError(form, field, text) {
  $("err-" + field).textContent = text;
  controls(form, field).forEach((node) => { if (node) node.setAttribute("aria-invalid", "true"); });
}
// What the API said, as a message next to its field when there is one.
function explain(result) {
  const error = (result.body && result.body.error) || {};
  const field = error.field && $("err-" + error.field) ? error.field : null;
  if (result.status === 404 && field) return { field, text: msg["feedback.error_unknown"] };
  if (result.status === 409) return { field, text: msg["feedback.error_already"] };
  if (result.status === 400 && field) {
    const texts = { reference: "feedback.error_reference", waiting_minutes: "feedback.error_minutes" };
    return { field, text: msg[texts[field] || "feedback.error_check"] };
  }
  return { field: null, text: generalError(result) };
}
function setUpForm(app, form, status, done, collect) {
  app.hidden = false;
  let key = null;
  form.addEventListener("input", () => { key = null; });  // a changed answer is a new request
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    say(status, "");
    const errors = {};
    const body = collect(errors);
    const fields = Object.keys(errors);
    if (fields.length) {
      fields.forEach((field) => showError(form, field, errors[field]));
      controls(form, fields[0])[0].focus();
      return;
    }
    key = key || newKey();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    say(status, msg["book.sending"]);
    const result = await send(body, key);
    button.disabled = false;
    if (result.status === 201) {
      form.hidden = true;
      done.hidden = false;
      done.focus();
      return;
    }
    const found = explain(result);
    if (found.field) {
      say(status, "");
      showError(form, found.field, found.text);
      controls(form, found.field)[0].focus();
    } else {
      say(status, found.text, "error");
    }
  });
}
const required = msg["feedback.error_required"];

function collectService(errors) {
  const form = $("sf-form"), body = { kind: "service" };
  const reference = $("sf-reference").value.replace(/\s/g, "").toUpperCase();
  if (reference.replace(/-/g, "").length !== 8) errors.reference = msg["feedback.error_reference"];
  else body.reference = reference;
  const delivered = chosen(form, "delivered");
  if (delivered === null) errors.delivered = required;
  else body.delivered = delivered === "true";
  const rating = chosen(form, "rating");
  if (rating === null) errors.rating = required;
  else body.rating = Number(rating);
  const waiting = $("sf-waiting");
  const minutes = waiting.value.trim();
  if (waiting.validity.badInput || (minutes && (!/^\d{1,3}$/.test(minutes) || Number(minutes) > 600))) {
    errors.waiting_minutes = msg["feedback.error_minutes"];
  } else if (minutes) {
    body.waiting_minutes = Number(minutes);
  }
  const helped = chosen(form, "helped_decide");
  if (helped) body.helped_decide = helped === "true";  // "not sure" is no answer
  const comment = $("sf-comment").value.trim();
  if (comment) body.comment = comment;
  return body;
}
function collectNeed(errors) {
  const form = $("nf-form");
  const body = { kind: "need", topic: $("nf-topic").value, text: $("nf-text").value.trim(),
                 language: $("nf-language").value };
  if (!body.topic) errors.topic = required;
  if (body.text.length < 3) errors.text = required;
  if ($("nf-centre").value) body.centre_id = $("nf-centre").value;
  const age = chosen(form, "age_band"), gender = chosen(form, "gender");
  if (age) body.age_band = age;  // "prefer not to say" is no answer
  if (gender) body.gender = gender;
  return body;
}

// ---- "manage my booking" links here with the reference in the fragment ---------------------------------
function linkFromManage(link, reference) {
  const target = link.getAttribute("href").split("#")[0];
  const update = () => {
    const value = reference.value.replace(/[^0-9A-Za-z-]/g, "").toUpperCase().slice(0, 12);
    link.setAttribute("href", target + (value ? "#ref=" + value : ""));
  };
  reference.addEventListener("input", update);
  link.addEventListener("click", update);
  update();
}

const widget = $("px-feedback");
if (widget) setUpWidget(widget);
flush();
const serviceApp = $("service-feedback");
if (serviceApp) {
  const fromLink = /(?:^#|&)ref=([0-9A-Za-z-]{1,12})/.exec(location.hash);
  if (fromLink) {
    $("sf-reference").value = fromLink[1].toUpperCase();
    history.replaceState(null, "", location.pathname + location.search);  // not kept in the history
  }
  setUpForm(serviceApp, $("sf-form"), $("sf-status"), $("sf-done"), collectService);
}
const needApp = $("need-feedback");
if (needApp) setUpForm(needApp, $("nf-form"), $("nf-status"), $("nf-done"), collectNeed);
const manageLink = $("m-feedback"), manageReference = $("m-reference");
if (manageLink && manageReference) linkFromManage(manageLink, manageReference);
