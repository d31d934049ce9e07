// banli workbench: progressive enhancement only. Every page works without this file; with it,
// tables are walked with the arrow keys and a form's submit button cannot be pressed twice.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // ↑/↓ in a table marked data-nav-rows moves the focus to the previous/next row's first link.
  document.querySelectorAll("table[data-nav-rows]").forEach(function (table) {
    table.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      var row = event.target.closest("tr");
      if (!row) return;
      var next = event.key === "ArrowDown" ? row.nextElementSibling : row.previousElementSibling;
      var link = next && next.querySelector("a, button, summary");
      if (link) {
        event.preventDefault();
        link.focus();
      }
    });
  });
  // A command posted twice would be refused (If-Match) or recorded twice: one press is enough.
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) {
        b.disabled = true;
      });
    });
  });
  // A form opened by a refusal (or a #form-… link) is scrolled to and its first problem focused.
  var refused = document.querySelector(".field.refused input, .field.refused select, .field.refused textarea");
  if (refused) refused.focus();
});
