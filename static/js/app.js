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
  // typed is still on the page: the element that sent it is marked (data-signed-out) and the page
  // says so once, with a link to sign in again in another tab; back on this tab, the marked items
  // that save themselves are sent again. An element keeps its mark until the server answers it
  // otherwise (saved, or refused for what it holds, which the item itself then says); a request
  // lost on the way keeps it. The notice goes once no element on the page is marked.
  var signedOut = document.getElementById("signed-out");
  var stillUnsent = function () { return document.querySelector("[data-signed-out]"); };
  document.addEventListener("htmx:responseError", function (event) {
    if (!signedOut || !event.detail.xhr || event.detail.xhr.status !== 401) { return; }
    event.detail.elt.setAttribute("data-signed-out", "");
    signedOut.hidden = false;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (!signedOut || !xhr || !xhr.status || xhr.status === 401) { return; }
    event.detail.elt.removeAttribute("data-signed-out");
    if (!stillUnsent()) { signedOut.hidden = true; }
  });
  var sendAgain = function () {
    if (document.visibilityState !== "visible" || !window.htmx) { return; }
    document.querySelectorAll("form[data-autosave][data-signed-out]").forEach(function (form) {
      window.htmx.trigger(form, "change");
    });
  };
  document.addEventListener("visibilitychange", sendAgain);
  window.addEventListener("focus", sendAgain);
})();
