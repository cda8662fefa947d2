// Passerelle's progressive enhancements. Every page works without this file.
// Text that comes from the API is set with textContent, never parsed as HTML.

const lang = document.documentElement.lang || "en";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// The directory: the list built into the page works offline; the API's list replaces it when
// the network answers, so a reader sees centres added since the page was built.
async function refreshDirectory(list) {
  const status = document.getElementById("centre-status");
  const say = (text) => { if (status) status.textContent = text || ""; };
  say(status && status.dataset.loading);
  let payload;
  try {
    const response = await fetch(`${list.dataset.api}?lang=${encodeURIComponent(list.dataset.lang || lang)}`,
      { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    payload = await response.json();
  } catch (err) {
    say(status && status.dataset.offline);
    return;
  }
  const built = new Map([...list.querySelectorAll(".px-centre")].map((li) => [li.dataset.id, li]));
  const items = payload.centres.map((centre) => {
    const previous = built.get(centre.id);
    const li = el("li", "px-centre");
    li.dataset.id = centre.id;
    li.dataset.country = centre.country;
    li.dataset.kind = centre.kind;
    li.dataset.services = centre.services.map((s) => s.id).join(" ");
    li.dataset.languages = centre.languages.join(" ");
    li.dataset.audiences = centre.audiences.join(" ");
    const link = el("a", "px-centre__name", centre.name);
    link.href = `${encodeURIComponent(centre.id)}/`;
    li.append(link);
    const place = previous && previous.querySelector(".px-centre__place");
    li.append(place ? place.cloneNode(true) : el("span", "px-centre__place", `${centre.city} · ${centre.country}`));
    const services = el("ul", "px-centre__services");
    for (const service of centre.services) {
      const item = el("li", null, service.name);
      item.dataset.service = service.id;
      services.append(item);
    }
    li.append(services);
    return li;
  });
  list.replaceChildren(...items);
  list.dataset.source = "api";
  say("");
}

const directory = document.getElementById("centre-list");
if (directory && directory.dataset.api) refreshDirectory(directory);
