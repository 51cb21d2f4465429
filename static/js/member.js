// The member's pages: autosave bookkeeping and section steps on the review form, rows on the pledge.
(function () {
  "use strict";

  // -- review form: which items have unsent, in-flight or refused changes --------------------------
  var root = document.querySelector("[data-review-form]");
  var autosaved = function (el) { return el && el.closest && el.closest("form[data-autosave]"); };
  var status = function (form) { return form.querySelector(".save-status"); };
  var unsafe = function () {
    return document.querySelector(
      "form[data-autosave][data-dirty='1'], form[data-autosave][data-pending='1'], form[data-autosave][data-failed='1']"
    );
  };

  if (root) {
    ["input", "change"].forEach(function (name) {
      // Capture phase: mark the item dirty before htmx (bubbling) sends the save, whose
      // beforeRequest then clears the mark; otherwise a change would stay "unsaved".
      document.addEventListener(name, function (event) {
        var form = autosaved(event.target);
        if (form) { form.dataset.dirty = "1"; }
      }, true);
    });
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      var form = autosaved(event.detail.elt);
      if (!form) { return; }
      form.dataset.dirty = "0";
      form.dataset.pending = "1";
      status(form).textContent = root.dataset.msgSaving;
    });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var form = autosaved(event.detail.elt);
      if (!form) { return; }
      form.dataset.pending = "0";
      var xhr = event.detail.xhr;
      var refused = xhr && xhr.responseText && xhr.responseText.indexOf('data-save-state="error"') >= 0;
      if (!event.detail.successful) {
        form.dataset.failed = "1";
        form.dataset.dirty = "1";
        var message = document.createElement("span");
        message.className = "text-danger";
        message.setAttribute("role", "alert");
        var ended = xhr && xhr.status === 401; // signed out: app.js says what to do, above the page
        message.textContent = ended ? root.dataset.msgSignedOut || root.dataset.msgFailed : root.dataset.msgFailed;
        status(form).replaceChildren(message);
      } else {
        form.dataset.failed = refused ? "1" : "0";
        // Saved while the submit step is open (the step opened as the item lost focus): what
        // still blocks, and the button, are read again once the save is in.
        var blockers = document.getElementById("blockers");
        var submitPane = document.getElementById("sec-submit");
        if (blockers && submitPane && submitPane.classList.contains("active") && window.htmx) {
          window.htmx.trigger(blockers, "kd:refresh");
        }
      }
    });
    // The count of ticked reference items beside the list's title.
    document.addEventListener("change", function (event) {
      var refs = event.target.closest && event.target.closest("#refs-form");
      var count = refs && document.querySelector("[data-ref-count]");
      if (count) { count.textContent = String(refs.querySelectorAll("input[name='ticked']:checked").length); }
    });
    // Leaving with text that is not saved yet: ask first (only then).
    window.addEventListener("beforeunload", function (event) {
      if (unsafe()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    // Do not submit while an item is still on its way to the server. Listened to on the document:
    // the submit form is replaced whenever the submit step's list is read again.
    document.addEventListener("submit", function (event) {
      if (!(event.target.matches && event.target.matches("form[data-kd-submit]"))) { return; }
      if (document.querySelector("form[data-autosave][data-dirty='1'], form[data-autosave][data-pending='1']")) {
        event.preventDefault();
        event.stopImmediatePropagation();
        window.alert(root.dataset.msgWait);
      }
    }, true);
    // Previous / next section buttons step through the tabs.
    var tabs = Array.prototype.slice.call(root.querySelectorAll(".form-steps [data-bs-toggle='pill']"));
    var show = function (index) {
      if (index < 0 || index >= tabs.length || !window.bootstrap) { return; }
      window.bootstrap.Tab.getOrCreateInstance(tabs[index]).show();
      tabs[index].focus({ preventScroll: true });
      // On a wide screen the steps stand beside the section: the form's top shows both. On a
      // phone they stand above it, a screen high: the section's own top is what comes next.
      var pane = document.querySelector(tabs[index].getAttribute("data-bs-target"));
      var wide = window.matchMedia("(min-width: 992px)").matches;
      (wide || !pane ? root : pane).scrollIntoView({ behavior: "smooth", block: "start" });
    };
    var current = function () { return tabs.findIndex(function (tab) { return tab.classList.contains("active"); }); };
    root.querySelectorAll("[data-kd-next], [data-kd-prev]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        show(current() + (button.hasAttribute("data-kd-next") ? 1 : -1));
      });
    });
    // A link to an item or a section (#item-II-1, #sec-submit), from another page or from the
    // submit step's list of what is missing, opens the section holding it.
    var openHash = function () {
      var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
      var pane = target && target.closest(".tab-pane");
      if (!pane || !window.bootstrap) { return; }
      var tab = root.querySelector("[data-bs-target='#" + pane.id + "']");
      if (tab) { window.bootstrap.Tab.getOrCreateInstance(tab).show(); }
      target.scrollIntoView({ block: "start" });
      if (target.matches("input, textarea, select")) { target.focus({ preventScroll: true }); }
    };
    openHash();
    window.addEventListener("hashchange", openHash);
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href*='#']");
      if (link && link.pathname === window.location.pathname && link.hash && link.hash === window.location.hash) {
        event.preventDefault(); // the same place again: no hashchange, so open it here
        openHash();
      }
    });
  }

  // -- part B (QĐ 366): add a task row from the template, numbered after the last one -------------
  document.querySelectorAll("form[data-task-list]").forEach(function (form) {
    var rows = form.querySelector("[data-task-rows]");
    var template = document.getElementById("task-row-template");
    var button = form.querySelector("[data-task-add]");
    if (!rows || !template || !button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var n = rows.querySelectorAll("[data-task-row]").length + 1;
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.trim();
      var row = holder.firstElementChild;
      row.querySelectorAll("[id]").forEach(function (el) { el.id = el.id.replace("f-task-0-", "f-task-" + n + "-"); });
      row.querySelectorAll("label[for]").forEach(function (el) {
        el.htmlFor = el.htmlFor.replace("f-task-0-", "f-task-" + n + "-");
        el.textContent = el.textContent.replace(/\b0\b/, String(n));
      });
      rows.appendChild(row);
      row.querySelector("textarea").focus();
    });
  });

  // -- printable copy -------------------------------------------------------------------------------
  document.querySelectorAll("[data-kd-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // -- pledge: add rows from the empty-row template, mark removed rows ---------------------------
  var pledge = document.querySelector("form[data-pledge-form]");
  if (pledge) {
    var total = pledge.querySelector("input[name$='-TOTAL_FORMS']");
    var template = document.getElementById("pledge-empty-row");
    pledge.querySelectorAll("[data-pledge-add]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var index = parseInt(total.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, String(index));
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var row = holder.firstElementChild;
        row.querySelector("input[name$='-category']").value = button.dataset.pledgeAdd;
        pledge.querySelector("[data-pledge-rows='" + button.dataset.pledgeAdd + "']").appendChild(row);
        total.value = String(index + 1);
        var text = row.querySelector("textarea");
        if (text) { text.focus(); }
      });
    });
    pledge.addEventListener("change", function (event) {
      if (event.target.matches("[data-pledge-remove]")) {
        var row = event.target.closest("[data-pledge-row]");
        row.classList.toggle("opacity-50", event.target.checked);
        row.querySelectorAll("textarea, input[type='text']").forEach(function (field) {
          field.classList.toggle("text-decoration-line-through", event.target.checked);
        });
      }
    });
  }
})();
