// The recruiters' figures (issue 19), for managers and administrators, under the dashboard: what is
// published, what publishing now would publish (counts of 5 or more only: the API never gives a
// smaller one), the explicit, audited step that publishes them, and who published when.
import { $, clear, el, fill } from "../dom.js";
import { fail, hasRole, num, say, t, when } from "./common.js";
import { call } from "./session.js";

function render(body) {
  const published = body.published;
  $("d-recruiters-published").textContent = published
    ? fill(t("figures.published"), { date: when(published.published_at), n: num(body.published_figures) })
    : t("figures.never");
  $("d-recruiters-ready").textContent = fill(t("figures.ready"), { n: num(body.ready_figures) });
}

async function history() {
  const result = await call("GET", "/staff/recruiters/figures/audit");
  const list = clear($("d-publications"));
  if (!result.ok) return;
  (result.body.entries || []).forEach((entry) => {
    list.appendChild(el("li", {}, [
      el("p", { className: "px-staff-meta", text: when(entry.at) + " · " + entry.actor }),
      entry.detail ? el("p", { className: "px-staff-text", text: entry.detail }) : null,
    ]));
  });
}

export async function showFigures() {
  const section = $("d-recruiters");
  section.hidden = !hasRole("manager", "admin");
  if (section.hidden) return;
  const result = await call("GET", "/staff/recruiters/figures");
  if (!result.ok) { fail(result); return; }
  render(result.body);
  history();
}

export function setUpFigures() {
  $("d-publish").addEventListener("click", async (event) => {
    if (!window.confirm(t("figures.confirm"))) return;
    const button = event.currentTarget;
    button.disabled = true;
    say(t("saving"));
    const result = await call("POST", "/staff/recruiters/figures/publish", {});
    button.disabled = false;
    if (!result.ok) { fail(result); return; }
    render(result.body);
    history();
    say(t("figures.done"));
  });
}
