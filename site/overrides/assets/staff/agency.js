// The recruitment agency a case names (issue 19): the one the complainant picked stays an
// allegation until staff confirm it, correct it, or find it is on no list; only an upheld case
// against a confirmed agency counts in the recruiters' figures (the API decides, `agency.counted`).
// The agencies offered are the recruiters' lists as the portal publishes them (open data).
import { $, clear, el, fill } from "../dom.js";
import { DATA, t } from "./common.js";

let agencies = null;

// Every agency of every list, by id, and the select's options grouped by country (loaded once).
export async function loadAgencies(select) {
  if (!agencies) {
    try {
      const response = await fetch(DATA.root + "open-data/recruiters.json");
      const body = await response.json();
      agencies = {};
      const keep = select.value;
      select.querySelectorAll("optgroup").forEach((group) => group.remove());
      body.countries.forEach((country) => {
        const group = el("optgroup", { label: country.name });
        country.agencies.forEach((a) => {
          agencies[a.id] = a;
          group.appendChild(el("option", { value: a.id, text: a.name_latin + " · " + a.licence + " (" + a.id + ")" }));
        });
        select.appendChild(group);
      });
      select.value = keep;
    } catch (err) {
      agencies = null;
    }
  }
  return agencies || {};
}

function named(agency) {
  const known = agency.id && agencies && agencies[agency.id];
  const local = agency.name_local || (known && known.name_local);
  const latin = agency.name_latin || (known && known.name_latin);
  return [latin, local && local !== latin ? local : null, agency.id].filter(Boolean).join(" · ");
}

// The case's agency line, and the form preset to it.
export function renderAgency(c) {
  const agency = c.agency;
  const line = clear($("c-agency"));
  $("c-agency-counted").hidden = !(agency && agency.counted);
  if (!agency) line.textContent = t("agency.none");
  else if (!agency.confirmed) line.textContent = fill(t("agency.claimed"), { name: named(agency) });
  else if (agency.id) line.textContent = fill(t("agency.confirmed"), { name: named(agency) });
  else line.textContent = t("agency.on_no_list");
  const select = $("a-agency");
  loadAgencies(select).then(() => {
    select.value = agency && agency.id ? agency.id : "";
    const confirming = agency && !agency.confirmed && agency.id && select.value === agency.id;
    $("a-agency-save").textContent = t(confirming ? "agency.confirm" : "agency.correct");
  });
  $("a-agency-form").hidden = !(c.allowed && c.allowed.reply);
}
