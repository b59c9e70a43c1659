/* The reader's enhancements: text size buttons, ← → to turn pages, menus on phones.
   Each one is optional: without this script every page reads at the default size
   and every link works; the controls that need it are hidden until it runs. */
(function () {
  "use strict";

  var SCALES = [0.875, 1, 1.125, 1.25, 1.5, 1.75, 2];
  var DEFAULT_INDEX = 1;
  var STORAGE_KEY = "reader:text-scale";
  var root = document.documentElement;

  function savedIndex() {
    try {
      var index = SCALES.indexOf(parseFloat(localStorage.getItem(STORAGE_KEY)));
      return index >= 0 ? index : DEFAULT_INDEX;
    } catch (e) {
      return DEFAULT_INDEX;
    }
  }

  function save(index) {
    try {
      if (index === DEFAULT_INDEX) localStorage.removeItem(STORAGE_KEY);
      else localStorage.setItem(STORAGE_KEY, String(SCALES[index]));
    } catch (e) {
      /* private browsing: the size still applies to this page */
    }
  }

  /* The block the reader is reading, taken just below the sticky tools bar: the
     first block that starts there, or, when one long paragraph fills the window,
     the point inside it at that line. */
  function readingAnchor(text, tools) {
    var line = Math.max(0, tools.getBoundingClientRect().bottom);
    var blocks = text.children;
    for (var i = 0; i < blocks.length; i++) {
      var box = blocks[i].getBoundingClientRect();
      if (box.bottom <= line) continue;
      if (box.top >= line) return { element: blocks[i], ratio: 0, offset: box.top };
      var next = blocks[i + 1] && blocks[i + 1].getBoundingClientRect();
      if (next && next.top < line + (window.innerHeight - line) / 2) {
        return { element: blocks[i + 1], ratio: 0, offset: next.top };
      }
      var ratio = (line - box.top) / box.height;
      return { element: blocks[i], ratio: ratio, offset: line };
    }
    return null;
  }

  function setUpTextSize() {
    var controls = document.querySelector("[data-font-controls]");
    var text = document.querySelector("[data-reader-text]");
    if (!controls || !text) return;
    var status = controls.querySelector("[data-font-status]");
    var buttons = {
      up: controls.querySelector('[data-font="up"]'),
      down: controls.querySelector('[data-font="down"]'),
      reset: controls.querySelector('[data-font="reset"]')
    };
    var index = savedIndex();

    function describe() {
      return controls.getAttribute("data-announce").replace("{percent}", Math.round(SCALES[index] * 100));
    }

    function show() {
      root.style.setProperty("--text-scale", String(SCALES[index]));
      buttons.up.setAttribute("aria-disabled", String(index === SCALES.length - 1));
      buttons.down.setAttribute("aria-disabled", String(index === 0));
    }

    function choose(next) {
      if (next < 0 || next >= SCALES.length) {
        var limit = next < 0 ? "data-smallest" : "data-largest";
        status.textContent = controls.getAttribute(limit) + " · " + describe();
        return;
      }
      // At the very top the reader is not inside the story yet: let it grow downwards.
      var anchor = window.scrollY > 0 ? readingAnchor(text, controls.parentNode) : null;
      index = next;
      save(index);
      show();
      status.textContent = describe();
      if (anchor) {
        // Keep the line being read where it was: scroll by however far the text moved.
        var box = anchor.element.getBoundingClientRect();
        var moved = box.top + anchor.ratio * box.height - anchor.offset;
        if (Math.abs(moved) >= 1) window.scrollBy(0, moved);
      }
    }

    controls.addEventListener("click", function (event) {
      var button = event.target.closest("[data-font]");
      if (!button) return;
      var action = button.getAttribute("data-font");
      if (action === "up") choose(index + 1);
      else if (action === "down") choose(index - 1);
      else choose(DEFAULT_INDEX);
    });

    show();
    status.textContent = describe();
    controls.hidden = false;
  }

  function setUpPageKeys() {
    if (!document.querySelector("[data-page-keys]")) return;
    var hint = document.querySelector("[data-key-hint]");
    if (hint) hint.hidden = false;
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      var target = event.target;
      if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
      var step = { ArrowLeft: "previous-page", ArrowRight: "next-page" }[event.key];
      var link = step && document.querySelector('[data-step="' + step + '"]');
      if (!link) return;
      event.preventDefault();
      window.location.assign(link.href);
    });
  }

  function setUpMenus() {
    var narrow = window.matchMedia("(max-width: 59.99em)").matches;
    document.querySelectorAll("details[data-collapse-narrow]").forEach(function (menu) {
      if (narrow) menu.open = false;
      menu.classList.add("ready");
    });
  }

  setUpMenus();
  setUpTextSize();
  setUpPageKeys();
})();
