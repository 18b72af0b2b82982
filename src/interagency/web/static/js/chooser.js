// Narrows a long list of checkboxes to those whose agency, desk or person holds every word
// typed. Without this script the filter box stays hidden and every choice is shown, so the
// form works the same; ticked choices are never hidden, so nothing is sent unseen.
"use strict";
(function () {
  function words(text) {
    return text.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  }

  function matches(text, wanted) {
    return wanted.every(function (word) {
      return text.indexOf(word) !== -1;
    });
  }

  function narrow(chooser, wanted) {
    var shown = 0;
    chooser.querySelectorAll("[data-chooser-group]").forEach(function (group) {
      var agency = group.querySelector("legend").textContent.toLocaleLowerCase();
      var inGroup = 0;
      group.querySelectorAll("[data-chooser-item]").forEach(function (item) {
        var text = agency + " " + item.textContent.toLocaleLowerCase();
        var keep = item.querySelector("input").checked || matches(text, wanted);
        item.hidden = !keep;
        inGroup += keep ? 1 : 0;
      });
      group.hidden = inGroup === 0;
      shown += inGroup;
    });
    chooser.querySelector("[data-chooser-none]").hidden = shown > 0;
  }

  function setUp(chooser) {
    var filter = chooser.querySelector("[data-chooser-filter]");
    var input = filter.querySelector("input");
    filter.hidden = false;
    input.addEventListener("input", function () {
      narrow(chooser, words(input.value));
    });
    // Enter in the filter would send the whole form: it only narrows the list.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chooser]").forEach(setUp);
  });
})();
