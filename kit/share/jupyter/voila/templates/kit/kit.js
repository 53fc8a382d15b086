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
 * - Sends, as the page closes, the text of every box typed in (its last keys
 *   may not have reached the kernel yet): the server saves it once the page's
 *   kernel is gone (kit.server.LastWordsHandler).
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

  var scheduled = false;
  function update() {
    scheduled = false;
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
    return document.querySelector("#rendered_cells .jupyter-widgets, #rendered_cells .widget-html");
  }
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
