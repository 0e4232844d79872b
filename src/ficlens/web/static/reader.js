// Reader: hover a name or a speaker to light up every mention of that character;
// toggles for speaker colours and for marking all mentions. No external code.
(function () {
  "use strict";
  var skin = document.getElementById("workskin");
  if (!skin) { return; }
  var lit = null;

  function light(id) {
    if (lit === id) { return; }
    clear();
    if (!id) { return; }
    lit = id;
    skin.querySelectorAll(".m").forEach(function (el) {
      if (el.dataset.c === id) { el.classList.add("lit"); }
    });
    document.querySelectorAll(".legend li[data-c]").forEach(function (el) {
      el.classList.toggle("active", el.dataset.c === id);
    });
  }

  function clear() {
    lit = null;
    skin.querySelectorAll(".m.lit").forEach(function (el) { el.classList.remove("lit"); });
    document.querySelectorAll(".legend li.active").forEach(function (el) { el.classList.remove("active"); });
  }

  skin.addEventListener("mouseover", function (ev) {
    var m = ev.target.closest(".m");
    if (m) { light(m.dataset.c); }
  });
  skin.addEventListener("mouseout", function (ev) {
    if (ev.target.closest(".m")) { clear(); }
  });
  document.querySelectorAll(".legend li[data-c]").forEach(function (li) {
    li.addEventListener("mouseenter", function () { light(li.dataset.c); });
    li.addEventListener("mouseleave", clear);
  });

  var colours = document.getElementById("toggle-colours");
  if (colours) {
    colours.addEventListener("change", function () { skin.classList.toggle("colour-quotes", colours.checked); });
  }
  var mentions = document.getElementById("toggle-mentions");
  if (mentions) {
    mentions.addEventListener("change", function () { skin.classList.toggle("show-mentions", mentions.checked); });
  }
  // left and right arrow keys turn chapters, unless the reader is typing or choosing
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || /^(INPUT|SELECT|TEXTAREA)$/.test(ev.target.tagName)) { return; }
    var link = null;
    if (ev.key === "ArrowLeft") { link = document.querySelector('a[rel="prev"]'); }
    if (ev.key === "ArrowRight") { link = document.querySelector('a[rel="next"]'); }
    if (link) { window.location.href = link.href; }
  });
  var select = document.getElementById("chapter");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
})();
