// Counts this page view on the clinic's own server (allure/base/counts.py): one POST to
// /count/ naming the page, with no cookie, identifier or anything about the visitor.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !navigator.sendBeacon) return;
  var body = new URLSearchParams();
  body.set("metric", script.dataset.metric);
  body.set("key", script.dataset.key || "");
  function send() {
    navigator.sendBeacon("/count/", body);
  }
  // A page the browser renders ahead of a click is counted only if the visitor comes.
  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
})();
