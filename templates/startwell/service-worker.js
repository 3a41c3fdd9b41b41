// Start Well: keeps the champions' registers of the day readable without a signal.
// Pages under /champions/ and the portal's own static files are fetched from the network
// first; a copy of each answer is kept for today only, and used when the network fails.
// Copies from another day are deleted, so families' details do not stay on the phone.
"use strict";

const PREFIX = "startwell-registers-";

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function cacheName() {
  return PREFIX + today();
}

async function forgetOtherDays() {
  const names = await caches.keys();
  await Promise.all(
    names.filter((name) => name.startsWith(PREFIX) && name !== cacheName())
      .map((name) => caches.delete(name)),
  );
}

function kept(url) {
  return url.origin === self.location.origin &&
    (url.pathname.startsWith("/champions/") || url.pathname.startsWith("/static/"));
}

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(forgetOtherDays().then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (!kept(url)) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && !response.redirected && response.type === "basic") {
          const copy = response.clone();
          event.waitUntil(
            forgetOtherDays().then(() => caches.open(cacheName()))
              .then((cache) => cache.put(request, copy)),
          );
        }
        return response;
      })
      .catch(async () => {
        const cache = await caches.open(cacheName());
        // Ignore Vary: a copy saved from the dashboard was fetched with other headers.
        const copy = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
        return copy || Response.error();
      }),
  );
});
