// The centres (GET /api/centres, in the console's language): names for the views, and the ones
// this person works for.
import { request } from "../api.js";
import { lang, state, t } from "./common.js";

let centres = null, centresPromise = null;

export function loadCentres() {
  if (!centresPromise) {
    centresPromise = request("GET", "/centres?lang=" + encodeURIComponent(lang)).then((result) => {
      if (result.status === 0) centresPromise = null;  // offline: asked again next time
      centres = (result.ok && result.body && result.body.centres) || [];
      return centres;
    });
  }
  return centresPromise;
}
export function centreById(id) {
  return (centres || []).filter((c) => c.id === id)[0] || null;
}
export function centreName(id, fallback) {
  const centre = centreById(id);
  if (centre) return centre.name;
  const mine = ((state.me && state.me.centres) || []).filter((c) => c.id === id)[0];
  return mine ? mine.name : (fallback || id || t("case.none"));
}
export function serviceName(centreId, serviceId) {
  const centre = centreById(centreId);
  const service = centre && (centre.services || []).filter((s) => s.id === serviceId)[0];
  return service ? service.name : serviceId;
}
// The centres this person works for: their own, or every centre for an administrator.
export function myCentres() {
  const me = state.me;
  if (me.all_centres && centres && centres.length) return centres.map((c) => [c.id, c.name]);
  return (me.centres || []).map((c) => [c.id, c.name]);
}
