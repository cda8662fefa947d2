// The booking flow (/book/) and "manage my booking" (/book/manage/).
// Codes travel only in request bodies and headers, never in a URL; nothing is stored on the
// phone, and the contact typed in is cleared once the booking is made. Text from the API is set
// with textContent. A booking and a place on the waiting list carry a proof of work, solved while
// the person chooses (api.js).
import { $, el, fill, say } from "./dom.js";
import { newKey, prepare, problem, request, retryTime, submit } from "./api.js";
import { formatDate, formatTime, load, pluralForm } from "./i18n/format.js";

const dataNode = $("px-booking-data");
const data = dataNode ? JSON.parse(dataNode.textContent) : null;
const msg = data ? data.messages : {};
const lang = document.documentElement.lang || "en";

function errorText(result) {
  return problem(result, { offline: msg["book.offline"], wait: msg["limit.wait"], error: msg["book.error"], table: msg },
    data.dates);
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

// Days and times from the CLDR data the site ships (i18n/format.js), never the phone's own Intl,
// which has no Tajik, Khmer or Burmese and would print "M12 5, Sat". A slot's time is the centre's
// wall clock, as the API gives it ("…T09:30:00+05:00").
let cldr = null;
const cldrReady = load(lang).then((code) => { cldr = code; }, () => {});
function dayLabel(isoDate) {
  if (!cldr) return isoDate;
  try { return formatDate(cldr, isoDate + "T12:00:00Z", { skeleton: "MMMEd", timeZone: "UTC" }); } catch (err) { return isoDate; }
}
// "1 seat left", "2 seats left": the language's plural forms (CLDR's categories), its digits.
function seatsLeft(n) {
  try { return pluralForm(cldr, n, data.seats_left); } catch (err) { return fill(msg["book.seats_left"], { n }); }
}
function timeLabel(isoMoment) {
  const hhmm = isoMoment.slice(11, 16);
  if (!cldr) return hhmm;
  try { return formatTime(cldr, hhmm, { style: "short" }); } catch (err) { return hhmm; }
}
function describe(booking) {
  const centre = data.centres[booking.centre_id] || { name: booking.centre_id };
  const service = data.services[booking.service_id] || { name: booking.service_id };
  const when = booking.start ? dayLabel(booking.start.slice(0, 10)) + " " + timeLabel(booking.start)
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
        : (seatsOf() > 1 ? seatsLeft(slot.seats_left) : "");
      let button;
      if (slot.seats_left > 0) {
        anyFree = true;
        button = choiceButton(timeLabel(slot.start), () => onPick(slot), timeList);
      } else {
        button = el("button", { className: "px-choice", type: "button", text: timeLabel(slot.start), disabled: true });
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
      const [result] = await Promise.all([request("GET", slotsPath(centreId, serviceId)), cldrReady]);
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
  const verify = phoneVerification();

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
    followMode();
  }
  // By phone, the centre calls the person: the number is then required, and the label says why.
  function byPhone() {
    const mode = form.querySelector("input[name=mode]:checked");
    return !!mode && mode.value === "phone";
  }
  function followMode() {
    const phone = $("b-phone");
    phone.required = byPhone();
    phone.labels[0].textContent = msg[byPhone() ? "book.phone_required_label" : "book.phone"];
  }
  form.querySelectorAll("input[name=mode]").forEach((input) => input.addEventListener("change", followMode));
  centreSelect.addEventListener("change", fillServices);
  serviceSelect.addEventListener("change", () => {
    fillModes();
    chosen = null;
    details.hidden = true;
    if (!serviceSelect.value) return;
    prepare();  // solved while the person picks a day, a time and how to meet
    picker.load(centreSelect.value, serviceSelect.value, status);
  });

  // `retrying`: sent again by itself after the phone was verified (once only).
  async function send(path, extra, retrying) {
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
      $("b-phone").setAttribute("aria-invalid", "true");
      $("b-phone").focus();
      return;
    }
    if (phone || nickname) body.contact = { phone: phone || null, nickname: nickname || null, sms };
    const phoneProof = verify.proofFor(phone);
    if (phoneProof) body.contact.phone_proof = phoneProof;
    if (body.mode === "phone" && !phone) {
      // refused here as the API would refuse it (phone_required), without a round trip
      say(status, problem({ status: 400, body: { error: { code: "phone_required", field: "contact.phone" } } },
        { table: msg, error: msg["book.error"] }), "error");
      $("b-phone").setAttribute("aria-invalid", "true");
      $("b-phone").focus();
      return;
    }
    $("b-phone").removeAttribute("aria-invalid");
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
      verify.forget();
      showDone(result.body, body.mode === "phone" ? phone : null);
    } else if (result.status === 409 && result.body && result.body.next_free) {
      say(status, msg["book.taken"], "error");
      picker.markTaken(body.start);
      picker.offer(result.body.next_free);
      details.hidden = true;
      idempotencyKey = null;
    } else if (result.status === 429 && result.body && result.body.error && result.body.error.code === "seat_limit") {
      sayCallInstead(status, result, body.centre_id);
      idempotencyKey = null;
      // Or prove the phone: a verified booking is not counted under this cap. Sent again once.
      verify.offer(retrying ? null : () => send(path, extra, true));
    } else if (result.status === 400 && result.body && result.body.error
      && result.body.error.code === "phone_proof_invalid") {
      // The proof expired (an hour) or is not this phone's: forgotten, and a new code offered.
      say(status, errorText(result), "error");
      idempotencyKey = null;
      verify.forget();
      verify.offer(retrying ? null : () => send(path, extra, true));
    } else {
      // Offline or a server error: the same key is reused if they try again.
      say(status, errorText(result), "error");
      if (result.status >= 400 && result.status < 500) idempotencyKey = null;
      const field = result.body && result.body.error && result.body.error.field;
      if (field === "contact.phone") { $("b-phone").setAttribute("aria-invalid", "true"); $("b-phone").focus(); }
    }
  }
  // ---- proving the phone by a code sent to it (issue 17) ----
  // The proof is kept in this closure only, never in storage, for the number it was given for:
  // another number typed drops it. Leaving the page (the quick exit included) forgets it.
  function phoneVerification() {
    const panel = $("b-verify"), opener = $("b-verify-open"), vStatus = $("b-verify-status");
    const sendButton = $("b-verify-send"), entry = $("b-verify-entry"), codeInput = $("b-verify-code");
    const checkButton = $("b-verify-check"), phoneInput = $("b-phone");
    let proven = null;  // {phone, proof}
    let then = null;    // what to do once verified: send the refused booking again
    function open(isOpen) {
      panel.hidden = !isOpen;
      opener.setAttribute("aria-expanded", String(isOpen));
    }
    function forget() {
      proven = null;
      then = null;
      opener.parentNode.hidden = false;
      open(false);
      entry.hidden = true;
      codeInput.value = "";
      sendButton.textContent = msg["verify.send"];
      say(vStatus, "");
    }
    // A refusal in the page's words; a 429 (too many codes, or locked after wrong ones) says until when.
    function refusal(result) {
      if (result.status === 429) return fill(msg["verify.wait"], { time: retryTime(result.retryAfter, data.dates) });
      return errorText(result);
    }
    function phoneMissing() {
      say(vStatus, msg["verify.needs_phone"], "error");
      phoneInput.setAttribute("aria-invalid", "true");
      phoneInput.focus();
    }
    opener.addEventListener("click", () => {
      open(panel.hidden);
      if (!panel.hidden) { prepare(); sendButton.focus(); }
    });
    phoneInput.addEventListener("input", () => {
      if (proven && proven.phone !== phoneInput.value.trim()) forget();
    });
    sendButton.addEventListener("click", async () => {
      const phone = phoneInput.value.trim();
      if (!phone) { phoneMissing(); return; }
      phoneInput.removeAttribute("aria-invalid");
      say(vStatus, msg["verify.sending"]);
      sendButton.disabled = true;
      const result = await submit("/phone/code", { centre_id: centreSelect.value, phone, language: lang });
      sendButton.disabled = false;
      if (result.status === 200) {
        entry.hidden = false;
        codeInput.value = "";
        codeInput.removeAttribute("aria-invalid");
        sendButton.textContent = msg["verify.resend"];
        codeInput.focus();
        say(vStatus, fill(msg["verify.sent"], { phone }));
        return;
      }
      say(vStatus, refusal(result), "error");
      const field = result.body && result.body.error && result.body.error.field;
      if (field === "phone") { phoneInput.setAttribute("aria-invalid", "true"); phoneInput.focus(); }
    });
    async function check() {
      const phone = phoneInput.value.trim(), code = codeInput.value.replace(/\D/g, "");
      if (!phone) { phoneMissing(); return; }
      if (!code) {
        say(vStatus, msg["verify.code_missing"], "error");
        codeInput.setAttribute("aria-invalid", "true");
        codeInput.focus();
        return;
      }
      say(vStatus, msg["verify.checking"]);
      checkButton.disabled = true;
      const result = await request("POST", "/phone/verify", { body: { centre_id: centreSelect.value, phone, code } });
      checkButton.disabled = false;
      if (result.status === 200 && result.body && result.body.phone_proof) {
        const next = then;
        proven = { phone, proof: result.body.phone_proof };
        then = null;
        codeInput.value = "";
        codeInput.removeAttribute("aria-invalid");
        entry.hidden = true;
        open(false);
        opener.parentNode.hidden = true;
        say(vStatus, msg["verify.done"]);
        if (next) next();
        return;
      }
      say(vStatus, refusal(result), "error");
      const error = result.body && result.body.error;
      if (result.status === 429 || (error && error.code === "phone_code_expired")) codeInput.value = "";
      codeInput.setAttribute("aria-invalid", "true");
      codeInput.focus();
    }
    checkButton.addEventListener("click", check);
    codeInput.addEventListener("keydown", (event) => {  // Enter here checks the code, not the booking
      if (event.key === "Enter") { event.preventDefault(); check(); }
    });
    // The quick exit (its button, Esc) and any leaving: the proof goes with the page, said here too.
    const exit = $("px-exit");
    if (exit) exit.addEventListener("click", forget, true);
    document.addEventListener("keydown", (event) => { if (event.key === "Escape") forget(); }, true);
    window.addEventListener("pagehide", forget);
    return {
      proofFor(phone) { return proven && proven.phone === phone ? proven.proof : null; },
      forget,
      // After a refusal the proof would have avoided: the panel opens; `retry` runs once verified.
      offer(retry) {
        then = retry;
        opener.parentNode.hidden = false;
        open(true);
        say(vStatus, msg["verify.after_limit"]);
      }
    };
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!chosen) return;
    send("/bookings", { start: chosen.start });
  });

  function showDone(created, calledAt) {
    lastCreated = created;
    form.hidden = true;
    $("b-ref").textContent = created.reference.slice(0, 4) + "-" + created.reference.slice(4);
    $("b-code").textContent = created.manage_code;
    $("b-summary").textContent = describe(created) + " · " + (msg["status." + created.status] || created.status);
    // Who calls whom: the centre calls the person, at the number they gave (shown once, here only).
    const call = $("b-call") || el("p", { id: "b-call", className: "px-summary" });
    if (calledAt) {
      const parts = msg["book.will_call"].split("{phone}");
      call.replaceChildren(parts[0], el("bdi", { text: calledAt, dir: "ltr" }), parts[1] || "");
      $("b-summary").after(call);
    } else call.remove();
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
      const centre = data.centres[booking.centre_id] || {};
      let until = booking.hold_expires_at;
      try { until = formatTime(cldr, booking.hold_expires_at, { style: "short", timeZone: centre.timezone }); } catch (err) { /* ISO */ }
      state += " · " + fill(msg["manage.offered"], { time: until });
    }
    $("m-state").textContent = state;
    // Cancelled by the centre (it closed that day): say so, and the way to book again.
    const byCentre = $("m-by-centre") || el("p", { id: "m-by-centre", className: "px-message" });
    if (booking.status === "cancelled_by_centre") {
      const again = el("a", { text: msg["manage.book_again"], className: "md-button md-button--primary" });
      again.href = "../?centre=" + encodeURIComponent(booking.centre_id) + "&service=" + encodeURIComponent(booking.service_id);
      byCentre.replaceChildren(msg["manage.by_centre"], " ", again);
      $("m-state").after(byCentre);
    } else byCentre.remove();
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
    const [result] = await Promise.all([request(method, "/bookings/" + encodeURIComponent(reference()),
      { body, headers: { "X-Manage-Code": code } }), cldrReady]);
    if (result.status === 200) { say(mStatus, ""); show(result.body); return result; }
    if (result.status === 404 && result.body && result.body.error && result.body.error.code === "booking_not_found") {
      say(mStatus, msg["manage.not_found"], "error");
    }
    else say(mStatus, errorText(result), "error");
    return result;
  }
  manageForm.addEventListener("submit", (event) => {
    event.preventDefault();
    code = $("m-code").value.trim();
    $("m-booking").hidden = true;
    act("GET");
  });
  $("m-accept").addEventListener("click", async () => {
    const result = await act("PATCH", { status: "confirmed" });
    if (result.status === 200) say(mStatus, msg["book.done"]);  // said, and announced (role=status)
  });
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
      if (result.status === 200) say(mStatus, fill(msg["book.moved"], { time: describe(result.body) }));
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
