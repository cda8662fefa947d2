// The complaint form's agency picker: the same lists and matcher as "Check a recruiter", searched
// on the phone as the person types; picking one sends its id (`agency_id`) with the complaint,
// beside the free text of "against", which stays. Nothing typed here leaves the phone until the
// complaint is sent.
import { $, el, clear, fill, say } from "../dom.js";
import { search } from "./match.js";

const MAX_SHOWN = 6;

// `texts`: recruiters.loading, recruiters.load_failed, complaint.agency_none, complaint.agency_picked,
// complaint.agency_remove; `listsUrl`: where <cc>.json are. Returns { value(), clear() }.
export function agencyPicker(texts, listsUrl) {
  const lists = {};
  let current = null;
  let picked = null;
  const country = $("c-agency-country"), query = $("c-agency-query"), results = $("c-agency-results");
  const status = $("c-agency-status"), chosen = $("c-agency-picked");

  function pick(agency) {
    picked = agency;
    clear(results);
    query.value = "";
    $("c-agency-name").textContent = fill(texts["complaint.agency_picked"], {
      name: agency.name.local + " (" + agency.name.latin + ")",
    });
    chosen.hidden = false;
    $("c-agency-remove").focus();
  }

  function unpick() {
    picked = null;
    chosen.hidden = true;
  }

  function show() {
    clear(results);
    say(status, "");
    if (!current || !query.value.trim()) return;
    const found = search(current, query.value);
    const letters = [...query.value.replace(/[\s\p{P}]/gu, "")].length;
    if (!found.length) {
      if (letters >= current.rules.min_query) say(status, texts["complaint.agency_none"]);
      return;
    }
    found.slice(0, MAX_SHOWN).forEach((f) => {
      const button = el("button", { type: "button", className: "px-agency__option" }, [
        el("span", { text: f.agency.name.local }), " · ", el("span", { text: f.agency.name.latin }),
        " · ", el("span", { dir: "ltr", text: f.agency.licence }),
      ]);
      button.addEventListener("click", () => pick(f.agency));
      results.append(el("li", {}, [button]));
    });
  }

  async function choose(code) {
    current = null;
    clear(results);
    if (!code) return;
    if (!lists[code]) {
      say(status, texts["recruiters.loading"]);
      try {
        const response = await fetch(listsUrl + code + ".json");
        if (!response.ok) throw new Error(String(response.status));
        lists[code] = await response.json();
      } catch (err) {
        say(status, texts["recruiters.load_failed"], "error");
        return;
      }
    }
    current = lists[code];
    say(status, "");
    show();
  }

  country.addEventListener("change", () => { unpick(); choose(country.value); });
  query.addEventListener("input", show);
  // Enter in the search field picks nothing and sends nothing: the complaint is sent by its button.
  query.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
  $("c-agency-remove").addEventListener("click", () => { unpick(); query.focus(); });
  return {
    value: () => (picked ? picked.id : null),
    clear: () => { unpick(); clear(results); query.value = ""; },
  };
}
