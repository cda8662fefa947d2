// Public feedback, sent to POST /api/feedback with a proof of work (assets/proof.js, fetched only
// when something is sent, so guides stay light):
// - "Was this page helpful?" at the end of every guide. Given offline, the answer is kept on this
//   phone (localStorage: the answer only, no time, no id) until it can be sent, then deleted.
// - the service feedback form (/feedback/service/): the reference may come in the URL fragment
//   (#ref=...), which browsers never send to a server; the manage page's link puts it there.
// - "tell us what you need" (/feedback/need/).
// Errors are shown next to their field, in the page's language.
(function () {
  "use strict";
  var script = document.currentScript;
  var dataNode = document.getElementById("px-feedback-data");
  var msg = dataNode ? JSON.parse(dataNode.textContent) : {};
  var PENDING = "passerelle.feedback.pending";
  var MAX_PENDING = 20;
  function $(id) { return document.getElementById(id); }
  function fill(text, key, value) { return String(text).replace("{" + key + "}", value); }
  function say(node, text, kind) {
    node.textContent = text || "";
    node.className = node.className.replace(/\s*px-message--\w+/g, "") + (kind ? " px-message--" + kind : "");
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // ---- sending --------------------------------------------------------------------------------
  var proofLoading = null;
  function proof() {
    if (window.PxProof) return Promise.resolve(window.PxProof);
    if (!proofLoading) {
      proofLoading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = script.src.replace(/feedback\.js([?#].*)?$/, "proof.js");
        tag.onload = function () { resolve(window.PxProof); };
        tag.onerror = function () { tag.remove(); proofLoading = null; reject(new Error("not loaded")); };
        document.head.appendChild(tag);
      });
    }
    return proofLoading;
  }
  // The answer as {status, body, retryAfter}: status 0 when there is no connection.
  function send(body, key) {
    return proof().then(function (p) { return p.post("/feedback", body, key); },
      function () { return { status: 0, body: null }; });
  }
  function generalError(result) {
    if (result.status === 0) return msg["feedback.not_sent"];
    if (result.status === 429) return fill(msg["limit.wait"], "time", window.PxProof.retryTime(result.retryAfter));
    var error = result.body && result.body.error;
    return fill(msg["book.error"], "message", error ? error.message : String(result.status));
  }

  // ---- answers kept on the phone until there is a connection ---------------------------------------
  function readPending() {
    try {
      var list = JSON.parse(localStorage.getItem(PENDING) || "[]");
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
  var flushing = false, onSent = null, retryTimer = null, pause = 5000;
  function retryLater(seconds) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, seconds ? seconds * 1000 : pause);
    pause = Math.min(pause * 2, 300000);
  }
  function flush() {
    var list = readPending();
    if (flushing || !list.length) return;
    if (navigator.onLine === false) { retryLater(); return; }
    flushing = true;
    clearTimeout(retryTimer);
    var entry = list[0];
    send(entry.body, entry.key).then(function (result) {
      flushing = false;
      if (result.status === 0 || result.status === 429 || result.status >= 500) {  // later
        retryLater(result.status === 429 ? Number(result.retryAfter) || 60 : 0);
        return;
      }
      pause = 5000;
      // Sent, or refused for good (400): either way it leaves the phone. The same Idempotency-Key
      // makes a second tab's copy of the same answer count once.
      writePending(readPending().filter(function (other) { return other.key !== entry.key; }));
      if (onSent) onSent(entry.key, result.status === 201);
      flush();
    });
  }
  window.addEventListener("online", function () { pause = 5000; flush(); });

  // ---- "Was this page helpful?" ---------------------------------------------------------------------
  var widget = $("px-feedback");
  if (widget) {
    var helpful = null, waitingFor = null, status = $("pf-status");
    var buttons = [$("pf-yes"), $("pf-no")];
    var finish = function (text) {
      // The widget keeps its height: the page below it does not move.
      widget.style.minHeight = widget.offsetHeight + "px";
      $("pf-ask").hidden = true;
      say(status, text);
      $("pf-need").hidden = false;
    };
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        helpful = button.getAttribute("data-helpful") === "true";
        buttons.forEach(function (other) { other.setAttribute("aria-pressed", String(other === button)); });
        $("pf-more").hidden = false;
      });
    });
    $("pf-more").addEventListener("submit", function (event) {
      event.preventDefault();
      if (helpful === null) return;
      var body = { kind: "page", page: location.pathname.replace(/index\.html$/, ""),
                   language: widget.getAttribute("data-lang"), helpful: helpful };
      var comment = $("pf-comment").value.trim();
      if (comment) body.comment = comment.slice(0, 500);
      var key = newKey();
      $("pf-send").disabled = true;
      say(status, msg["book.sending"]);
      send(body, key).then(function (result) {
        if (result.status === 201) { finish(msg["feedback.thanks"]); return; }
        if (result.status === 0 && writePending(readPending().concat([{ body: body, key: key }]))) {
          waitingFor = key;
          finish(msg["feedback.queued"]);
          retryLater();
          return;
        }
        $("pf-send").disabled = false;
        say(status, generalError(result), "error");
      });
    });
    onSent = function (key, sent) {
      if (key === waitingFor && sent) say(status, msg["feedback.thanks"]);
    };
    widget.setAttribute("data-ready", "");
  }
  flush();

  // ---- the forms ----------------------------------------------------------------------------------
  function chosen(form, name) {
    var checked = form.querySelector("input[name='" + name + "']:checked");
    return checked ? checked.value : null;
  }
  function control(form, field) {
    var named = form.elements.namedItem(field);
    return named && named.length !== undefined && !named.tagName ? named[0] : named;  // a radio group's first
  }
  function clearErrors(form) {
    form.querySelectorAll(".px-field-error").forEach(function (node) { node.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
  }
  function showError(form, field, text) {
    $("err-" + field).textContent = text;
    var named = form.elements.namedItem(field);
    var nodes = named && named.length !== undefined && !named.tagName ? Array.prototype.slice.call(named) : [named];
    nodes.forEach(function (node) { if (node) node.setAttribute("aria-invalid", "true"); });
  }
  // What the API said, as a message next to its field when there is one.
  function explain(result) {
    var error = (result.body && result.body.error) || {};
    var field = error.field && $("err-" + error.field) ? error.field : null;
    if (result.status === 404 && field) return { field: field, text: msg["feedback.error_unknown"] };
    if (result.status === 409) return { field: field, text: msg["feedback.error_already"] };
    if (result.status === 400 && field) {
      var texts = { reference: "feedback.error_reference", waiting_minutes: "feedback.error_minutes" };
      return { field: field, text: msg[texts[field] || "feedback.error_check"] };
    }
    return { field: null, text: generalError(result) };
  }
  function setUpForm(app, form, status, done, collect) {
    app.hidden = false;
    var key = null;
    form.addEventListener("input", function () { key = null; });  // a changed answer is a new request
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      say(status, "");
      var errors = {};
      var body = collect(errors);
      var fields = Object.keys(errors);
      if (fields.length) {
        fields.forEach(function (field) { showError(form, field, errors[field]); });
        control(form, fields[0]).focus();
        return;
      }
      key = key || newKey();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      say(status, msg["book.sending"]);
      send(body, key).then(function (result) {
        button.disabled = false;
        if (result.status === 201) {
          form.hidden = true;
          done.hidden = false;
          done.focus();
          return;
        }
        var problem = explain(result);
        if (problem.field) {
          say(status, "");
          showError(form, problem.field, problem.text);
          control(form, problem.field).focus();
        } else {
          say(status, problem.text, "error");
        }
      });
    });
  }
  var required = msg["feedback.error_required"];

  var serviceApp = $("service-feedback");
  if (serviceApp) {
    var fromLink = /(?:^#|&)ref=([0-9A-Za-z-]{1,12})/.exec(location.hash);
    if (fromLink) {
      $("sf-reference").value = fromLink[1].toUpperCase();
      history.replaceState(null, "", location.pathname + location.search);  // not kept in the history
    }
    setUpForm(serviceApp, $("sf-form"), $("sf-status"), $("sf-done"), function (errors) {
      var form = $("sf-form"), body = { kind: "service" };
      var reference = $("sf-reference").value.replace(/\s/g, "").toUpperCase();
      if (reference.replace(/-/g, "").length !== 8) errors.reference = msg["feedback.error_reference"];
      else body.reference = reference;
      var delivered = chosen(form, "delivered");
      if (delivered === null) errors.delivered = required;
      else body.delivered = delivered === "true";
      var rating = chosen(form, "rating");
      if (rating === null) errors.rating = required;
      else body.rating = Number(rating);
      var waiting = $("sf-waiting");
      var minutes = waiting.value.trim();
      if (waiting.validity.badInput || (minutes && (!/^\d{1,3}$/.test(minutes) || Number(minutes) > 600))) {
        errors.waiting_minutes = msg["feedback.error_minutes"];
      } else if (minutes) {
        body.waiting_minutes = Number(minutes);
      }
      var helped = chosen(form, "helped_decide");
      if (helped) body.helped_decide = helped === "true";  // "not sure" is no answer
      var comment = $("sf-comment").value.trim();
      if (comment) body.comment = comment;
      return body;
    });
  }

  var needApp = $("need-feedback");
  if (needApp) {
    setUpForm(needApp, $("nf-form"), $("nf-status"), $("nf-done"), function (errors) {
      var form = $("nf-form");
      var body = { kind: "need", topic: $("nf-topic").value, text: $("nf-text").value.trim(),
                   language: $("nf-language").value };
      if (!body.topic) errors.topic = required;
      if (body.text.length < 3) errors.text = required;
      if ($("nf-centre").value) body.centre_id = $("nf-centre").value;
      var age = chosen(form, "age_band"), gender = chosen(form, "gender");
      if (age) body.age_band = age;  // "prefer not to say" is no answer
      if (gender) body.gender = gender;
      return body;
    });
  }

  // ---- "manage my booking" links here with the reference in the fragment -------------------------
  var manageLink = $("m-feedback"), manageReference = $("m-reference");
  if (manageLink && manageReference) {
    var target = manageLink.getAttribute("href").split("#")[0];
    var update = function () {
      var reference = manageReference.value.replace(/[^0-9A-Za-z-]/g, "").toUpperCase().slice(0, 12);
      manageLink.setAttribute("href", target + (reference ? "#ref=" + reference : ""));
    };
    manageReference.addEventListener("input", update);
    manageLink.addEventListener("click", update);
    update();
  }
})();
