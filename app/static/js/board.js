/* Board and stage list: "select all" per column and a count of ticked candidates.
   Progressive enhancement only: without it, the checkboxes and the move form work as they are. */
(function () {
  "use strict";

  function picks(scope) {
    return Array.prototype.slice.call(scope.querySelectorAll("input[data-pick]"));
  }

  function updateCount() {
    var output = document.querySelector("[data-selected-count]");
    if (!output) {
      return;
    }
    var ticked = picks(document).filter(function (box) { return box.checked; }).length;
    output.textContent = ticked ? ticked + " selected" : "";
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-column]"), function (column) {
      var all = column.querySelector("input[data-pick-all]");
      if (!all) {
        return;
      }
      all.hidden = false;
      all.addEventListener("change", function () {
        picks(column).forEach(function (box) { box.checked = all.checked; });
        updateCount();
      });
    });
    document.addEventListener("change", function (event) {
      if (event.target && event.target.matches && event.target.matches("input[data-pick]")) {
        updateCount();
      }
    });
    updateCount();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
