/* The reader's enhancements: text size buttons, ← → to turn pages, menus on phones,
   arrow keys in the calendar, share / copy link / print on an article.
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
    var narrow = window.matchMedia("(max-width: 47.99em)").matches;
    document.querySelectorAll("details[data-collapse-narrow]").forEach(function (menu) {
      if (narrow) menu.open = false;
      menu.classList.add("ready");
    });
  }

  /* The calendar as a grid: the arrow keys move between the days that have an edition
     (a day without one is skipped to the nearest that has), Home and End to the
     month's first and last. Only one day is a Tab stop, so the month is one stop. */
  function setUpCalendar() {
    var grid = document.querySelector("[data-calendar]");
    if (!grid) return;
    var days = Array.prototype.slice.call(grid.querySelectorAll("a[data-day]"));
    if (!days.length) return;
    var byDay = {};
    days.forEach(function (link) { byDay[link.getAttribute("data-day")] = link; });
    var current = grid.querySelector("a[aria-current]") || days[days.length - 1];
    days.forEach(function (link) { link.tabIndex = link === current ? 0 : -1; });

    function nearest(from, step) {
      // step: ±1 for the next day with an edition, ±7 for the same weekday or past it
      var day = from;
      for (var i = 0; i < 62; i++) {
        day += step;
        if (day < 1 || day > 31) break;
        if (byDay[day]) return byDay[day];
      }
      if (Math.abs(step) === 7) return nearest(from, step > 0 ? 1 : -1);
      return null;
    }

    grid.addEventListener("keydown", function (event) {
      var link = event.target.closest && event.target.closest("a[data-day]");
      if (!link || event.altKey || event.ctrlKey || event.metaKey) return;
      var day = parseInt(link.getAttribute("data-day"), 10);
      var target = {
        ArrowLeft: function () { return nearest(day, -1); },
        ArrowRight: function () { return nearest(day, 1); },
        ArrowUp: function () { return nearest(day, -7); },
        ArrowDown: function () { return nearest(day, 7); },
        Home: function () { return days[0]; },
        End: function () { return days[days.length - 1]; }
      }[event.key];
      if (!target) return;
      event.preventDefault();
      var next = target();
      if (!next) return;
      link.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    });
  }

  /* Share (the system's share sheet where the browser has one), copy the link, print. */
  function setUpArticleActions() {
    var actions = document.querySelector("[data-article-actions]");
    if (!actions) return;
    var status = actions.querySelector("[data-action-status]");
    var share = actions.querySelector('[data-action="share"]');
    var canonical = document.querySelector('link[rel="canonical"]');
    var url = canonical ? canonical.href : window.location.href;
    if (navigator.share) share.hidden = false;
    if (!navigator.clipboard) actions.querySelector('[data-action="copy"]').hidden = true;

    function say(text) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }

    actions.addEventListener("click", function (event) {
      var button = event.target.closest("[data-action]");
      if (!button) return;
      var action = button.getAttribute("data-action");
      if (action === "print") {
        window.print();
      } else if (action === "share") {
        navigator.share({ title: document.title, url: url }).catch(function () {
          /* the reader closed the sheet: nothing to say */
        });
      } else if (action === "copy") {
        navigator.clipboard.writeText(url).then(
          function () { say(actions.getAttribute("data-copied")); },
          function () { say(actions.getAttribute("data-copy-failed")); }
        );
      }
    });
    actions.hidden = false;
  }

  setUpMenus();
  setUpTextSize();
  setUpPageKeys();
  setUpCalendar();
  setUpArticleActions();
})();
