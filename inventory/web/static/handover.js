/* The handover page's receiving (/handovers/ID): each tag scan.js reads (camera or typed)
   is posted to POST /handovers/ID/scans, one at a time in the order read, and marks its
   item received. The answer says so in the user's words with how many are still listed,
   or says why not (a tag not in this handover, a step the handover's state refuses).
   Plain ES5. */
(function () {
  "use strict";
  var root = document.getElementById("scanner");
  var source = document.getElementById("handover-data");
  if (!root || !source) return;
  var data = JSON.parse(source.textContent);
  var text = root.dataset;
  var SAME_TAG_MS = 3000; // the same label still in view: recorded once
  var RETRY_MS = 4000; // after no answer
  var statusLine = document.getElementById("scan-status");
  var listed = document.getElementById("ho-listed");
  var recent = document.getElementById("ho-recent");
  var queue = [];
  var busy = false;
  var seenAt = {}; // tag -> when last read: a typed tag between two reads of one in view
  var received = 0;

  function say(message, kind) {
    statusLine.textContent = message;
    statusLine.className = kind || "";
  }
  function csrf() {
    var match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
    return match ? decodeURIComponent(match[1]) : text.csrf;
  }

  /* The item's row on this page, if it is on it: its transfer status now "received". */
  function mark(tag) {
    var rows = document.querySelectorAll("#items tr[data-tag]");
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].getAttribute("data-tag") === tag) {
        var cell = rows[i].querySelector("td.ts");
        if (cell) cell.textContent = text.received;
      }
    }
  }

  function done(tag, answer) {
    if (listed) listed.textContent = String(answer.listed);
    say(answer.message, "ok");
    if (!answer.recorded) return;
    received += 1;
    root.setAttribute("data-recorded", String(received));
    mark(tag);
    var li = document.createElement("li");
    li.textContent = tag + " · " + answer.name;
    recent.insertBefore(li, recent.firstChild);
  }

  function next() {
    if (busy || !queue.length) return;
    busy = true;
    var tag = queue[0];
    var xhr = new XMLHttpRequest();
    xhr.open("POST", data.url);
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.setRequestHeader("x-csrftoken", csrf());
    xhr.timeout = 30000;
    xhr.onload = function () {
      queue.shift();
      busy = false;
      var answer = {};
      try {
        answer = JSON.parse(xhr.responseText);
      } catch (e) {
        /* not JSON: an error page */
      }
      if (xhr.status === 200) done(tag, answer);
      else {
        say(answer.message || tag, "error");
        root.setAttribute("data-refused", tag);
      }
      next();
    };
    xhr.onerror = xhr.ontimeout = function () {
      busy = false;
      say(text.retry, "error");
      setTimeout(next, RETRY_MS);
    };
    xhr.send(JSON.stringify({ tag: tag }));
  }

  root.addEventListener("tagread", function (event) {
    event.preventDefault();
    if (event.detail.room) {
      say(text.room, "error");
      return;
    }
    var tag = event.detail.tag;
    var now = Date.now();
    var last = seenAt[tag];
    seenAt[tag] = now; // still in view: once, however long the camera stays on it
    if (last && now - last < SAME_TAG_MS) return;
    queue.push(tag);
    next();
  });
})();
