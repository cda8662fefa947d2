// A centre's closure or special hours on the agenda's day (managers and administrators): the
// form below the day's bookings. Saved with PUT, removed with DELETE
// /api/staff/centres/<centre>/exceptions/<date>; the agenda is then drawn again.
import { $ } from "../dom.js";
import { clearError, fail, hours, say, showError, t } from "./common.js";
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
  $("x-closed").checked = !exception || !!exception.closed;
  $("x-special").checked = !!exception && !exception.closed;
  const ranges = (exception && exception.hours) || [];
  ["1", "2"].forEach((n, i) => {
    $("x-from-" + n).value = ranges[i] ? ranges[i][0] : "";
    $("x-to-" + n).value = ranges[i] ? ranges[i][1] : "";
  });
  $("x-note").value = (exception && exception.note) || "";
  $("x-remove").hidden = !exception;
}
async function save(method, body, doneKey) {
  clearError();
  const path = "/staff/centres/" + encodeURIComponent($("g-centre").value) + "/exceptions/" + encodeURIComponent($("g-date").value);
  const result = await call(method, path, body);
  if (!result.ok) { fail(result); return; }
  reloadDay();
  say(t(doneKey));
}
// What the form says: closed all day, or special hours (one or two ranges), with a note.
function formBody() {
  let body;
  if ($("x-closed").checked) body = { closed: true };
  else {
    const ranges = [];
    ["1", "2"].forEach((n) => {
      const from = $("x-from-" + n).value, to = $("x-to-" + n).value;
      if (from && to) ranges.push([from, to]);
    });
    if (!ranges.length) { showError(t("exception.hours_needed")); $("x-from-1").focus(); return null; }
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
}
