// The anonymous complaint form (/complaint/) and the follow-up page (/complaint/follow-up/).
// The receipt travels only in request bodies, never in a URL, and is never stored on the phone;
// what the person typed is cleared from the page once it is sent. Text written by people
// (replies, messages) is shown with textContent.
(function () {
  "use strict";
  var dataNode = document.getElementById("px-complaint-data");
  if (!dataNode) return;
  var msg = JSON.parse(dataNode.textContent);
  var lang = document.documentElement.lang || "en";
  function $(id) { return document.getElementById(id); }
  function say(node, text, kind) {
    node.textContent = text || "";
    node.className = "px-message" + (kind ? " px-message--" + kind : "");
  }
  function fill(text, key, value) { return String(text).replace("{" + key + "}", value); }

  // The proof of work and the API calls: assets/proof.js, loaded before this script.
  var api = window.PxProof.api, newKey = window.PxProof.newKey;
  function errorText(result) {
    if (result.status === 0) return msg["book.offline"];
    if (result.status === 429) return fill(msg["limit.wait"], "time", window.PxProof.retryTime(result.retryAfter));
    var error = result.body && result.body.error;
    return fill(msg["book.error"], "message", error ? error.message : String(result.status));
  }

  // ---- the form ---------------------------------------------------------------------------------
  var app = $("complaint");
  if (app) {
    app.hidden = false;
    var form = $("complaint-form"), status = $("c-status"), key = null;
    $("c-category").addEventListener("change", function () {
      $("c-restricted").hidden = $("c-category").value !== "sea_by_staff";
    });
    form.addEventListener("input", function () {
      key = null;  // a changed complaint is a new request
      window.PxProof.prepare();  // the proof of work is solved while the person writes
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!form.reportValidity()) return;
      var body = {
        category: $("c-category").value, country: $("c-country").value,
        description: $("c-description").value.trim(), language: $("c-language").value,
        woman_caseworker: $("c-woman").checked, on_behalf: $("c-behalf").checked,
        phone_consent: $("c-consent").checked
      };
      ["against", "when", "phone"].forEach(function (name) {
        var value = $("c-" + name).value.trim();
        if (value) body[name] = value;
      });
      if ($("c-centre").value) body.centre_id = $("c-centre").value;
      key = key || newKey();
      $("c-submit").disabled = true;
      say(status, msg["complaint.working"]);
      window.PxProof.post("/complaints", body, key).then(function (result) {
        $("c-submit").disabled = false;
        if (result.status !== 201) { say(status, errorText(result), "error"); return; }
        form.reset();
        form.hidden = true;
        $("c-receipt").textContent = result.body.receipt;
        var done = $("c-done");
        done.hidden = false;
        done.focus();
      });
    });
    $("c-print").addEventListener("click", function () { window.print(); });
    $("c-saved").addEventListener("change", function () {
      var saved = $("c-saved").checked;
      say($("c-after"), saved ? msg["complaint.done"] : msg["complaint.saved_required"], saved ? "" : "error");
      $("c-followup").hidden = !saved;
    });
  }

  // ---- follow-up ----------------------------------------------------------------------------------
  var followup = $("followup");
  if (followup) {
    followup.hidden = false;
    var receipt = null, fStatus = $("f-status");
    function show(view) {
      $("f-state").textContent = msg["cstatus." + view.status] || view.status;
      var list = $("f-messages");
      list.replaceChildren();
      if (!view.messages.length) {
        var none = document.createElement("li");
        none.textContent = msg["followup.none"];
        list.append(none);
      }
      view.messages.forEach(function (m) {
        var item = document.createElement("li");
        item.className = "px-msg px-msg--" + m.author;
        var who = document.createElement("strong");
        who.textContent = m.author === "caseworker" ? msg["followup.caseworker"] : msg["followup.you"];
        var when = document.createElement("time");
        when.dateTime = m.at;
        when.textContent = new Date(m.at).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
        var text = document.createElement("p");
        text.textContent = m.text;
        item.append(who, " · ", when, text);
        list.append(item);
      });
      $("f-complaint").hidden = false;
    }
    $("followup-form").addEventListener("submit", function (event) {
      event.preventDefault();
      receipt = $("f-receipt").value;
      $("f-complaint").hidden = true;
      api("/complaints/lookup", { receipt: receipt }).then(function (result) {
        if (result.status === 200) { $("f-receipt").value = ""; say(fStatus, ""); show(result.body); }
        else say(fStatus, result.status === 404 ? msg["followup.not_found"] : errorText(result), "error");
      });
    });
    $("f-reply-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var text = $("f-reply").value.trim();
      if (!text) return;
      api("/complaints/messages", { receipt: receipt, text: text }).then(function (result) {
        if (result.status === 200) { $("f-reply").value = ""; say(fStatus, msg["followup.sent"]); show(result.body); }
        else say(fStatus, errorText(result), "error");
      });
    });
  }
})();
