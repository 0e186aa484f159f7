// support-scheduler web app: keyboard navigation of grids (no inline script anywhere).
// In a table with class "grid", Alt+arrow keys move the focus between cells' controls.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (!event.altKey) { return; }
    var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    var move = moves[event.key];
    var cell = event.target.closest && event.target.closest("table.grid td");
    if (!move || !cell) { return; }
    var row = cell.parentElement;
    var rows = Array.prototype.slice.call(row.parentElement.children);
    var r = rows.indexOf(row) + move[0];
    var c = Array.prototype.indexOf.call(row.children, cell) + move[1];
    if (r < 0 || r >= rows.length) { return; }
    var target = rows[r].children[c];
    var control = target && target.querySelector("select, input, button");
    if (control) { control.focus(); event.preventDefault(); }
  });
})();
