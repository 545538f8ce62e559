// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the error summary so that screen readers announce the problems first.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // Clicking a link in the summary focuses the field itself, not just scrolls to it.
  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({block: "center"}); }
    });
  });
  keepFormsAcrossSwitches();
  document.querySelectorAll(".file-picker").forEach(enhanceFilePicker);
  document.querySelectorAll("[data-anonymous-switch]").forEach(enhanceAnonymousSwitch);
  document.querySelectorAll(".print-button").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});

// The language and elderly-mode switches are links that load the page again: what someone had
// typed into a form on it would be lost. Keep it for that one reload, in this tab only
// (sessionStorage), and remove it as soon as it is put back. Passwords and files are never kept.
var SWITCH_KEY = "portal-form-before-switch";

function keptFields() {
  return document.querySelectorAll("main form input, main form textarea, main form select");
}

function isKept(field) {
  return field.name && ["hidden", "password", "file", "submit", "button"].indexOf(field.type) < 0;
}

function keepFormsAcrossSwitches() {
  var saved = null;
  try { saved = JSON.parse(window.sessionStorage.getItem(SWITCH_KEY) || "null"); } catch (e) { return; }
  window.sessionStorage.removeItem(SWITCH_KEY);
  if (saved && saved.path === window.location.pathname) {
    keptFields().forEach(function (field, index) {
      var value = saved.fields[index];
      if (!isKept(field) || !value || value.name !== field.name) { return; }
      if (field.type === "checkbox" || field.type === "radio") { field.checked = value.checked; }
      else { field.value = value.value; }
    });
  }
  document.querySelectorAll(".display-switch a, .language-switch a").forEach(function (link) {
    link.addEventListener("click", function () {
      var fields = Array.prototype.map.call(keptFields(), function (field) {
        return isKept(field) ? {name: field.name, value: field.value, checked: field.checked} : null;
      });
      if (!fields.length) { return; }
      try {
        window.sessionStorage.setItem(SWITCH_KEY, JSON.stringify({path: window.location.pathname, fields: fields}));
      } catch (e) { /* storage full or refused: the switch still works */ }
    });
  });
}

// The file picker in the page's language (macros/forms.html, file_field): the label styled as a
// button opens the input, which stays in the tab order (transparent, not display: none), and
// the names of the chosen files are shown and announced (aria-live).
function enhanceFilePicker(picker) {
  var input = picker.querySelector("input[type=file]");
  var button = picker.querySelector(".file-picker__button");
  var chosen = picker.querySelector(".file-picker__chosen");
  if (!input || !button || !chosen) { return; }
  // The input goes inside its label and covers it, unseen: a tap anywhere on the button is a tap
  // on the input, and the input keeps the button's size and the keyboard focus.
  button.insertBefore(input, button.firstChild);
  picker.classList.add("file-picker--enhanced");
  button.hidden = false;
  chosen.hidden = false;
  function describe() {
    var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
    if (!names.length) { chosen.textContent = picker.dataset.none; }
    else if (names.length === 1) { chosen.textContent = picker.dataset.one.replace("{name}", names[0]); }
    else {
      chosen.textContent = picker.dataset.many.replace("{count}", names.length).replace("{names}", names.join(", "));
    }
  }
  input.addEventListener("change", describe);
  describe();
}

// "Report anonymously" (data-anonymous-switch names the section of personal details): ticking it
// hides that section and empties its fields, and shows what anonymity means; unticking brings the
// section back empty. Without JavaScript the section stays and the server drops what is in it.
function enhanceAnonymousSwitch(box) {
  var section = document.getElementById(box.dataset.anonymousSwitch);
  var explanation = document.getElementById(box.dataset.anonymousExplanation);
  if (!section) { return; }
  function apply(clear) {
    section.hidden = box.checked;
    if (explanation) { explanation.hidden = !box.checked; }
    if (box.checked && clear) {
      section.querySelectorAll("input, textarea, select").forEach(function (field) {
        if (field.type === "checkbox" || field.type === "radio") { field.checked = field.defaultChecked; }
        else { field.value = ""; }
      });
    }
  }
  box.addEventListener("change", function () { apply(true); });
  apply(true);
}
