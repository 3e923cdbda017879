/* Sortable and filterable leaderboard tables, progress charts, copy buttons.
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
    var cell = row.cells[column];
    if (!cell) return "";
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
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

    var tables = root.querySelectorAll("table.lb-table, table.lb-sortable");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.getAttribute("data-sortable") === "ready") return;
      table.setAttribute("data-sortable", "ready");
      if (table.classList.contains("lb-sortable")) { // summary tables: headers become buttons
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
          if (!th.hasAttribute("data-sort-type") || th.querySelector("button")) return;
          var button = document.createElement("button");
          button.type = "button";
          while (th.firstChild) button.appendChild(th.firstChild);
          th.appendChild(button);
        });
        Array.prototype.forEach.call(table.tBodies[0].rows, function (row, i) {
          if (!row.hasAttribute("data-index")) row.setAttribute("data-index", String(i));
        });
      }
      var buttons = table.querySelectorAll("thead th[data-sort-type] button");
      Array.prototype.forEach.call(buttons, function (button) {
        button.addEventListener("click", onClick);
      });
    });
  }

  /* --- filters: one bar per task page, its state in the URL (?extra=0&ms=0&code=1...) --- */

  var FILTERS = ["extra", "ms", "code", "weights", "q", "asof", "year"];

  /* a filter is offered only where the data can answer it: a box that is not there
     filters nothing (extra, ms and year shown, code and weights not required) */
  function checked(form, name, missing) {
    return form.elements[name] ? form.elements[name].checked : missing;
  }

  function readState(form) {
    return {
      extra: checked(form, "extra", true), ms: checked(form, "ms", true),
      code: checked(form, "code", false), weights: checked(form, "weights", false),
      q: form.elements.q ? form.elements.q.value.trim().toLowerCase() : "",
      asof: form.elements.asof ? form.elements.asof.value : "",
      year: checked(form, "year", true)
    };
  }

  function month(date) { // the latest month a result's date allows: 2017 -> 2017-12
    return date.length >= 7 ? date.slice(0, 7) : date + "-12";
  }

  function visible(row, state) {
    if (!state.extra && row.hasAttribute("data-extra")) return false;
    if (!state.ms && row.hasAttribute("data-ms")) return false;
    if (state.code && !row.hasAttribute("data-code")) return false;
    if (state.weights && !row.hasAttribute("data-weights")) return false;
    if (state.q && row.cells[1].getAttribute("data-sort").toLowerCase().indexOf(state.q) < 0) return false;
    if (state.asof) {
      var date = row.getAttribute("data-date");
      if (!date || month(date) > state.asof) return false;
    }
    return true;
  }

  function rerank(table) { // ranks by the primary metric among the visible rows
    var rows = Array.prototype.slice.call(table.tBodies[0].rows)
      .sort(function (a, b) { return a.getAttribute("data-index") - b.getAttribute("data-index"); });
    var position = 0, rank = 0, previous = null;
    rows.forEach(function (row) {
      if (row.hidden) return;
      position += 1;
      var link = row.cells[0].querySelector("a") || row.cells[0];
      var primary = row.getAttribute("data-primary");
      if (primary === "") { link.textContent = "–"; return; }
      if (primary !== previous) rank = position;
      previous = primary;
      link.textContent = String(rank);
    });
  }

  function setStrong(cell, on) { // bold as the server draws it: the value in <strong>
    var strong = cell.querySelector("strong");
    if (on && !strong && cell.firstChild && cell.firstChild.nodeType === 3) {
      strong = document.createElement("strong");
      cell.insertBefore(strong, cell.firstChild);
      strong.appendChild(cell.firstChild.nextSibling);
    } else if (!on && strong) {
      cell.replaceChild(document.createTextNode(strong.textContent), strong);
    }
  }

  function rehighlight(table) { // best value and the top-N rule, among the visible rows
    var top = Number(table.getAttribute("data-highlight") || 0);
    var rows = Array.prototype.filter.call(table.tBodies[0].rows, function (r) { return !r.hidden; });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      if (!th.classList.contains("lb-num")) return;
      var higher = th.getAttribute("data-first") === "descending";
      var values = rows.map(function (r) { return r.cells[column].getAttribute("data-sort"); })
        .filter(function (v) { return v !== ""; }).map(parseFloat)
        .sort(function (a, b) { return higher ? b - a : a - b; });
      var limit = top > 0 && values.length ? values[Math.min(top, values.length) - 1] : null;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var cell = row.cells[column], raw = cell.getAttribute("data-sort");
        var value = raw === "" ? null : parseFloat(raw);
        var shown = !row.hidden && value !== null;
        cell.classList.toggle("lb-best", shown && value === values[0]);
        var on = shown && limit !== null && (higher ? value >= limit : value <= limit);
        cell.classList.toggle("lb-highlight", on);
        setStrong(cell, on);
      });
    });
    reglance(table);
  }

  /* --- at a glance: the best among the rows shown, its margin over #2, since when --- */

  function valueText(cell) { // the value as printed, without its ± part
    var first = cell.firstChild;
    if (!first) return "";
    return (first.nodeType === 3 ? first.data : first.textContent).trim();
  }

  function marginText(best, second, lower) { // as views.margin_text: plain numbers only
    var plain = /^[+-]?\d+(?:\.(\d+))?$/;
    var a = plain.exec(best), b = plain.exec(second);
    if (!a || !b) return null;
    var places = Math.max((a[1] || "").length, (b[1] || "").length);
    var gap = Math.abs(parseFloat(best) - parseFloat(second)).toFixed(places);
    return lower ? "\u2212" + gap + " under #2" : "+" + gap + " over #2";
  }

  function reglance(table) {
    var head = table.tHead.rows[0].cells[2];
    if (!head) return;
    var lower = head.getAttribute("data-first") === "ascending";
    var label = head.querySelector("button") ? head.querySelector("button").firstChild.textContent.trim() : "";
    var ranked = Array.prototype.filter.call(table.tBodies[0].rows, function (r) {
      return !r.hidden && r.getAttribute("data-primary") !== "";
    }).sort(function (a, b) { return a.getAttribute("data-index") - b.getAttribute("data-index"); });
    Array.prototype.forEach.call(table.querySelectorAll("td[data-margin]"), function (c) { c.removeAttribute("data-margin"); });
    var best = ranked[0], second = ranked[1], margin = null;
    if (best && second) {
      margin = second.getAttribute("data-primary") === best.getAttribute("data-primary") ? "tied for #1"
        : marginText(valueText(best.cells[2]), valueText(second.cells[2]), lower);
    }
    if (best && margin) best.cells[2].setAttribute("data-margin", margin);
    var glance = document.querySelector("[data-glance-of='" + table.id + "']");
    if (!glance) return;
    glance.textContent = "";
    var add = function (text) { glance.appendChild(document.createTextNode(text)); };
    if (!best) {
      var all = !Array.prototype.some.call(table.tBodies[0].rows, function (r) { return r.hidden; });
      add((all ? "No best: no result gives " : "No best among the results shown: none gives ") + label +
          (all ? ", the metric it ranks by." : "."));
      return;
    }
    add("Best: ");
    var link = document.createElement("a");
    link.href = "#" + best.id;
    link.textContent = best.cells[1].getAttribute("data-sort");
    glance.appendChild(link);
    var value = document.createElement("span");
    value.className = "lb-glance-value";
    value.textContent = best.cells[2].textContent.trim();
    add(", ");
    glance.appendChild(value);
    add(" " + label);
    if (margin) {
      add(", ");
      var gap = document.createElement("span");
      gap.className = "lb-glance-margin";
      gap.textContent = margin;
      glance.appendChild(gap);
    }
    var date = best.getAttribute("data-date");
    if (date) {
      add("; best since ");
      var time = document.createElement("time");
      time.setAttribute("datetime", date);
      time.textContent = date;
      glance.appendChild(time);
    }
    add(".");
  }

  function recount(table) { // "5 of 9 results" in the leaderboard's header line
    var count = document.querySelector("[data-results-of='" + table.id + "']");
    if (!count) return;
    var total = table.tBodies[0].rows.length;
    var shown = Array.prototype.filter.call(table.tBodies[0].rows, function (r) { return !r.hidden; }).length;
    count.textContent = (shown === total ? "" : shown + " of ") + total + " result" + (total === 1 ? "" : "s");
  }

  /* --- chart: redrawn for the filters: the dots of hidden rows hidden, the best-so-far line,
     the records and their labels anew, and for "as of" an x axis ending at the chosen month
     (the dots move along it; the y axis stays, so views compare) --- */

  var SVG_NS = "http://www.w3.org/2000/svg";

  function chartNumber(svg, name) { return parseFloat(svg.getAttribute("data-" + name)); }

  function chartEnd(svg) { // [first, last] instant of the "as of" axis, or null for the server's
    var form = document.querySelector("form.lb-filters");
    var match = /^(\d{4})-(\d\d)$/.exec(form && form.elements.asof ? form.elements.asof.value : "");
    if (!match) return null;
    var end = Number(match[1]) + Number(match[2]) / 12; // the end of the chosen month
    if (end >= chartNumber(svg, "t1")) return null;
    return [Math.min(chartNumber(svg, "t0"), end - 1), end];
  }

  function drawYears(svg, domain) { // the x axis's years, as chart.py draws them
    var group = svg.querySelector(".lb-xticks");
    if (!group.hasAttribute("data-all")) group.setAttribute("data-all", group.innerHTML);
    if (!domain) { group.innerHTML = group.getAttribute("data-all"); return; }
    var left = chartNumber(svg, "left"), right = chartNumber(svg, "right");
    var bottom = chartNumber(svg, "bottom"), width = chartNumber(svg, "width");
    var half = chartNumber(svg, "year-half");
    var first = Math.ceil(domain[0]), years = [];
    for (var year = first; year < domain[1] - 1e-6; year += 1) years.push(year); // none past the end
    var every = Math.max(1, Math.ceil(years.length / 8));
    while (group.firstChild) group.removeChild(group.firstChild);
    years.forEach(function (year) {
      if ((year - first) % every !== 0) return;
      var x = Math.round((left + (year - domain[0]) / (domain[1] - domain[0]) * (right - left)) * 100) / 100;
      var tick = document.createElementNS(SVG_NS, "line");
      [["x1", x], ["x2", x], ["y1", bottom], ["y2", bottom + 4]].forEach(function (a) { tick.setAttribute(a[0], a[1]); });
      var text = document.createElementNS(SVG_NS, "text");
      [["x", Math.min(Math.max(x, half), width - half)], ["y", chartNumber(svg, "year-y")], ["dy", "0.95em"],
       ["text-anchor", "middle"]].forEach(function (a) { text.setAttribute(a[0], a[1]); });
      text.textContent = String(year);
      group.appendChild(tick);
      group.appendChild(text);
    });
  }

  function boxOf(element) { var b = element.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; }

  function distance(box, x, y) {
    return Math.sqrt(Math.pow(Math.max(box[0] - x, 0, x - box[2]), 2) + Math.pow(Math.max(box[1] - y, 0, y - box[3]), 2));
  }

  function overlaps(a, b, gap) {
    return a[0] < b[2] + gap && b[0] < a[2] + gap && a[1] < b[3] + gap && b[1] < a[3] + gap;
  }

  function labelRecords(svg, records, points, lower) {
    /* the latest records before the best named beside their dots, as chart.py does it: on the
       side the line leaves free, else the other; a label that would cover another text, a dot
       or the line, or leave the plot, is left out (boxes measured as drawn) */
    var group = svg.querySelector(".lb-record-labels");
    var placed = []; // the texts above the plot, then each label placed
    Array.prototype.forEach.call(svg.querySelectorAll(".lb-axis-title, .lb-best-label"), function (t) {
      if (t.style.display !== "none") placed.push(boxOf(t));
    });
    var area = [chartNumber(svg, "left") + 1, 2, chartNumber(svg, "right"), chartNumber(svg, "bottom") - 1];
    var line = [], right = chartNumber(svg, "right");
    records.forEach(function (p, i) {
      var x = parseFloat(p.getAttribute("cx")), y = parseFloat(p.getAttribute("cy"));
      var next = records[i + 1];
      var x1 = next ? parseFloat(next.getAttribute("cx")) : right;
      line.push([x, y - 1, x1, y + 1]);
      if (next) {
        var y1 = parseFloat(next.getAttribute("cy"));
        line.push([x1 - 1, Math.min(y, y1), x1 + 1, Math.max(y, y1)]);
      }
    });
    var dots = points.map(function (p) {
      var x = parseFloat(p.getAttribute("cx")), y = parseFloat(p.getAttribute("cy")), r = parseFloat(p.getAttribute("r"));
      return [x - r, y - r, x + r, y + r];
    });
    var count = 0;
    records.slice(0, -1).reverse().forEach(function (p) {
      if (count === 3) return;
      var name = p.getAttribute("data-name");
      if (name.length > 18) name = name.slice(0, 17).trim() + "\u2026";
      var x = parseFloat(p.getAttribute("cx")), y = parseFloat(p.getAttribute("cy"));
      var gap = parseFloat(p.getAttribute("r")) + 2;
      var above = [y - gap, "-0.25em"], below = [y + gap, "0.95em"];
      var text = document.createElementNS(SVG_NS, "text");
      text.setAttribute("class", "lb-record-label");
      text.setAttribute("data-index", p.getAttribute("data-index"));
      text.setAttribute("data-drawn", "1"); // by this script: gone on the next redraw
      text.textContent = name;
      group.appendChild(text);
      var fits = (lower ? [below, above] : [above, below]).some(function (side) {
        return [[x - gap, "end"], [x, "middle"], [x + gap, "start"]].some(function (at) {
          text.setAttribute("x", at[0]); text.setAttribute("y", side[0]);
          text.setAttribute("dy", side[1]); text.setAttribute("text-anchor", at[1]);
          var box = boxOf(text);
          if (box[0] < area[0] || box[2] > area[2] || box[1] < area[1] || box[3] > area[3]) return false;
          if (placed.some(function (b) { return overlaps(box, b, 3); })) return false;
          if (line.some(function (b) { return overlaps(box, b, 0); })) return false;
          if (dots.some(function (b) { return overlaps(box, b, 1); })) return false;
          var near = distance(box, x, y) + 10; // read as another record's name: left out
          if (records.some(function (q) {
            return q !== p && distance(box, parseFloat(q.getAttribute("cx")), parseFloat(q.getAttribute("cy"))) < near;
          })) return false;
          placed.push(box);
          return true;
        });
      });
      if (fits) count += 1;
      else group.removeChild(text);
    });
  }

  function redraw(table) {
    var figure = document.querySelector("figure.lb-chart[data-chart-of='" + table.id + "']");
    if (!figure) return;
    var svg = figure.querySelector("svg");
    var hidden = {};
    Array.prototype.forEach.call(table.tBodies[0].rows, function (r) { hidden[r.getAttribute("data-index")] = r.hidden; });
    var lower = figure.getAttribute("data-lower") === "1";
    var radii = (svg.getAttribute("data-radii") || "6 5").split(" ");
    var domain = chartEnd(svg);
    var t0 = domain ? domain[0] : chartNumber(svg, "t0"), t1 = domain ? domain[1] : chartNumber(svg, "t1");
    var left = chartNumber(svg, "left"), right = chartNumber(svg, "right");
    drawYears(svg, domain);
    var best = null, path = [], last = null, shown = 0, total = 0, records = [], visible = [];
    Array.prototype.forEach.call(figure.querySelectorAll("circle.lb-point"), function (point) { // oldest first
      var off = hidden[point.getAttribute("data-index")];
      total += 1;
      point.style.display = off ? "none" : "";
      if (!point.hasAttribute("data-cx")) point.setAttribute("data-cx", point.getAttribute("cx"));
      point.setAttribute("cx", domain ? String(Math.round((left + (parseFloat(point.getAttribute("data-t")) - t0) /
        (t1 - t0) * (right - left) + parseFloat(point.getAttribute("data-dx") || "0")) * 100) / 100)
        : point.getAttribute("data-cx"));
      var row = figure.querySelector("table.lb-sr tbody tr:nth-child(" + (Number(point.getAttribute("data-order")) + 1) + ")");
      if (row) row.hidden = off;
      if (off) { point.classList.remove("lb-record"); return; }
      var value = parseFloat(point.getAttribute("data-value"));
      var record = best === null || (lower ? value < best : value > best);
      point.classList.toggle("lb-record", record);
      point.setAttribute("r", radii[record ? 0 : 1]);
      // what a screen reader hears says the same: the point's label and the table's column
      var aria = (point.getAttribute("aria-label") || "").replace(/, a new best$/, "");
      point.setAttribute("aria-label", aria + (record ? ", a new best" : ""));
      if (row && row.cells[3]) row.cells[3].textContent = record ? "yes" : "no";
      shown += 1;
      visible.push(point);
      if (!record) return;
      records.push(point);
      path.push(best === null ? "M" + point.getAttribute("cx") + "," + point.getAttribute("cy")
                              : "H" + point.getAttribute("cx") + "V" + point.getAttribute("cy"));
      best = value; last = point;
    });
    var step = figure.querySelector(".lb-step");
    step.setAttribute("d", path.length ? path.join("") + "H" + right : "");
    var desc = figure.querySelector("svg > desc");
    if (desc) {  // the server's summary while every point shows, else what the filters leave
      if (!desc.hasAttribute("data-all")) desc.setAttribute("data-all", desc.textContent);
      desc.textContent = shown === total ? desc.getAttribute("data-all") :
        shown + " of " + total + " results shown" + (last ? "; the best of them: " +
        last.getAttribute("data-text") + " (" + last.getAttribute("data-name") + ")." : ".") +
        " Use the left and right arrow keys to go through the results.";
    }
    var label = figure.querySelector(".lb-best-label");
    if (label) {
      label.style.display = last ? "" : "none";
      if (last) {  // where the server put it (above the plot, at its right edge); only the text
        // changes, its name cut further if it would reach the axis title
        var title = figure.querySelector(".lb-axis-title");
        var name = last.getAttribute("data-name"), chars = 24;
        do {
          var cut = name.length > chars ? name.slice(0, chars - 1).trim() + "\u2026" : name;
          label.textContent = "best " + last.getAttribute("data-text") + " (" + cut + ")";
          chars -= 1;
        } while (title && chars > 3 && overlaps(boxOf(label), boxOf(title), 8));
      }
    }
    // the records' names: the server's for the whole board, measured anew for a filtered one
    var group = svg.querySelector(".lb-record-labels");
    if (group) {
      Array.prototype.forEach.call(group.querySelectorAll("[data-drawn]"), function (t) { group.removeChild(t); });
      var whole = shown === total && !domain;
      Array.prototype.forEach.call(group.querySelectorAll(".lb-record-label"), function (t) {
        t.style.display = whole ? "" : "none";
      });
      if (!whole) labelRecords(svg, records, visible, lower);
    }
  }

  function applyFilters(form, root) {
    var state = readState(form), shown = 0, total = 0;
    Array.prototype.forEach.call(root.querySelectorAll("table.lb-table"), function (table) {
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = !visible(row, state);
        total += 1;
        if (!row.hidden) shown += 1;
      });
      rerank(table);
      rehighlight(table);
      recount(table);
      redraw(table);
    });
    root.querySelector("article, body").classList.toggle("lb-hide-year", !state.year);
    fitTables(root);
    var note = form.querySelector(".lb-filter-note");
    if (note) note.textContent = shown === total ? "" : "Showing " + shown + " of " + total + " results.";
    var params = new URLSearchParams(window.location.search);
    FILTERS.forEach(function (name) { params.delete(name); });
    if (!state.extra) params.set("extra", "0");
    if (!state.ms) params.set("ms", "0");
    if (state.code) params.set("code", "1");
    if (state.weights) params.set("weights", "1");
    if (state.q) params.set("q", form.elements.q.value.trim());  // a filter not offered leaves the address
    if (state.asof) params.set("asof", state.asof);
    if (!state.year) params.set("year", "0");
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(window.history.state, "", url);
    }
  }

  function initFilters(root) {
    var form = root.querySelector("form.lb-filters");
    if (!form || form.getAttribute("data-ready") === "1") return;
    form.setAttribute("data-ready", "1");
    var params = new URLSearchParams(window.location.search);
    var set = function (name, on) { if (form.elements[name]) form.elements[name].checked = on; };
    set("extra", params.get("extra") !== "0");
    set("ms", params.get("ms") !== "0");
    set("code", params.get("code") === "1");
    set("weights", params.get("weights") === "1");
    set("year", params.get("year") !== "0");
    if (form.elements.q) form.elements.q.value = params.get("q") || "";
    if (form.elements.asof) form.elements.asof.value = params.get("asof") || "";
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("input", function () { applyFilters(form, root); });
    form.addEventListener("change", function () { applyFilters(form, root); });
    applyFilters(form, root);
  }

  /* --- a permalink to a row: the row shown (the filters that hide it relaxed, and said so)
     and scrolled to just under the column headings --- */

  function reveal(root) {
    var id;
    try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (e) { return; }
    var row = id ? document.getElementById(id) : null;
    Array.prototype.forEach.call(document.querySelectorAll("tr.lb-linked"), function (other) {
      if (other !== row) other.classList.remove("lb-linked");
    });
    if (!row || row.tagName !== "TR" || !row.closest("table.lb-table")) return;
    // tinted as :target is: after instant navigation (history.pushState) :target is not set
    row.classList.add("lb-linked");
    var form = root.querySelector("form.lb-filters") || document.querySelector("form.lb-filters");
    if (row.hidden && form) {
      var relaxed = [], el = form.elements;
      var release = function (name, hides, text) {
        if (!el[name] || !hides) return;
        if (el[name].type === "checkbox") el[name].checked = !el[name].checked;
        else el[name].value = "";
        relaxed.push(text);
      };
      var state = readState(form), date = row.getAttribute("data-date");
      release("extra", !state.extra && row.hasAttribute("data-extra"), "extra training data shown");
      release("ms", !state.ms && row.hasAttribute("data-ms"), "multi-scale testing shown");
      release("code", state.code && !row.hasAttribute("data-code"), "\u201conly with code\u201d off");
      release("weights", state.weights && !row.hasAttribute("data-weights"), "\u201conly with weights\u201d off");
      release("q", state.q && row.cells[1].getAttribute("data-sort").toLowerCase().indexOf(state.q) < 0,
              "model search cleared");
      release("asof", state.asof && (!date || month(date) > state.asof), "\u201cas of\u201d cleared");
      applyFilters(form, root);
      var note = form.querySelector(".lb-filter-note");
      if (note && relaxed.length && !row.hidden) {
        note.textContent = "The linked result was hidden by the filters: " + relaxed.join(", ") + ". " + note.textContent;
      }
    }
    if (row.hidden) return;
    row.scrollIntoView({ block: "start" });
    // a row near the end of a table in its own box: the box cannot bring it to its top, and the
    // page would carry the box's headings under the site's header; the box's top goes there
    var box = row.closest(".lb-scroll"), bar = document.querySelector(".md-header");
    if (box && !box.classList.contains("lb-fits")) {
      var top = box.getBoundingClientRect().top - (bar ? bar.offsetHeight : 0);
      if (top < 0) window.scrollBy(0, top);
    }
  }

  /* --- tables laid out for reading: a table that fits its column scrolls with the page and
     its headings stick under the site's header; a wider one scrolls in its own box, as tall
     as the window, with headings and the model column pinned. --lb-head (the headings'
     height) places a linked row just under them. --- */

  function fitTables(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".lb-scroll"), function (box) {
      var table = box.querySelector("table");
      if (!table || box.hidden || table.hidden) return;
      box.classList.remove("lb-fits");
      box.classList.toggle("lb-fits", box.scrollWidth <= box.clientWidth + 1);
      if (table.tHead) table.style.setProperty("--lb-head", table.tHead.offsetHeight + "px");
      var pinned = 0; // the stuck columns at the left (rank and model; a summary's first)
      if (table.tHead && !box.classList.contains("lb-fits")) {
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
          if (getComputedStyle(th).left !== "auto") pinned = Math.max(pinned, th.offsetLeft + th.offsetWidth);
        });
      }
      box.style.setProperty("--lb-pin", pinned + "px");
    });
  }

  var refit = null;
  function refitSoon() {
    if (refit !== null) return;
    refit = window.requestAnimationFrame(function () { refit = null; fitTables(document); });
  }
  window.addEventListener("resize", refitSoon);
  document.addEventListener("toggle", function (event) { // "+N more" opened: the row widens
    if (event.target.closest && event.target.closest(".lb-scroll")) refitSoon();
  }, true);
  window.addEventListener("hashchange", function () { reveal(document); });

  /* --- chart: the details of the hovered or focused point --- */

  function initCharts(root) {
    Array.prototype.forEach.call(root.querySelectorAll("figure.lb-chart"), function (figure) {
      if (figure.getAttribute("data-ready") === "1") return;
      figure.setAttribute("data-ready", "1");
      var info = figure.querySelector(".lb-chart-info");
      var svg = figure.querySelector("svg");
      var points = Array.prototype.slice.call(figure.querySelectorAll(".lb-point"));
      var current = -1;
      var show = function (point) { info.textContent = point.getAttribute("aria-label"); };
      points.forEach(function (point, i) {
        point.addEventListener("mouseenter", function () { show(point); });
        point.addEventListener("focus", function () { current = i; show(point); });
      });
      /* one Tab stop: the chart; the arrow keys go from point to point */
      svg.addEventListener("keydown", function (event) {
        var visible = points.filter(function (p) { return p.style.display !== "none"; });
        if (!visible.length) return;
        var at = visible.indexOf(points[current]);
        var next = {ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1,
                    Home: 0, End: visible.length - 1}[event.key];
        if (next === undefined) return;
        event.preventDefault();
        if (at < 0) next = event.key === "ArrowLeft" || event.key === "ArrowUp" || event.key === "End"
          ? visible.length - 1 : 0;
        next = Math.max(0, Math.min(visible.length - 1, next));
        visible[next].focus();
      });
    });
  }

  /* --- copy a leaderboard as LaTeX or markdown (the site's own export files) --- */

  function initCopy(root) {
    Array.prototype.forEach.call(root.querySelectorAll("button.lb-copy"), function (button) {
      if (button.getAttribute("data-ready") === "1") return;
      button.setAttribute("data-ready", "1");
      var label = button.textContent;
      button.addEventListener("click", function () {
        fetch(button.getAttribute("data-src"))
          .then(function (response) { return response.text(); })
          .then(function (text) { return navigator.clipboard.writeText(text); })
          .then(function () { button.textContent = "Copied"; },
                function () { button.textContent = "Copy failed"; })
          .then(function () { setTimeout(function () { button.textContent = label; }, 2000); });
      });
    });
  }

  /* --- a result's badge, as a markdown snippet for a README --- */

  /* its icon, drawn inline here (the button works only with the script): two sheets, and a
     tick once copied; a font glyph (U+29C9) showed as a missing-glyph box */
  var ICON_COPY = "M7 5.5h5a1.5 1.5 0 0 1 1.5 1.5v5a1.5 1.5 0 0 1-1.5 1.5h-5a1.5 1.5 0 0 1-1.5-1.5v-5" +
    "a1.5 1.5 0 0 1 1.5-1.5zM10.5 3.5v-1a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h1";
  var ICON_DONE = "M3 8.5l3 3 7-7";

  function badgeIcon() {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("class", "lb-icon");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", ICON_COPY);
    svg.appendChild(path);
    return svg;
  }

  function initButtons(root, selector, makeIcon, onClick) {  // each once, its icon drawn
    var icon = null;
    Array.prototype.forEach.call(root.querySelectorAll(selector), function (button) {
      if (button.getAttribute("data-ready") === "1") return;
      button.setAttribute("data-ready", "1");
      if (!button.querySelector("svg")) button.appendChild((icon = icon || makeIcon()).cloneNode(true));
      button.addEventListener("click", function () { onClick(button); });
    });
  }

  function initBadges(root) {
    initButtons(root, "button.lb-badge", badgeIcon, function (button) {
      var row = button.closest("tr");
      var image = new URL(button.getAttribute("data-badge"), window.location.href).href;
      var page = new URL("#" + row.id, window.location.href).href;
      var alt = button.getAttribute("data-alt").replace(/[\[\]]/g, "\\$&");
      var snippet = "[![" + alt + "](" + image + ")](" + page + ")";
      navigator.clipboard.writeText(snippet).then(function () {
        var path = button.querySelector("svg path");
        button.classList.add("lb-copied");
        if (path) path.setAttribute("d", ICON_DONE);
        setTimeout(function () {
          button.classList.remove("lb-copied");
          if (path) path.setAttribute("d", ICON_COPY);
        }, 1500);
      });
    });
  }

  /* --- "Suggest a correction": the repository's issue form (the table's data-form, the
     leaderboard filled in), filled in with the row as it stands, in a new tab --- */

  var ICON_FIX = "M10.5 2.5l3 3-7.5 7.5H3v-3zM9 4l3 3";

  function fixIcon() {
    var svg = badgeIcon();
    svg.querySelector("path").setAttribute("d", ICON_FIX);
    return svg;
  }

  function cellText(td) {  // a value as shown, its "± u" apart
    var pm = td.querySelector(".lb-pm");
    var text = td.textContent;
    if (pm) text = text.replace(pm.textContent, "");
    return {value: text.trim(), plus: pm ? pm.textContent.replace(/\s+/g, "") : ""};
  }

  function linksOf(td) {  // "LABEL=URL" a line
    if (!td) return "";
    return Array.prototype.map.call(td.querySelectorAll("a[href]"), function (a) {
      return a.textContent.trim().replace(/=/g, " ") + "=" + a.href;
    }).join("\n");
  }

  function fixUrl(button) {
    var row = button.closest("tr"), table = button.closest("table");
    var url;
    try { url = new URL(table.getAttribute("data-form")); } catch (e) { return null; }
    if (url.protocol !== "https:" || url.hostname !== "github.com") return null;
    var params = url.searchParams;
    var model = row.querySelector("td.lb-model > a");
    var name = model ? model.textContent.trim() : "";
    params.set("correction_of", row.id);
    params.set("model", name);
    params.set("title", "[Correction] " + name);
    var values = [];
    var heads = table.querySelectorAll("thead th.lb-num");
    var cells = row.querySelectorAll("td.lb-num");
    Array.prototype.forEach.call(heads, function (th, i) {
      var td = cells[i];
      if (!td || td.querySelector(".lb-na")) return;
      var shown = cellText(td);
      values.push(th.getAttribute("data-metric") + "=" + shown.value + shown.plus);
    });
    params.set("values", values.join("\n"));
    var paper = row.querySelector("td.lb-paper a.lb-out");
    if (paper) params.set("paper", paper.href);
    var kinds = Array.prototype.map.call(table.querySelectorAll("thead th.lb-links"), function (th) {
      return th.textContent.trim().toLowerCase();
    });
    Array.prototype.forEach.call(row.querySelectorAll("td.lb-links"), function (td, i) {
      var text = linksOf(td);
      if (text && (kinds[i] === "code" || kinds[i] === "weights")) params.set(kinds[i], text);
    });
    var extra = Array.prototype.map.call(row.querySelectorAll(".lb-chip-extra"), function (chip) {
      return chip.textContent.replace(/^\s*\+\s*/, "").trim();
    });
    if (extra.length) params.set("extra_data", extra.join(", "));
    if (row.getAttribute("data-ms") === "1") params.set("multi_scale", "Yes");
    if (row.getAttribute("data-date")) params.set("date", row.getAttribute("data-date"));
    return url.href;
  }

  function initFixes(root) {
    initButtons(root, "button.lb-fix", fixIcon, function (button) {
      var href = fixUrl(button);
      if (href) window.open(href, "_blank", "noopener");
    });
  }

  /* --- compare two or three models on the leaderboards they share; state in ?models=a,b --- */

  var COMPARE_MAX = 3;

  /* The ids in the address are anyone's: they are looked up in Maps, never as properties of
     an object, so "constructor" or "__proto__" finds nothing instead of Object's own. */
  function toMap(object) {
    var map = new Map();
    if (object && typeof object === "object") {
      Object.keys(object).forEach(function (key) { map.set(key, object[key]); });
    }
    return map;
  }

  function quoted(keys) {  // ids for a notice, as text: a few, each cut short
    var shown = keys.slice(0, 5).map(function (key) {
      return "\u201c" + (key.length > 60 ? key.slice(0, 59) + "\u2026" : key) + "\u201d";
    });
    return shown.join(", ") + (keys.length > 5 ? " and " + (keys.length - 5) + " more" : "");
  }

  function initCompare(root) {
    var box = root.querySelector(".lb-compare");
    if (!box || box.getAttribute("data-ready") === "1") return;
    box.setAttribute("data-ready", "1");
    var siteRoot = box.getAttribute("data-root") || "";
    var form = box.querySelector("form"), input = form.querySelector("input[name=model]");
    var list = box.querySelector("datalist"), chosen = box.querySelector(".lb-compare-chosen");
    var note = box.querySelector(".lb-compare-note"), table = box.querySelector("table");
    var notice = box.querySelector(".lb-compare-missing");
    if (!notice) {  // a site's own template without it
      notice = document.createElement("p");
      notice.className = "lb-compare-missing";
      notice.hidden = true;
      note.parentNode.insertBefore(notice, note);
    }
    fetch(box.getAttribute("data-src"))
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var models = toMap(data.models);
        var boards = Array.isArray(data.boards) ? data.boards : [];  // a result names one by index
        function hasBoard(i) { return Number.isInteger(i) && i >= 0 && i < boards.length; }
        var byName = new Map();
        models.forEach(function (model, key) {
          var option = document.createElement("option");
          option.value = model.name;
          list.appendChild(option);
          byName.set(String(model.name).toLowerCase(), key);
        });
        models.forEach(function (model, key) {  // "SDN-M2* + COCO": after every plain name
          (model.configurations || []).forEach(function (name) {
            if (!byName.has(String(name).toLowerCase())) byName.set(String(name).toLowerCase(), key);
          });
        });
        function asked() {  // every id in the address, once each, in order
          var wanted = (new URLSearchParams(window.location.search).get("models") || "").split(",");
          return wanted.filter(function (key, i) { return key && wanted.indexOf(key) === i; });
        }
        function current() {
          return asked().filter(function (key) { return models.has(key); }).slice(0, COMPARE_MAX);
        }
        function tell() {  // what the address asked for and the page left out, as text
          var wanted = asked();
          var unknown = wanted.filter(function (key) { return !models.has(key); });
          var extra = wanted.filter(function (key) { return models.has(key); }).slice(COMPARE_MAX);
          var parts = [];
          if (unknown.length) {
            parts.push("Not found, so left out: " + quoted(unknown) + ".");
          }
          if (extra.length) {
            parts.push("Three models at most are compared; left out: " + quoted(extra) + ".");
          }
          notice.textContent = parts.join(" ");
          notice.hidden = !parts.length;
        }
        function save(keys, focus) {
          var url = new URL(window.location.href);
          url.searchParams.delete("models");
          var rest = url.searchParams.toString();  // keys are slugs: the commas stay commas
          var search = (keys.length ? "models=" + keys.join(",") : "") + (rest ? (keys.length ? "&" : "") + rest : "");
          history.replaceState(history.state, "", url.pathname + (search ? "?" + search : "") + url.hash);
          draw(keys);
          if (focus) focus.focus();
        }
        function cell(row, text, href) {
          var td = document.createElement(row.parentNode && row.parentNode.tagName === "THEAD" ? "th" : "td");
          if (href) {
            var a = document.createElement("a");
            a.href = href;
            a.textContent = text;
            td.appendChild(a);
          } else {
            td.textContent = text;
          }
          row.appendChild(td);
          return td;
        }
        function draw(keys) {
          tell();
          chosen.textContent = "";
          keys.forEach(function (key) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            // a model of one result has no page: its row ("at", from the site's root)
            a.href = siteRoot + (models.get(key).at || "models/" + key + "/");
            a.textContent = models.get(key).name;
            var remove = document.createElement("button");
            remove.type = "button";
            remove.className = "lb-compare-remove";
            remove.textContent = "×";
            remove.setAttribute("aria-label", "Remove " + models.get(key).name);
            remove.addEventListener("click", function () {  // the keyboard stays in the form
              save(keys.filter(function (k) { return k !== key; }), input);
            });
            li.appendChild(a);
            li.appendChild(remove);
            chosen.appendChild(li);
          });
          var full = keys.length >= COMPARE_MAX;
          input.disabled = full;
          form.querySelector("button[type=submit]").disabled = full;
          input.placeholder = full ? "three at most: remove one first" : "model name";
          var results = keys.map(function (key) {
            var found = new Map();
            (models.get(key).results || []).forEach(function (r) { found.set(r[0], r); });
            return found;
          });
          var shared = keys.length < 2 ? [] : Array.from(results[0].keys()).filter(function (board) {
            return hasBoard(board) && results.every(function (found) { return found.has(board); });
          });
          table.hidden = !shared.length;
          if (keys.length < 2) {
            note.textContent = "Choose two or three models: their results on the leaderboards they share appear here.";
          } else {
            note.textContent = shared.length
              ? shared.length + " shared leaderboard" + (shared.length === 1 ? "" : "s") + "."
              : "These models share no leaderboard.";
          }
          var head = table.tHead, body = table.tBodies[0];
          head.textContent = "";
          body.textContent = "";
          if (!shared.length) return;
          var hr = head.insertRow();
          cell(hr, "Leaderboard").scope = "col";
          cell(hr, "Metric").scope = "col";
          keys.forEach(function (key) { cell(hr, models.get(key).name).scope = "col"; });
          shared.forEach(function (board) {
            var b = boards[board];
            var tr = body.insertRow();
            // a leaderboard folded into its task's page (a 1 last) is a section of that page
            cell(tr, b[3] + " on " + b[2], siteRoot + "tasks/" + b[0] + "/" + (b[6] ? "#" + b[1] : b[1] + "/"));
            cell(tr, b[4]);
            var ranks = results.map(function (found) { return found.get(board)[3]; });
            var top = Math.min.apply(null, ranks.filter(function (r) { return r !== null; }));
            results.forEach(function (found) {
              var r = found.get(board);
              var td = cell(tr, (r[2] === null ? "N/A" : r[2]) + " ");
              var of = document.createElement("span"); // on a phone the rank wraps under the value
              of.className = "lb-of";
              of.textContent = "(#" + (r[3] === null ? "–" : r[3]) + " of " + b[5] + ")";
              td.appendChild(of);
              td.className = "lb-num" + (r[3] !== null && r[3] === top ? " lb-best" : "");
              td.title = r[1];
            });
          });
          fitTables(box);
        }
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          var key = byName.get(input.value.trim().toLowerCase());
          var keys = current();
          if (key === undefined) {
            note.textContent = "No model is called \u201c" + input.value.trim() + "\u201d.";
            return;
          }
          if (keys.indexOf(key) < 0 && keys.length < COMPARE_MAX) keys.push(key);
          input.value = "";
          save(keys);
        });
        draw(current());
      }, function () { note.textContent = "The models' results could not be loaded."; });
  }

  /* --- the home page's search button opens the theme's search; index filter boxes --- */

  function initFind(root) {
    Array.prototype.forEach.call(root.querySelectorAll("button.lb-search-open"), function (button) {
      button.addEventListener("click", function () {
        var toggle = document.getElementById("__search");
        if (toggle) {
          toggle.checked = true;
          toggle.dispatchEvent(new Event("change"));
        }
        var input = document.querySelector(".md-search__input");
        if (input) input.focus();
      });
    });
    Array.prototype.forEach.call(root.querySelectorAll("input.lb-index-filter"), function (input) {
      var scope = document.getElementById(input.getAttribute("aria-controls"));
      if (!scope) return;
      input.addEventListener("input", function () {
        var q = input.value.trim().toLowerCase();
        Array.prototype.forEach.call(scope.querySelectorAll("[data-name]"), function (item) {
          var hit = !q || item.getAttribute("data-name").indexOf(q) >= 0 ||
            item.querySelector("[data-name*=\"" + q.replace(/["\\]/g, "") + "\"]") !== null;
          item.hidden = !hit;
        });
        Array.prototype.forEach.call(scope.querySelectorAll("details.lb-empty"), function (d) {
          if (q) d.open = true;
        });
      });
    });
  }

  function initPage(root) {
    init(root);
    initFind(root);
    initBadges(root);
    initFixes(root);
    fitTables(root);
    initFilters(root);
    initCharts(root);
    initCopy(root);
    initCompare(root);
    reveal(root);
  }

  window.leaderboardTables = { init: initPage, sortBy: sortBy };
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(function () { initPage(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initPage(document); });
  } else {
    initPage(document);
  }
})();
