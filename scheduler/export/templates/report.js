// Sort the roster grid by name, team or hours; a second click on the same key reverses.
(function () {
  "use strict";
  var grid = document.getElementById("grid");
  if (!grid) { return; }
  var body = grid.tBodies[0];
  var buttons = document.querySelectorAll("button[data-sort]");
  var current = "name", ascending = true;
  function value(row, key) {
    var text = row.getAttribute("data-" + key) || "";
    return key === "hours" ? parseFloat(text) : text.toLocaleLowerCase();
  }
  function sortBy(key) {
    ascending = key === current ? !ascending : key !== "hours";
    current = key;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, key), y = value(b, key);
      var order = x < y ? -1 : x > y ? 1 : 0;
      if (order === 0) { order = value(a, "name") < value(b, "name") ? -1 : 1; }
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-sort") === key));
    });
  }
  buttons.forEach(function (b) {
    b.addEventListener("click", function () { sortBy(b.getAttribute("data-sort")); });
  });
}());
