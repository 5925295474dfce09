// The pipeline table of `offergen site`: sort by a column, filter by status, manager,
// client and expiry. Plain JavaScript that works from file://; no library, no network.
(function () {
  "use strict";
  var table = document.getElementById("pipeline");
  var form = document.getElementById("filters");
  if (!table || !form) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var shown = document.getElementById("shown");

  function applyFilters() {
    var wanted = {};
    form.querySelectorAll("select[data-filter]").forEach(function (select) {
      wanted[select.dataset.filter] = select.value;
    });
    var count = 0;
    rows.forEach(function (row) {
      var visible = Object.keys(wanted).every(function (key) {
        return !wanted[key] || row.dataset[key] === wanted[key];
      });
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = shown.dataset.template
      .replace("{shown}", String(count)).replace("{total}", shown.dataset.total);
  }

  function sortBy(header) {
    var index = header.cellIndex;
    var numeric = header.dataset.type === "number";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th[aria-sort]").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var keyed = rows.map(function (row, position) {
      var raw = row.cells[index].dataset.sort || "";
      return { row: row, key: numeric ? (raw === "" ? null : parseFloat(raw)) : raw, position: position };
    });
    keyed.sort(function (a, b) {
      if (a.key === b.key) { return a.position - b.position; }
      if (a.key === null) { return 1; }  // empty cells last, either way
      if (b.key === null) { return -1; }
      var order = numeric ? a.key - b.key : a.key.localeCompare(b.key, document.documentElement.lang);
      return ascending ? order : -order;
    });
    keyed.forEach(function (item) { body.appendChild(item.row); });
  }

  form.addEventListener("change", applyFilters);
  form.addEventListener("reset", function () { window.setTimeout(applyFilters, 0); });
  table.querySelectorAll("thead th").forEach(function (header) {
    var button = header.querySelector("button");
    if (button) { button.addEventListener("click", function () { sortBy(header); }); }
  });
  applyFilters();
})();
