// Start Well: signing out clears what this site kept on the device (the registers kept for use
// without a signal, check-ins queued on the phone). The server's answer does it too
// (Clear-Site-Data); this is for browsers that ignore it. Check-ins made without a signal and
// not yet sent, or conflicts not yet read, are never deleted unseen: the person is told first
// and chooses to stay signed in (and send them) or to sign out and delete them.
"use strict";

(function () {
  const PREFIX = "startwell-registers-";
  const UNSENT = ["startwell-offline-check-ins", "startwell-offline-conflicts"];

  function waiting() {
    return UNSENT.reduce((count, key) => {
      try {
        return count + (JSON.parse(window.localStorage.getItem(key)) || []).length;
      } catch (error) {
        return count;
      }
    }, 0);
  }

  async function forgetThisDevice() {
    UNSENT.forEach((key) => window.localStorage.removeItem(key));
    if ("caches" in window) {
      const names = await caches.keys();
      await Promise.all(names.filter((n) => n.startsWith(PREFIX)).map((n) => caches.delete(n)));
    }
  }

  function warn(form) {
    let box = document.getElementById("sign-out-warning");
    if (!box) {
      box = document.createElement("div");
      box.id = "sign-out-warning";
      box.className = "alert alert-warning";
      box.setAttribute("role", "alert");
      box.tabIndex = -1;
      const text = document.createElement("p");
      text.textContent = form.dataset.unsentText;
      const stay = document.createElement("button");
      stay.type = "button";
      stay.className = "btn btn-primary me-2 mb-2";
      stay.textContent = form.dataset.stayText;
      stay.addEventListener("click", () => box.remove());
      const leave = document.createElement("button");
      leave.type = "button";
      leave.className = "btn btn-outline-danger mb-2";
      leave.textContent = form.dataset.leaveText;
      leave.addEventListener("click", () => {
        form.dataset.confirmed = "yes";
        form.requestSubmit();
      });
      box.append(text, stay, leave);
      document.getElementById("main-content").prepend(box);
    }
    box.focus();
  }

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-sign-out]");
    if (!form || form.dataset.leaving === "yes") return;
    event.preventDefault();
    if (waiting() > 0 && form.dataset.confirmed !== "yes") {
      warn(form);
      return;
    }
    form.dataset.leaving = "yes";
    forgetThisDevice().catch(() => {}).finally(() => form.submit());
  });
})();
