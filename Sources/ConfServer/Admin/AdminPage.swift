/// The web admin page served at `/`: plain HTML, CSS and JavaScript with no build step.
///
/// It asks for the admin token (kept in the tab's session storage), lists rooms, adds and edits them with the
/// PIN hidden until "show", and shows a room's callers live over the event WebSocket, with mute and kick.
enum AdminPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Parley admin</title>
<style>
 body { font: 15px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
 h1 { font-size: 1.4em; } table { border-collapse: collapse; margin: 1em 0; }
 td, th { border: 1px solid #ccc; padding: .3em .6em; text-align: left; }
 .talking { background: #dfd; } .error { color: #b00; } form input { margin-right: .5em; }
 button { margin-right: .3em; }
</style>
</head>
<body>
<h1>Parley admin</h1>
<p><label>Token <input id="token" type="password" size="30"></label><button id="save-token">Use</button></p>
<p id="error" class="error"></p>
<h2>Rooms</h2>
<table id="rooms"><thead><tr><th>Extension</th><th>Name</th><th>PIN</th><th></th></tr></thead><tbody></tbody></table>
<form id="room-form">
 <input id="room-name" placeholder="Name" required>
 <input id="room-extension" placeholder="Extension" required>
 <input id="room-pin" placeholder="PIN (blank: generate)">
 <button type="submit">Save room</button>
</form>
<h2 id="live-title">Live room</h2>
<table id="live"><thead><tr><th>Id</th><th>Name</th><th>State</th><th></th></tr></thead><tbody></tbody></table>
<script>
"use strict";
const api = "/api/v1";
let token = sessionStorage.getItem("parley-token") || "";
let watched = null;
const talking = new Set();
document.getElementById("token").value = token;
document.getElementById("save-token").onclick = () => {
  token = document.getElementById("token").value;
  sessionStorage.setItem("parley-token", token);
  loadRooms(); connectEvents();
};
async function call(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers["Authorization"] = "Bearer " + token;
  const response = await fetch(api + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({ detail: response.statusText }));
    document.getElementById("error").textContent = problem.detail || problem.title;
    throw new Error(problem.detail);
  }
  document.getElementById("error").textContent = "";
  return response.status === 204 ? null : response.json();
}
function cell(row, text) { const td = row.insertCell(); td.textContent = text; return td; }
function button(td, label, action) {
  const b = document.createElement("button"); b.textContent = label; b.onclick = action; td.appendChild(b); return b;
}
async function loadRooms() {
  const list = await call("GET", "/rooms");
  const body = document.querySelector("#rooms tbody"); body.innerHTML = "";
  for (const room of list.rooms) {
    const row = body.insertRow(); row.dataset.extension = room.extension;
    cell(row, room.extension); cell(row, room.name);
    const pin = cell(row, room.pin);
    const actions = row.insertCell();
    button(actions, "Show", async () => {
      pin.textContent = (await call("GET", "/rooms/" + room.extension + "?show_pin=true")).pin;
    });
    button(actions, "Edit", () => {
      document.getElementById("room-name").value = room.name;
      document.getElementById("room-extension").value = room.extension;
      document.getElementById("room-pin").value = "";
    });
    button(actions, "Live", () => { watched = room.extension; loadLive(); });
    button(actions, "Delete", async () => { await call("DELETE", "/rooms/" + room.extension); loadRooms(); });
  }
}
document.getElementById("room-form").onsubmit = async (event) => {
  event.preventDefault();
  const name = document.getElementById("room-name").value;
  const extension = document.getElementById("room-extension").value;
  const pin = document.getElementById("room-pin").value;
  const body = { name, extension };
  if (pin) body.pin = pin;
  const exists = [...document.querySelectorAll("#rooms tbody tr")].some(r => r.dataset.extension === extension);
  if (exists) await call("PATCH", "/rooms/" + extension, body); else await call("POST", "/rooms", body);
  loadRooms();
};
async function loadLive() {
  if (!watched) return;
  document.getElementById("live-title").textContent = "Live room " + watched;
  const view = await call("GET", "/rooms/" + watched + "/participants");
  const body = document.querySelector("#live tbody"); body.innerHTML = "";
  for (const p of view.participants) {
    const row = body.insertRow(); row.dataset.participant = p.id;
    if (talking.has(p.id)) row.className = "talking";
    cell(row, p.id); cell(row, p.name || "caller");
    cell(row, (p.muted ? "muted " : "") + (talking.has(p.id) ? "talking" : p.stage));
    const actions = row.insertCell();
    button(actions, p.muted ? "Unmute" : "Mute", async () => {
      await call("POST", "/rooms/" + watched + "/participants/" + p.id + (p.muted ? "/unmute" : "/mute")); loadLive();
    });
    button(actions, "Kick", async () => {
      await call("DELETE", "/rooms/" + watched + "/participants/" + p.id); loadLive();
    });
  }
}
let socket = null;
function connectEvents() {
  if (socket) socket.close();
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  socket = new WebSocket(scheme + location.host + api + "/events" + (token ? "?token=" + encodeURIComponent(token) : ""));
  socket.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "startedTalking") talking.add(event.participant);
    if (event.type === "stoppedTalking" || event.type === "left") talking.delete(event.participant);
    if (event.room && event.room === watched) loadLive();
  };
}
loadRooms().catch(() => {}); connectEvents();
</script>
</body>
</html>
"""#
}
