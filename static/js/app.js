// Small declarative behaviours; pages add data-* attributes instead of page scripts.
(function () {
  "use strict";
  // <form data-confirm="..."> asks before submitting.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });

  // What is saved in place (htmx) carries the token the browser holds now: signing in again in
  // another tab gives it a new one (the page's own is then refused).
  var cookieToken = function () {
    var found = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return found ? decodeURIComponent(found[1]) : "";
  };
  document.addEventListener("htmx:configRequest", function (event) {
    var token = cookieToken();
    if (!token || event.detail.verb === "get") { return; }
    event.detail.headers["X-CSRFToken"] = token;
    if (event.detail.parameters.csrfmiddlewaretoken !== undefined) {
      event.detail.parameters.csrfmiddlewaretoken = token;
    }
  });

  // A save sent after the session ended is answered 401 (config/middleware.py), and what was
  // typed is still on the page: say so once, with a link to sign in again in another tab; back on
  // this tab, the items that save themselves are sent again.
  var signedOut = document.getElementById("signed-out");
  var unsent = [];
  document.addEventListener("htmx:responseError", function (event) {
    if (!signedOut || !event.detail.xhr || event.detail.xhr.status !== 401) { return; }
    signedOut.hidden = false;
    if (unsent.indexOf(event.detail.elt) < 0) { unsent.push(event.detail.elt); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (signedOut && event.detail.successful && event.detail.requestConfig.verb !== "get") {
      signedOut.hidden = true;
    }
  });
  var sendAgain = function () {
    if (document.visibilityState !== "visible" || !unsent.length || !window.htmx) { return; }
    var waiting = unsent;
    unsent = [];
    waiting.forEach(function (elt) {
      if (elt.isConnected && elt.matches("form[data-autosave]")) { window.htmx.trigger(elt, "change"); }
    });
  };
  document.addEventListener("visibilitychange", sendAgain);
  window.addEventListener("focus", sendAgain);
})();
