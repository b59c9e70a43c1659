/* The region editor on a page's change form: draw rectangles and polygons on the page
   image, move them and their corners, delete them, link each to an article of the page.

   The regions live in one hidden input as JSON (fractions 0..1 of the page, two corners
   for a rectangle), which the form posts with the page; the server checks them again
   (editions/adminkit/regions.py). Keyboard: Tab to the image, arrow keys move the
   selected region (Shift: finer), Delete removes it, Escape drops a half-drawn one. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var MIN_SIZE = 0.005; // a rectangle thinner than this is a stray click, not a region

  function clamp(value) { return Math.min(1, Math.max(0, value)); }
  function round(value) { return Math.round(value * 10000) / 10000; }

  function corners(region) {
    if (region.shape !== "rect") return region.points;
    var a = region.points[0], b = region.points[1];
    return [[a[0], a[1]], [b[0], a[1]], [b[0], b[1]], [a[0], b[1]]];
  }

  function normalRect(a, b) {
    return [[Math.min(a[0], b[0]), Math.min(a[1], b[1])], [Math.max(a[0], b[0]), Math.max(a[1], b[1])]];
  }

  function init(root) {
    var input = root.querySelector("[data-regions-input]");
    var svg = root.querySelector("[data-canvas]");
    if (!input || !svg) return;
    var width = parseFloat(root.dataset.width), height = parseFloat(root.dataset.height);
    var select = root.querySelector("[data-article]");
    var status = root.querySelector("[data-status]");
    var list = root.querySelector("[data-list]");
    var finishButton = root.querySelector('[data-action="finish"]');
    var deleteButton = root.querySelector('[data-action="delete"]');
    var modeButtons = root.querySelectorAll("[data-mode]");
    var titles = {};
    Array.prototype.forEach.call(select.options, function (option) {
      if (option.value) titles[option.value] = option.textContent;
    });

    var regions;
    try { regions = JSON.parse(input.value || "[]"); } catch (error) { regions = []; }
    if (!Array.isArray(regions)) regions = [];
    var selected = -1, mode = "select", drag = null, draft = null;

    function say(text) { status.textContent = text; }

    function write() {
      input.value = JSON.stringify(regions.map(function (region) {
        return {
          id: region.id || null,
          shape: region.shape,
          points: region.points.map(function (p) { return [round(p[0]), round(p[1])]; }),
          article: region.article || null
        };
      }));
    }

    function titleOf(region) {
      return region.article ? (titles[String(region.article)] || String(region.article)) : root.dataset.msgNone;
    }

    function node(name, attrs) {
      var element = document.createElementNS(SVG, name);
      Object.keys(attrs).forEach(function (key) { element.setAttribute(key, attrs[key]); });
      return element;
    }

    function pointsAttr(points) {
      return points.map(function (p) { return (p[0] * width).toFixed(1) + "," + (p[1] * height).toFixed(1); }).join(" ");
    }

    function render() {
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      regions.forEach(function (region, index) {
        var shape = node("polygon", {
          points: pointsAttr(corners(region)),
          "class": "region" + (index === selected ? " is-selected" : "") + (region.article ? "" : " is-unlinked"),
          "data-index": index
        });
        var title = node("title", {});
        title.textContent = root.dataset.msgRegion + " " + (index + 1) + ": " + titleOf(region);
        shape.appendChild(title);
        svg.appendChild(shape);
      });
      if (selected >= 0) {
        regions[selected].points.forEach(function (p, vertex) {
          svg.appendChild(node("circle", {
            cx: p[0] * width, cy: p[1] * height, r: Math.max(width, height) * 0.006,
            "class": "handle", "data-vertex": vertex
          }));
        });
      }
      if (draft) {
        var outline = draft.shape === "rect" ? corners(draft) : draft.points.concat(draft.hover ? [draft.hover] : []);
        svg.appendChild(node("polygon", { points: pointsAttr(outline), "class": "draft" }));
      }
      list.textContent = "";
      regions.forEach(function (region, index) {
        var item = document.createElement("li");
        if (index === selected) item.className = "is-selected";
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = root.dataset.msgRegion + " " + (index + 1) + ": " + titleOf(region);
        button.addEventListener("click", function () { choose(index); svg.focus(); });
        item.appendChild(button);
        list.appendChild(item);
      });
      select.disabled = selected < 0;
      deleteButton.disabled = selected < 0;
      select.value = selected >= 0 && regions[selected].article ? String(regions[selected].article) : "";
      finishButton.hidden = !(draft && draft.shape === "polygon");
      write();
    }

    function choose(index) { selected = index; render(); }

    function setMode(next) {
      mode = next;
      draft = null;
      root.dataset.mode = next;
      Array.prototype.forEach.call(modeButtons, function (button) {
        button.setAttribute("aria-pressed", String(button.dataset.mode === next));
      });
      if (next === "polygon") say(root.dataset.msgPolygon);
      render();
    }

    function at(event) {
      var box = svg.getBoundingClientRect();
      return [clamp((event.clientX - box.left) / box.width), clamp((event.clientY - box.top) / box.height)];
    }

    function add(region) {
      region.article = null;
      regions.push(region);
      selected = regions.length - 1;
      draft = null;
      say(root.dataset.msgDrawn);
      setMode("select");
    }

    function finishPolygon() {
      if (!draft || draft.shape !== "polygon") return;
      if (draft.points.length >= 3) add({ shape: "polygon", points: draft.points });
      else { draft = null; render(); }
    }

    function remove() {
      if (selected < 0) return;
      regions.splice(selected, 1);
      selected = -1;
      say(root.dataset.msgDeleted);
      render();
    }

    // Moving keeps the whole region on the page: the step is cut at the edges.
    function shifted(points, dx, dy) {
      var xs = points.map(function (p) { return p[0]; }), ys = points.map(function (p) { return p[1]; });
      dx = Math.min(Math.max(dx, -Math.min.apply(null, xs)), 1 - Math.max.apply(null, xs));
      dy = Math.min(Math.max(dy, -Math.min.apply(null, ys)), 1 - Math.max.apply(null, ys));
      return points.map(function (p) { return [p[0] + dx, p[1] + dy]; });
    }

    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      var point = at(event);
      event.preventDefault();
      svg.focus();
      if (mode === "rect") {
        draft = { shape: "rect", points: [point, point] };
        svg.setPointerCapture(event.pointerId);
        drag = { kind: "draw" };
      } else if (mode === "polygon") {
        if (!draft) draft = { shape: "polygon", points: [point] };
        else {
          var first = draft.points[0];
          var near = Math.abs(first[0] - point[0]) < 0.01 && Math.abs(first[1] - point[1]) < 0.01;
          if (near && draft.points.length >= 3) { finishPolygon(); return; }
          draft.points.push(point);
        }
      } else {
        var target = event.target;
        if (target.dataset.vertex !== undefined && selected >= 0) {
          drag = { kind: "vertex", vertex: parseInt(target.dataset.vertex, 10) };
        } else if (target.dataset.index !== undefined) {
          selected = parseInt(target.dataset.index, 10);
          drag = { kind: "move", from: point, points: regions[selected].points.map(function (p) { return p.slice(); }) };
        } else {
          selected = -1;
        }
        if (drag) svg.setPointerCapture(event.pointerId);
      }
      render();
    });

    svg.addEventListener("pointermove", function (event) {
      var point = at(event);
      if (mode === "polygon" && draft) { draft.hover = point; render(); return; }
      if (!drag) return;
      if (drag.kind === "draw") draft.points[1] = point;
      else if (drag.kind === "move") {
        regions[selected].points = shifted(drag.points, point[0] - drag.from[0], point[1] - drag.from[1]);
      } else if (drag.kind === "vertex") regions[selected].points[drag.vertex] = point;
      render();
    });

    function release() {
      if (!drag) return;
      var kind = drag.kind;
      drag = null;
      if (kind === "draw") {
        var rect = normalRect(draft.points[0], draft.points[1]);
        if (rect[1][0] - rect[0][0] > MIN_SIZE && rect[1][1] - rect[0][1] > MIN_SIZE) add({ shape: "rect", points: rect });
        else { draft = null; render(); }
      } else if (selected >= 0 && regions[selected].shape === "rect") {
        regions[selected].points = normalRect(regions[selected].points[0], regions[selected].points[1]);
        render();
      }
    }
    svg.addEventListener("pointerup", release);
    svg.addEventListener("pointercancel", release);
    svg.addEventListener("dblclick", function (event) { event.preventDefault(); finishPolygon(); });

    svg.addEventListener("keydown", function (event) {
      var step = event.shiftKey ? 0.001 : 0.01;
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      if (event.key === "Escape") { draft = null; setMode("select"); event.preventDefault(); }
      else if (event.key === "Enter" && draft) { finishPolygon(); event.preventDefault(); }
      else if ((event.key === "Delete" || event.key === "Backspace") && selected >= 0) { remove(); event.preventDefault(); }
      else if (moves[event.key] && selected >= 0) {
        regions[selected].points = shifted(regions[selected].points, moves[event.key][0], moves[event.key][1]);
        render();
        event.preventDefault();
      }
    });

    Array.prototype.forEach.call(modeButtons, function (button) {
      button.addEventListener("click", function () { setMode(button.dataset.mode); });
    });
    finishButton.addEventListener("click", finishPolygon);
    deleteButton.addEventListener("click", remove);
    select.addEventListener("change", function () {
      if (selected < 0) return;
      regions[selected].article = select.value ? parseInt(select.value, 10) : null;
      render();
    });

    root.dataset.mode = mode;
    render();
  }

  function start() { Array.prototype.forEach.call(document.querySelectorAll("[data-region-editor]"), init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
