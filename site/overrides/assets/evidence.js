// Evidence files on the complaint form and in follow-up messages (issue 14): up to 5 photos or PDFs.
// Nothing identifying leaves the phone when the phone can help it: a photo is redrawn on a canvas,
// longest side at most 2,000 px, and sent as a new JPEG, which carries no EXIF (no GPS, no phone
// model), XMP, IPTC or comment, and shrinks a 5 MB camera photo well under 1 MB. A PDF cannot be
// cleaned here: the server cleans it (it cleans every file, photos too). The file's name and type
// are never sent (a neutral name goes instead). A file the phone cannot read (damaged, a picture
// too large to open safely, not a photo at all) is sent as it is, and the server answers why it
// refuses it; the page says that in its language. Each upload has a progress bar and survives a
// dropped connection: it is tried again with the same Idempotency-Key, so it is stored once.
import { el, say } from "./dom.js";
import { newKey, takeProof } from "./api.js";

export const MAX_FILES = 5;
export const MAX_BYTES = 4 * 1024 * 1024;  // a file as sent (the server's limit)
const MAX_READ = 40 * 1024 * 1024;  // a photo larger than this is not even opened on the phone
const MAX_SIDE = 2000;
const MAX_PIXELS = 50000000;  // as the server's cleaner: a larger picture is not decoded here
const QUALITY = 0.85;
const WAITS = [1, 2, 4, 8, 15, 30];  // seconds between tries after a dropped connection
const CODES = ["empty", "too_large", "unsupported_type", "decompression_bomb", "malformed", "too_many_pages",
  "pdf_encrypted", "pdf_active_content", "pdf_embedded_file"];

// ---- what a file is, from its first bytes (never its name or declared type) -----------------------
function sniff(b) {
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "png";
  if (ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP") return "webp";
  if (ascii(b, 0, 5) === "%PDF-") return "pdf";
  return null;
}
function ascii(b, from, to) { return String.fromCharCode.apply(null, b.subarray(from, to)); }
function u16be(b, i) { return (b[i] << 8) | b[i + 1]; }
function u32be(b, i) { return ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3]; }
function u24le(b, i) { return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16); }

// Width and height from the header, before anything is decoded (a 30,000 x 30,000 picture would
// take gigabytes of the phone's memory), and whether the picture is all there.
function jpegInfo(b) {
  let i = 2, size = null;
  while (i + 4 <= b.length && b[i] === 0xff) {
    const marker = b[i + 1], length = u16be(b, i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      size = { width: u16be(b, i + 7), height: u16be(b, i + 5) };
    }
    if (marker === 0xda) {  // the scan: an end-of-image marker must follow it somewhere
      for (let j = i + 2 + length; j + 1 < b.length; j++) {
        if (b[j] === 0xff && b[j + 1] === 0xd9) return size && { ...size, whole: true };
      }
      return size && { ...size, whole: false };
    }
    i += 2 + length;
  }
  return null;
}
function pictureInfo(b, kind) {
  if (kind === "jpeg") return jpegInfo(b);
  if (kind === "png") {
    const whole = ascii(b, b.length - 8, b.length - 4) === "IEND";
    return { width: u32be(b, 16), height: u32be(b, 20), whole };
  }
  const whole = b.length >= (u32be([b[7], b[6], b[5], b[4]], 0) + 8);  // the RIFF size, little-endian
  const chunk = ascii(b, 12, 16);
  if (chunk === "VP8X") return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1, whole };
  if (chunk === "VP8 ") return { width: u16be([b[27], b[26]], 0) & 0x3fff, height: u16be([b[29], b[28]], 0) & 0x3fff, whole };
  if (chunk === "VP8L") {
    const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1, whole };
  }
  return null;
}

// A photo redrawn upright at most MAX_SIDE px: a new JPEG with nothing but its pixels.
async function redraw(blob) {
  const bitmap = await createImageBitmap(blob, { imageOrientation: "from-image" });
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = el("canvas", {
    width: Math.max(1, Math.round(bitmap.width * scale)), height: Math.max(1, Math.round(bitmap.height * scale))
  });
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";  // a transparent screenshot stays readable as a JPEG
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return new Promise((resolve, reject) => canvas.toBlob(
    (made) => (made ? resolve(made) : reject(new Error("encode"))), "image/jpeg", QUALITY));
}

// What is sent for a chosen file: {blob, kind} or {refused: code} (said without asking the server).
export async function prepareFile(file) {
  const head = new Uint8Array(await file.slice(0, 64).arrayBuffer());
  const kind = sniff(head);
  const picture = kind && kind !== "pdf";
  if (!picture && file.size > MAX_BYTES) return { refused: "too_large" };
  if (picture && file.size <= MAX_READ) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const info = pictureInfo(bytes, kind);
    if (info && info.whole && info.width * info.height <= MAX_PIXELS) {
      try {
        return { blob: await redraw(file), kind: "photo" };
      } catch (err) { /* the phone could not read it: the server says why */ }
    }
  }
  if (file.size > MAX_BYTES) return { refused: "too_large" };
  return { blob: file, kind: kind === "pdf" ? "document" : "photo" };
}

function base64(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).slice(String(reader.result).indexOf(",") + 1));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

// One POST with upload progress (fetch has none): {status, body, retryAfter}; status 0 offline.
function post(body, headers, onProgress, item) {
  return new Promise((resolve) => {
    const xhr = item.xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/complaints/attachments");
    xhr.timeout = 120000;
    Object.keys(headers).forEach((name) => xhr.setRequestHeader(name, headers[name]));
    xhr.upload.onprogress = (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total); };
    const gone = () => resolve({ status: 0, body: null, retryAfter: null });
    xhr.onerror = xhr.ontimeout = gone;
    xhr.onabort = () => resolve({ status: -1, body: null, retryAfter: null });
    xhr.onload = () => {
      let parsed = null;
      try { parsed = JSON.parse(xhr.responseText); } catch (err) { parsed = null; }
      resolve({ status: xhr.status, body: parsed, retryAfter: xhr.getResponseHeader("Retry-After") });
    };
    xhr.send(body);
  });
}

function pause(seconds) { return new Promise((done) => setTimeout(done, seconds * 1000)); }

// Send one prepared file until the server answers: the same Idempotency-Key on every try, so a
// try whose answer was lost is not stored twice; a new proof when the server refused the first.
async function upload(item, show) {
  const data = JSON.stringify({ filename: "file", content_type: "application/octet-stream", data: await base64(item.blob) });
  let proof = await takeProof();
  for (let attempt = 0; ; attempt++) {
    if (item.gone) return null;
    if (proof.failed) return proof.failed;
    const headers = { "Content-Type": "application/json", Accept: "application/json",
      "X-Proof": proof.header, "Idempotency-Key": item.key };
    show("sending", 0);
    const answer = await post(data, headers, (share) => show("sending", share), item);
    const error = answer.body && answer.body.error;
    if (answer.status === 400 && error && error.field === "X-Proof" && attempt < 2) { proof = await takeProof(); continue; }
    const busy = answer.status === 409 && error && error.field === "Idempotency-Key";
    if ((answer.status === 0 || answer.status >= 500 || busy) && attempt < WAITS.length) {
      show("retrying", 0);
      await pause(busy ? Math.max(1, Number(answer.retryAfter) || 1) : WAITS[attempt]);
      continue;
    }
    return answer;
  }
}

// ---- the list of files on a form ------------------------------------------------------------------
// `root` holds an <input type=file> (data-evidence-input) and a <ul> (data-evidence-list); `msg`
// the page's strings. Returns {ids(), busy(), clear()}.
export function evidenceList(root, msg) {
  const input = root.querySelector("[data-evidence-input]");
  const list = root.querySelector("[data-evidence-list]");
  const note = root.querySelector("[data-evidence-status]");
  let items = [];

  function row(item) {
    const bar = el("progress", { max: 1, value: 0 });
    const state = el("span", { className: "px-evidence__state", attrs: { "aria-live": "polite" } });
    const retry = el("button", { type: "button", className: "md-button", hidden: true, text: msg["evidence.retry"] });
    const remove = el("button", { type: "button", className: "md-button", text: msg["evidence.remove"] });
    const kind = el("span", { className: "px-evidence__kind" });
    const name = el("span", { className: "px-evidence__name", text: item.file.name });  // shown here, never sent
    const line = el("li", { className: "px-evidence__file" }, [name, " ", kind, bar, state, retry, remove]);
    item.show = (what, share, text) => {
      item.state = what;
      bar.hidden = what !== "sending";
      if (share !== undefined) bar.value = share;
      kind.textContent = item.kind ? "(" + msg[item.kind === "document" ? "evidence.document" : "evidence.photo"] + ")" : "";
      state.textContent = text || msg["evidence." + what] || "";
      line.className = "px-evidence__file px-evidence__file--" + what;
      retry.hidden = what !== "failed";
    };
    retry.addEventListener("click", () => start(item));
    remove.addEventListener("click", () => {
      item.gone = true;
      if (item.xhr) item.xhr.abort();
      items = items.filter((other) => other !== item);
      line.remove();
      input.disabled = items.length >= MAX_FILES;
      say(note, "");
    });
    return line;
  }

  async function start(item) {
    item.show("preparing");
    if (!item.prepared) item.prepared = await prepareFile(item.file);
    if (item.gone) return;
    if (item.prepared.refused) { item.show("refused", 0, msg["evidence.error." + item.prepared.refused]); return; }
    item.blob = item.prepared.blob;
    item.kind = item.prepared.kind;
    const answer = await upload(item, item.show);
    if (!answer || item.gone || answer.status === -1) return;
    if (answer.status === 201) {
      item.id = answer.body.attachment_id;
      item.kind = answer.body.kind;
      item.blob = null;  // sent: nothing of it is kept on the page
      item.show("sent", 1);
      return;
    }
    const code = answer.body && answer.body.error && answer.body.error.code;
    if (answer.status === 429) item.show("refused", 0, msg["evidence.error.rate"]);
    else if (CODES.indexOf(code) >= 0) item.show("refused", 0, msg["evidence.error." + code]);
    else if (answer.status === 413) item.show("refused", 0, msg["evidence.error.too_large"]);
    else item.show("failed", 0, msg["evidence.failed"]);
  }

  input.addEventListener("change", () => {
    const chosen = Array.prototype.slice.call(input.files || []);
    input.value = "";  // the list below holds them; the input is ready for more
    const room = MAX_FILES - items.length;
    say(note, chosen.length > room ? msg["evidence.limit"] : "", chosen.length > room ? "error" : "");
    chosen.slice(0, Math.max(0, room)).forEach((file) => {
      const item = { file, key: newKey() };
      items.push(item);
      list.append(row(item));
      start(item);
    });
    input.disabled = items.length >= MAX_FILES;
  });

  function clear() {
    items.forEach((item) => { item.gone = true; item.blob = null; if (item.xhr) item.xhr.abort(); });
    items = [];
    list.replaceChildren();
    input.value = "";
    input.disabled = false;
    say(note, "");
  }
  // The quick exit (exit.js) and leaving the page forget the chosen files at once.
  const exit = document.getElementById("px-exit");
  if (exit) exit.addEventListener("click", clear, true);
  document.addEventListener("keydown", (event) => {
    if (exit && event.key === "Escape" && !event.isComposing && event.keyCode !== 229) clear();
  }, true);
  window.addEventListener("pagehide", clear);
  root.hidden = false;

  return {
    ids: () => items.filter((item) => item.id).map((item) => item.id),
    busy: () => items.some((item) => ["preparing", "sending", "retrying"].indexOf(item.state) >= 0),
    clear,
  };
}
