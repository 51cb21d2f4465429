// Approval queue: "tick every rating" for the rows that can be decided (rows blocked by a rule
// are left alone); the quota meter then refreshes through htmx on the form's change event.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var all = event.target;
    var name = all.getAttribute && all.getAttribute("data-select-all");
    if (!name || !all.form) { return; }
    var boxes = all.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]');
    boxes.forEach(function (box) {
      if (!box.hasAttribute("data-blocked")) { box.checked = all.checked; }
    });
  }, true);  // capture: tick the rows before htmx reads the form for the quota meter
})();
