// The staff console (/staff/, /<lang>/staff/): sign-in (OAuth 2 code + PKCE), the complaint queue
// and cases, the day's agenda and the dashboard, all against /api/staff/.
// Rules: every text that comes from the API is put on the page with textContent (or as an
// attribute value that is never a URL we did not build), never as markup. The id token lives in
// sessionStorage only (gone when the tab closes) and travels in the Authorization header only.
(function () {
  "use strict";
  var dataNode = document.getElementById("px-staff-data");
  if (!dataNode) return;
  var DATA = JSON.parse(dataNode.textContent);
  var S = DATA.strings, ENUMS = DATA.enums, lang = DATA.lang;
  var TOKEN = "px-staff-token", PKCE = "px-staff-pkce";
  var me = null, centres = null, current = null, authConfigPromise = null, centresPromise = null;
  var queueLoaded = false, agendaLoaded = false, dashboardLoaded = false;

  // ---- small helpers ----------------------------------------------------------------------------
  function $(id) { return document.getElementById(id); }
  function t(key) { return Object.prototype.hasOwnProperty.call(S, key) ? S[key] : key; }
  function label(prefix, value) {
    var key = prefix + "." + value;
    return Object.prototype.hasOwnProperty.call(S, key) ? S[key] : String(value);
  }
  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }
  // Elements are built with properties and text nodes only.
  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (name) {
      if (name === "text") node.textContent = props.text;
      else if (name === "attrs") Object.keys(props.attrs).forEach(function (a) { node.setAttribute(a, props.attrs[a]); });
      else node[name] = props[name];
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function option(value, text, selected) {
    var node = el("option", { value: value, text: text });
    if (selected) node.selected = true;
    return node;
  }
  function fillSelect(select, pairs, blankText) {
    var keep = select.value;
    clear(select);
    if (blankText !== undefined) select.appendChild(option("", blankText));
    pairs.forEach(function (pair) { select.appendChild(option(pair[0], pair[1])); });
    if (keep && pairs.some(function (p) { return p[0] === keep; })) select.value = keep;
  }
  var numberFormat = new Intl.NumberFormat(lang);
  function num(value) { return numberFormat.format(value); }
  function percent(value) { return new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 }).format(value); }
  function when(value) {
    if (!value) return t("case.none");
    var text = String(value);
    var date = new Date(text.length === 10 ? text + "T00:00:00Z" : text);
    if (isNaN(date.getTime())) return text;
    var options = text.length === 10 ? { dateStyle: "medium", timeZone: "UTC" } : { dateStyle: "medium", timeStyle: "short" };
    return new Intl.DateTimeFormat(lang, options).format(date);
  }
  function languageName(code) {
    if (!code) return t("case.none");
    try {
      var name = new Intl.DisplayNames([lang], { type: "language" }).of(code);
      return name && name !== code ? name + " (" + code + ")" : code;
    } catch (error) { return code; }
  }
  function countryName(code) {
    if (!code) return t("case.none");
    try { return new Intl.DisplayNames([lang], { type: "region" }).of(code) || code; } catch (error) { return code; }
  }
  function money(amount, currency) {
    try {
      return new Intl.NumberFormat(lang, { style: "currency", currency: currency }).format(Number(amount));
    } catch (error) { return amount + " " + currency; }
  }
  function hours(ranges) {
    if (!ranges || !ranges.length) return t("agenda.closed_day");
    return ranges.map(function (r) { return r[0] + "–" + r[1]; }).join(", ");
  }
  function clock(value) {
    var match = /T?(\d\d:\d\d)/.exec(String(value || ""));
    return match ? match[1] : String(value || "");
  }
  function hasRole() {
    var wanted = Array.prototype.slice.call(arguments);
    return !!me && (me.roles || []).some(function (r) { return wanted.indexOf(r) !== -1; });
  }
  function localDate(timeZone) {
    try { return new Intl.DateTimeFormat("en-CA", { timeZone: timeZone }).format(new Date()); }
    catch (error) { return new Date().toISOString().slice(0, 10); }
  }

  // ---- messages -----------------------------------------------------------------------------------
  var alertNode = $("s-alert"), statusNode = $("s-status");
  function showError(text) {
    alertNode.textContent = text;
    alertNode.hidden = false;
  }
  function clearError() { alertNode.textContent = ""; }
  function say(text) { statusNode.textContent = text || ""; }
  function errorText(result) {
    if (result.status === 0) return t("error.offline");
    var error = result.body && result.body.error;
    return fill(t("error.api"), { message: error && error.message ? error.message : String(result.status) });
  }
  function fail(result) {
    say("");
    if (!result.signedOut) showError(errorText(result));
    return null;
  }

  // ---- sign-in: OAuth 2 authorisation code with PKCE (S256) ----------------------------------------
  function base64url(bytes) {
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function randomText(size) { return base64url(crypto.getRandomValues(new Uint8Array(size))); }
  function tokenClaims(token) {
    try {
      var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(decodeURIComponent(Array.prototype.map.call(atob(part), function (c) {
        return "%" + ("0" + c.charCodeAt(0).toString(16)).slice(-2);
      }).join("")));
    } catch (error) { return null; }
  }
  function token() { return sessionStorage.getItem(TOKEN); }
  function tokenIsFresh(value) {
    var claims = value && tokenClaims(value);
    return !!claims && typeof claims.exp === "number" && claims.exp * 1000 > Date.now() + 10000;
  }
  function authConfig() {
    if (!authConfigPromise) {
      authConfigPromise = fetch("/api/auth/config", { headers: { Accept: "application/json" }, credentials: "omit" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        });
      authConfigPromise.catch(function () { authConfigPromise = null; });
    }
    return authConfigPromise;
  }
  function redirectUri() { return location.origin + "/staff/"; }
  function signIn() {
    clearError();
    say(t("signin.working"));
    authConfig().then(function (config) {
      var verifier = randomText(48), state = randomText(24);
      return crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)).then(function (digest) {
        sessionStorage.setItem(PKCE, JSON.stringify({
          state: state, verifier: verifier, back: location.pathname + (location.hash || "#/queue")
        }));
        var url = new URL(config.authorize_url, location.href);
        url.searchParams.set("response_type", "code");
        url.searchParams.set("client_id", config.client_id);
        url.searchParams.set("redirect_uri", redirectUri());
        url.searchParams.set("scope", config.scope || "openid");
        url.searchParams.set("state", state);
        url.searchParams.set("code_challenge", base64url(new Uint8Array(digest)));
        url.searchParams.set("code_challenge_method", "S256");
        location.assign(url.href);
      });
    }).catch(function (error) {
      say("");
      showError(fill(t("signin.failed"), { message: error && error.message ? error.message : "" }));
    });
  }
  function finishSignIn(params) {
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(PKCE) || "null"); } catch (error) { saved = null; }
    sessionStorage.removeItem(PKCE);
    // The code and state leave the address bar (and the history) at once.
    history.replaceState(null, "", location.pathname + location.hash);
    if (params.get("error") || !saved || saved.state !== params.get("state") || !params.get("code")) {
      showSignIn(fill(t("signin.failed"), { message: params.get("error") || t("signin.state") }));
      return;
    }
    say(t("signin.working"));
    authConfig().then(function (config) {
      var form = new URLSearchParams();
      form.set("grant_type", "authorization_code");
      form.set("client_id", config.client_id);
      form.set("code", params.get("code"));
      form.set("redirect_uri", redirectUri());
      form.set("code_verifier", saved.verifier);
      return fetch(config.token_url, {
        method: "POST", credentials: "omit", body: form.toString(),
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" }
      });
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok || !body.id_token) throw new Error(body.error_description || body.error || String(response.status));
        return body;
      });
    }).then(function (body) {
      sessionStorage.setItem(TOKEN, body.id_token);
      var back = new URL(saved.back || "/staff/", location.href);
      if (back.origin === location.origin && back.pathname !== location.pathname) {
        location.replace(back.pathname + back.hash);  // the language page the person started from
        return;
      }
      history.replaceState(null, "", back.pathname + back.hash);
      start();
    }).catch(function (error) {
      showSignIn(fill(t("signin.failed"), { message: error && error.message ? error.message : "" }));
    });
  }
  function showSignIn(message) {
    me = null;
    $("s-app").hidden = true;
    $("s-signin").hidden = false;
    say("");
    if (message) showError(message);
  }
  function expire() {
    sessionStorage.removeItem(TOKEN);
    showSignIn(t("signin.expired"));
  }
  function signOut() {
    var done = function (config) {
      sessionStorage.clear();
      if (!config) { location.reload(); return; }
      var url = new URL(config.logout_url, location.href);
      url.searchParams.set("client_id", config.client_id);
      url.searchParams.set("logout_uri", redirectUri());
      location.assign(url.href);
    };
    authConfig().then(done, function () { done(null); });
  }

  // ---- the API ------------------------------------------------------------------------------------
  // `accept`: another type than JSON (the dashboard's CSV), answered as a Blob; errors stay JSON.
  function api(method, path, body, accept) {
    var value = token();
    if (!tokenIsFresh(value)) { expire(); return Promise.resolve({ status: 401, ok: false, signedOut: true }); }
    var init = { method: method, credentials: "omit", cache: "no-store",
                 headers: { Accept: accept || "application/json", Authorization: "Bearer " + value } };
    if (body !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch("/api" + path, init).then(function (response) {
      if (response.status === 401) { expire(); return { status: 401, ok: false, signedOut: true }; }
      if (accept && response.ok) {
        return response.blob().then(function (blob) { return { status: response.status, ok: true, body: blob }; });
      }
      var type = response.headers.get("Content-Type") || "";
      var parse = type.indexOf("json") !== -1 ? response.json().catch(function () { return null; }) : Promise.resolve(null);
      return parse.then(function (payload) { return { status: response.status, ok: response.ok, body: payload }; });
    }, function () { return { status: 0, ok: false, body: null }; });
  }
  function loadCentres() {
    if (!centresPromise) {
      centresPromise = fetch("/api/centres?lang=" + encodeURIComponent(lang), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { centres: [] }; })
        .then(function (body) { centres = body.centres || []; return centres; },
              function () { centresPromise = null; centres = []; return centres; });
    }
    return centresPromise;
  }
  function centreById(id) {
    return (centres || []).filter(function (c) { return c.id === id; })[0] || null;
  }
  function centreName(id, fallback) {
    var centre = centreById(id);
    if (centre) return centre.name;
    var mine = ((me && me.centres) || []).filter(function (c) { return c.id === id; })[0];
    return mine ? mine.name : (fallback || id || t("case.none"));
  }
  function serviceName(centreId, serviceId) {
    var centre = centreById(centreId);
    var service = centre && (centre.services || []).filter(function (s) { return s.id === serviceId; })[0];
    return service ? service.name : serviceId;
  }
  // The centres this person works for: their own, or every centre for an administrator.
  function myCentres() {
    if (me.all_centres && centres && centres.length) return centres.map(function (c) { return [c.id, c.name]; });
    return (me.centres || []).map(function (c) { return [c.id, c.name]; });
  }

  // ---- start and routing --------------------------------------------------------------------------
  function start() {
    var value = token();
    if (!value) { showSignIn(""); return; }
    if (!tokenIsFresh(value)) { expire(); return; }
    say(t("loading"));
    Promise.all([api("GET", "/staff/me"), loadCentres()]).then(function (results) {
      var result = results[0];
      if (!result.ok) { if (result.status === 403) showSignIn(""); return fail(result); }
      say("");
      me = result.body;
      showWho();
      $("s-signin").hidden = true;
      $("s-app").hidden = false;
      fillSelect($("q-centre"), myCentres(), t("filter.any"));
      fillSelect($("g-centre"), myCentres());
      fillSelect($("d-centre"), myCentres(), t("filter.all_centres"));
      route(false);
    });
  }
  function showWho() {
    $("s-who-name").textContent = me.name || me.username;
    $("s-who-roles").textContent = (me.roles || []).map(function (r) { return label("role", r); }).join(", ");
    $("s-who-centres").textContent = me.all_centres ? t("who.all_centres")
      : (me.centres || []).map(function (c) { return c.name; }).join(", ") || t("case.none");
    // The restricted lane is for focal points: its queue and its dashboard. The general lane's
    // dashboard is for managers and administrators; someone who is both picks the lane.
    $("q-lane-field").hidden = !hasRole("focal_point");
    defaultLane();
    $("s-nav-dashboard-item").hidden = !hasRole("manager", "admin", "focal_point");
    $("d-lane-field").hidden = !(hasRole("focal_point") && hasRole("manager", "admin"));
    $("d-lane").value = hasRole("manager", "admin") ? "general" : "restricted";
  }
  // Someone who is only a focal point starts in the restricted lane, the only one they work in.
  function defaultLane() {
    if (hasRole("focal_point") && !hasRole("caseworker", "manager", "admin")) $("q-lane").value = "restricted";
  }
  var VIEWS = ["v-queue", "v-case", "v-agenda", "v-dashboard"];
  function showView(id, focus) {
    VIEWS.forEach(function (view) { $(view).hidden = view !== id; });
    ["queue", "agenda", "dashboard"].forEach(function (name) {
      var link = $("s-nav-" + name);
      if (("v-" + name) === id || (name === "queue" && id === "v-case")) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    });
    if (focus) {
      var heading = $(id).querySelector("h2");
      if (heading) heading.focus();
    }
  }
  function route(focus) {
    if (!me) return;
    var hash = location.hash || "#/queue";
    var caseMatch = /^#\/case\/([^/?#]+)$/.exec(hash);
    if (caseMatch) { showView("v-case", false); openCase(decodeURIComponent(caseMatch[1]), focus); return; }
    if (hash === "#/agenda") {
      showView("v-agenda", focus);
      if (!agendaLoaded) { agendaLoaded = true; setUpAgenda(); }
      return;
    }
    if (hash === "#/dashboard" && hasRole("manager", "admin", "focal_point")) {
      showView("v-dashboard", focus);
      if (!dashboardLoaded) { dashboardLoaded = true; setUpDashboard(); }
      return;
    }
    showView("v-queue", focus);
    if (!queueLoaded) { queueLoaded = true; loadQueue(); }
  }

  // ---- the queue ------------------------------------------------------------------------------------
  function queueQuery() {
    var query = new URLSearchParams();
    if (!$("q-lane-field").hidden) query.set("lane", $("q-lane").value);
    [["q-status", "status"], ["q-category", "category"], ["q-centre", "centre"], ["q-priority", "priority"]]
      .forEach(function (pair) { if ($(pair[0]).value) query.set(pair[1], $(pair[0]).value); });
    var older = $("q-older").value.trim();
    if (/^\d+$/.test(older)) query.set("older_than_days", older);
    if ($("q-assigned").checked) query.set("assigned", "me");
    if ($("q-overdue").checked) query.set("overdue", "true");
    query.set("sort", $("q-sort").value || "oldest");
    return query.toString();
  }
  // A view's data: "loading", then the view drawn, or the error shown (and onFail run).
  function load(path, render, onFail) {
    say(t("loading"));
    api("GET", path).then(function (result) {
      if (!result.ok) { if (onFail) onFail(); return fail(result); }
      say("");
      clearError();
      render(result.body);
    });
  }
  function loadQueue() {
    load("/staff/complaints?" + queueQuery(), renderQueue);
  }
  function badge(text, kind) { return el("span", { className: "px-staff-badge" + (kind ? " px-staff-badge--" + kind : ""), text: text }); }
  function overdueText(kind) { return "⚠ " + label("overdue", kind); }
  function renderQueue(body) {
    var list = clear($("q-list"));
    var cases = body.complaints || [];
    $("q-count").textContent = cases.length ? fill(t("queue.count"), { n: num(body.count !== undefined ? body.count : cases.length) })
      : t("queue.empty");
    cases.forEach(function (c) {
      var link = el("a", { href: "#/case/" + encodeURIComponent(c.id) }, [
        el("span", { className: "px-staff-case__category", text: label("category", c.category) }),
        el("span", { className: "px-staff-id", text: " #" + c.id })
      ]);
      var item = el("li", { className: "px-staff-case-item" + (c.overdue ? " px-staff-case-item--overdue" : "") }, [
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

  // ---- one case --------------------------------------------------------------------------------------
  function openCase(id, focus) {
    current = null;
    $("c-title").textContent = t("loading");
    clear($("c-details"));
    api("GET", "/staff/complaints/" + encodeURIComponent(id)).then(function (result) {
      if (!result.ok) { $("c-title").textContent = t("case.unavailable"); return fail(result); }
      renderCase(result.body);
      if (focus) $("c-title").focus();
    });
  }
  function row(dl, key, value, options) {
    var dd = el("dd", { text: value === null || value === undefined || value === "" ? t("case.none") : String(value) });
    if (options && options.publicText) { dd.className = "px-staff-text"; dd.dir = "auto"; }
    if (options && options.ltr) dd.dir = "ltr";
    dl.appendChild(el("div", {}, [el("dt", { text: t(key) }), dd]));
  }
  function yesNo(value) { return value ? t("yes") : t("no"); }
  function renderCase(c) {
    current = c;
    $("c-title").textContent = fill(t("case.title"), { category: label("category", c.category), id: c.id });
    var overdue = $("c-overdue");
    overdue.hidden = !c.overdue;
    overdue.textContent = c.overdue ? overdueText(c.overdue) : "";
    var details = clear($("c-details"));
    row(details, "field.status", label("status", c.status));
    row(details, "field.priority", label("priority", c.priority));
    row(details, "field.category", label("category", c.category));
    row(details, "field.lane", label("lane", c.lane));
    row(details, "field.centre", c.centre_name || (c.centre_id ? centreName(c.centre_id) : t("case.no_centre")));
    row(details, "field.country", countryName(c.country));
    row(details, "field.language", languageName(c.language));
    row(details, "field.submitted", when(c.submitted_at));
    row(details, "field.age", fill(t("queue.days"), { n: num(c.age_days || 0) }));
    row(details, "field.acknowledge_by", when(c.acknowledge_by));
    row(details, "field.answer_by", when(c.answer_by));
    row(details, "field.assignee", c.assignee ? c.assignee.name : t("queue.unassigned"));
    row(details, "field.referred_to", (c.referred_to || []).map(function (id) { return centreName(id); }).join(", "));
    row(details, "field.woman", yesNo(c.woman_caseworker));
    row(details, "field.behalf", yesNo(c.on_behalf));
    row(details, "field.phone", c.phone, { ltr: true });
    var text = clear($("c-text"));
    row(text, "field.description", c.description, { publicText: true });
    row(text, "field.against", c.against, { publicText: true });
    row(text, "field.when", c.when, { publicText: true });
    renderThread($("c-messages"), c.messages || [], "case.no_messages", function (m) {
      return { kind: "px-msg--" + m.author, who: label("author", m.author) };
    });
    renderThread($("c-notes"), c.notes || [], "case.no_notes", function (n) {
      return { kind: "px-staff-note", who: n.author };
    });
    var referrals = clear($("c-referrals"));
    (c.referrals || []).forEach(function (r) {
      referrals.appendChild(el("li", {}, [
        el("p", { className: "px-staff-meta", text: fill(t("case.referred_line"), {
          centre: r.centre_name || centreName(r.centre_id), date: when(r.at), by: r.by || "" }) }),
        r.note ? el("p", { className: "px-staff-text", dir: "auto", text: r.note }) : null
      ]));
    });
    if (!referrals.firstChild) referrals.appendChild(el("li", { text: t("case.no_referrals") }));
    var outcome = clear($("c-outcome"));
    if (c.outcome) {
      row(outcome, "field.outcome", label("outcome", c.outcome.outcome));
      row(outcome, "case.compensation", c.outcome.compensation
        ? money(c.outcome.compensation.amount, c.outcome.compensation.currency) : t("case.none"));
      row(outcome, "action.outcome_note", c.outcome.note, { publicText: true });
      row(outcome, "case.recorded", when(c.outcome.at));
    } else {
      row(outcome, "field.outcome", t("case.no_outcome"));
    }
    var history = clear($("c-history"));
    (c.history || []).forEach(function (h) {
      history.appendChild(el("li", { text: fill(t("case.history_line"), {
        status: label("status", h.status), date: when(h.at), by: h.by || "" }) }));
    });
    renderActions(c);
  }
  function renderThread(list, entries, emptyKey, describe) {
    clear(list);
    entries.forEach(function (entry) {
      var info = describe(entry);
      list.appendChild(el("li", { className: info.kind }, [
        el("p", { className: "px-staff-meta" }, [el("strong", { text: info.who }), " · " + when(entry.at)]),
        el("p", { className: "px-staff-text", dir: "auto", text: entry.text })
      ]));
    });
    if (!entries.length) list.appendChild(el("li", { className: "px-staff-empty", text: t(emptyKey) }));
  }
  function renderActions(c) {
    var allowed = c.allowed || {};
    var statuses = allowed.statuses || [];
    fillSelect($("a-status"), statuses.map(function (s) { return [s, label("status", s)]; }));
    $("a-status-form").hidden = !statuses.length;
    $("a-status-none").hidden = statuses.length > 0;
    var mine = c.assignee && me && c.assignee.sub === me.sub;
    $("a-assign").hidden = !!mine;
    $("a-unassign").hidden = !c.assignee;
    $("a-priority").value = c.priority;
    $("a-reply-form").hidden = !allowed.reply;
    $("a-reply-language").textContent = fill(t("action.reply_language"), { language: languageName(c.language) });
    $("a-reply").lang = c.language || "";
    $("a-refer-form").hidden = !allowed.refer;
    loadCentres().then(function (list) {
      fillSelect($("a-refer-centre"), list.filter(function (centre) { return centre.id !== c.centre_id; })
        .map(function (centre) { return [centre.id, centre.name + " (" + countryName(centre.country) + ")"]; }), t("choose"));
    });
    $("a-outcome-form").hidden = !allowed.reply || c.status === "closed";
    $("a-audit-block").hidden = !allowed.audit;
    $("a-audit-section").hidden = true;
    $("a-audit").setAttribute("aria-expanded", "false");
  }
  // Every action answers with the updated case; 409 means someone else changed it first.
  function act(method, suffix, body, form) {
    if (!current) return;
    var id = current.id;
    clearError();
    say(t("saving"));
    var buttons = form ? form.querySelectorAll("button") : [];
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    api(method, "/staff/complaints/" + encodeURIComponent(id) + suffix, body).then(function (result) {
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      if (result.status === 409) {
        say("");
        showError(t("case.changed"));
        openCase(id, false);
        return;
      }
      if (!result.ok) return fail(result);
      if (form) form.reset();
      renderCase(result.body);
      queueLoaded = false;  // the queue shows the new state next time
      say(t("saved"));
    });
  }
  function setUpCaseActions() {
    $("a-status-form").addEventListener("submit", function (event) {
      event.preventDefault();
      if ($("a-status").value) act("POST", "/status", { status: $("a-status").value, expected: current.status }, this);
    });
    $("a-assign").addEventListener("click", function () { act("PATCH", "", { assignee: "me" }, $("a-assign-form")); });
    $("a-unassign").addEventListener("click", function () { act("PATCH", "", { assignee: null }, $("a-assign-form")); });
    $("a-priority-form").addEventListener("submit", function (event) {
      event.preventDefault();
      act("PATCH", "", { priority: $("a-priority").value }, null);
    });
    $("a-reply-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var text = $("a-reply").value.trim();
      if (!text) { $("a-reply").focus(); return; }
      act("POST", "/replies", { text: text }, this);
    });
    $("a-note-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var text = $("a-note").value.trim();
      if (!text) { $("a-note").focus(); return; }
      act("POST", "/notes", { text: text }, this);
    });
    $("a-refer-form").addEventListener("submit", function (event) {
      event.preventDefault();
      if (!$("a-refer-centre").value) { $("a-refer-centre").focus(); return; }
      act("POST", "/referrals", { centre_id: $("a-refer-centre").value, note: $("a-refer-note").value.trim() }, this);
    });
    $("a-outcome-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var body = { outcome: $("a-outcome").value };
      if (!body.outcome) { $("a-outcome").focus(); return; }
      var amount = $("a-amount").value.trim().replace(",", "."), currency = $("a-currency").value.trim().toUpperCase();
      if (amount || currency) {
        if (!/^\d+(\.\d{1,2})?$/.test(amount) || !/^[A-Z]{3}$/.test(currency)) {
          showError(t("action.amount_help"));
          $(amount && /^\d+(\.\d{1,2})?$/.test(amount) ? "a-currency" : "a-amount").focus();
          return;
        }
        body.compensation = { amount: amount.indexOf(".") === -1 ? amount + ".00" : amount, currency: currency };
      }
      var note = $("a-outcome-note").value.trim();
      if (note) body.note = note;
      act("POST", "/outcome", body, this);
    });
    $("a-audit").addEventListener("click", function () {
      var section = $("a-audit-section"), button = this;
      if (!section.hidden) { section.hidden = true; button.setAttribute("aria-expanded", "false"); return; }
      api("GET", "/staff/complaints/" + encodeURIComponent(current.id) + "/audit").then(function (result) {
        if (!result.ok) return fail(result);
        var list = clear($("a-audit-list"));
        (result.body.entries || []).forEach(function (entry) {
          var detail = entry.detail;
          if (detail && typeof detail !== "string") detail = JSON.stringify(detail);
          list.appendChild(el("li", {}, [
            el("p", { className: "px-staff-meta" }, [el("strong", { text: entry.action }), " · " + when(entry.at) + " · " + entry.actor]),
            detail ? el("p", { className: "px-staff-text", dir: "auto", text: detail }) : null
          ]));
        });
        if (!list.firstChild) list.appendChild(el("li", { text: t("audit.empty") }));
        section.hidden = false;
        button.setAttribute("aria-expanded", "true");
      });
    });
  }

  // ---- the agenda ---------------------------------------------------------------------------------------
  function setUpAgenda() {
    var centre = centreById($("g-centre").value);
    if (!$("g-date").value) $("g-date").value = localDate(centre ? centre.timezone : undefined);
    $("x-form").hidden = !hasRole("manager", "admin");
    loadAgenda();
  }
  function agendaPath() {
    return "/staff/centres/" + encodeURIComponent($("g-centre").value) + "/agenda?date=" + encodeURIComponent($("g-date").value);
  }
  function loadAgenda() {
    if (!$("g-centre").value || !/^\d{4}-\d\d-\d\d$/.test($("g-date").value)) return;
    load(agendaPath(), renderAgenda, function () { $("g-day").hidden = true; });
  }
  function exceptionText(exception) {
    if (!exception) return t("agenda.no_exception");
    var text = exception.closed ? t("exception.closed") : t("exception.hours") + ": " + hours(exception.hours);
    return exception.note ? text + " — " + exception.note : text;
  }
  function renderAgenda(day) {
    $("g-day").hidden = false;
    $("g-timezone").textContent = fill(t("agenda.timezone"), { timezone: day.timezone || "" });
    $("g-opening").textContent = hours(day.opening);
    $("g-exception").textContent = exceptionText(day.exception);
    var exception = day.exception;
    $("x-closed").checked = !exception || !!exception.closed;
    $("x-special").checked = !!exception && !exception.closed;
    var ranges = (exception && exception.hours) || [];
    ["1", "2"].forEach(function (n, i) {
      $("x-from-" + n).value = ranges[i] ? ranges[i][0] : "";
      $("x-to-" + n).value = ranges[i] ? ranges[i][1] : "";
    });
    $("x-note").value = (exception && exception.note) || "";
    $("x-remove").hidden = !exception;
    var list = clear($("g-bookings"));
    (day.bookings || []).forEach(function (booking, index) { list.appendChild(bookingItem(booking, index)); });
    if (!list.firstChild) list.appendChild(el("li", { className: "px-staff-empty", text: t("agenda.no_bookings") }));
  }
  function bookingItem(booking, index) {
    var id = "g-b" + index;
    var item = el("li", { className: "px-staff-booking" });
    function fillItem(b) {
      clear(item);
      var gender = el("select", { id: id + "-gender" });
      gender.appendChild(option("", t("filter.not_given")));
      ENUMS.gender.forEach(function (g) { gender.appendChild(option(g, label("gender", g))); });
      var age = el("select", { id: id + "-age" });
      age.appendChild(option("", t("filter.not_given")));
      ENUMS.age.forEach(function (a) { age.appendChild(option(a, label("age", a))); });
      var heading = el("p", { className: "px-staff-booking__head", id: id + "-head" }, [
        el("strong", { dir: "ltr", text: clock(b.start) + "–" + clock(b.end) }), " · " + (b.service_name || serviceName($("g-centre").value, b.service_id))
      ]);
      var attended = el("button", { type: "button", className: "md-button md-button--primary", text: t("agenda.attended") });
      var noShow = el("button", { type: "button", className: "md-button", text: t("agenda.no_show") });
      attended.setAttribute("aria-describedby", id + "-head");
      noShow.setAttribute("aria-describedby", id + "-head");
      item.appendChild(heading);
      item.appendChild(el("p", { className: "px-staff-badges" }, [
        badge(label("bstatus", b.status), "booking-" + b.status), " ",
        badge(label("mode", b.mode)), " ", badge(languageName(b.language))
      ]));
      item.appendChild(el("p", { className: "px-staff-meta" }, [
        t("agenda.nickname") + ": ", el("span", { dir: "auto", text: b.nickname || t("case.none") }),
        " · " + t("agenda.phone") + ": ", el("span", { dir: "ltr", text: b.phone || t("case.none") }),
        " · " + t("agenda.reference") + ": ", el("span", { dir: "ltr", text: b.reference })
      ]));
      item.appendChild(el("div", { className: "px-staff-grid px-staff-checkin" }, [
        el("p", { className: "px-staff-field" }, [el("label", { htmlFor: gender.id, text: t("agenda.gender") }), gender]),
        el("p", { className: "px-staff-field" }, [el("label", { htmlFor: age.id, text: t("agenda.age_band") }), age])
      ]));
      item.appendChild(el("p", { className: "px-actions" }, [attended, noShow]));
      function check(value) {
        var body = { attended: value };
        if (gender.value) body.gender = gender.value;
        if (age.value) body.age_band = age.value;
        attended.disabled = noShow.disabled = true;
        clearError();
        api("POST", "/staff/bookings/" + encodeURIComponent(b.reference) + "/attendance", body).then(function (result) {
          attended.disabled = noShow.disabled = false;
          if (!result.ok) return fail(result);
          fillItem(result.body);
          say(fill(t("agenda.checked"), { status: label("bstatus", result.body.status) }));
        });
      }
      attended.addEventListener("click", function () { check(true); });
      noShow.addEventListener("click", function () { check(false); });
    }
    fillItem(booking);
    return item;
  }
  function setUpAgendaForms() {
    $("g-form").addEventListener("submit", function (event) { event.preventDefault(); loadAgenda(); });
    $("g-centre").addEventListener("change", function () {
      var centre = centreById($("g-centre").value);
      if (centre && !$("g-date").value) $("g-date").value = localDate(centre.timezone);
    });
    $("x-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var body;
      if ($("x-closed").checked) body = { closed: true };
      else {
        var ranges = [];
        ["1", "2"].forEach(function (n) {
          var from = $("x-from-" + n).value, to = $("x-to-" + n).value;
          if (from && to) ranges.push([from, to]);
        });
        if (!ranges.length) { showError(t("exception.hours_needed")); $("x-from-1").focus(); return; }
        body = { closed: false, hours: ranges };
      }
      var note = $("x-note").value.trim();
      if (note) body.note = note;
      exceptionCall("PUT", body, "exception.saved");
    });
    $("x-remove").addEventListener("click", function () { exceptionCall("DELETE", undefined, "exception.removed"); });
  }
  function exceptionCall(method, body, doneKey) {
    clearError();
    var path = "/staff/centres/" + encodeURIComponent($("g-centre").value) + "/exceptions/" + encodeURIComponent($("g-date").value);
    api(method, path, body).then(function (result) {
      if (!result.ok) return fail(result);
      loadAgenda();
      say(t(doneKey));
    });
  }

  // ---- the dashboard ------------------------------------------------------------------------------------
  // A period is a calendar month, quarter or year (never a range: two overlapping ranges could be
  // subtracted to recover a count the API withholds). Listed up to today, newest first.
  var YEARS_LISTED = 3;
  var yearFormat = new Intl.NumberFormat(lang, { useGrouping: false });
  function periodLabel(value) {
    var text = String(value), year = text.slice(0, 4);
    if (/^\d{4}$/.test(text)) return yearFormat.format(Number(year));
    var quarter = /^\d{4}-Q([1-4])$/.exec(text);
    if (quarter) return fill(t("dash.quarter"), { q: yearFormat.format(Number(quarter[1])), year: yearFormat.format(Number(year)) });
    return monthName(text, "long");
  }
  function fillPeriods() {
    var select = clear($("d-period"));
    var today = new Date(), thisYear = today.getUTCFullYear(), thisMonth = today.getUTCMonth() + 1;
    var groups = { years: [], quarters: [], months: [] };
    for (var year = thisYear; year > thisYear - YEARS_LISTED; year--) {
      groups.years.push(String(year));
      for (var q = 4; q >= 1; q--) if (year < thisYear || 3 * q - 2 <= thisMonth) groups.quarters.push(year + "-Q" + q);
      for (var m = 12; m >= 1; m--) if (year < thisYear || m <= thisMonth) groups.months.push(year + "-" + (m < 10 ? "0" : "") + m);
    }
    ["years", "quarters", "months"].forEach(function (name) {
      select.appendChild(el("optgroup", { label: t("dash." + name) }, groups[name].map(function (value) {
        return option(value, periodLabel(value));
      })));
    });
    select.value = String(thisYear);
  }
  function dashboardLane() {
    return $("d-lane").value === "restricted" ? "restricted" : "general";
  }
  function dashboardQuery() {
    var query = new URLSearchParams();
    query.set("lane", dashboardLane());
    if ($("d-centre").value) query.set("centre", $("d-centre").value);
    query.set("period", $("d-period").value);
    if (dashboardLane() === "general") {  // gender and age band narrow the needs, which only the general lane has
      if ($("d-gender").value) query.set("gender", $("d-gender").value);
      if ($("d-age").value) query.set("age_band", $("d-age").value);
    }
    return query.toString();
  }
  function showLaneFilters() {
    var general = dashboardLane() === "general";
    $("d-gender").parentNode.hidden = !general;
    $("d-age").parentNode.hidden = !general;
  }
  function setUpDashboard() {
    fillPeriods();
    showLaneFilters();
    loadDashboard();
  }
  function loadDashboard() {
    load("/staff/dashboard?" + dashboardQuery(), renderDashboard);
  }
  function monthName(value, width) {
    var date = new Date(String(value) + "-01T00:00:00Z");
    if (isNaN(date.getTime())) return String(value);
    return new Intl.DateTimeFormat(lang, { month: width || "short", year: "numeric", timeZone: "UTC" }).format(date);
  }
  var suppressedBelow = 5;
  // A count the API withheld (null: fewer than `suppressed_below`) is never shown as 0.
  // (isolated left to right, so "<5" does not turn into "5>" in the Arabic console)
  function count(value) {
    return value === null || value === undefined ? "\u2066" + fill(t("dash.suppressed"), { n: num(suppressedBelow) }) + "\u2069"
      : num(value);
  }
  function derived(value, format) { return value === null || value === undefined ? t("dash.not_shown") : format(value); }
  var SVG = "http://www.w3.org/2000/svg";
  function bar(value, max) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "px-staff-bar");
    svg.setAttribute("viewBox", "0 0 100 10");
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var rect = document.createElementNS(SVG, "rect");
    var suppressed = value === null || value === undefined;
    var width = suppressed ? 100 : (max > 0 ? Math.max(value / max * 100, value > 0 ? 1 : 0) : 0);
    rect.setAttribute("width", String(width));
    rect.setAttribute("height", "10");
    rect.setAttribute("class", suppressed ? "px-staff-bar__suppressed" : "px-staff-bar__value");
    svg.appendChild(rect);
    return svg;
  }
  // A chart is a table (its text alternative) whose count cells hold a bar drawn to scale.
  function chart(titleKey, columnKey, rows) {
    var max = rows.reduce(function (m, r) { return r.value === null || r.value === undefined ? m : Math.max(m, r.value); }, 0);
    var body = el("tbody", {}, rows.map(function (r) {
      return el("tr", {}, [
        el("th", { scope: "row", text: r.label }),
        el("td", { className: "px-staff-chart__value" }, [
          el("span", { className: "px-staff-chart__number", text: count(r.value) }), bar(r.value, max)])
      ]);
    }));
    if (!rows.length) body.appendChild(el("tr", {}, [el("td", { colSpan: 2, text: t("dash.empty") })]));
    return el("section", { className: "px-staff-chart" }, [
      el("table", {}, [
        el("caption", { text: t(titleKey) }),
        el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: t(columnKey) }),
                                       el("th", { scope: "col", text: t("dash.count") })])]),
        body
      ])
    ]);
  }
  function stats(titleKey, pairs) {
    var dl = el("dl", { className: "px-staff-dl px-staff-stats" });
    pairs.forEach(function (p) { dl.appendChild(el("div", {}, [el("dt", { text: t(p[0]) }), el("dd", { text: p[1] })])); });
    return el("section", { className: "px-staff-chart" }, [el("h3", { text: t(titleKey) }), dl]);
  }
  function renderDashboard(d) {
    suppressedBelow = d.suppressed_below || 5;
    $("d-note").textContent = fill(t("dash.suppressed_note"), { n: num(suppressedBelow) }) + " " +
      fill(t("dash.period_shown"), { period: periodLabel(d.period && d.period.value) }) +
      (d.lane === "restricted" ? " " + t("dash.restricted_note") : "");
    var charts = clear($("d-charts"));
    if (d.lane === "restricted") { complaintCharts(charts, d.complaints || {}); return; }
    charts.appendChild(chart("dash.served", "dash.month_centre_service", (d.served || []).map(function (s) {
      return { label: monthName(s.month) + " · " + centreName(s.centre_id) + " · " + serviceName(s.centre_id, s.service_id),
               value: s.count };
    })));
    var noShow = d.no_show_rate || {};
    charts.appendChild(stats("dash.no_show", [
      ["dash.attended", count(noShow.attended)], ["dash.no_show_count", count(noShow.no_show)],
      ["dash.rate", derived(noShow.rate, percent)]
    ]));
    complaintCharts(charts, d.complaints || {});
    var ratings = d.ratings || {};
    charts.appendChild(stats("dash.ratings", [
      ["dash.ratings_count", count(ratings.count)],
      ["dash.average", derived(ratings.average, function (v) { return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(v); })],
      ["dash.helped", derived(ratings.helped_decide_share, percent)],
      ["dash.delivered", derived(ratings.delivered_share, percent)]
    ]));
    charts.appendChild(guidesTable(d.guides || []));
    charts.appendChild(chart("dash.needs", "dash.topic", (d.needs || []).map(function (n) {
      return { label: label("topic", n.topic), value: n.count };
    })));
    if (d.needs_text && d.needs_text.length) {
      charts.appendChild(el("section", { className: "px-staff-chart" }, [
        el("h3", { text: t("dash.needs_text") }),
        el("ol", { className: "px-messages" }, d.needs_text.map(function (n) {
          return el("li", {}, [
            el("p", { className: "px-staff-meta", text: label("topic", n.topic) + " · " + languageName(n.language) + " · " + monthName(n.month, "long") }),
            el("p", { className: "px-staff-text", dir: "auto", text: n.text })
          ]);
        }))
      ]));
    }
  }
  function complaintCharts(charts, complaints) {
    charts.appendChild(chart("dash.by_category", "field.category", (complaints.by_category || []).map(function (c) {
      return { label: label("category", c.category), value: c.count };
    })));
    charts.appendChild(chart("dash.by_outcome", "field.outcome", (complaints.by_outcome || []).map(function (o) {
      return { label: label("outcome", o.outcome), value: o.count };
    })));
    var compensation = (complaints.compensation || []).map(function (c) { return money(c.amount, c.currency); }).join(", ");
    charts.appendChild(stats("dash.complaints", [
      ["dash.received", count(complaints.received)],
      ["dash.median_ack", derived(complaints.median_days_to_acknowledge, function (v) { return fill(t("queue.days"), { n: num(v) }); })],
      ["dash.compensation", compensation || t("case.none")]
    ]));
  }
  function guidesTable(guides) {
    var body = el("tbody", {}, guides.map(function (g) {
      var share = g.yes !== null && g.no !== null && g.yes + g.no > 0 ? g.yes / (g.yes + g.no) : null;
      return el("tr", {}, [
        el("th", { scope: "row" }, [el("span", { dir: "ltr", text: g.page }), " (" + languageName(g.language) + ")"]),
        el("td", { text: count(g.yes) }),
        el("td", { text: count(g.no) }),
        el("td", { className: "px-staff-chart__value" }, [
          el("span", { className: "px-staff-chart__number", text: derived(share, percent) }),
          bar(share === null ? null : share * 100, 100)])
      ]);
    }));
    if (!guides.length) body.appendChild(el("tr", {}, [el("td", { colSpan: 4, text: t("dash.empty") })]));
    return el("section", { className: "px-staff-chart" }, [el("table", {}, [
      el("caption", { text: t("dash.guides") }),
      el("thead", {}, [el("tr", {}, ["dash.page", "dash.yes", "dash.no", "dash.yes_share"].map(function (k) {
        return el("th", { scope: "col", text: t(k) });
      }))]),
      body
    ])]);
  }
  function downloadCsv() {
    clearError();
    say(t("loading"));
    api("GET", "/staff/dashboard.csv?" + dashboardQuery(), undefined, "text/csv").then(function (result) {
      if (!result.ok) { fail(result); return; }
      var url = URL.createObjectURL(result.body);
      var link = el("a", { href: url, download: "passerelle-dashboard-" + dashboardLane() + "-" + $("d-period").value + ".csv" });
      link.hidden = true;
      document.body.appendChild(link);
      link.click();
      document.body.removeChild(link);
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
      say(t("dash.csv_done"));
    });
  }

  // ---- wiring -------------------------------------------------------------------------------------------
  $("s-signin-button").addEventListener("click", signIn);
  $("s-signout").addEventListener("click", signOut);
  $("q-filters").addEventListener("submit", function (event) { event.preventDefault(); loadQueue(); });
  $("q-filters").addEventListener("reset", function () {
    setTimeout(function () {
      defaultLane();
      loadQueue();
    }, 0);
  });
  $("q-filters").addEventListener("change", function () { loadQueue(); });
  setUpCaseActions();
  setUpAgendaForms();
  $("d-form").addEventListener("submit", function (event) { event.preventDefault(); loadDashboard(); });
  $("d-csv").addEventListener("click", downloadCsv);
  $("d-lane").addEventListener("change", function () { showLaneFilters(); loadDashboard(); });
  window.addEventListener("hashchange", function () { clearError(); say(""); route(true); });

  var params = new URLSearchParams(location.search);
  if (params.has("code") || params.has("error")) finishSignIn(params);
  else start();
})();
