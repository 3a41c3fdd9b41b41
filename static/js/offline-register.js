// Start Well: registers without a signal. Loaded on the champions' dashboard and registers.
// - Installs the service worker, which keeps today's registers readable offline.
// - On the dashboard, keeps a copy of each of today's registers while there is a signal.
// - On a register, a check-in made offline is queued on the phone (localStorage) and sent when
//   the phone is back online. Each is then saved, or shown as a conflict (the family cancelled
//   meanwhile, say) until the champion has read it: never dropped without a word.
// Without JavaScript the register works as ever, online: every button is an ordinary form.
"use strict";

(function () {
  const QUEUE = "startwell-offline-check-ins";
  const CONFLICTS = "startwell-offline-conflicts";
  const PREFIX = "startwell-registers-";

  function today() {
    const now = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  }

  function load(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key)) || [];
    } catch (error) {
      return [];
    }
  }

  function store(key, items) {
    window.localStorage.setItem(key, JSON.stringify(items));
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/service-worker.js", { scope: "/" }).catch(() => {});
  }

  // The dashboard: a copy of each of today's registers, so they open later without a signal.
  const todays = Array.from(document.querySelectorAll("a[data-todays-register]"));
  if (todays.length && "caches" in window && navigator.onLine) {
    caches.open(PREFIX + today())
      .then((cache) => cache.addAll(todays.map((link) => link.href)))
      .catch(() => {});
  }

  const status = document.getElementById("offline-status");
  if (!status) return;
  const list = status.querySelector("ul");

  function say(text, kind) {
    const item = document.createElement("li");
    item.textContent = text;
    item.className = kind === "conflict" ? "text-danger fw-bold" : "";
    list.appendChild(item);
    status.hidden = false;
  }

  function showConflicts() {
    const conflicts = load(CONFLICTS);
    const box = document.getElementById("offline-conflicts");
    const items = box.querySelector("ul");
    items.replaceChildren();
    conflicts.forEach((conflict) => {
      const item = document.createElement("li");
      item.textContent = conflict.message;
      items.appendChild(item);
    });
    box.hidden = conflicts.length === 0;
  }

  function markQueued(bookingId) {
    const row = document.getElementById(`booking-${bookingId}`);
    const form = row && row.querySelector("form[data-offline-check-in]");
    if (form) {
      const note = document.createElement("p");
      note.className = "badge text-bg-warning text-wrap";
      note.textContent = form.dataset.queuedText;
      form.replaceWith(note);
    }
  }

  function markSaved(bookingId, text) {
    const row = document.getElementById(`booking-${bookingId}`);
    const badge = row && row.querySelector(".badge.text-bg-warning");
    if (badge) {
      badge.className = "badge text-bg-success";
      badge.textContent = text;
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-offline-check-in]");
    if (!form || navigator.onLine) return; // online: the ordinary form does it
    event.preventDefault();
    const queue = load(QUEUE);
    queue.push({
      url: form.dataset.syncUrl,
      booking: form.dataset.bookingId,
      name: form.dataset.name,
      csrf: form.querySelector("[name=csrfmiddlewaretoken]").value,
      at: new Date().toISOString(),
    });
    store(QUEUE, queue);
    markQueued(form.dataset.bookingId);
    say(form.dataset.queuedText);
  });

  let sending = false;

  async function send() {
    if (sending || !navigator.onLine) return;
    sending = true;
    try {
      for (const item of load(QUEUE)) {
        let response;
        try {
          response = await fetch(item.url, {
            method: "POST",
            credentials: "same-origin",
            redirect: "manual",
            headers: { "X-CSRFToken": item.csrf, Accept: "application/json" },
            body: new URLSearchParams({ booking_id: item.booking, checked_in_at: item.at }),
          });
        } catch (error) {
          break; // still no signal: try again when the phone says it is online
        }
        if (response.type === "opaqueredirect") {
          say(status.dataset.signInText, "conflict");
          break; // kept: the champion signs in (or confirms their second factor) first
        }
        let answer = {};
        try {
          answer = await response.json();
        } catch (error) {
          answer = { message: `${item.name}: ${status.dataset.failedText}` };
        }
        const left = load(QUEUE).filter((queued) => queued.booking !== item.booking);
        if (response.ok) {
          store(QUEUE, left);
          markSaved(item.booking, answer.message);
          say(answer.message);
        } else {
          // A conflict is kept until the champion dismisses it.
          const conflicts = load(CONFLICTS);
          conflicts.push({ booking: item.booking, message: answer.message });
          store(CONFLICTS, conflicts);
          store(QUEUE, left);
          showConflicts();
        }
      }
    } finally {
      sending = false;
    }
  }

  load(QUEUE).forEach((item) => markQueued(item.booking));
  showConflicts();
  document.getElementById("offline-conflicts-dismiss").addEventListener("click", () => {
    store(CONFLICTS, []);
    showConflicts();
  });
  const print = document.getElementById("print-register");
  print.hidden = false;
  print.addEventListener("click", () => window.print());
  window.addEventListener("online", send);
  send();
})();
