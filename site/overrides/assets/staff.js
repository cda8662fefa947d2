// The staff console (/staff/, /<lang>/staff/): sign-in (OAuth 2 code + PKCE), the complaint queue
// and cases, the day's agenda and the dashboard, all against /api/staff/. This module starts it
// and moves between its views (#/queue, #/case/<id>, #/agenda, #/dashboard); each view is a
// module of ./staff/, sharing ./staff/common.js, the sign-in (./staff/session.js) and the
// centres (./staff/centres.js).
import { $ } from "./dom.js";
import { DATA, clearError, fail, fillSelect, hasRole, label, say, state, t } from "./staff/common.js";
import { loadCentres, myCentres } from "./staff/centres.js";
import { call, expire, finishSignIn, showSignIn, signIn, signOut, token, tokenIsFresh } from "./staff/session.js";
import { defaultLane, setUpQueue, showQueue } from "./staff/queue.js";
import { openCase, setUpCaseActions } from "./staff/case.js";
import { setUpAgenda, showAgenda } from "./staff/agenda.js";
import { setUpDashboard, showDashboard } from "./staff/dashboard.js";

async function start() {
  const value = token();
  if (!value) { showSignIn(""); return; }
  if (!tokenIsFresh(value)) { expire(); return; }
  say(t("loading"));
  const [result] = await Promise.all([call("GET", "/staff/me"), loadCentres()]);
  if (!result.ok) { if (result.status === 403) showSignIn(""); fail(result); return; }
  say("");
  state.me = result.body;
  showWho();
  $("s-signin").hidden = true;
  $("s-app").hidden = false;
  fillSelect($("q-centre"), myCentres(), t("filter.any"));
  fillSelect($("g-centre"), myCentres());
  fillSelect($("d-centre"), myCentres(), t("filter.all_centres"));
  route(false);
}
function showWho() {
  const me = state.me;
  $("s-who-name").textContent = me.name || me.username;
  $("s-who-roles").textContent = (me.roles || []).map((r) => label("role", r)).join(", ");
  $("s-who-centres").textContent = me.all_centres ? t("who.all_centres")
    : (me.centres || []).map((c) => c.name).join(", ") || t("case.none");
  // The restricted lane is for focal points: its queue and its dashboard. The general lane's
  // dashboard is for managers and administrators; someone who is both picks the lane.
  $("q-lane-field").hidden = !hasRole("focal_point");
  defaultLane();
  $("s-nav-dashboard-item").hidden = !hasRole("manager", "admin", "focal_point");
  $("d-lane-field").hidden = !(hasRole("focal_point") && hasRole("manager", "admin"));
  $("d-lane").value = hasRole("manager", "admin") ? "general" : "restricted";
}

// ---- moving between views -----------------------------------------------------------------------
const VIEWS = ["v-queue", "v-case", "v-agenda", "v-dashboard"];
function showView(id, focus) {
  VIEWS.forEach((view) => { $(view).hidden = view !== id; });
  ["queue", "agenda", "dashboard"].forEach((name) => {
    const link = $("s-nav-" + name);
    if (("v-" + name) === id || (name === "queue" && id === "v-case")) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  });
  if (focus) {
    const heading = $(id).querySelector("h2");
    if (heading) heading.focus();
  }
}
function route(focus) {
  if (!state.me) return;
  const hash = location.hash || "#/queue";
  const caseMatch = /^#\/case\/([^/?#]+)$/.exec(hash);
  if (caseMatch) { showView("v-case", false); openCase(decodeURIComponent(caseMatch[1]), focus); return; }
  if (hash === "#/agenda") { showView("v-agenda", focus); showAgenda(); return; }
  if (hash === "#/dashboard" && hasRole("manager", "admin", "focal_point")) {
    showView("v-dashboard", focus);
    showDashboard();
    return;
  }
  showView("v-queue", focus);
  showQueue();
}

if (DATA) {
  $("s-signin-button").addEventListener("click", signIn);
  $("s-signout").addEventListener("click", signOut);
  setUpQueue();
  setUpCaseActions();
  setUpAgenda();
  setUpDashboard();
  window.addEventListener("hashchange", () => { clearError(); say(""); route(true); });

  const params = new URLSearchParams(location.search);
  if (params.has("code") || params.has("error")) finishSignIn(params, start);
  else start();
}
