/* Zoom and pan over the printed page (版面图): buttons, Ctrl + wheel (and a trackpad's
   pinch), two-finger pinch on a touch screen, dragging, and the keyboard (+ − 0 and the
   arrow keys while the page has focus). Without this script the page image is shown
   whole with its article links, and the original opens at full size from its link.

   The stage (image and hotspots together) is moved by one CSS transform, so the links
   stay exactly over the articles at every scale. */
(function () {
  "use strict";

  var MIN = 1;
  var MAX = 6;
  var STEP = 1.5;

  function setUp(figure) {
    var viewport = figure.querySelector("[data-zoom-viewport]");
    var stage = figure.querySelector("[data-zoom-stage]");
    var tools = figure.querySelector("[data-zoom-tools]");
    var status = figure.querySelector("[data-zoom-status]");
    var scale = 1;
    var x = 0;
    var y = 0;

    function clamp() {
      var width = viewport.clientWidth;
      var height = viewport.clientHeight;
      x = Math.min(0, Math.max(width - width * scale, x));
      y = Math.min(0, Math.max(height - height * scale, y));
    }

    function show() {
      clamp();
      stage.style.transform = "translate(" + x + "px, " + y + "px) scale(" + scale + ")";
      figure.classList.toggle("is-zoomed", scale > 1);
      tools.querySelector('[data-zoom="out"]').setAttribute("aria-disabled", String(scale <= MIN));
      tools.querySelector('[data-zoom="in"]').setAttribute("aria-disabled", String(scale >= MAX));
      if (status) status.textContent = Math.round(scale * 100) + "%";
    }

    /* Zoom to `next`, keeping the point (px, py) of the viewport where it is. */
    function zoomTo(next, px, py) {
      next = Math.min(MAX, Math.max(MIN, next));
      if (px === undefined) {
        px = viewport.clientWidth / 2;
        py = viewport.clientHeight / 2;
      }
      x = px - ((px - x) * next) / scale;
      y = py - ((py - y) * next) / scale;
      scale = next;
      show();
    }

    function point(event) {
      var box = viewport.getBoundingClientRect();
      return [event.clientX - box.left, event.clientY - box.top];
    }

    tools.addEventListener("click", function (event) {
      var button = event.target.closest("[data-zoom]");
      if (!button) return;
      var action = button.getAttribute("data-zoom");
      if (action === "in") zoomTo(scale * STEP);
      else if (action === "out") zoomTo(scale / STEP);
      else { scale = 1; x = 0; y = 0; show(); }
    });

    viewport.addEventListener("wheel", function (event) {
      // A plain wheel over a whole page scrolls the window; Ctrl (or a trackpad pinch,
      // which arrives as Ctrl + wheel) zooms, and once zoomed in the wheel pans.
      if (!event.ctrlKey && scale === 1) return;
      event.preventDefault();
      if (event.ctrlKey) {
        var at = point(event);
        zoomTo(scale * Math.exp(-event.deltaY / 300), at[0], at[1]);
      } else {
        x -= event.deltaX;
        y -= event.deltaY;
        show();
      }
    }, { passive: false });

    var pointers = {};
    var last = null;
    var moved = 0;

    function spread() {
      var ids = Object.keys(pointers);
      var a = pointers[ids[0]];
      var b = pointers[ids[1]];
      return {
        distance: Math.hypot(a[0] - b[0], a[1] - b[1]),
        middle: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]
      };
    }

    viewport.addEventListener("pointerdown", function (event) {
      pointers[event.pointerId] = point(event);
      moved = 0;
      last = Object.keys(pointers).length === 2 ? spread() : null;
    });
    viewport.addEventListener("pointermove", function (event) {
      if (!pointers[event.pointerId]) return;
      var now = point(event);
      var before = pointers[event.pointerId];
      pointers[event.pointerId] = now;
      var count = Object.keys(pointers).length;
      if (count === 2 && last) {
        var next = spread();
        zoomTo(scale * (next.distance / last.distance), next.middle[0], next.middle[1]);
        last = next;
        moved += 10;
      } else if (count === 1 && scale > 1) {
        x += now[0] - before[0];
        y += now[1] - before[1];
        moved += Math.abs(now[0] - before[0]) + Math.abs(now[1] - before[1]);
        if (moved > 4 && !viewport.hasPointerCapture(event.pointerId)) {
          viewport.setPointerCapture(event.pointerId);
        }
        show();
      }
    });
    function release(event) {
      delete pointers[event.pointerId];
      last = Object.keys(pointers).length === 2 ? spread() : null;
    }
    viewport.addEventListener("pointerup", release);
    viewport.addEventListener("pointercancel", release);
    // A drag that moved the page is not a click on the article under it.
    viewport.addEventListener("click", function (event) {
      if (moved > 4) {
        event.preventDefault();
        event.stopPropagation();
        moved = 0;
      }
    }, true);

    viewport.addEventListener("keydown", function (event) {
      if (event.target !== viewport || event.altKey || event.ctrlKey || event.metaKey) return;
      var pan = 60;
      var keys = {
        "+": function () { zoomTo(scale * STEP); },
        "=": function () { zoomTo(scale * STEP); },
        "-": function () { zoomTo(scale / STEP); },
        "0": function () { scale = 1; x = 0; y = 0; show(); },
        ArrowLeft: function () { x += pan; show(); },
        ArrowRight: function () { x -= pan; show(); },
        ArrowUp: function () { y += pan; show(); },
        ArrowDown: function () { y -= pan; show(); }
      };
      var act = keys[event.key];
      // Unzoomed, the arrow keys keep turning the pages (reader.js).
      if (!act || (scale === 1 && event.key.indexOf("Arrow") === 0)) return;
      event.preventDefault();
      act();
    });

    window.addEventListener("resize", show);
    viewport.tabIndex = 0;
    tools.hidden = false;
    figure.classList.add("has-zoom");
    show();
  }

  document.querySelectorAll("[data-zoom-figure]").forEach(setUp);
})();
