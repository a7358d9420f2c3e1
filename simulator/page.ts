// GET /_sim: a self-contained page (no build step, no external assets) over the /_sim JSON API.
export function simPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Evolution simulator</title>
<style>
body{font:14px system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
header{background:#128c7e;color:#fff;padding:12px 20px}header h1{margin:0;font-size:18px}
main{padding:16px 20px;display:grid;gap:16px}
.panel,.card{background:#fff;border-radius:8px;padding:14px;box-shadow:0 1px 3px #0002}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:16px}
.state{display:inline-block;padding:2px 8px;border-radius:10px;font-size:12px;color:#fff}
.open{background:#25a244}.connecting{background:#d89a00}.close{background:#8a8f98}
img.qr{width:220px;height:220px;image-rendering:pixelated;display:block;margin:8px 0}
button{cursor:pointer;border:0;border-radius:6px;padding:6px 12px;background:#128c7e;color:#fff}
button.secondary{background:#5b6270}button:disabled{opacity:.35;cursor:default}input,select{padding:5px;border:1px solid #ccd;border-radius:5px}
form{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:6px 0}
pre{background:#f0f1f4;padding:8px;border-radius:6px;max-height:200px;overflow:auto;font-size:12px;white-space:pre-wrap}
.muted{color:#6b7280;font-size:12px}
</style></head>
<body>
<header><h1>Evolution API simulator</h1><div class="muted" style="color:#d8f3ee">Evolution v2 on this port; control API under /_sim</div></header>
<main>
<section class="panel">
  <form id="inject"><strong>Inject inbound message</strong>
    <select name="instance" class="instances"></select>
    <input name="from" placeholder="from number, e.g. 5511988887777" required>
    <input name="pushName" placeholder="push name">
    <input name="text" placeholder="text" size="30">
    <label><input type="checkbox" name="image"> sample image</label>
    <button>Send to CRM</button></form>
  <form id="fail"><strong>Fail next sends</strong>
    <select name="instance" class="instances"></select>
    <input name="count" type="number" min="0" value="1" style="width:60px">
    <input name="status" type="number" min="400" max="599" value="500" style="width:70px">
    <button class="secondary">Apply</button></form>
  <form id="fault"><strong>Server fault</strong>
    <select name="mode"><option>none</option><option>accept-502</option><option>accept-drop</option><option>hang</option><option>accept-hang</option><option>refuse</option></select>
    <select name="scope"><option value="send">send routes</option><option value="all">all routes</option></select>
    <select name="unit"><option value="count">next N requests</option><option value="for_ms">for N ms</option><option value="">until cleared</option></select>
    <input name="n" type="number" min="1" value="1" style="width:80px">
    <button class="secondary">Apply</button> <span id="fault-now" class="muted"></span></form>
  <div id="msg" class="muted"></div>
</section>
<section class="cards" id="cards"></section>
</main>
<script>
const $ = (s, el = document) => el.querySelector(s);
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]);
async function call(path, body) {
  const res = await fetch("/_sim" + path, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const data = await res.json();
  if (!res.ok) throw new Error(data.error || res.statusText);
  return data;
}
function note(text) { $("#msg").textContent = text; }
let names = "";
async function refresh() {
  const list = await call("/instances");
  const f = await call("/faults");
  $("#fault-now").textContent = f.mode === "none" ? "no fault" : f.mode + " on " + f.scope + (f.active ? "" : " (ended)") +
    (f.remaining !== null ? ", " + f.remaining + " left" : "") + (f.until ? ", until " + f.until.slice(11, 19) : "") + ", hit " + f.hits;
  const nextNames = list.map((i) => i.name).join("\\n");
  if (nextNames !== names) {
    names = nextNames;
    for (const sel of document.querySelectorAll("select.instances"))
      sel.innerHTML = list.map((i) => '<option>' + esc(i.name) + '</option>').join("");
  }
  const cards = await Promise.all(list.map(async (i) => {
    const sends = await call("/instances/" + encodeURIComponent(i.name) + "/sends");
    const qr = i.qr ? '<img class="qr" alt="QR code" src="' + esc(i.qr.base64) + '">' +
      (i.qr.pairingCode ? '<div>Pairing code: <b>' + esc(i.qr.pairingCode.slice(0, 4) + "-" + i.qr.pairingCode.slice(4)) + '</b></div>' : "") +
      '<div class="muted">QR #' + i.qr.count + '</div>' : "";
    return '<div class="card" data-name="' + esc(i.name) + '"><h3>' + esc(i.name) + ' <span class="state ' + i.state + '">' + i.state + '</span></h3>' +
      '<div class="muted">' + esc(i.ownerJid || "not logged in") + (i.profileName ? " · " + esc(i.profileName) : "") + '</div>' +
      '<div class="muted">webhook: ' + esc(i.webhook ? i.webhook.url : "none") + '</div>' + qr +
      '<p><button data-act="scan"' + (i.state === "connecting" ? "" : " disabled") + '>Scan</button> ' +
      '<button class="secondary" data-act="disconnect"' + (i.state === "close" ? " disabled" : "") + '>Disconnect</button> ' +
      '<button class="secondary" data-act="refresh-qr"' + (i.state === "connecting" ? "" : " disabled") + '>New QR</button></p>' +
      (i.failSends ? '<div class="muted">next ' + i.failSends.remaining + ' sends fail with ' + i.failSends.status + '</div>' : "") +
      '<div><b>Recorded sends (' + sends.length + ')</b></div><pre>' + esc(sends.slice(-5).reverse().map((s) => s.at + " " + s.route + " → " + s.status + "\\n" + JSON.stringify(s.body, null, 1)).join("\\n\\n") || "none") + '</pre></div>';
  }));
  $("#cards").innerHTML = cards.join("") || '<div class="panel">No instances yet. Create one from Parley (or POST /instance/create).</div>';
}
$("#cards").addEventListener("click", async (e) => {
  const btn = e.target.closest("button[data-act]");
  if (!btn) return;
  const name = btn.closest(".card").dataset.name;
  try { await call("/instances/" + encodeURIComponent(name) + "/" + btn.dataset.act, {}); note(btn.dataset.act + " " + name + ": done"); }
  catch (err) { note(err.message); }
  refresh();
});
$("#inject").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const body = { from: f.get("from"), pushName: f.get("pushName") || undefined };
  if (f.get("image")) body.media = { type: "image", caption: f.get("text") || undefined };
  else body.text = f.get("text");
  try { await call("/instances/" + encodeURIComponent(f.get("instance")) + "/inbound", body); note("Injected"); }
  catch (err) { note(err.message); }
  refresh();
});
$("#fail").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  try { await call("/instances/" + encodeURIComponent(f.get("instance")) + "/fail-sends", { count: Number(f.get("count")), status: Number(f.get("status")) }); note("Saved"); }
  catch (err) { note(err.message); }
  refresh();
});
$("#fault").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const body = { mode: f.get("mode"), scope: f.get("scope") };
  if (f.get("unit") && body.mode !== "none") body[f.get("unit")] = Number(f.get("n"));
  try { await call("/faults", body); note("Fault set"); }
  catch (err) { note(err.message); }
  refresh();
});
refresh().catch((err) => note(err.message));
setInterval(() => refresh().catch((err) => note(err.message)), 1500);
</script>
</body></html>`;
}
