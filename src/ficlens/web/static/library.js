// Library filters: a tag cannot be both included and excluded, so ticking one box clears
// the other; changing the sort re-runs the search. Everything still works without script.
(function () {
  "use strict";
  var form = document.getElementById("work-filters");
  if (!form) { return; }
  form.addEventListener("change", function (ev) {
    var box = ev.target;
    if (box.type === "checkbox" && box.checked && (box.name === "inc" || box.name === "exc")) {
      var other = box.name === "inc" ? "exc" : "inc";
      form.querySelectorAll('input[name="' + other + '"]').forEach(function (el) {
        if (el.value === box.value) { el.checked = false; }
      });
    }
    if (box.id === "sort") { form.submit(); }
  });
})();
