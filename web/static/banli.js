// banli workbench: progressive enhancement only. Every page works without this file; with it,
// tables are walked with the arrow keys, a form's submit button cannot be pressed twice (and one
// that cannot be undone asks first), a page brought back from the browser's cache is loaded
// anew, a choice limits the choices it governs (the 更正 form's fields follow the event
// chosen), and a filter's address holds only what was chosen.
"use strict";

// Back (or forward) to a page the browser kept in its cache shows it as it was: a case at an
// old version, and a 提交 button the first press disabled, that then does nothing. Such a page
// is loaded again, as the case now stands.
window.addEventListener("pageshow", function (event) {
  if (event.persisted) window.location.reload();
});

// A refused form is answered by its POST (what was typed stays in the form): that history entry
// is the case page's instead, so Back or a reload later reads the case, not "resubmit the form?".
document.addEventListener("DOMContentLoaded", function () {
  var refused = document.querySelector("[data-replace-url]");
  if (refused && window.history.replaceState) {
    window.history.replaceState(null, "", refused.dataset.replaceUrl);
  }
});

document.addEventListener("DOMContentLoaded", function () {
  // ↑/↓ in a table marked data-nav-rows moves the focus to the previous/next row's first link.
  document.querySelectorAll("table[data-nav-rows]").forEach(function (table) {
    table.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      // In a form open in a row (督办's 催办) the arrows are the fields' own: a choice's next
      // option, a text's next line. They had left for the next row's case link.
      if (event.target.closest("form")) return;
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
  // A button marked data-copy copies the text of the box it names (a proposer's link, shown
  // once): selecting a long link by hand missed its end. Hidden without this file.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var box = document.getElementById(button.dataset.copy);
    if (!box) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      box.select();
      var copied = function () {
        button.textContent = "已复制";
      };
      var byCommand = function () {
        if (document.execCommand("copy")) copied();
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(box.value).then(copied, byCommand);
      } else {
        byCommand();
      }
    });
  });
  // A form marked data-confirm asks before it is sent (管理's 吊销 and 重设密码 cannot be undone
  // and took one click); 取消 leaves the page as it was. Registered before the guard below, so
  // a cancelled press does not count as the one press a form gets.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    });
  });
  // A command posted twice would be refused (If-Match) or recorded twice: one press is enough.
  // The buttons are disabled once the form has gone, not while it is sent: a disabled button's
  // name and value are not sent, and 检查并导入 (action=import) was sent as 只检查 (a review
  // clicked it and nothing was ever imported). A second press meanwhile is ignored.
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      // A form whose answer takes seconds (载入日历 re-derives every deadline) says it is at
      // work: a review waited 3.4 s on a page that showed nothing had happened.
      if (form.dataset.busy) {
        var note = document.createElement("p");
        note.className = "hint busy";
        note.setAttribute("role", "status");
        note.textContent = form.dataset.busy;
        form.appendChild(note);
      }
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) {
          b.disabled = true;
        });
      }, 0);
    });
  });
  // A filter left at 全部 is left out of the address: /ledger?stage=handling, not
  // /ledger?year=&kind=&level=&unit=&unit_role=&stage=handling&key=&overdue= (the server reads
  // both alike; the short one is what a clerk copies into a message).
  document.querySelectorAll("form[method=get].filters").forEach(function (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name && field.value === "") field.disabled = true;
      });
    });
  });
  // A form marked data-auto-submit is sent as soon as a choice changes: 导入导出's links are
  // made for the year chosen, and a review chose 2024 and downloaded 2025 (the links stayed
  // until 更新下载链接, which remains for pages without this file).
  document.querySelectorAll("form[data-auto-submit]").forEach(function (form) {
    form.addEventListener("change", function () {
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    });
  });
  // A select marked data-limits="<id>" governs the select of that id: its chosen option's
  // data-fields lists the values still offered there (R-X2: a 催办 has no 标题 to correct).
  // Without this file every value is offered, and the server refuses the ones that do not apply.
  document.querySelectorAll("select[data-limits]").forEach(function (chooser) {
    var limited = document.getElementById(chooser.dataset.limits);
    if (!limited) return;
    function limit() {
      var chosen = chooser.options[chooser.selectedIndex];
      var fields = chosen && chosen.dataset.fields ? chosen.dataset.fields.split(" ") : null;
      var first = null;
      Array.prototype.forEach.call(limited.options, function (option) {
        var offered = !fields || fields.indexOf(option.value) >= 0;
        option.disabled = !offered;
        option.hidden = !offered;
        if (offered && first === null) first = option;
      });
      var current = limited.options[limited.selectedIndex];
      if ((!current || current.disabled) && first) first.selected = true;
    }
    chooser.addEventListener("change", limit);
    limit();
  });
  // A form opened by a refusal (or a #form-… link) is scrolled to and its first problem focused.
  var refused = document.querySelector(".field.refused input, .field.refused select, .field.refused textarea");
  if (refused) refused.focus();
});

// A suggestion's text folded on the case page prints whole: a paper copy for a leader carried
// its first lines only. Opened for the print, folded again after.
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details.case-text:not([open])").forEach(function (details) {
    details.open = true;
    details.dataset.printOpened = "1";
  });
});
window.addEventListener("afterprint", function () {
  document.querySelectorAll("details.case-text[data-print-opened]").forEach(function (details) {
    details.open = false;
    delete details.dataset.printOpened;
  });
});
