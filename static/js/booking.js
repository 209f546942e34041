// Progressive enhancement only: the booking pages work the same without it.
(function () {
  "use strict";
  // After a failed submit, move focus to the error summary so screen readers read it first.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  // Stop a second click from sending the form twice (the server also copes with it).
  document.querySelectorAll("form.booking-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });
})();
