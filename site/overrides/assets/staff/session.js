// Signing in and staying signed in: OAuth 2 authorisation code with PKCE (S256) against the
// identity provider /api/auth/config names (Cognito; the local stack's /dev-idp/), and every
// call to /api/staff/ with the id token. The token lives in sessionStorage only (gone when the
// tab closes) and travels in the Authorization header only, never in a URL or a cookie.
import { $, fill } from "../dom.js";
import { request } from "../api.js";
import { clearError, fail, say, showError, state, t } from "./common.js";

const TOKEN = "px-staff-token", PKCE = "px-staff-pkce";

function base64url(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function randomText(size) { return base64url(crypto.getRandomValues(new Uint8Array(size))); }
function tokenClaims(value) {
  try {
    const part = value.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(decodeURIComponent(Array.prototype.map.call(atob(part),
      (c) => "%" + ("0" + c.charCodeAt(0).toString(16)).slice(-2)).join("")));
  } catch (error) { return null; }
}
export function token() { return sessionStorage.getItem(TOKEN); }
export function tokenIsFresh(value) {
  const claims = value && tokenClaims(value);
  return !!claims && typeof claims.exp === "number" && claims.exp * 1000 > Date.now() + 10000;
}

// A failed sign-in, said in the console's language from what went wrong: an OAuth error code
// (RFC 6749 4.1.2.1 and 5.2, from the identity provider's redirect or its token endpoint), an
// HTTP status, or no network. Never the provider's own description, which is in English; a code
// this table does not know is shown as it is, for the administrator.
const SIGN_IN_ERRORS = {
  access_denied: "signin.denied",
  invalid_grant: "signin.again",
  server_error: "signin.unavailable",
  temporarily_unavailable: "signin.unavailable",
};
function failure(code) { return Object.assign(new Error(code), { code }); }
function signInFailed(error) {
  const code = String((error && error.code) || "");
  // No code: fetch reached nothing (a TypeError): offline, or the service is down.
  if (!code) return t(navigator.onLine === false ? "net.offline" : "signin.unavailable");
  const key = SIGN_IN_ERRORS[code] || (/^5\d\d$/.test(code) ? "signin.unavailable" : null);
  return key ? t(key) : fill(t("signin.failed"), { message: code });
}

// Where to sign in: asked once (again after a failure).
let authConfigPromise = null;
function authConfig() {
  if (!authConfigPromise) {
    authConfigPromise = request("GET", "/auth/config", { credentials: "omit" }).then((result) => {
      if (!result.ok) throw failure(result.status ? String(result.status) : "");
      return result.body;
    });
    authConfigPromise.catch(() => { authConfigPromise = null; });
  }
  return authConfigPromise;
}
function redirectUri() { return location.origin + "/staff/"; }

export function signIn() {
  clearError();
  say(t("signin.working"));
  authConfig().then((config) => {
    const verifier = randomText(48), stateText = randomText(24);
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)).then((digest) => {
      sessionStorage.setItem(PKCE, JSON.stringify({
        state: stateText, verifier, back: location.pathname + (location.hash || "#/queue")
      }));
      const url = new URL(config.authorize_url, location.href);
      url.searchParams.set("response_type", "code");
      url.searchParams.set("client_id", config.client_id);
      url.searchParams.set("redirect_uri", redirectUri());
      url.searchParams.set("scope", config.scope || "openid");
      url.searchParams.set("state", stateText);
      url.searchParams.set("code_challenge", base64url(new Uint8Array(digest)));
      url.searchParams.set("code_challenge_method", "S256");
      location.assign(url.href);
    });
  }).catch((error) => {
    say("");
    showError(signInFailed(error));
  });
}

// Back from the identity provider with ?code=&state= (or ?error=): the code is exchanged for
// the id token, then `onSignedIn` starts the console.
export function finishSignIn(params, onSignedIn) {
  let saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(PKCE) || "null"); } catch (error) { saved = null; }
  sessionStorage.removeItem(PKCE);
  // The code and state leave the address bar (and the history) at once.
  history.replaceState(null, "", location.pathname + location.hash);
  if (params.get("error")) { showSignIn(signInFailed(failure(params.get("error")))); return; }
  if (!saved || saved.state !== params.get("state") || !params.get("code")) {
    showSignIn(fill(t("signin.failed"), { message: t("signin.state") }));
    return;
  }
  say(t("signin.working"));
  authConfig().then((config) => {
    const form = new URLSearchParams();
    form.set("grant_type", "authorization_code");
    form.set("client_id", config.client_id);
    form.set("code", params.get("code"));
    form.set("redirect_uri", redirectUri());
    form.set("code_verifier", saved.verifier);
    return fetch(config.token_url, {
      method: "POST", credentials: "omit", body: form.toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" }
    });
  }).then((response) => response.json().catch(() => ({})).then((body) => {
    if (!response.ok || !body.id_token) throw failure(body.error || String(response.status));
    return body;
  })).then((body) => {
    sessionStorage.setItem(TOKEN, body.id_token);
    const back = new URL(saved.back || "/staff/", location.href);
    if (back.origin === location.origin && back.pathname !== location.pathname) {
      location.replace(back.pathname + back.hash);  // the language page the person started from
      return;
    }
    history.replaceState(null, "", back.pathname + back.hash);
    onSignedIn();
  }).catch((error) => {
    showSignIn(signInFailed(error));
  });
}

export function showSignIn(message) {
  state.me = null;
  $("s-app").hidden = true;
  $("s-signin").hidden = false;
  say("");
  if (message) showError(message);
}
export function expire() {
  sessionStorage.removeItem(TOKEN);
  showSignIn(t("signin.expired"));
}
export function signOut() {
  const done = (config) => {
    sessionStorage.clear();
    if (!config) { location.reload(); return; }
    const url = new URL(config.logout_url, location.href);
    url.searchParams.set("client_id", config.client_id);
    url.searchParams.set("logout_uri", redirectUri());
    location.assign(url.href);
  };
  authConfig().then(done, () => done(null));
}

// ---- the staff API --------------------------------------------------------------------------------
// A call with the id token; an expired or refused token signs the person out ({signedOut: true}).
// `accept`: another type than JSON (the dashboard's CSV), answered as a Blob; errors stay JSON.
const SIGNED_OUT = { status: 401, ok: false, signedOut: true };
export async function call(method, path, body, accept) {
  const value = token();
  if (!tokenIsFresh(value)) { expire(); return SIGNED_OUT; }
  const result = await request(method, path, {
    body, accept, credentials: "omit", cache: "no-store", headers: { Authorization: "Bearer " + value }
  });
  if (result.status === 401) { expire(); return SIGNED_OUT; }
  return result;
}
// A view's data: "loading", then the view drawn, or the error shown (and onFail run). Only the
// latest request of a view (`render`) is drawn: an earlier one answering late (another day of the
// agenda, a slow first call) never replaces what was asked for since.
const latest = new Map();
export async function load(path, render, onFail) {
  const asked = (latest.get(render) || 0) + 1;
  latest.set(render, asked);
  say(t("loading"));
  const result = await call("GET", path);
  if (latest.get(render) !== asked) return null;
  if (!result.ok) { if (onFail) onFail(); return fail(result); }
  say("");
  clearError();
  render(result.body);
  return null;
}
