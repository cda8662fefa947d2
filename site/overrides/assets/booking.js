// The booking flow (/book/) and "manage my booking" (/book/manage/).
// Codes travel only in request bodies and headers, never in a URL; nothing is stored on the
// phone, and the contact typed in is cleared once the booking is made. Text from the API is set
// with textContent. A booking and a place on the waiting list carry a proof of work, solved while
// the person chooses (assets/proof.js, loaded before this script, with the API calls).
(function () {
  "use strict";
  var dataNode = document.getElementById("px-booking-data");
  if (!dataNode) return;
  var data = JSON.parse(dataNode.textContent);
  var msg = data.messages;
  var lang = document.documentElement.lang || "en";

  function $(id) { return document.getElementById(id); }
  function fill(text, key, value) { return String(text).replace("{" + key + "}", value); }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function say(node, text, kind) {
    node.textContent = text || "";
    node.className = "px-message" + (kind ? " px-message--" + kind : "");
  }
  var api = window.PxProof.request, newKey = window.PxProof.newKey;
  function errorText(result) {
    if (result.status === 0) return msg["book.offline"];
    if (result.status === 429) return fill(msg["limit.wait"], "time", window.PxProof.retryTime(result.retryAfter, data.dates));
    var message = result.body && result.body.error && result.body.error.message;
    return fill(msg["book.error"], "message", message || String(result.status));
  }
  // Too many places held at this centre from this connection (which many people may share): the
  // person can still book by calling the centre, whose number the page has (sample data).
  function sayCallInstead(node, result, centreId) {
    var phone = (data.centres[centreId] || {}).phone;
    var when = window.PxProof.retryTime(result.retryAfter, data.dates);
    var text = fill(msg[phone ? "book.seat_limit" : "book.seat_limit_no_phone"], "time", when);
    var parts = text.split("{phone}");
    say(node, parts[0], "error");
    if (phone && parts.length === 2) {
      var call = el("a", null, phone);
      call.href = "tel:" + phone;
      call.dir = "ltr";
      node.append(call, parts[1]);
    }
  }

  function dayLabel(isoDate) {
    try {
      return new Intl.DateTimeFormat(lang, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" })
        .format(new Date(isoDate + "T12:00:00Z"));
    } catch (err) { return isoDate; }
  }
  function describe(booking) {
    var centre = data.centres[booking.centre_id] || { name: booking.centre_id };
    var service = data.services[booking.service_id] || { name: booking.service_id };
    var when = booking.start ? dayLabel(booking.start.slice(0, 10)) + " " + booking.start.slice(11, 16)
      : (booking.waiting_for ? dayLabel(booking.waiting_for) : "");
    return [service.name, centre.name, when, msg["mode." + booking.mode] || booking.mode].filter(Boolean).join(" · ");
  }

  // Days, then times, for one centre and service. `onPick(slot)` gets the chosen slot;
  // `onWait(day)` is offered when a day is full.
  function SlotPicker(onPick, onWait, seatsOf) {
    var days = $("b-days"), times = $("b-times"), dayList = $("b-day-list"), timeList = $("b-time-list");
    var waitButton = $("b-waitlist");
    var byDay = {}, chosenDay = null;
    function showTimes(day) {
      chosenDay = day;
      timeList.replaceChildren();
      var anyFree = false;
      byDay[day].forEach(function (slot) {
        var button = el("button", "px-choice", slot.start.slice(11, 16));
        button.type = "button";
        button.setAttribute("data-start", slot.start);
        // Seats are worth counting for group courses; a consultation is simply free or full.
        var note = slot.seats_left <= 0 ? msg["book.full"]
          : (seatsOf() > 1 ? fill(msg["book.seats_left"], "n", slot.seats_left) : "");
        if (note) button.append(el("small", null, note));
        if (slot.seats_left > 0) {
          anyFree = true;
          button.addEventListener("click", function () {
            timeList.querySelectorAll(".px-choice").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
            button.setAttribute("aria-pressed", "true");
            onPick(slot);
          });
        } else {
          button.disabled = true;
        }
        timeList.append(button);
      });
      times.hidden = false;
      if (waitButton) waitButton.hidden = anyFree || !onWait;
    }
    if (waitButton && onWait) waitButton.addEventListener("click", function () { onWait(chosenDay); });
    return {
      load: function (centreId, serviceId, status) {
        days.hidden = true; times.hidden = true; byDay = {};
        say(status, msg["book.loading"]);
        return api("GET", "/centres/" + encodeURIComponent(centreId) + "/services/" +
                   encodeURIComponent(serviceId) + "/slots?days=14").then(function (result) {
          if (result.status !== 200) { say(status, errorText(result), "error"); return; }
          say(status, "");
          result.body.slots.forEach(function (slot) {
            var day = slot.start.slice(0, 10);
            (byDay[day] = byDay[day] || []).push(slot);
          });
          dayList.replaceChildren();
          var list = Object.keys(byDay).sort();
          if (!list.length) { say(status, msg["book.no_slots"], "error"); return; }
          list.forEach(function (day) {
            var button = el("button", "px-choice", dayLabel(day));
            button.type = "button";
            button.setAttribute("data-day", day);
            button.addEventListener("click", function () {
              dayList.querySelectorAll(".px-choice").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
              button.setAttribute("aria-pressed", "true");
              showTimes(day);
            });
            dayList.append(button);
          });
          days.hidden = false;
        });
      },
      offer: function (slots) {  // after a 409: the next free times, to choose again
        slots.forEach(function (slot) {
          var day = slot.start.slice(0, 10);
          byDay[day] = byDay[day] || [];
          if (!byDay[day].some(function (s) { return s.start === slot.start; })) byDay[day].push(slot);
        });
        var first = slots.length ? slots[0].start.slice(0, 10) : chosenDay;
        if (first && byDay[first]) showTimes(first);
      },
      markTaken: function (start) {
        Object.keys(byDay).forEach(function (day) {
          byDay[day].forEach(function (slot) { if (slot.start === start) slot.seats_left = 0; });
        });
        if (chosenDay) showTimes(chosenDay);
      }
    };
  }

  function calendarDownload(reference, code) {
    return api("GET", "/bookings/" + encodeURIComponent(reference) + "/calendar.ics", undefined,
               { "X-Manage-Code": code }).then(function (result) {
      if (result.status !== 200) return;
      var link = el("a");
      link.href = URL.createObjectURL(new Blob([result.body], { type: "text/calendar" }));
      link.download = "passerelle-" + reference + ".ics";
      document.body.append(link);
      link.click();
      link.remove();
    });
  }

  // ---- /book/ ---------------------------------------------------------------------------------
  var bookApp = $("booking");
  if (bookApp) {
    bookApp.hidden = false;
    var form = $("book-form"), status = $("b-status"), centreSelect = $("b-centre");
    var serviceSelect = $("b-service"), details = $("b-details"), languageSelect = $("b-language");
    var chosen = null, idempotencyKey = null, lastCreated = null;

    var picker = SlotPicker(function (slot) {
      chosen = slot;
      idempotencyKey = null;  // a new choice is a new request
      say(status, "");
      details.hidden = false;
      window.PxProof.prepare();
    }, function (day) {
      submit("/waitlist", { date: day });
    }, function () { return (data.services[serviceSelect.value] || { seats: 1 }).seats; });

    function fillServices() {
      var centre = data.centres[centreSelect.value];
      serviceSelect.replaceChildren(new Option(msg["book.choose"], ""));
      serviceSelect.disabled = !centre;
      details.hidden = true;
      chosen = null;
      if (!centre) return;
      centre.services.forEach(function (id) {
        var service = data.services[id];
        if (service && service.bookable) serviceSelect.append(new Option(service.name, id));
      });
      languageSelect.replaceChildren();
      centre.languages.forEach(function (code) { languageSelect.append(new Option(data.languages[code] || code, code)); });
      if (centre.languages.indexOf(lang) !== -1) languageSelect.value = lang;
    }
    function fillModes() {
      var service = data.services[serviceSelect.value];
      form.querySelectorAll("input[name=mode]").forEach(function (input) {
        var offered = service && service.modes.indexOf(input.value) !== -1;
        input.closest("label").hidden = !offered;
        input.checked = offered && service.modes.length === 1;
      });
    }
    centreSelect.addEventListener("change", fillServices);
    serviceSelect.addEventListener("change", function () {
      fillModes();
      chosen = null;
      details.hidden = true;
      if (!serviceSelect.value) return;
      window.PxProof.prepare();  // solved while the person picks a day, a time and how to meet
      picker.load(centreSelect.value, serviceSelect.value, status);
    });

    function submit(path, extra) {
      var mode = form.querySelector("input[name=mode]:checked");
      var body = {
        centre_id: centreSelect.value, service_id: serviceSelect.value,
        mode: mode ? mode.value : (data.services[serviceSelect.value] || { modes: ["on_site"] }).modes[0],
        language: languageSelect.value
      };
      Object.keys(extra).forEach(function (k) { body[k] = extra[k]; });
      var phone = $("b-phone").value.trim(), nickname = $("b-nickname").value.trim();
      if (phone || nickname) body.contact = { phone: phone || null, nickname: nickname || null };
      idempotencyKey = idempotencyKey || newKey();
      say(status, msg["book.sending"]);
      $("b-submit").disabled = true;
      return window.PxProof.post(path, body, idempotencyKey).then(function (result) {
        $("b-submit").disabled = false;
        if (result.status === 201) {
          idempotencyKey = null;
          $("b-phone").value = "";
          $("b-nickname").value = "";
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
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!chosen) return;
      submit("/bookings", { start: chosen.start });
    });

    function showDone(created) {
      lastCreated = created;
      form.hidden = true;
      $("b-ref").textContent = created.reference.slice(0, 4) + "-" + created.reference.slice(4);
      $("b-code").textContent = created.manage_code;
      $("b-summary").textContent = describe(created) + " · " + (msg["status." + created.status] || created.status);
      $("b-ics").hidden = created.status !== "confirmed";
      var done = $("b-done");
      done.hidden = false;
      done.focus();
    }
    $("b-print").addEventListener("click", function () { window.print(); });
    $("b-ics").addEventListener("click", function () {
      if (lastCreated) calendarDownload(lastCreated.reference, lastCreated.manage_code);
    });
    $("b-saved").addEventListener("change", function () { $("b-manage").hidden = !$("b-saved").checked; });

    // Arriving from a centre page's Book button: ?centre=…&service=… (no secrets in it).
    var params = new URLSearchParams(location.search);
    if (params.get("centre") && data.centres[params.get("centre")]) {
      centreSelect.value = params.get("centre");
      fillServices();
      if (params.get("service") && serviceSelect.querySelector("option[value='" + params.get("service") + "']")) {
        serviceSelect.value = params.get("service");
        serviceSelect.dispatchEvent(new Event("change"));
      }
    }
  }

  // ---- /book/manage/ ----------------------------------------------------------------------------
  var manageApp = $("manage");
  if (manageApp) {
    manageApp.hidden = false;
    var manageForm = $("manage-form"), mStatus = $("m-status"), current = null, code = null;
    var moveForm = $("m-move-form"), movePicker = null;

    function show(booking) {
      current = booking;
      $("m-summary").textContent = describe(booking);
      var state = msg["status." + booking.status] || booking.status;
      if (booking.status === "offered" && booking.hold_expires_at) {
        state += " · " + fill(msg["manage.offered"], "time",
          new Date(booking.hold_expires_at).toLocaleString(lang, { dateStyle: "short", timeStyle: "short" }));
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
    function act(method, body) {
      return api(method, "/bookings/" + encodeURIComponent(reference()), body, { "X-Manage-Code": code })
        .then(function (result) {
          if (result.status === 200) { say(mStatus, ""); show(result.body); return result; }
          if (result.status === 404) say(mStatus, msg["manage.not_found"], "error");
          else say(mStatus, errorText(result), "error");
          return result;
        });
    }
    manageForm.addEventListener("submit", function (event) {
      event.preventDefault();
      code = $("m-code").value.trim();
      $("m-booking").hidden = true;
      act("GET");
    });
    $("m-accept").addEventListener("click", function () { act("PATCH", { status: "confirmed" }); });
    $("m-cancel").addEventListener("click", function () { $("m-cancel-confirm").hidden = false; });
    $("m-cancel-confirm").addEventListener("click", function () {
      act("DELETE").then(function (result) { if (result.status === 200) say(mStatus, msg["manage.cancelled"]); });
    });
    $("m-ics").addEventListener("click", function () { calendarDownload(reference(), code); });
    $("m-move").addEventListener("click", function () {
      moveForm.hidden = false;
      movePicker = movePicker || SlotPicker(function (slot) {
        act("PATCH", { start: slot.start }).then(function (result) {
          if (result.status === 409 && result.body && result.body.next_free) {
            say(mStatus, msg["book.taken"], "error");
            movePicker.markTaken(slot.start);
            movePicker.offer(result.body.next_free);
          }
        });
      }, null, function () { return (data.services[current.service_id] || { seats: 1 }).seats; });
      movePicker.load(current.centre_id, current.service_id, mStatus);
    });
  }
})();
