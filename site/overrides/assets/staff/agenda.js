// The day's agenda of a centre (#/agenda): its opening, its closure or special hours that day
// (closures.js), and each booking, checked in as attended or not with the person's gender and
// age band if they give them (for the dashboard's counts, never shown one by one).
import { $, clear, el, fill } from "../dom.js";
import {
  ENUMS, badge, clearError, clock, fail, hasRole, hours, label, languageName, localDate, option, say, t
} from "./common.js";
import { centreById, serviceName } from "./centres.js";
import { showDay as showClosure, setUpClosures } from "./closures.js";
import { call, load } from "./session.js";

let loaded = false;

// Shown: the centre's today, the first time.
export function showAgenda() {
  if (loaded) return;
  loaded = true;
  const centre = centreById($("g-centre").value);
  if (!$("g-date").value) $("g-date").value = localDate(centre ? centre.timezone : undefined);
  $("x-form").hidden = !hasRole("manager", "admin");
  loadAgenda();
}
function agendaPath() {
  return "/staff/centres/" + encodeURIComponent($("g-centre").value) + "/agenda?date=" + encodeURIComponent($("g-date").value);
}
export function loadAgenda() {
  if (!$("g-centre").value || !/^\d{4}-\d\d-\d\d$/.test($("g-date").value)) return;
  load(agendaPath(), renderAgenda, () => { $("g-day").hidden = true; });
}
function renderAgenda(day) {
  $("g-day").hidden = false;
  $("g-timezone").textContent = fill(t("agenda.timezone"), { timezone: day.timezone || "" });
  $("g-opening").textContent = hours(day.opening);
  showClosure(day.exception);
  const list = clear($("g-bookings"));
  (day.bookings || []).forEach((booking, index) => list.appendChild(bookingItem(booking, index)));
  if (!list.firstChild) list.appendChild(el("li", { className: "px-staff-empty", text: t("agenda.no_bookings") }));
}
// A select of one of the API's lists of values, "not given" first.
function givenOr(id, prefix) {
  const select = el("select", { id });
  select.appendChild(option("", t("filter.not_given")));
  ENUMS[prefix].forEach((value) => select.appendChild(option(value, label(prefix, value))));
  return select;
}
function bookingItem(booking, index) {
  const id = "g-b" + index;
  const item = el("li", { className: "px-staff-booking" });
  function fillItem(b) {
    clear(item);
    const gender = givenOr(id + "-gender", "gender");
    const age = givenOr(id + "-age", "age");
    const heading = el("p", { className: "px-staff-booking__head", id: id + "-head" }, [
      el("strong", { dir: "ltr", text: clock(b.start) + "–" + clock(b.end) }),
      " · " + (b.service_name || serviceName($("g-centre").value, b.service_id))
    ]);
    const attended = el("button", { type: "button", className: "md-button md-button--primary", text: t("agenda.attended") });
    const noShow = el("button", { type: "button", className: "md-button", text: t("agenda.no_show") });
    attended.setAttribute("aria-describedby", id + "-head");
    noShow.setAttribute("aria-describedby", id + "-head");
    item.appendChild(heading);
    item.appendChild(el("p", { className: "px-staff-badges" }, [
      badge(label("bstatus", b.status), "booking-" + b.status), " ",
      badge(label("mode", b.mode)), " ", badge(languageName(b.language))
    ]));
    item.appendChild(el("p", { className: "px-staff-meta" }, [
      t("agenda.nickname") + ": ", el("span", { dir: "auto", text: b.nickname || t("case.none") }),
      " · " + t("agenda.phone") + ": ", el("span", { dir: "ltr", text: b.phone || t("case.none") }),
      " · " + t("agenda.reference") + ": ", el("span", { dir: "ltr", text: b.reference })
    ]));
    item.appendChild(el("div", { className: "px-staff-grid px-staff-checkin" }, [
      el("p", { className: "px-staff-field" }, [el("label", { htmlFor: gender.id, text: t("agenda.gender") }), gender]),
      el("p", { className: "px-staff-field" }, [el("label", { htmlFor: age.id, text: t("agenda.age_band") }), age])
    ]));
    item.appendChild(el("p", { className: "px-actions" }, [attended, noShow]));
    async function check(value) {
      const body = { attended: value };
      if (gender.value) body.gender = gender.value;
      if (age.value) body.age_band = age.value;
      attended.disabled = noShow.disabled = true;
      clearError();
      const result = await call("POST", "/staff/bookings/" + encodeURIComponent(b.reference) + "/attendance", body);
      attended.disabled = noShow.disabled = false;
      if (!result.ok) { fail(result); return; }
      fillItem(result.body);
      say(fill(t("agenda.checked"), { status: label("bstatus", result.body.status) }));
    }
    attended.addEventListener("click", () => check(true));
    noShow.addEventListener("click", () => check(false));
  }
  fillItem(booking);
  return item;
}

export function setUpAgenda() {
  $("g-form").addEventListener("submit", (event) => { event.preventDefault(); loadAgenda(); });
  $("g-centre").addEventListener("change", () => {
    const centre = centreById($("g-centre").value);
    if (centre && !$("g-date").value) $("g-date").value = localDate(centre.timezone);
  });
  setUpClosures(loadAgenda);
}
