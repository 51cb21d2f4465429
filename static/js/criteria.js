// The board's criteria page: each group's sum of maximum points, updated as the maxima are typed
// (the server checks again on "Check and preview" and "Save").
(function () {
  "use strict";
  var form = document.querySelector("form[data-criteria-form]");
  if (!form) { return; }
  var parse = function (text) {
    var value = parseFloat(String(text).trim().replace(",", "."));
    return isFinite(value) ? value : 0;
  };
  var show = function (group) {
    var total = 0;
    group.querySelectorAll("input[data-item-max]").forEach(function (input) { total += parse(input.value); });
    total = Math.round(total * 10) / 10;
    var sum = group.querySelector("[data-group-sum]");
    var output = group.querySelector("[data-group-total]");
    if (!sum || !output) { return; }
    output.textContent = String(total).replace(".", ",");
    var good = total === parse(group.dataset.max);
    sum.classList.toggle("text-success", good);
    sum.classList.toggle("text-danger", !good);
  };
  // What the last action concerns (the row just added, the row just moved) takes the focus, once
  // the browser has scrolled to the place the URL names (autofocus is ignored then).
  var target = form.querySelector("[data-autofocus]");
  if (target) {
    window.addEventListener("load", function () { window.setTimeout(function () { target.focus(); }, 0); });
  }
  form.addEventListener("input", function (event) {
    if (event.target.matches("input[data-item-max]")) { show(event.target.closest("[data-criteria-group]")); }
  });
})();
