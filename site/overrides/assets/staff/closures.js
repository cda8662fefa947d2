// A centre's closure or special hours on the agenda's day (managers and administrators): the
// form below the day's bookings. Saved with PUT, removed with DELETE
// /api/staff/centres/<centre>/exceptions/<date>; the agenda is then drawn again.
import { $, fill, say as sayIn } from "../dom.js";
import { errorText, hours, t } from "./common.js";
import { call } from "./session.js";

let reloadDay = () => {};

function exceptionText(exception) {
  if (!exception) return t("agenda.no_exception");
  const text = exception.closed ? t("exception.closed") : t("exception.hours") + ": " + hours(exception.hours);
  return exception.note ? text + " — " + exception.note : text;
}
// The day's closure or special hours (none: null), said and put in the form.
export function showDay(exception) {
  $("g-exception").textContent = exceptionText(exception);
  // A new exception starts on nothing chosen: closing a day is never the default.
  $("x-closed").checked = !!exception && !!exception.closed;
  $("x-special").checked = !!exception && !exception.closed;
  const ranges = (exception && exception.hours) || [];
  ["1", "2"].forEach((n, i) => {
    $("x-from-" + n).value = ranges[i] ? ranges[i][0] : "";
    $("x-to-" + n).value = ranges[i] ? ranges[i][1] : "";
  });
  $("x-note").value = (exception && exception.note) || "";
  $("x-remove").hidden = !exception;
  $("x-choice").hidden = true;
}
// Said next to the form (and announced), not at the top of the page.
function tell(text, kind) { sayIn($("x-msg"), text, kind); }
let pending = null;  // the change waiting for the manager's choice about the bookings it leaves out
async function save(method, body, doneKey) {
  tell("");
  const path = "/staff/centres/" + encodeURIComponent($("g-centre").value) + "/exceptions/" + encodeURIComponent($("g-date").value);
  const result = await call(method, path, body);
  const error = result.body && result.body.error;
  if (result.status === 409 && error && error.code === "bookings_affected") {
    // People are booked at times this change leaves out: say how many, and ask what to do.
    pending = body;
    $("x-affected").textContent = fill(t("exception.affected"), { booked: result.body.booked, waiting: result.body.waiting });
    $("x-choice").hidden = false;
    $("x-affected").focus();
    return;
  }
  if (!result.ok) { if (!result.signedOut) tell(errorText(result), "error"); return; }
  $("x-choice").hidden = true;
  reloadDay();
  const cancelled = result.body && result.body.cancelled;
  tell(cancelled ? fill(t("exception.cancelled_n"), { n: cancelled }) : t(doneKey));
}
function choose(choice) {
  const body = pending;
  pending = null;
  $("x-choice").hidden = true;
  if (!body || !choice) { tell(t("exception.nothing_changed")); return; }
  save("PUT", { ...body, bookings: choice }, "exception.saved");
}
// What the form says: closed all day, or special hours (one or two ranges), with a note.
function formBody() {
  let body;
  if (!$("x-closed").checked && !$("x-special").checked) {
    tell(t("exception.choose_kind"), "error");
    $("x-closed").focus();
    return null;
  }
  if ($("x-closed").checked) body = { closed: true };
  else {
    const ranges = [];
    ["1", "2"].forEach((n) => {
      const from = $("x-from-" + n).value, to = $("x-to-" + n).value;
      if (from && to) ranges.push([from, to]);
    });
    if (!ranges.length) { tell(t("exception.hours_needed"), "error"); $("x-from-1").focus(); return null; }
    body = { closed: false, hours: ranges };
  }
  const note = $("x-note").value.trim();
  if (note) body.note = note;
  return body;
}

// `reload` draws the agenda again once a change is saved.
export function setUpClosures(reload) {
  reloadDay = reload;
  $("x-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const body = formBody();
    if (body) save("PUT", body, "exception.saved");
  });
  $("x-remove").addEventListener("click", () => save("DELETE", undefined, "exception.removed"));
  $("x-cancel-them").addEventListener("click", () => choose("cancel"));
  $("x-keep-them").addEventListener("click", () => choose("keep"));
  $("x-give-up").addEventListener("click", () => choose(null));
}
