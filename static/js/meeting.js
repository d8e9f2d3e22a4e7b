// The meeting timer: counts down from the server's turn start, hands over at zero.
// The server keeps the turn instants, so a reload (or the partner's screen) shows the same time.
"use strict";
(function () {
  const handedOver = new Set();
  // What a screen reader hears, politely: each new turn, and one minute before a turn ends.
  // The countdown itself is not a live region: a number read out every second helps nobody.
  let announcedTurn = null;
  const warnedTurns = new Set();

  function announce(text) {
    const out = document.getElementById("timer-announce");
    if (out && text) out.textContent = text.replace(/\s+/g, " ").trim();
  }

  function format(seconds) {
    const s = Math.max(0, Math.round(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function tick() {
    const panel = document.querySelector("[data-timer]");
    if (!panel) return;
    if (!panel.dataset.offset) {
      // Server time minus this device's time, so a wrong device clock does not matter.
      panel.dataset.offset = String(Date.parse(panel.dataset.serverNow) - Date.now());
    }
    const current = panel.dataset.currentSeat || "";
    document.querySelectorAll("[data-turn-seat]").forEach(function (el) {
      el.classList.toggle("current", el.dataset.turnSeat === current);
    });
    const turn = panel.dataset.turn || (panel.querySelector("[data-finished]") ? "done" : "");
    if (announcedTurn === null) {
      announcedTurn = turn;  // the page just opened: nothing has changed yet
    } else if (turn !== announcedTurn) {
      announcedTurn = turn;
      const line = panel.querySelector(".timer-line");
      if (line) announce(line.textContent);
    }
    if (!panel.dataset.endsAt) return;
    const now = Date.now() + Number(panel.dataset.offset);
    const remaining = (Date.parse(panel.dataset.endsAt) - now) / 1000;
    if (remaining <= 60 && remaining > 0 && !warnedTurns.has(panel.dataset.turn)) {
      warnedTurns.add(panel.dataset.turn);
      const out = document.getElementById("timer-announce");
      if (out) announce(out.dataset.oneMinute);
    }
    const out = panel.querySelector("[data-countdown]");
    if (out) out.textContent = format(remaining);
    panel.classList.toggle("ending", remaining <= 30);
    if (remaining <= 0 && !handedOver.has(panel.dataset.turn)) {
      handedOver.add(panel.dataset.turn);
      const form = panel.querySelector("form[data-hand-over]");
      if (form) form.requestSubmit();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 1000);
  });
  document.addEventListener("htmx:afterSwap", tick);
})();
