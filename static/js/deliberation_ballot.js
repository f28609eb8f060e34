// The ballot form: counts the candidates marked "in favour" against the places, before sending.
// The server checks the same rule (voting.ballot_cast); this only saves a round trip.
(function () {
  "use strict";
  var form = document.getElementById("ballot-form");
  if (!form) { return; }
  var places = parseInt(form.getAttribute("data-places"), 10);
  var out = document.getElementById("ballot-count");
  function inFavour() {
    return form.querySelectorAll("input[type=radio][value=yes]:checked").length;
  }
  function update() {
    var n = inFavour();
    out.hidden = false;
    out.textContent = n + " / " + places;
    out.classList.toggle("error", n > places);
  }
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) {
    if (inFavour() > places) { event.preventDefault(); update(); }
  });
}());
