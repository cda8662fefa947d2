// Anonymous submissions (complaints, bookings and the waiting list, feedback) carry a small proof
// of work instead of a third-party captcha: GET /api/challenge, find a nonce, send
// `X-Proof: <challenge>:<nonce>`. With the API calls and the "try again after" time they share:
// window.PxProof, for complaint.js, booking.js and feedback.js.
(function () {
  "use strict";
  // ---- SHA-256 (FIPS 180-4): synchronous, ASCII input ---------------------------------------
  var K = [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2];
  var W = new Array(64);
  function sha256Words(text) {
    var bytes = text.length, blocks = ((bytes + 9 + 63) >> 6);
    var m = new Array(blocks * 16).fill(0);
    for (var i = 0; i < bytes; i++) m[i >> 2] |= (text.charCodeAt(i) & 0xff) << (24 - (i % 4) * 8);
    m[bytes >> 2] |= 0x80 << (24 - (bytes % 4) * 8);
    m[blocks * 16 - 1] = bytes * 8;
    var h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a;
    var h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (var b = 0; b < blocks; b++) {
      for (var t = 0; t < 64; t++) {
        if (t < 16) { W[t] = m[b * 16 + t] | 0; continue; }
        var x = W[t - 15], y = W[t - 2];
        var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
      }
      var a = h0, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7, bb = h1;
      for (t = 0; t < 64; t++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[t] + W[t]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var t2 = (S0 + ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = bb; bb = a; a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + bb) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
    }
    return [h0, h1, h2, h3, h4, h5, h6, h7];
  }
  function leadingZeroBits(words) {
    var bits = 0;
    for (var i = 0; i < words.length; i++) {
      if (words[i] === 0) { bits += 32; continue; }
      return bits + Math.clz32(words[i]);
    }
    return bits;
  }
  // Find a nonce in slices, so the page stays responsive on a slow phone.
  function solve(challenge, difficulty) {
    return new Promise(function (resolve) {
      var nonce = 0;
      (function slice() {
        var end = nonce + 4000;
        for (; nonce < end; nonce++) {
          if (leadingZeroBits(sha256Words(challenge + ":" + nonce)) >= difficulty) return resolve(String(nonce));
        }
        setTimeout(slice, 0);
      })();
    });
  }

  // ---- the API: every answer as {status, body, retryAfter}; status 0 when offline -------------
  // The body is the parsed JSON, or the text of another answer (a calendar file).
  function request(method, path, body, headers) {
    var init = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
    Object.keys(headers || {}).forEach(function (k) { init.headers[k] = headers[k]; });
    if (body !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch("/api" + path, init).then(function (response) {
      var answer = function (payload) {
        return { status: response.status, body: payload, retryAfter: response.headers.get("Retry-After") };
      };
      var json = (response.headers.get("Content-Type") || "").indexOf("json") !== -1;
      return (json ? response.json() : response.text()).then(answer, function () { return answer(null); });
    }, function () { return { status: 0, body: null, retryAfter: null }; });
  }
  function api(path, body, headers) {
    return request(body === undefined ? "GET" : "POST", path, body, headers);
  }

  // ---- a proof solved before it is needed -------------------------------------------------------
  // A form calls prepare() while the person fills it in, so sending does not wait for the solver.
  // A challenge lasts 10 minutes on the server and is used once: a prepared proof is used if it is
  // younger than 9 minutes (elapsed time: the phone's clock may be changed meanwhile), and only once.
  var FRESH_MS = 9 * 60 * 1000;
  var ready = null;  // {at, promise}: the promise gives {header} or, when no challenge came, {failed: answer}
  function prepare() {
    if (ready && performance.now() - ready.at < FRESH_MS) return;
    var mine = ready = {
      at: performance.now(),
      promise: api("/challenge").then(function (challenge) {
        if (challenge.status !== 200) return { failed: challenge };
        return solve(challenge.body.challenge, challenge.body.difficulty).then(function (nonce) {
          return { header: challenge.body.challenge + ":" + nonce };
        });
      })
    };
    mine.promise.then(function (proof) { if (proof.failed && ready === mine) ready = null; });  // offline: later
  }
  function take() {
    prepare();
    var mine = ready;
    ready = null;
    return mine.promise;
  }
  // POST with a proof (and an Idempotency-Key, so a retry is counted once). A proof the server
  // refuses (it expired while the phone slept) is replaced once.
  function post(path, body, key, again) {
    return take().then(function (proof) {
      if (proof.failed) return proof.failed;
      var headers = { "X-Proof": proof.header };
      if (key) headers["Idempotency-Key"] = key;
      return api(path, body, headers).then(function (answer) {
        var error = answer.status === 400 && answer.body && answer.body.error;
        return error && error.field === "X-Proof" && !again ? post(path, body, key, true) : answer;
      });
    });
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // ---- when to try again (a 429's Retry-After), on this phone's clock ------------------------------
  // "14:05" (24-hour, to the next whole minute) within 12 hours; beyond, the day too, in the page
  // language's pattern and month names (`dates`: hooks/directory.py's date_formats), else ISO.
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function retryTime(retryAfter, dates, now) {
    now = now || Date.now();
    var seconds = Math.max(1, Number(retryAfter) || 60);
    var at = new Date(Math.ceil((now + seconds * 1000) / 60000) * 60000);
    var time = pad(at.getHours()) + ":" + pad(at.getMinutes());
    if (seconds <= 12 * 3600) return time;
    var day = !dates ? at.getFullYear() + "-" + pad(at.getMonth() + 1) + "-" + pad(at.getDate())
      : dates.pattern.replace(/'([^']*)'|MMM+|MM|M|dd|d/g, function (token, quoted) {
        if (quoted !== undefined) return quoted || "'";
        if (token.indexOf("MMM") === 0) return dates.months[at.getMonth()];
        if (token === "MM") return pad(at.getMonth() + 1);
        if (token === "M") return String(at.getMonth() + 1);
        return token === "dd" ? pad(at.getDate()) : String(at.getDate());
      });
    return day + " " + time;
  }

  window.PxProof = { api: api, request: request, prepare: prepare, post: post, solve: solve, newKey: newKey,
                     retryTime: retryTime };
  window.__pxSha256 = sha256Words;  // for the tests that check it against the server
})();
