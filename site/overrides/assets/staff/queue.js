// The complaint queue (#/queue): filters, and the cases that match them.
import { $, clear, el, fill } from "../dom.js";
import { badge, countryName, hasRole, label, languageName, num, t, when } from "./common.js";
import { load } from "./session.js";

let loaded = false;

// Someone who is only a focal point starts in the restricted lane, the only one they work in.
export function defaultLane() {
  if (hasRole("focal_point") && !hasRole("caseworker", "manager", "admin")) $("q-lane").value = "restricted";
}
function queueQuery() {
  const query = new URLSearchParams();
  if (!$("q-lane-field").hidden) query.set("lane", $("q-lane").value);
  [["q-status", "status"], ["q-category", "category"], ["q-centre", "centre"], ["q-priority", "priority"]]
    .forEach((pair) => { if ($(pair[0]).value) query.set(pair[1], $(pair[0]).value); });
  const older = $("q-older").value.trim();
  if (/^\d+$/.test(older)) query.set("older_than_days", older);
  if ($("q-assigned").checked) query.set("assigned", "me");
  if ($("q-overdue").checked) query.set("overdue", "true");
  query.set("sort", $("q-sort").value || "oldest");
  return query.toString();
}
export function loadQueue() {
  load("/staff/complaints?" + queueQuery(), renderQueue);
}
// Shown: loaded the first time, and again after a case changed.
export function showQueue() {
  if (!loaded) { loaded = true; loadQueue(); }
}
export function queueIsStale() { loaded = false; }

export function overdueText(kind) { return "⚠ " + label("overdue", kind); }
function renderQueue(body) {
  const list = clear($("q-list"));
  const cases = body.complaints || [];
  $("q-count").textContent = cases.length ? fill(t("queue.count"), { n: num(body.count !== undefined ? body.count : cases.length) })
    : t("queue.empty");
  cases.forEach((c) => {
    const link = el("a", { href: "#/case/" + encodeURIComponent(c.id) }, [
      el("span", { className: "px-staff-case__category", text: label("category", c.category) }),
      el("span", { className: "px-staff-id", text: " #" + c.id })
    ]);
    const item = el("li", { className: "px-staff-case-item" + (c.overdue ? " px-staff-case-item--overdue" : "") }, [
      el("p", { className: "px-staff-case-item__head" }, [link]),
      el("p", { className: "px-staff-badges" }, [
        badge(label("status", c.status), "status"),
        badge(t("field.priority") + ": " + label("priority", c.priority), "priority-" + c.priority),
        c.lane === "restricted" ? badge(label("lane", "restricted"), "restricted") : null,
        c.overdue ? badge(overdueText(c.overdue), "overdue") : null
      ]),
      el("p", { className: "px-staff-meta" }, [
        (c.centre_name || t("case.no_centre")) + " · " + countryName(c.country) + " · " + languageName(c.language)
      ]),
      el("p", { className: "px-staff-meta" }, [
        fill(t("queue.received"), { date: when(c.submitted_at), n: num(c.age_days || 0) }) + " · " +
        t("field.acknowledge_by") + " " + when(c.acknowledge_by) + " · " + t("field.answer_by") + " " + when(c.answer_by)
      ]),
      el("p", { className: "px-staff-meta" }, [
        c.assignee ? fill(t("queue.assigned_to"), { name: c.assignee.name }) : t("queue.unassigned")
      ])
    ]);
    list.appendChild(item);
  });
}

export function setUpQueue() {
  $("q-filters").addEventListener("submit", (event) => { event.preventDefault(); loadQueue(); });
  $("q-filters").addEventListener("reset", () => {
    setTimeout(() => {
      defaultLane();
      loadQueue();
    }, 0);
  });
  $("q-filters").addEventListener("change", () => loadQueue());
}
