// The page helpers every script of the site shares, one signature each. Nothing here parses
// markup: text goes onto the page as text nodes and textContent, never as HTML.

export function $(id) {
  return document.getElementById(id);
}

// A UI string with its {placeholders} filled from `values`; a placeholder without a value stays.
export function fill(text, values) {
  return String(text ?? "").replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole);
}

// An element built from properties (`text`: its text; `attrs`: attributes; anything else is set
// as a property) and children (nodes, or strings as text; null and undefined are left out).
export function el(tag, props, children) {
  const node = document.createElement(tag);
  Object.keys(props || {}).forEach((name) => {
    if (name === "text") node.textContent = props.text;
    else if (name === "attrs") Object.keys(props.attrs).forEach((a) => node.setAttribute(a, props.attrs[a]));
    else node[name] = props[name];
  });
  (children || []).forEach((child) => {
    if (child === null || child === undefined) return;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  });
  return node;
}

// The node, emptied.
export function clear(node) {
  node.replaceChildren();
  return node;
}

// A status line's text, and its kind ("error"...) as its px-message--<kind> modifier.
export function say(node, text, kind) {
  node.textContent = text || "";
  node.className = node.className.replace(/\s*px-message--\w+/g, "") + (kind ? " px-message--" + kind : "");
}
