// One case (#/case/<id>): what the complainant wrote (always as text), the thread, the notes,
// referrals, the outcome and history, and what this person may do with it (the API says which:
// `allowed`).
import { $, clear, el, fill } from "../dom.js";
import {
  clearError, countryName, errorText, fail, fillSelect, lang, languageName, label, money, num, say, showError, state, t, tn, when
} from "./common.js";
import { centreName, loadCentres } from "./centres.js";
import { overdueText, queueIsStale } from "./queue.js";
import { call } from "./session.js";
import { renderAgency } from "./agency.js";

let current = null;

export async function openCase(id, focus) {
  current = null;
  forgetFiles();
  $("c-title").textContent = t("loading");
  clear($("c-details"));
  const result = await call("GET", "/staff/complaints/" + encodeURIComponent(id));
  if (!result.ok) { $("c-title").textContent = t("case.unavailable"); fail(result); return; }
  renderCase(result.body);
  if (focus) $("c-title").focus();
}
function row(dl, key, value, options) {
  const dd = el("dd", { text: value === null || value === undefined || value === "" ? t("case.none") : String(value) });
  if (options && options.publicText) { dd.className = "px-staff-text"; dd.dir = "auto"; }
  if (options && options.ltr) dd.dir = "ltr";
  dl.appendChild(el("div", {}, [el("dt", { text: t(key) }), dd]));
}
function yesNo(value) { return value ? t("yes") : t("no"); }
function renderCase(c) {
  current = c;
  $("c-title").textContent = fill(t("case.title"), { category: label("category", c.category), id: c.id });
  const overdue = $("c-overdue");
  overdue.hidden = !c.overdue;
  overdue.textContent = c.overdue ? overdueText(c.overdue) : "";
  const details = clear($("c-details"));
  row(details, "field.status", label("status", c.status));
  row(details, "field.priority", label("priority", c.priority));
  row(details, "field.category", label("category", c.category));
  row(details, "field.lane", label("lane", c.lane));
  row(details, "field.centre", c.centre_name || (c.centre_id ? centreName(c.centre_id) : t("case.no_centre")));
  row(details, "field.country", countryName(c.country));
  row(details, "field.language", languageName(c.language));
  row(details, "field.submitted", when(c.submitted_at));
  row(details, "field.age", tn("queue.days", c.age_days || 0));
  row(details, "field.acknowledge_by", when(c.acknowledge_by));
  row(details, "field.answer_by", when(c.answer_by));
  row(details, "field.assignee", c.assignee ? c.assignee.name : t("queue.unassigned"));
  row(details, "field.referred_to", (c.referred_to || []).map((id) => centreName(id)).join(", "));
  row(details, "field.woman", yesNo(c.woman_caseworker));
  row(details, "field.behalf", yesNo(c.on_behalf));
  row(details, "field.phone", c.phone, { ltr: true });
  const text = clear($("c-text"));
  row(text, "field.description", c.description, { publicText: true });
  row(text, "field.against", c.against, { publicText: true });
  row(text, "field.when", c.when, { publicText: true });
  renderThread($("c-messages"), c.messages || [], "case.no_messages",
    (m) => ({ kind: "px-msg--" + m.author, who: label("author", m.author) }));
  renderFiles(c);
  renderThread($("c-notes"), c.notes || [], "case.no_notes", (n) => ({ kind: "px-staff-note", who: n.author }));
  renderAgency(c);
  const referrals = clear($("c-referrals"));
  (c.referrals || []).forEach((r) => {
    referrals.appendChild(el("li", {}, [
      el("p", { className: "px-staff-meta", text: fill(t("case.referred_line"), {
        centre: r.centre_name || centreName(r.centre_id), date: when(r.at), by: r.by || "" }) }),
      r.note ? el("p", { className: "px-staff-text", dir: "auto", text: r.note }) : null
    ]));
  });
  if (!referrals.firstChild) referrals.appendChild(el("li", { text: t("case.no_referrals") }));
  const outcome = clear($("c-outcome"));
  if (c.outcome) {
    row(outcome, "field.outcome", label("outcome", c.outcome.outcome));
    row(outcome, "case.compensation", c.outcome.compensation
      ? money(c.outcome.compensation.amount, c.outcome.compensation.currency) : t("case.none"));
    row(outcome, "action.outcome_note", c.outcome.note, { publicText: true });
    row(outcome, "case.recorded", when(c.outcome.at));
  } else {
    row(outcome, "field.outcome", t("case.no_outcome"));
  }
  const history = clear($("c-history"));
  (c.history || []).forEach((h) => {
    history.appendChild(el("li", { text: fill(t("case.history_line"), {
      status: label("status", h.status), date: when(h.at), by: h.by || "" }) }));
  });
  renderActions(c);
}
// ---- evidence files: the clean copies only, fetched with the token and shown from blob: URLs (the
// page's img-src allows them): photos inline, a PDF as its pages drawn by the server (never a live
// PDF), each page fetched when it scrolls into view; the file itself is downloaded on request.
// Every fetch is a line in the case's audit trail. A case left behind takes its blob URLs with it.
const EXTENSIONS = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf" };
let blobUrls = [];
let pageWatcher = null;
function forgetFiles() {
  blobUrls.forEach((url) => URL.revokeObjectURL(url));
  blobUrls = [];
  if (pageWatcher) pageWatcher.disconnect();
  pageWatcher = null;
}
function fileSize(bytes) {
  const mb = bytes >= 1000000;
  return new Intl.NumberFormat(lang, { style: "unit", unit: mb ? "megabyte" : "kilobyte", unitDisplay: "short",
    maximumFractionDigits: mb ? 1 : 0 }).format(mb ? bytes / 1000000 : Math.max(1, bytes / 1000));
}
async function fileBlob(path, mediaType) {
  const result = await call("GET", path, undefined, mediaType);  // Accept: the type, as API Gateway needs
  return result.ok && result.body instanceof Blob ? result.body : null;
}
function blobUrl(blob) {
  const url = URL.createObjectURL(blob);
  blobUrls.push(url);
  return url;
}
async function showImage(holder, path, mediaType, className, alt) {
  const blob = await fileBlob(path, mediaType);
  if (!blob) { holder.replaceChildren(el("p", { className: "px-staff-empty", text: t("case.attachment_error") })); return; }
  holder.replaceChildren(el("img", { className, src: blobUrl(blob), alt, decoding: "async" }));
}
function renderFiles(c) {
  forgetFiles();
  const list = clear($("c-files"));
  pageWatcher = new IntersectionObserver((entries) => entries.forEach((entry) => {
    if (!entry.isIntersecting) return;
    pageWatcher.unobserve(entry.target);
    entry.target.load();
  }), { rootMargin: "400px" });
  (c.attachments || []).forEach((file) => {
    const path = "/staff/complaints/" + encodeURIComponent(c.id) + "/attachments/" + encodeURIComponent(file.id);
    const kind = file.kind === "photo" ? t("case.attachment_photo")
      : fill(t("case.attachment_document"), { pages: num(file.pages || 0) });
    const view = el("div", { className: "px-staff-file__view" });
    const download = el("button", { type: "button", className: "md-button px-staff-download",
      text: t("case.attachment_download") });
    download.addEventListener("click", async () => {
      const blob = await fileBlob(path, file.media_type);
      if (!blob) { showError(t("case.attachment_error")); return; }
      const link = el("a", { href: blobUrl(blob), download: "evidence-" + file.id.slice(0, 8) + "." +
        (EXTENSIONS[file.media_type] || "bin") });
      document.body.append(link);
      link.click();
      link.remove();
    });
    list.appendChild(el("li", { className: "px-staff-file px-staff-file--" + file.kind }, [
      el("p", { className: "px-staff-meta", text: fill(t("case.attachment_line"), {
        kind, size: fileSize(file.bytes), date: when(file.at) }) }),
      view, el("p", {}, [download])
    ]));
    if (file.kind === "photo") {
      showImage(view, path, file.media_type, "px-staff-photo", t("case.attachment_photo"));
      return;
    }
    for (let n = 1; n <= (file.pages || 0); n++) {
      const alt = fill(t("case.attachment_page"), { n: num(n) });
      const holder = el("figure", { className: "px-staff-page-holder" }, [el("figcaption", { text: alt })]);
      const image = el("div", { className: "px-staff-page-frame" });
      holder.append(image);
      holder.load = () => showImage(image, path + "/pages/" + n, "image/webp", "px-staff-page", alt);
      view.append(holder);
      pageWatcher.observe(holder);
    }
  });
  if (!list.firstChild) list.appendChild(el("li", { className: "px-staff-empty", text: t("case.no_attachments") }));
}
function renderThread(list, entries, emptyKey, describe) {
  clear(list);
  entries.forEach((entry) => {
    const info = describe(entry);
    list.appendChild(el("li", { className: info.kind }, [
      el("p", { className: "px-staff-meta" }, [el("strong", { text: info.who }), " · " + when(entry.at)]),
      el("p", { className: "px-staff-text", dir: "auto", text: entry.text })
    ]));
  });
  if (!entries.length) list.appendChild(el("li", { className: "px-staff-empty", text: t(emptyKey) }));
}
function renderActions(c) {
  const allowed = c.allowed || {};
  const statuses = allowed.statuses || [];
  fillSelect($("a-status"), statuses.map((s) => [s, label("status", s)]));
  $("a-status-form").hidden = !statuses.length;
  $("a-status-none").hidden = statuses.length > 0;
  const mine = c.assignee && state.me && c.assignee.sub === state.me.sub;
  $("a-assign").hidden = !!mine;
  $("a-unassign").hidden = !c.assignee;
  $("a-priority").value = c.priority;
  $("a-reply-form").hidden = !allowed.reply;
  $("a-reply-language").textContent = fill(t("action.reply_language"), { language: languageName(c.language) });
  $("a-reply").lang = c.language || "";
  $("a-refer-form").hidden = !allowed.refer;
  loadCentres().then((list) => {
    fillSelect($("a-refer-centre"), list.filter((centre) => centre.id !== c.centre_id)
      .map((centre) => [centre.id, centre.name + " (" + countryName(centre.country) + ")"]), t("choose"));
  });
  $("a-outcome-form").hidden = !allowed.reply || c.status === "closed";
  $("a-audit-block").hidden = !allowed.audit;
  $("a-audit-section").hidden = true;
  $("a-audit").setAttribute("aria-expanded", "false");
}

// Every action answers with the updated case. A 409 means the case is not as this page shows it
// (someone changed or closed it meanwhile, or it is already with that centre): it is read again,
// and the refusal said from its code; what was typed stays in the form.
async function act(method, suffix, body, form) {
  if (!current) return;
  const id = current.id;
  clearError();
  say(t("saving"));
  const buttons = form ? Array.from(form.querySelectorAll("button")) : [];
  buttons.forEach((b) => { b.disabled = true; });
  const result = await call(method, "/staff/complaints/" + encodeURIComponent(id) + suffix, body);
  buttons.forEach((b) => { b.disabled = false; });
  if (result.status === 409) {
    say("");
    showError(errorText(result));
    openCase(id, false);
    return;
  }
  if (!result.ok) { fail(result); return; }
  if (form) form.reset();
  renderCase(result.body);
  queueIsStale();  // the queue shows the new state next time
  say(t("saved"));
}
// A form's text, or the field focused when it is empty.
function written(id) {
  const text = $(id).value.trim();
  if (!text) $(id).focus();
  return text;
}
const AMOUNT = /^\d+(\.\d{1,2})?$/;
function outcomeBody() {
  const body = { outcome: $("a-outcome").value };
  if (!body.outcome) { $("a-outcome").focus(); return null; }
  const amount = $("a-amount").value.trim().replace(",", "."), currency = $("a-currency").value.trim().toUpperCase();
  if (amount || currency) {
    if (!AMOUNT.test(amount) || !/^[A-Z]{3}$/.test(currency)) {
      showError(t("action.amount_help"));
      $(amount && AMOUNT.test(amount) ? "a-currency" : "a-amount").focus();
      return null;
    }
    body.compensation = { amount: amount.indexOf(".") === -1 ? amount + ".00" : amount, currency };
  }
  const note = $("a-outcome-note").value.trim();
  if (note) body.note = note;
  return body;
}
async function toggleAudit(button) {
  const section = $("a-audit-section");
  if (!section.hidden) { section.hidden = true; button.setAttribute("aria-expanded", "false"); return; }
  const result = await call("GET", "/staff/complaints/" + encodeURIComponent(current.id) + "/audit");
  if (!result.ok) { fail(result); return; }
  const list = clear($("a-audit-list"));
  (result.body.entries || []).forEach((entry) => {
    let detail = entry.detail;
    if (detail && typeof detail !== "string") detail = JSON.stringify(detail);
    list.appendChild(el("li", {}, [
      el("p", { className: "px-staff-meta" }, [el("strong", { text: entry.action }), " · " + when(entry.at) + " · " + entry.actor]),
      detail ? el("p", { className: "px-staff-text", dir: "auto", text: detail }) : null
    ]));
  });
  if (!list.firstChild) list.appendChild(el("li", { text: t("audit.empty") }));
  section.hidden = false;
  button.setAttribute("aria-expanded", "true");
}

export function setUpCaseActions() {
  const onSubmit = (id, handler) => $(id).addEventListener("submit", (event) => {
    event.preventDefault();
    handler(event.currentTarget);
  });
  onSubmit("a-status-form", (form) => {
    if ($("a-status").value) act("POST", "/status", { status: $("a-status").value, expected: current.status }, form);
  });
  $("a-assign").addEventListener("click", () => act("PATCH", "", { assignee: "me" }, $("a-assign-form")));
  $("a-unassign").addEventListener("click", () => act("PATCH", "", { assignee: null }, $("a-assign-form")));
  onSubmit("a-priority-form", () => act("PATCH", "", { priority: $("a-priority").value }, null));
  onSubmit("a-reply-form", (form) => {
    const text = written("a-reply");
    if (text) act("POST", "/replies", { text }, form);
  });
  onSubmit("a-note-form", (form) => {
    const text = written("a-note");
    if (text) act("POST", "/notes", { text }, form);
  });
  onSubmit("a-refer-form", (form) => {
    if (!$("a-refer-centre").value) { $("a-refer-centre").focus(); return; }
    act("POST", "/referrals", { centre_id: $("a-refer-centre").value, note: $("a-refer-note").value.trim() }, form);
  });
  onSubmit("a-outcome-form", (form) => {
    const body = outcomeBody();
    if (body) act("POST", "/outcome", body, form);
  });
  onSubmit("a-agency-form", (form) => {
    if (!$("a-agency").value) { $("a-agency").focus(); return; }
    act("POST", "/agency", { agency_id: $("a-agency").value }, form);
  });
  $("a-agency").addEventListener("change", () => { $("a-agency-save").textContent = t("agency.correct"); });
  $("a-agency-none").addEventListener("click", () => act("POST", "/agency", { agency_id: null }, $("a-agency-form")));
  $("a-audit").addEventListener("click", (event) => toggleAudit(event.currentTarget));
}
