// Asks before an irreversible step: a form (or its submit button) carrying data-confirm is sent
// only when the user confirms the text of that attribute. Loaded as a file, never inline (CSP).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var text = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (text && !window.confirm(text)) {
      event.preventDefault();
    }
  });
}());
