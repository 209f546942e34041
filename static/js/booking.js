// Progressive enhancement only: the booking pages work the same without it (the choices are
// a GET form and links; the request is a plain POST).
(function () {
  "use strict";
  // After a failed submit, move focus to the error summary so screen readers read it first.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  // Stop a second click from sending the form twice (the server also copes with it).
  document.querySelectorAll("form.booking-form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });

  // The diary: a change of treatment, provider, week or day redraws only the parts below it,
  // in place, so anything typed further down stays, and the address follows the choice.
  var choose = document.getElementById("booking-choose");
  if (!choose || !window.fetch || !window.DOMParser) {
    return;
  }
  choose.querySelector(".booking-show-times").hidden = true;

  function load(url, parts, focusId) {
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        parts.forEach(function (id) {
          var now = document.getElementById(id), next = fresh.getElementById(id);
          if (now && next) { now.replaceWith(next); }
        });
        window.history.replaceState(null, "", url);
        var target = focusId && document.getElementById(focusId);
        if (target) { target.focus(); }
      })
      .catch(function () { window.location.href = url; });
  }

  choose.addEventListener("change", function (event) {
    var url = choose.action + "?" + new URLSearchParams(new FormData(choose)).toString();
    // Changing the provider keeps the provider list (and the focus on it).
    var parts = ["booking-days", "booking-times", "booking-chosen"];
    if (event.target.name !== "provider") { parts.unshift("booking-providers"); }
    load(url, parts, null);
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-booking-nav]");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey) { return; }
    event.preventDefault();
    var focusId = link.dataset.bookingNav === "day" ? "booking-times" : "booking-days";
    load(link.href, ["booking-days", "booking-times", "booking-chosen"], focusId);
  });
})();
