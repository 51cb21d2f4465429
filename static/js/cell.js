// The review meeting page: fast keyboard entry, one row per member.
// - Enter in a row (Ctrl+Enter in a text box) saves the row and moves to the next one;
//   if the engine refuses, the focus stays on the refused row.
// - A row edited but not saved shows a "Not saved" badge.
// - The sticky quota meter does not hide the row being typed in.
// The page works without this file: every row has its own save button, and one for all rows.
(function () {
  "use strict";
  var FIELDS = "select:not([disabled]), input:not([disabled]):not([type=hidden]), textarea:not([disabled])";
  var pending = null; // {saved: row id, next: row id}

  function rowOf(element) {
    return element && element.closest ? element.closest(".js-row") : null;
  }

  function nextRow(row) {
    var next = row.nextElementSibling;
    while (next && !next.classList.contains("js-row")) { next = next.nextElementSibling; }
    return next;
  }

  function focusFirst(row) {
    var field = row && row.querySelector(FIELDS);
    if (!field) { return; }
    field.focus({ preventScroll: true });
    field.scrollIntoView({ block: "nearest" });
  }

  // On wide screens the quota meter stays at the top while the rows scroll under it: keep the
  // row being typed in out from under it.
  function padForMeter() {
    var meter = document.querySelector(".js-sticky-meter");
    var wide = window.matchMedia("(min-width: 768px)").matches;
    document.documentElement.style.scrollPaddingTop = meter && wide ? meter.offsetHeight + 8 + "px" : "";
  }
  window.addEventListener("resize", padForMeter);
  document.addEventListener("htmx:afterSettle", padForMeter);
  padForMeter();

  // The quota meter asks again when a level changes. htmx could filter "change" events itself,
  // but its filters are evaluated code, which the pages' Content-Security-Policy forbids.
  document.addEventListener("change", function (event) {
    if (event.target.classList && event.target.classList.contains("js-level")) {
      event.target.dispatchEvent(new CustomEvent("level-change", { bubbles: true }));
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey || event.altKey || event.isComposing) { return; }
    var target = event.target;
    var row = rowOf(target);
    if (!row || target.tagName === "BUTTON") { return; }
    if (target.tagName === "TEXTAREA" && !(event.ctrlKey || event.metaKey)) { return; }
    var button = row.querySelector(".js-save-row");
    if (!button || button.disabled) { return; }
    event.preventDefault();
    var next = nextRow(row);
    pending = { saved: row.id, next: next ? next.id : null };
    button.click();
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!pending) { return; }
    var saved = document.getElementById(pending.saved);
    var target = saved && saved.querySelector(".js-refused") ? saved : document.getElementById(pending.next);
    pending = null;
    focusFirst(target);
  });

  function markDirty(event) {
    var row = rowOf(event.target);
    var flag = row && row.querySelector(".js-dirty");
    if (flag) { flag.classList.remove("d-none"); }
  }
  document.addEventListener("input", markDirty);
  document.addEventListener("change", markDirty);
})();
