// The compact header on narrow screens: the menu folds behind one button. Without JavaScript
// nothing is folded (the CSS only collapses a header this script has marked).
(function () {
  "use strict";
  var header = document.querySelector(".topbar");
  var button = header && header.querySelector(".menu-toggle");
  if (!button) { return; }
  header.classList.add("has-menu-toggle");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = header.classList.toggle("menu-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
}());
