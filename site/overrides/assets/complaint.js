// The anonymous complaint form (/complaint/) and the follow-up page (/complaint/follow-up/).
// The receipt travels only in request bodies, never in a URL, and is never stored on the phone;
// what the person typed is cleared from the page once it is sent. Text written by people
// (replies, messages) is shown with textContent. The proof of work and the API calls: api.js.
import { $, el, fill, say } from "./dom.js";
import { newKey, prepare, problem, request, submit } from "./api.js";
import { agencyPicker } from "./recruiters/picker.js";
import { evidenceList } from "./evidence.js";

const dataNode = $("px-complaint-data");
const msg = dataNode ? JSON.parse(dataNode.textContent) : null;
const lang = document.documentElement.lang || "en";

// Offline ("nothing was sent"), the service's trouble, or what to change, in the page's language.
function errorText(result) {
  return problem(result, { wait: msg["limit.wait"], error: msg["book.error"], table: msg });
}

// ---- the form ---------------------------------------------------------------------------------------
function setUpForm(app) {
  app.hidden = false;
  const form = $("complaint-form"), status = $("c-status");
  const agencyData = JSON.parse($("px-agency-data").textContent);
  const agency = agencyPicker(agencyData.messages, agencyData.lists);
  const files = evidenceList($("c-evidence"), msg);
  let key = null;
  $("c-category").addEventListener("change", () => {
    $("c-restricted").hidden = $("c-category").value !== "sea_by_staff";
  });
  form.addEventListener("input", () => {
    key = null;  // a changed complaint is a new request
    prepare();  // the proof of work is solved while the person writes
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const body = {
      category: $("c-category").value, country: $("c-country").value,
      description: $("c-description").value.trim(), language: $("c-language").value,
      woman_caseworker: $("c-woman").checked, on_behalf: $("c-behalf").checked,
      phone_consent: $("c-consent").checked
    };
    ["against", "when", "phone"].forEach((name) => {
      const value = $("c-" + name).value.trim();
      if (value) body[name] = value;
    });
    if ($("c-centre").value) body.centre_id = $("c-centre").value;
    if (agency.value()) body.agency_id = agency.value();
    if (files.busy()) { say(status, msg["evidence.wait"], "error"); return; }
    const attachments = files.ids();
    if (attachments.length) body.attachments = attachments;
    key = key || newKey();
    $("c-submit").disabled = true;
    say(status, msg["complaint.working"]);
    const result = await submit("/complaints", body, key);
    $("c-submit").disabled = false;
    if (result.status !== 201) { say(status, errorText(result), "error"); return; }
    form.reset();
    agency.clear();
    files.clear();
    form.hidden = true;
    $("c-receipt").textContent = result.body.receipt;
    const done = $("c-done");
    done.hidden = false;
    done.focus();
    // Sent, and when to expect an answer: said at once (and announced), not only once the receipt is saved.
    say($("c-after"), msg["complaint.done"]);
  });
  $("c-print").addEventListener("click", () => window.print());
  $("c-saved").addEventListener("change", () => {
    const saved = $("c-saved").checked;
    say($("c-after"), saved ? msg["complaint.done"] : msg["complaint.done"] + " " + msg["complaint.saved_required"]);
    $("c-followup").hidden = !saved;
  });
}

// ---- follow-up --------------------------------------------------------------------------------------
function setUpFollowUp(app) {
  app.hidden = false;
  const fStatus = $("f-status");
  const files = evidenceList($("f-evidence"), msg);
  let receipt = null;
  function show(view) {
    // Where it stands as the complainant can see it: "answered" once a caseworker replied last.
    const state = view.follow_up === "received" ? "new" : view.follow_up || view.status;
    $("f-state").textContent = msg["cstatus." + state] || state;
    const list = $("f-messages");
    list.replaceChildren();
    if (!view.messages.length) list.append(el("li", { text: msg["followup.none"] }));
    view.messages.forEach((m) => {
      const when = el("time", {
        dateTime: m.at,
        text: new Date(m.at).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" })
      });
      const who = el("strong", { text: m.author === "caseworker" ? msg["followup.caseworker"] : msg["followup.you"] });
      list.append(el("li", { className: "px-msg px-msg--" + m.author }, [who, " · ", when, el("p", { text: m.text })]));
    });
    const sent = $("f-sent-files");
    sent.hidden = !(view.attachments || []).length;
    sent.textContent = fill(msg["evidence.sent_count"], { n: (view.attachments || []).length });
    $("f-complaint").hidden = false;
  }
  $("followup-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    receipt = $("f-receipt").value;
    $("f-complaint").hidden = true;
    const result = await request("POST", "/complaints/lookup", { body: { receipt } });
    if (result.status === 200) { $("f-receipt").value = ""; say(fStatus, ""); show(result.body); }
    else {
      const unknown = result.status === 404 && result.body && result.body.error && result.body.error.code === "receipt_not_found";
      say(fStatus, unknown ? msg["followup.not_found"] : errorText(result), "error");
    }
  });
  $("f-reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("f-reply").value.trim();
    if (files.busy()) { say(fStatus, msg["evidence.wait"], "error"); return; }
    const attachments = files.ids();
    if (!text && !attachments.length) return;
    const result = await request("POST", "/complaints/messages", { body: { receipt, text, attachments } });
    if (result.status === 200) {
      $("f-reply").value = "";
      files.clear();
      say(fStatus, msg["followup.sent"]);
      show(result.body);
    }
    else say(fStatus, errorText(result), "error");
  });
}

if (msg) {
  const form = $("complaint"), followUp = $("followup");
  if (form) setUpForm(form);
  if (followUp) setUpFollowUp(followUp);
}
