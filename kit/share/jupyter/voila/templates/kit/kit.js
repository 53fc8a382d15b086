/* The kit's page script: what a page does in the browser beyond Voilà's own.
 *
 * - Keeps the person on every link: once a page knows whose it is (the hidden
 *   .kit-person mark the kernel draws with the resume banner), every link to
 *   another workbook carries their resume code, so nobody leaves their team
 *   session by tapping a link that does not.
 * - Remembers, on this device, that the person joined a team session (a
 *   cookie named for the session), so opening the join link again resumes
 *   them instead of making a second person.
 * - Checks the size of a chosen file before the page reads it: a file over
 *   the limit gets a plain message beside the upload button (it used to drop
 *   the page's connection with no word).
 * - Says so, with a way to try again, when the page has not finished starting.
 * - Reloads itself (twice at most) when its widgets came up as "model not
 *   found", as one page in twelve can when a room opens its pages at once.
 * - Sends, as the page closes, the text of every box typed in (its last keys
 *   may not have reached the kernel yet): the server saves it once the page's
 *   kernel is gone (kit.server.LastWordsHandler).
 * - Makes each statement's five choices one radio group named by the
 *   statement: one Tab stop, arrow keys inside, read out with its statement.
 * - Scrolls to, and focuses, what the kernel marks with data-kit-go (the
 *   results' heading after "See my results").
 * - Shows a button as busy while the work it started takes a moment, and
 *   lets Enter in a one-line box press the button beside it.
 */
(function () {
  "use strict";
  var MAX_FILE = 5 * 1024 * 1024;   // one person's answers file is tens of kilobytes
  var MAX_TOTAL = 20 * 1024 * 1024; // a coach's upload of a whole room's files
  // A page a room opens at once can take 20 s to start; past this, say so.
  var STARTING_SECONDS = window.KIT_STARTING_SECONDS || 45;

  function mb(bytes) { return (bytes / 1024 / 1024).toFixed(1) + " MB"; }

  function person() {
    var marks = document.querySelectorAll(".kit-person[data-code]");
    return marks.length ? marks[marks.length - 1] : null;
  }

  function remember(mark) {
    // Only the moment of joining: a coach opening someone's link is not them.
    var session = mark.getAttribute("data-session");
    if (!session || mark.getAttribute("data-joined") !== "1") { return; }
    var name = "kit-member-" + session.replace(/[^A-Za-z0-9-]/g, "");
    document.cookie = name + "=" + encodeURIComponent(mark.getAttribute("data-code")) +
      "; path=/; max-age=" + (30 * 24 * 3600) + "; SameSite=Strict";
  }

  function keepOnLinks(code) {
    var links = document.querySelectorAll("#rendered_cells a[href]");
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      var href = a.getAttribute("href");
      if (!href || href.indexOf("data:") === 0 || href.charAt(0) === "#") { continue; }
      var url;
      try { url = new URL(href, window.location.href); } catch (e) { continue; }
      if (url.origin !== window.location.origin || !/\.ipynb$/.test(url.pathname)) { continue; }
      if (url.searchParams.has("resume") || url.searchParams.has("key")) { continue; }
      url.searchParams.set("resume", code);
      a.setAttribute("href", url.pathname + url.search + url.hash);
    }
  }

  var groups = 0;
  function radioGroups() {
    var boxes = document.querySelectorAll(".kit-scale .widget-radio-box:not([data-kit-group])");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var item = box.closest(".kit-item");
      var text = item && item.querySelector(".kit-item-text");
      if (!text) { continue; }  // its statement is not drawn yet: next time
      groups += 1;
      if (!text.id) { text.id = "kit-statement-" + groups; }
      box.setAttribute("data-kit-group", String(groups));
      box.setAttribute("role", "radiogroup");
      box.setAttribute("aria-labelledby", text.id);
      var inputs = box.querySelectorAll("input[type=radio]");
      for (var j = 0; j < inputs.length; j++) { inputs[j].name = "kit-scale-" + groups; }
    }
  }

  // Each mark's key is new when the kernel wants the person taken there (a redraw
  // of the same mark keeps its key), so every key is acted on once.
  var gone = new Set();
  function goToMarks() {
    var marks = document.querySelectorAll("#rendered_cells [data-kit-go]");
    for (var i = 0; i < marks.length; i++) {
      var mark = marks[i];
      var key = mark.getAttribute("data-kit-go");
      if (gone.has(key)) { continue; }
      gone.add(key);
      mark.scrollIntoView({ block: "start", behavior: "smooth" });
      mark.focus({ preventScroll: true });
    }
  }

  var busy = null, busySince = 0;
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest(".widget-button");
    if (!button || button.disabled) { return; }
    var clicked = Date.now();
    busy = button; busySince = clicked;
    // Only work that takes a moment shows it: most actions answer in tens of milliseconds.
    window.setTimeout(function () {
      if (busy === button && busySince === clicked) {
        button.classList.add("kit-busy");
        button.setAttribute("aria-busy", "true");
      }
    }, 250);
    window.setTimeout(function () { notBusy(button); }, 20000);
  }, true);
  function notBusy(button) {
    if (!button) { return; }
    button.classList.remove("kit-busy");
    button.removeAttribute("aria-busy");
    if (busy === button) { busy = null; }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) { return; }
    var input = event.target;
    if (!input || input.tagName !== "INPUT" || input.type !== "text") { return; }
    var field = input.closest(".widget-inline-hbox");
    if (!field || input.getAttribute("list")) {
      // A box with suggestions (a combobox) uses Enter to take one.
      return;
    }
    // The button this box belongs to: the next one after it, past other boxes and
    // lists of the same form (a name, a role), never past anything else.
    var primary = null;
    for (var next = field.nextElementSibling; next; next = next.nextElementSibling) {
      if (next.offsetParent === null) { continue; }  // hidden (a name an anonymous session skips)
      if (next.classList.contains("widget-button")) { primary = next.disabled ? null : next; break; }
      if (!/widget-(text|dropdown|combobox|checkbox)\b/.test(next.className)) { break; }
    }
    if (!primary) { return; }
    // After the box's own Enter handler has sent its value, so the button acts on it.
    window.setTimeout(function () { primary.click(); }, 0);
  }, true);  // capturing: the widgets stop a key's event from reaching the page

  // An image widget has no alt text of its own; the kit's charts repeat figures that
  // the page also gives as text, which the alt text says.
  function chartTexts() {
    var charts = document.querySelectorAll("#rendered_cells img.kit-chart:not([alt])");
    for (var i = 0; i < charts.length; i++) {
      charts[i].alt = charts[i].classList.contains("kit-map-diagram")
        ? "Diagram of the customer map: the same links are listed as text on this page"
        : "Chart of the results: the same figures are given as text beside it";
    }
  }

  var scheduled = false;
  function update() {
    scheduled = false;
    radioGroups();
    chartTexts();
    goToMarks();
    if (busy && Date.now() - busySince > 30) {
      // A button the page disabled is still at work (a report being made): show it busy
      // now, however soon the page said so; any other redraw means the work answered.
      if (busy.disabled) {
        busy.classList.add("kit-busy");
        busy.setAttribute("aria-busy", "true");
      } else {
        notBusy(busy);
      }
    }
    var mark = person();
    if (!mark) { return; }
    remember(mark);
    keepOnLinks(mark.getAttribute("data-code"));
  }
  new MutationObserver(function () {
    if (!scheduled) { scheduled = true; window.requestAnimationFrame(update); }
  }).observe(document.documentElement, { childList: true, subtree: true });

  // The upload widget's file input is never put in the page: it is clicked
  // from its button. So the check goes on the input itself, as a capturing
  // listener (which runs before the widget's own) added when it is clicked.
  var lastUpload = null;
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest(".widget-upload");
    if (button) { lastUpload = button; }
  }, true);

  function checkSize(event) {
    var input = event.target;
    if (!input || !input.files) { return; }
    var total = 0, big = null;
    for (var i = 0; i < input.files.length; i++) {
      total += input.files[i].size;
      if (input.files[i].size > MAX_FILE && !big) { big = input.files[i]; }
    }
    var holder = lastUpload || input;
    var old = document.querySelector(".kit-upload-too-big");
    if (old) { old.remove(); }
    if (!big && total <= MAX_TOTAL) { return; }
    // Stop here, before the upload widget reads the file into the page.
    event.stopImmediatePropagation();
    input.value = "";
    var note = document.createElement("div");
    note.className = "kit-error kit-upload-too-big";
    note.setAttribute("role", "alert");
    note.textContent = big
      ? big.name + " is " + mb(big.size) + ": an answers file is at most " + mb(MAX_FILE) +
        ". Choose the file from 'Download my answers'. Nothing was uploaded."
      : "These files come to " + mb(total) + ": upload at most " + mb(MAX_TOTAL) +
        " at a time. Nothing was uploaded.";
    if (holder.isConnected) { holder.insertAdjacentElement("afterend", note); }
  }

  var click = HTMLInputElement.prototype.click;
  HTMLInputElement.prototype.click = function () {
    if (this.type === "file" && !this.kitSizeChecked) {
      this.addEventListener("change", checkSize, true);
      this.kitSizeChecked = true;
    }
    return click.apply(this, arguments);
  };

  var typed = new Set();
  document.addEventListener("input", function (event) {
    var box = event.target && event.target.closest && event.target.closest(".kit-typed");
    if (box) { typed.add(box); }
  }, true);

  function cookie(name) {
    var found = document.cookie.split("; ").filter(function (c) { return c.indexOf(name + "=") === 0; });
    return found.length ? decodeURIComponent(found[0].slice(name.length + 1)) : "";
  }

  window.addEventListener("pagehide", function () {
    var mark = person();
    if (!typed.size || !mark || !navigator.sendBeacon) { return; }
    var config = document.getElementById("jupyter-config-data");
    var kernel = "";
    try { kernel = JSON.parse(config.textContent).kernelId || ""; } catch (e) { return; }
    var entries = [];
    typed.forEach(function (box) {
      var answer = Array.prototype.filter.call(box.classList, function (c) {
        return c.indexOf("kit-answer|") === 0;
      })[0];
      var field = box.querySelector("textarea, input");
      if (!answer || !field) { return; }
      var parts = answer.split("|");
      entries.push([parts[1], parseInt(parts[2], 10), parts.slice(3).join("|"), field.value]);
    });
    var body = new URLSearchParams();
    body.set("_xsrf", cookie("_xsrf"));
    body.set("kernel", kernel);
    body.set("code", mark.getAttribute("data-code"));
    body.set("entries", JSON.stringify(entries));
    var base = (document.body.getAttribute("data-base-url") || "/voila/").replace(/voila\/$/, "");
    navigator.sendBeacon(base + "kit/last-words", body);
  });

  function notStarted(why) {
    if (document.querySelector(".kit-not-started")) { return; }
    var box = document.createElement("div");
    box.className = "kit-error kit-not-started";
    box.setAttribute("role", "alert");
    box.textContent = why + " Your answers so far are saved. ";
    var again = document.createElement("button");
    again.type = "button";
    again.textContent = "Try again";
    again.addEventListener("click", function () { window.location.reload(); });
    box.appendChild(again);
    document.body.insertBefore(box, document.body.firstChild);
    var spinner = document.getElementById("loading");
    if (spinner) { spinner.style.display = "none"; }
    // A page that starts after all takes the message away again.
    var watch = window.setInterval(function () {
      if (started()) {
        box.remove();
        if (spinner) { spinner.style.display = ""; }
        window.clearInterval(watch);
      }
    }, 1000);
  }
  function started() {
    return !broken() &&
      document.querySelector("#rendered_cells .jupyter-widgets, #rendered_cells .widget-html");
  }

  // ipywidgets' manager draws "Error displaying widget: model not found" in
  // place of a widget whose model it did not have two seconds after the page
  // asked the kernel for them all (jupyterlab-manager's get_model), and never
  // draws it again. It happens to about one page in twelve when a room opens
  // its pages at once (bench/room.py); the kernel holds the model, and a
  // reload draws the page whole. So the page reloads itself, twice at most
  // in two minutes, and then says so with "Try again" rather than looping.
  var BROKEN = "Error displaying widget: model not found";
  function broken() {
    var nodes = document.querySelectorAll("#rendered_cells .jupyter-widgets");
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i].childElementCount === 0 && nodes[i].textContent === BROKEN) { return true; }
    }
    return false;
  }
  var RELOADS_KEY = "kit-reloads:" + window.location.pathname + window.location.search;
  function reloadOnce() {
    var recent = [];
    try {
      recent = JSON.parse(window.sessionStorage.getItem(RELOADS_KEY) || "[]");
      recent = recent.filter(function (at) { return Date.now() - at < 120000; });
      if (recent.length < 2) {
        recent.push(Date.now());
        window.sessionStorage.setItem(RELOADS_KEY, JSON.stringify(recent));
        window.location.reload();
        return;
      }
    } catch (e) { /* no storage on this device: no count, so no reload */ }
    notStarted("This page did not finish starting.");
  }
  var reloading = false;
  var watcher = new MutationObserver(function () {
    if (!reloading && broken()) { reloading = true; watcher.disconnect(); reloadOnce(); }
  });
  watcher.observe(document.documentElement, { childList: true, subtree: true });
  // A view gives up on its model two seconds after it is drawn: once the
  // page has stood whole for ten seconds, the watch ends (live pages redraw
  // twice a second, and a page in use is never reloaded under its reader).
  var whole = window.setInterval(function () {
    if (!started()) { return; }
    window.clearInterval(whole);
    window.setTimeout(function () { if (!reloading) { watcher.disconnect(); } }, 10000);
  }, 1000);
  // From the moment the page starts to arrive: a cell that never ends keeps
  // the page from loading at all, behind Voilà's spinner.
  window.setTimeout(function () {
    if (!started()) { notStarted("This page has not finished starting."); }
  }, STARTING_SECONDS * 1000);
  window.addEventListener("load", function () {
    var cells = document.getElementById("rendered_cells");
    if (cells && /There was an error when executing cell|Timeout waiting for/.test(cells.textContent)) {
      notStarted("This page did not finish starting.");
    }
  });
})();
