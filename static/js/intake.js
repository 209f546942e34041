// Progressive enhancement only: each intake step is saved when the patient continues, with or
// without this. With it, what they answer is also saved a moment after they answer it, and
// when they leave the page (closing the tab, switching apps), so nothing typed is lost.
(function () {
  "use strict";
  var form = document.querySelector("form.intake-form");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var note = document.getElementById("intake-autosave");
  var timer = null;
  var dirty = false;

  function save(leaving) {
    window.clearTimeout(timer);
    if (!dirty) {
      return;
    }
    dirty = false;
    var data = new FormData(form);
    data.append("autosave", "1");
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin", keepalive: leaving })
      .then(function (response) {
        if (note && response.status === 204) {
          note.textContent = "Your answers so far are saved.";
        }
      })
      .catch(function () { dirty = true; });
  }

  function later(delay) {
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { save(false); }, delay);
  }

  form.addEventListener("change", function () { later(300); });
  form.addEventListener("input", function () { later(1500); });
  form.addEventListener("submit", function () { window.clearTimeout(timer); dirty = false; });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(true); }
  });
  window.addEventListener("pagehide", function () { save(true); });
})();
