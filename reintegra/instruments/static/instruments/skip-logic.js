// Client-side skip logic for simple XLSForm "relevant" expressions; the server decides anyway.
// Understood: ${q} = 'v', ${q} != 'v', selected(${q}, 'v'), not(...) of those, joined by "and" / "or".
// Anything else leaves the question visible.
(function () {
  "use strict";
  var form = document.getElementById("questionnaire");
  if (!form) { return; }

  function inputsFor(name, near) {
    var entry = near.closest(".entry");
    if (entry) {
      var local = entry.querySelectorAll("[name$='." + name + "']");
      if (local.length) { return local; }
    }
    return form.querySelectorAll("[name='" + name + "']");
  }

  function values(name, near) {
    var result = [];
    inputsFor(name, near).forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { result.push(input.value); }
      } else if (input.value !== "") {
        result.push(input.value);
      }
    });
    return result;
  }

  var ATOMS = [
    [/^\$\{([\w.\-]+)\}\s*=\s*'([^']*)'$/, function (m, near) { return values(m[1], near).join(" ") === m[2]; }],
    [/^\$\{([\w.\-]+)\}\s*!=\s*'([^']*)'$/, function (m, near) { return values(m[1], near).join(" ") !== m[2]; }],
    [/^selected\(\s*\$\{([\w.\-]+)\}\s*,\s*'([^']*)'\s*\)$/, function (m, near) { return values(m[1], near).indexOf(m[2]) >= 0; }]
  ];

  function atom(text, near) {
    text = text.trim().replace(/^\((.*)\)$/, "$1").trim();
    var negated = /^not\((.*)\)$/.exec(text);
    if (negated) {
      var inner = atom(negated[1], near);
      return inner === null ? null : !inner;
    }
    for (var i = 0; i < ATOMS.length; i++) {
      var match = ATOMS[i][0].exec(text);
      if (match) { return ATOMS[i][1](match, near); }
    }
    return null;
  }

  function evaluate(expression, near) {
    var anyTrue = false;
    var ors = expression.split(/\s+or\s+/);
    for (var i = 0; i < ors.length; i++) {
      var all = true;
      var ands = ors[i].split(/\s+and\s+/);
      for (var j = 0; j < ands.length; j++) {
        var result = atom(ands[j], near);
        if (result === null) { return true; }
        all = all && result;
      }
      anyTrue = anyTrue || all;
    }
    return anyTrue;
  }

  function refresh() {
    form.querySelectorAll("[data-relevant]").forEach(function (element) {
      element.hidden = !evaluate(element.getAttribute("data-relevant"), element);
    });
  }

  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
  refresh();
})();
