/* The stocktake page (/stocktakes/ID): each tag read by scan.js (camera or typed) is kept
   first in the phone's IndexedDB, with an id made here and the signed-in officer's user id,
   then sent in batches to POST /stocktakes/ID/scans (the server takes each id once, so a
   batch sent again adds nothing). A scan's `sent` is 0 waiting, 1 sent (`late` if the count
   had closed), 2 refused for good by the server (kept, with the reason). Network errors,
   5xx, 401, 403, 408, 409 and 429 are retried, ever later; another refusal sets aside the
   scan it names (or the whole batch) and the rest go on. Unsent scans stay on the phone
   across reloads and closed tabs, and only their own officer's are sent. The expected list
   (tag, name, room) comes with the page and is kept in IndexedDB too. Plain ES5, for
   Safari 15. */
(function () {
  "use strict";
  var root = document.getElementById("scanner");
  var source = document.getElementById("stocktake-data");
  if (!root || !source || !window.indexedDB) return;
  var data = JSON.parse(source.textContent);
  var text = root.dataset;
  var BATCH = 100; // scans per request
  var EVERY_MS = 4000; // between two looks at the queue
  var RETRY_MS = 2000; // the first retry after a failure, doubled each time up to MAX_MS
  var MAX_MS = 60000;
  var RETRIED = [401, 403, 408, 409, 429]; // with 5xx and network errors: not the scans' fault
  var SAME_TAG_MS = 3000; // the same label read again within this: recorded once
  var statusLine = document.getElementById("scan-status");
  var roomChooser = document.getElementById("st-room");
  var banner = document.getElementById("st-offline");
  var otherNote = document.getElementById("st-other");
  var pendingCount = document.getElementById("st-pending");
  var sentCount = document.getElementById("st-sent");
  var lateNote = document.getElementById("st-late");
  var refusedNote = document.getElementById("st-refused");
  var seenCount = document.getElementById("st-seen-n");
  var list = document.getElementById("st-expected");
  var roomKey = "stocktake-room-" + data.id;
  var names = {};
  var rows = {};
  var roomNames = {};
  var roomCodes = {};
  var db = null;
  var sending = false;
  var failed = false;
  var backoff = 0; // the wait before the next retry, 0 while sending goes well
  var lastTag = "";
  var lastTagAt = 0;
  var timer = null;

  /* The expected list, one line per asset; a scanned one is marked. */
  data.rooms.forEach(function (r) {
    roomNames[r[0]] = r[1];
    if (r[2]) roomCodes[r[2]] = r[0];
  });
  data.expected.forEach(function (e) {
    if (!e[0]) return;
    names[e[0]] = e[1];
    var li = document.createElement("li");
    li.textContent = e[1] + " · " + e[0] + (e[2] && roomNames[e[2]] ? " · " + roomNames[e[2]] : "");
    li.setAttribute("data-tag", e[0]);
    rows[e[0]] = li;
    list.appendChild(li);
  });
  var saved = localStorage.getItem(roomKey);
  if (saved && roomNames[saved] !== undefined) roomChooser.value = saved;
  roomChooser.addEventListener("change", function () {
    localStorage.setItem(roomKey, roomChooser.value);
  });

  function newId() {
    var c = window.crypto;
    if (c && c.randomUUID) return c.randomUUID();
    var b = new Uint8Array(16);
    c.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // variant 10
    var hex = "";
    for (var i = 0; i < 16; i++) {
      hex += (b[i] + 0x100).toString(16).slice(1);
      if (i === 3 || i === 5 || i === 7 || i === 9) hex += "-";
    }
    return hex;
  }

  /* IndexedDB: "scans" by id, indexed by [stocktake, user, sent]; "expected" by stocktake. */
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("inventory-stocktakes", 1);
      request.onupgradeneeded = function () {
        var scans = request.result.createObjectStore("scans", { keyPath: "id" });
        scans.createIndex("queue", ["stocktake", "user", "sent"]);
        scans.createIndex("stocktake", "stocktake");
        request.result.createObjectStore("expected", { keyPath: "stocktake" });
      };
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }
  function done(tx) {
    return new Promise(function (resolve, reject) {
      tx.oncomplete = resolve;
      tx.onerror = tx.onabort = function () {
        reject(tx.error);
      };
    });
  }
  function all(index, key, limit) {
    return new Promise(function (resolve, reject) {
      var request = index.getAll(key, limit);
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }
  function queueKey(sent) {
    return IDBKeyRange.only([data.id, data.user, sent]);
  }

  function refresh() {
    var tx = db.transaction("scans", "readonly");
    all(tx.objectStore("scans").index("stocktake"), IDBKeyRange.only(data.id)).then(function (scans) {
      var pending = 0;
      var sent = 0;
      var late = 0;
      var others = 0;
      var refused = {};
      var nRefused = 0;
      var seen = {};
      scans.forEach(function (s) {
        if (s.user !== data.user) {
          if (!s.sent) others += 1;
          return;
        }
        if (s.sent === 2) {
          nRefused += 1;
          refused[s.refused] = true;
          return;
        }
        if (s.sent) sent += 1;
        else pending += 1;
        if (s.late) late += 1;
        seen[s.tag] = true;
      });
      var n = 0;
      for (var tag in rows) {
        if (seen[tag]) {
          rows[tag].className = "seen";
          n += 1;
        }
      }
      pendingCount.textContent = String(pending);
      sentCount.textContent = String(sent);
      seenCount.textContent = String(n);
      otherNote.hidden = others === 0;
      lateNote.hidden = late === 0;
      lateNote.firstChild.textContent = String(late);
      refusedNote.hidden = nRefused === 0;
      refusedNote.firstChild.textContent = String(nRefused);
      refusedNote.lastChild.textContent = Object.keys(refused).join("; ");
      root.setAttribute("data-pending", String(pending));
      root.setAttribute("data-sent", String(sent));
      root.setAttribute("data-late", String(late));
      root.setAttribute("data-refused", String(nRefused));
    });
  }
  function showOnline() {
    banner.hidden = navigator.onLine && !failed;
  }

  function record(tag) {
    var scan = {
      id: newId(),
      stocktake: data.id,
      user: data.user,
      tag: tag,
      room_id: Number(roomChooser.value),
      seen_at: new Date().toISOString(),
      sent: 0,
    };
    var tx = db.transaction("scans", "readwrite");
    tx.objectStore("scans").put(scan);
    return done(tx).then(function () {
      refresh();
      if (!backoff) schedule(0); // while failing, the retry keeps its own time
    });
  }

  function csrf() {
    var match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
    return match ? decodeURIComponent(match[1]) : text.csrf;
  }
  /* Resolves with the answer (status, parsed body) of any status; rejects with no answer. */
  function post(batch) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/stocktakes/" + data.id + "/scans");
      xhr.setRequestHeader("Content-Type", "application/json");
      xhr.setRequestHeader("Accept", "application/json"); // errors as problem details
      xhr.setRequestHeader("x-csrftoken", csrf());
      xhr.setRequestHeader("x-scans-by", String(data.user));
      xhr.timeout = 30000;
      xhr.onload = function () {
        var body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch (e) {
          /* not JSON: a proxy's page */
        }
        resolve({ status: xhr.status, body: body || {} });
      };
      xhr.onerror = xhr.ontimeout = function () {
        reject(new Error("no answer"));
      };
      xhr.send(
        JSON.stringify({
          scans: batch.map(function (s) {
            return { id: s.id, tag: s.tag, room_id: s.room_id, seen_at: s.seen_at };
          }),
        })
      );
    });
  }
  /* What the server said of a batch, kept on each scan: sent (late or not) on a 200; on a
     refusal for good, the scan the problem's `field` names (scans[3]...) or, without one,
     the whole batch set aside with the reason. True if the queue may go on at once. */
  function settle(batch, answer) {
    var status = answer.status;
    if (status !== 200 && (status < 400 || status >= 500 || RETRIED.indexOf(status) >= 0)) {
      throw new Error("HTTP " + status);
    }
    var at = /scans\[(\d+)\]/.exec(answer.body.field || "");
    var reason = status + " " + (answer.body.detail || answer.body.title || "");
    var changed = status === 200 ? batch : at && batch[Number(at[1])] ? [batch[Number(at[1])]] : batch;
    var late = {};
    (answer.body.scans || []).forEach(function (a) {
      if (a.late) late[a.id] = true;
    });
    var write = db.transaction("scans", "readwrite");
    var store = write.objectStore("scans");
    changed.forEach(function (s) {
      if (status === 200) {
        s.sent = 1;
        s.late = late[s.id] === true;
      } else {
        s.sent = 2;
        s.refused = reason;
      }
      store.put(s);
    });
    return done(write).then(function () {
      return true; // the next batch, or scans recorded meanwhile
    });
  }
  /* One batch of this officer's unsent scans, then the next while the server takes them. */
  function send() {
    if (sending || !db) return;
    if (!navigator.onLine) {
      showOnline();
      schedule(EVERY_MS);
      return;
    }
    sending = true;
    var tx = db.transaction("scans", "readonly");
    all(tx.objectStore("scans").index("queue"), queueKey(0), BATCH)
      .then(function (batch) {
        if (!batch.length) return false;
        return post(batch).then(function (answer) {
          return settle(batch, answer);
        });
      })
      .then(
        function (more) {
          sending = false;
          failed = false;
          backoff = 0;
          showOnline();
          refresh();
          if (more) schedule(0);
        },
        function () {
          sending = false;
          failed = true;
          backoff = Math.min(backoff ? backoff * 2 : RETRY_MS, MAX_MS);
          showOnline();
          schedule(backoff);
        }
      );
  }
  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(send, ms);
  }

  root.addEventListener("tagread", function (event) {
    event.preventDefault();
    var tag = event.detail.tag;
    if (event.detail.room) {
      var room = roomCodes[tag];
      if (room === undefined) {
        statusLine.textContent = text.roomOther.replace("{tag}", tag);
        statusLine.className = "error";
        return;
      }
      roomChooser.value = String(room);
      localStorage.setItem(roomKey, roomChooser.value);
      statusLine.textContent = text.roomSet.replace("{room}", roomNames[room]);
      statusLine.className = "ok";
      return;
    }
    var now = Date.now();
    if (tag === lastTag && now - lastTagAt < SAME_TAG_MS) {
      lastTagAt = now; // still in view: once, however long the camera stays on it
      statusLine.textContent = text.again.replace("{tag}", tag);
      return;
    }
    lastTag = tag;
    lastTagAt = now;
    var name = names[tag];
    statusLine.textContent =
      name !== undefined
        ? text.scanned.replace("{tag}", tag).replace("{name}", name)
        : text.notExpected.replace("{tag}", tag);
    statusLine.className = "ok";
    opened.then(function () {
      record(tag);
    });
  });

  window.addEventListener("online", function () {
    failed = false;
    backoff = 0;
    showOnline();
    schedule(0);
  });
  window.addEventListener("offline", showOnline);
  setInterval(function () {
    if (!backoff) schedule(0); // scans another tab recorded; a retry keeps its own time
  }, EVERY_MS * 3);
  showOnline();

  var opened = openDb().then(function (got) {
    db = got;
    var tx = db.transaction("expected", "readwrite");
    tx.objectStore("expected").put({ stocktake: data.id, rooms: data.rooms, rows: data.expected });
    refresh();
    schedule(0);
    root.setAttribute("data-store", "ready");
  });

  /* The service worker keeps this page, its scripts and the decoder for opening offline. */
  if ("serviceWorker" in navigator && window.caches) {
    navigator.serviceWorker
      .register("/sw.js")
      .then(function () {
        return navigator.serviceWorker.ready;
      })
      .then(function () {
        return caches.open("inventory-pages-v1");
      })
      .then(function (cache) {
        return cache.match(location.pathname).then(function (hit) {
          return hit || cache.add(location.pathname);
        });
      })
      .then(function () {
        root.setAttribute("data-offline-ready", "yes");
      })
      .catch(function () {
        /* no offline copy: the page still counts while it stays open */
      });
  }
})();
