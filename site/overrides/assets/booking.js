// The booking flow (/book/) and "manage my booking" (/book/manage/).
// Codes travel only in request bodies and headers, never in a URL; nothing is stored on the
// phone, and the contact typed in is cleared once the booking is made. Text from the API is set
// with textContent. A booking and a place on the waiting list carry a proof of work, solved while
// the person chooses (api.js).
import { $, el, fill, say } from "./dom.js";
import { newKey, prepare, problem, request, retryTime, submit } from "./api.js";

const dataNode = $("px-booking-data");
const data = dataNode ? JSON.parse(dataNode.textContent) : null;
const msg = data ? data.messages : {};
const lang = document.documentElement.lang || "en";

function errorText(result) {
  return problem(result, { offline: msg["book.offline"], wait: msg["limit.wait"], error: msg["book.error"] }, data.dates);
}
// Too many places held at this centre from this connection (which many people may share): the
// person can still book by calling the centre, whose number the page has (sample data).
function sayCallInstead(node, result, centreId) {
  const phone = (data.centres[centreId] || {}).phone;
  const when = retryTime(result.retryAfter, data.dates);
  const text = fill(msg[phone ? "book.seat_limit" : "book.seat_limit_no_phone"], { time: when });
  const parts = text.split("{phone}");
  say(node, parts[0], "error");
  if (phone && parts.length === 2) {
    node.append(el("a", { text: phone, href: "tel:" + phone, dir: "ltr" }), parts[1]);
  }
}

function dayLabel(isoDate) {
  try {
    return new Intl.DateTimeFormat(lang, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" })
      .format(new Date(isoDate + "T12:00:00Z"));
  } catch (err) { return isoDate; }
}
function describe(booking) {
  const centre = data.centres[booking.centre_id] || { name: booking.centre_id };
  const service = data.services[booking.service_id] || { name: booking.service_id };
  const when = booking.start ? dayLabel(booking.start.slice(0, 10)) + " " + booking.start.slice(11, 16)
    : (booking.waiting_for ? dayLabel(booking.waiting_for) : "");
  return [service.name, centre.name, when, msg["mode." + booking.mode] || booking.mode].filter(Boolean).join(" · ");
}
function slotsPath(centreId, serviceId) {
  return "/centres/" + encodeURIComponent(centreId) + "/services/" + encodeURIComponent(serviceId) + "/slots?days=14";
}

// A choice among buttons (a day, a time): the pressed one says so.
function choiceButton(text, onChoose, group) {
  const button = el("button", { className: "px-choice", type: "button", text });
  button.addEventListener("click", () => {
    group.querySelectorAll(".px-choice").forEach((b) => b.setAttribute("aria-pressed", "false"));
    button.setAttribute("aria-pressed", "true");
    onChoose();
  });
  return button;
}

// Days, then times, for one centre and service. `onPick(slot)` gets the chosen slot;
// `onWait(day)` is offered when a day is full.
function slotPicker(onPick, onWait, seatsOf) {
  const days = $("b-days"), times = $("b-times"), dayList = $("b-day-list"), timeList = $("b-time-list");
  const waitButton = $("b-waitlist");
  let byDay = {}, chosenDay = null;
  function showTimes(day) {
    chosenDay = day;
    timeList.replaceChildren();
    let anyFree = false;
    byDay[day].forEach((slot) => {
      // Seats are worth counting for group courses; a consultation is simply free or full.
      const note = slot.seats_left <= 0 ? msg["book.full"]
        : (seatsOf() > 1 ? fill(msg["book.seats_left"], { n: slot.seats_left }) : "");
      let button;
      if (slot.seats_left > 0) {
        anyFree = true;
        button = choiceButton(slot.start.slice(11, 16), () => onPick(slot), timeList);
      } else {
        button = el("button", { className: "px-choice", type: "button", text: slot.start.slice(11, 16), disabled: true });
      }
      button.setAttribute("data-start", slot.start);
      if (note) button.append(el("small", { text: note }));
      timeList.append(button);
    });
    times.hidden = false;
    if (waitButton) waitButton.hidden = anyFree || !onWait;
  }
  if (waitButton && onWait) waitButton.addEventListener("click", () => onWait(chosenDay));
  return {
    async load(centreId, serviceId, status) {
      days.hidden = true; times.hidden = true; byDay = {};
      say(status, msg["book.loading"]);
      const result = await request("GET", slotsPath(centreId, serviceId));
      if (result.status !== 200) { say(status, errorText(result), "error"); return; }
      say(status, "");
      result.body.slots.forEach((slot) => {
        const day = slot.start.slice(0, 10);
        (byDay[day] = byDay[day] || []).push(slot);
      });
      dayList.replaceChildren();
      const list = Object.keys(byDay).sort();
      if (!list.length) { say(status, msg["book.no_slots"], "error"); return; }
      list.forEach((day) => {
        const button = choiceButton(dayLabel(day), () => showTimes(day), dayList);
        button.setAttribute("data-day", day);
        dayList.append(button);
      });
      days.hidden = false;
    },
    offer(slots) {  // after a 409: the next free times, to choose again
      slots.forEach((slot) => {
        const day = slot.start.slice(0, 10);
        byDay[day] = byDay[day] || [];
        if (!byDay[day].some((s) => s.start === slot.start)) byDay[day].push(slot);
      });
      const first = slots.length ? slots[0].start.slice(0, 10) : chosenDay;
      if (first && byDay[first]) showTimes(first);
    },
    markTaken(start) {
      Object.keys(byDay).forEach((day) => {
        byDay[day].forEach((slot) => { if (slot.start === start) slot.seats_left = 0; });
      });
      if (chosenDay) showTimes(chosenDay);
    }
  };
}

async function calendarDownload(reference, code) {
  const result = await request("GET", "/bookings/" + encodeURIComponent(reference) + "/calendar.ics",
    { headers: { "X-Manage-Code": code } });
  if (result.status !== 200) return;
  const link = el("a", {
    href: URL.createObjectURL(new Blob([result.body], { type: "text/calendar" })),
    download: "passerelle-" + reference + ".ics"
  });
  document.body.append(link);
  link.click();
  link.remove();
}

// ---- /book/ ------------------------------------------------------------------------------------------
function setUpBooking(app) {
  app.hidden = false;
  const form = $("book-form"), status = $("b-status"), centreSelect = $("b-centre");
  const serviceSelect = $("b-service"), details = $("b-details"), languageSelect = $("b-language");
  let chosen = null, idempotencyKey = null, lastCreated = null;

  const picker = slotPicker((slot) => {
    chosen = slot;
    idempotencyKey = null;  // a new choice is a new request
    say(status, "");
    details.hidden = false;
    prepare();
  }, (day) => {
    send("/waitlist", { date: day });
  }, () => (data.services[serviceSelect.value] || { seats: 1 }).seats);

  function fillServices() {
    const centre = data.centres[centreSelect.value];
    serviceSelect.replaceChildren(new Option(msg["book.choose"], ""));
    serviceSelect.disabled = !centre;
    details.hidden = true;
    chosen = null;
    if (!centre) return;
    centre.services.forEach((id) => {
      const service = data.services[id];
      if (service && service.bookable) serviceSelect.append(new Option(service.name, id));
    });
    languageSelect.replaceChildren();
    centre.languages.forEach((code) => languageSelect.append(new Option(data.languages[code] || code, code)));
    if (centre.languages.indexOf(lang) !== -1) languageSelect.value = lang;
  }
  function fillModes() {
    const service = data.services[serviceSelect.value];
    form.querySelectorAll("input[name=mode]").forEach((input) => {
      const offered = service && service.modes.indexOf(input.value) !== -1;
      input.closest("label").hidden = !offered;
      input.checked = offered && service.modes.length === 1;
    });
  }
  centreSelect.addEventListener("change", fillServices);
  serviceSelect.addEventListener("change", () => {
    fillModes();
    chosen = null;
    details.hidden = true;
    if (!serviceSelect.value) return;
    prepare();  // solved while the person picks a day, a time and how to meet
    picker.load(centreSelect.value, serviceSelect.value, status);
  });

  async function send(path, extra) {
    const mode = form.querySelector("input[name=mode]:checked");
    const body = {
      centre_id: centreSelect.value, service_id: serviceSelect.value,
      mode: mode ? mode.value : (data.services[serviceSelect.value] || { modes: ["on_site"] }).modes[0],
      language: languageSelect.value,
      ...extra
    };
    const phone = $("b-phone").value.trim(), nickname = $("b-nickname").value.trim();
    // SMS about the booking (issue 17) only to a number given here, and only if the box is ticked.
    const sms = $("b-sms").checked;
    if (sms && !phone) {
      say(status, msg["book.sms_needs_phone"], "error");
      $("b-phone").focus();
      return;
    }
    if (phone || nickname) body.contact = { phone: phone || null, nickname: nickname || null, sms };
    idempotencyKey = idempotencyKey || newKey();
    say(status, msg["book.sending"]);
    $("b-submit").disabled = true;
    const result = await submit(path, body, idempotencyKey);
    $("b-submit").disabled = false;
    if (result.status === 201) {
      idempotencyKey = null;
      $("b-phone").value = "";
      $("b-nickname").value = "";
      $("b-sms").checked = false;
      showDone(result.body);
    } else if (result.status === 409 && result.body && result.body.next_free) {
      say(status, msg["book.taken"], "error");
      picker.markTaken(body.start);
      picker.offer(result.body.next_free);
      details.hidden = true;
      idempotencyKey = null;
    } else if (result.status === 429 && result.body && result.body.error && result.body.error.code === "seat_limit") {
      sayCallInstead(status, result, body.centre_id);
      idempotencyKey = null;
    } else {
      // Offline or a server error: the same key is reused if they try again.
      say(status, errorText(result), "error");
      if (result.status >= 400 && result.status < 500) idempotencyKey = null;
    }
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!chosen) return;
    send("/bookings", { start: chosen.start });
  });

  function showDone(created) {
    lastCreated = created;
    form.hidden = true;
    $("b-ref").textContent = created.reference.slice(0, 4) + "-" + created.reference.slice(4);
    $("b-code").textContent = created.manage_code;
    $("b-summary").textContent = describe(created) + " · " + (msg["status." + created.status] || created.status);
    $("b-ics").hidden = created.status !== "confirmed";
    const done = $("b-done");
    done.hidden = false;
    done.focus();
  }
  $("b-print").addEventListener("click", () => window.print());
  $("b-ics").addEventListener("click", () => {
    if (lastCreated) calendarDownload(lastCreated.reference, lastCreated.manage_code);
  });
  $("b-saved").addEventListener("change", () => { $("b-manage").hidden = !$("b-saved").checked; });

  // Arriving from a centre page's Book button: ?centre=…&service=… (no secrets in it).
  const params = new URLSearchParams(location.search);
  if (params.get("centre") && data.centres[params.get("centre")]) {
    centreSelect.value = params.get("centre");
    fillServices();
    if (params.get("service") && serviceSelect.querySelector("option[value='" + params.get("service") + "']")) {
      serviceSelect.value = params.get("service");
      serviceSelect.dispatchEvent(new Event("change"));
    }
  }
}

// ---- /book/manage/ -------------------------------------------------------------------------------------
function setUpManage(app) {
  app.hidden = false;
  const manageForm = $("manage-form"), mStatus = $("m-status"), moveForm = $("m-move-form");
  let current = null, code = null, movePicker = null;

  function show(booking) {
    current = booking;
    $("m-summary").textContent = describe(booking);
    let state = msg["status." + booking.status] || booking.status;
    if (booking.status === "offered" && booking.hold_expires_at) {
      state += " · " + fill(msg["manage.offered"], {
        time: new Date(booking.hold_expires_at).toLocaleString(lang, { dateStyle: "short", timeStyle: "short" })
      });
    }
    $("m-state").textContent = state;
    $("m-accept").hidden = booking.status !== "offered";
    $("m-move").hidden = booking.status !== "confirmed";
    $("m-ics").hidden = booking.status !== "confirmed";
    $("m-cancel").hidden = ["confirmed", "offered", "waiting"].indexOf(booking.status) === -1;
    $("m-cancel-confirm").hidden = true;
    moveForm.hidden = true;
    $("m-booking").hidden = false;
  }
  function reference() { return $("m-reference").value.replace(/[\s-]/g, "").toUpperCase(); }
  async function act(method, body) {
    const result = await request(method, "/bookings/" + encodeURIComponent(reference()),
      { body, headers: { "X-Manage-Code": code } });
    if (result.status === 200) { say(mStatus, ""); show(result.body); return result; }
    if (result.status === 404) say(mStatus, msg["manage.not_found"], "error");
    else say(mStatus, errorText(result), "error");
    return result;
  }
  manageForm.addEventListener("submit", (event) => {
    event.preventDefault();
    code = $("m-code").value.trim();
    $("m-booking").hidden = true;
    act("GET");
  });
  $("m-accept").addEventListener("click", () => act("PATCH", { status: "confirmed" }));
  $("m-cancel").addEventListener("click", () => { $("m-cancel-confirm").hidden = false; });
  $("m-cancel-confirm").addEventListener("click", async () => {
    const result = await act("DELETE");
    if (result.status === 200) say(mStatus, msg["manage.cancelled"]);
  });
  $("m-ics").addEventListener("click", () => calendarDownload(reference(), code));
  $("m-move").addEventListener("click", () => {
    moveForm.hidden = false;
    movePicker = movePicker || slotPicker(async (slot) => {
      const result = await act("PATCH", { start: slot.start });
      if (result.status === 409 && result.body && result.body.next_free) {
        say(mStatus, msg["book.taken"], "error");
        movePicker.markTaken(slot.start);
        movePicker.offer(result.body.next_free);
      }
    }, null, () => (data.services[current.service_id] || { seats: 1 }).seats);
    movePicker.load(current.centre_id, current.service_id, mStatus);
  });
}

if (data) {
  const bookApp = $("booking"), manageApp = $("manage");
  if (bookApp) setUpBooking(bookApp);
  if (manageApp) setUpManage(manageApp);
}
