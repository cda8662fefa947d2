// The anonymous complaint form (/complaint/) and the follow-up page (/complaint/follow-up/).
// The receipt travels only in request bodies, never in a URL, and is never stored on the phone;
// what the person typed is cleared from the page once it is sent. Text written by people
// (replies, messages) is shown with textContent. The proof of work and the API calls: api.js.
import { $, el, say } from "./dom.js";
import { newKey, prepare, problem, request, submit } from "./api.js";

const dataNode = $("px-complaint-data");
const msg = dataNode ? JSON.parse(dataNode.textContent) : null;
const lang = document.documentElement.lang || "en";

function errorText(result) {
  return problem(result, { offline: msg["book.offline"], wait: msg["limit.wait"], error: msg["book.error"] });
}

// ---- the form ---------------------------------------------------------------------------------------
function setUpForm(app) {
  app.hidden = false;
  const form = $("complaint-form"), status = $("c-status");
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
    key = key || newKey();
    $("c-submit").disabled = true;
    say(status, msg["complaint.working"]);
    const result = await submit("/complaints", body, key);
    $("c-submit").disabled = false;
    if (result.status !== 201) { say(status, errorText(result), "error"); return; }
    form.reset();
    form.hidden = true;
    $("c-receipt").textContent = result.body.receipt;
    const done = $("c-done");
    done.hidden = false;
    done.focus();
  });
  $("c-print").addEventListener("click", () => window.print());
  $("c-saved").addEventListener("change", () => {
    const saved = $("c-saved").checked;
    say($("c-after"), saved ? msg["complaint.done"] : msg["complaint.saved_required"], saved ? "" : "error");
    $("c-followup").hidden = !saved;
  });
}

// ---- follow-up --------------------------------------------------------------------------------------
function setUpFollowUp(app) {
  app.hidden = false;
  const fStatus = $("f-status");
  let receipt = null;
  function show(view) {
    $("f-state").textContent = msg["cstatus." + view.status] || view.status;
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
    $("f-complaint").hidden = false;
  }
  $("followup-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    receipt = $("f-receipt").value;
    $("f-complaint").hidden = true;
    const result = await request("POST", "/complaints/lookup", { body: { receipt } });
    if (result.status === 200) { $("f-receipt").value = ""; say(fStatus, ""); show(result.body); }
    else say(fStatus, result.status === 404 ? msg["followup.not_found"] : errorText(result), "error");
  });
  $("f-reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("f-reply").value.trim();
    if (!text) return;
    const result = await request("POST", "/complaints/messages", { body: { receipt, text } });
    if (result.status === 200) { $("f-reply").value = ""; say(fStatus, msg["followup.sent"]); show(result.body); }
    else say(fStatus, errorText(result), "error");
  });
}

if (msg) {
  const form = $("complaint"), followUp = $("followup");
  if (form) setUpForm(form);
  if (followUp) setUpFollowUp(followUp);
}
