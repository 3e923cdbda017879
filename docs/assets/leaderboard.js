/* Sortable leaderboard tables.
 *
 * A small script of our own rather than tablesort: cells carry explicit
 * data-sort values (numbers as written in the data, "" for N/A), metric
 * headers say which direction is best (data-first), and N/A must stay last in
 * both directions; tablesort would need overrides for each of these.
 * Re-initialised on every page swap of Material's instant navigation.
 */
(function () {
  "use strict";

  function key(row, column) {
    return row.cells[column].getAttribute("data-sort") || "";
  }

  function compare(type, a, b) {
    if (type === "number") return parseFloat(a) - parseFloat(b);
    return a.localeCompare(b, undefined, { sensitivity: "base", numeric: true });
  }

  function sortBy(table, th, direction) {
    var column = th.cellIndex;
    var type = th.getAttribute("data-sort-type");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var sign = direction === "ascending" ? 1 : -1;
    rows.sort(function (ra, rb) {
      var a = key(ra, column), b = key(rb, column);
      var missingA = a === "", missingB = b === "";
      if (missingA !== missingB) return missingA ? 1 : -1; // N/A last, both ways
      var order = missingA ? 0 : sign * compare(type, a, b);
      if (order !== 0 && !isNaN(order)) return order;
      return Number(ra.getAttribute("data-index")) - Number(rb.getAttribute("data-index"));
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      if (cell === th) cell.setAttribute("aria-sort", direction);
      else cell.removeAttribute("aria-sort");
    });
    table.dispatchEvent(new CustomEvent("leaderboard:sorted", { bubbles: true }));
  }

  function onClick(event) {
    var th = event.currentTarget.closest("th");
    var table = th.closest("table");
    var first = th.getAttribute("data-first") || "ascending";
    var current = th.getAttribute("aria-sort");
    var next = current === first ? (first === "ascending" ? "descending" : "ascending") : first;
    sortBy(table, th, next);
  }

  function init(root) {
    // Material's search dialog has no accessible name (axe: aria-dialog-name)
    var search = document.querySelector(".md-search[role=dialog]");
    if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", "Search");

    var tables = root.querySelectorAll("table.lb-table");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.getAttribute("data-sortable") === "ready") return;
      table.setAttribute("data-sortable", "ready");
      var buttons = table.querySelectorAll("thead th[data-sort-type] button");
      Array.prototype.forEach.call(buttons, function (button) {
        button.addEventListener("click", onClick);
      });
    });
  }

  window.leaderboardTables = { init: init, sortBy: sortBy };
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(function () { init(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
