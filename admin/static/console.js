// Every form and every request the console's own script sends carries the form token
// (admin/auth.py refuses a POST or DELETE without it). SQLAdmin's forms are rendered without
// one, so it is added to each form here; its AJAX calls (delete) send it as a header.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!meta) {
    return;
  }
  var token = meta.getAttribute("content");
  document.querySelectorAll("form").forEach(function (form) {
    if ((form.getAttribute("method") || "").toUpperCase() !== "POST") {
      return;
    }
    if (!form.querySelector('input[name="csrf_token"]')) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "csrf_token";
      input.value = token;
      form.appendChild(input);
    }
  });
  if (window.jQuery) {
    window.jQuery.ajaxSetup({ headers: { "X-CSRF-Token": token } });
  }
})();
