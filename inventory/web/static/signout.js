/* Signing out with scans still waiting on this phone (stocktake.js's IndexedDB store) asks
   first: they would stay on the phone, sent only when their officer signs in again. The
   warning names how many wait and leads to the stocktake that sends them. Plain ES5. */
(function () {
  "use strict";
  var form = document.getElementById("sign-out");
  if (!form || !form.dataset.user || !window.indexedDB) return;
  var text = form.dataset;
  var user = Number(text.user);

  /* This user's unsent scans: how many, and the stocktake of one. Never makes the store. */
  function waiting() {
    return new Promise(function (resolve) {
      var none = { n: 0 };
      var request = indexedDB.open("inventory-stocktakes");
      request.onupgradeneeded = function () {
        request.transaction.abort(); // no scans ever kept here: leave no empty store behind
      };
      request.onerror = function () {
        resolve(none);
      };
      request.onsuccess = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("scans")) {
          db.close();
          return resolve(none);
        }
        var found = { n: 0 };
        var cursor = db.transaction("scans").objectStore("scans").openCursor();
        cursor.onsuccess = function () {
          var at = cursor.result;
          if (!at) {
            db.close();
            return resolve(found);
          }
          if (at.value.user === user && at.value.sent === 0) {
            found.n += 1;
            found.stocktake = at.value.stocktake;
          }
          at["continue"]();
        };
        cursor.onerror = function () {
          db.close();
          resolve(none);
        };
      };
    });
  }

  function warn(found) {
    var old = document.getElementById("sign-out-warning");
    if (old) old.parentNode.removeChild(old);
    var box = document.createElement("div");
    box.id = "sign-out-warning";
    box.setAttribute("role", "alertdialog");
    var said = document.createElement("p");
    said.textContent = text.warn.replace("{n}", found.n);
    var anyway = document.createElement("button");
    anyway.type = "button";
    anyway.textContent = text.anyway;
    anyway.onclick = function () {
      form.submit();
    };
    var there = "/stocktakes/" + found.stocktake;
    var stay = document.createElement(location.pathname === there ? "button" : "a");
    stay.className = "button secondary";
    stay.textContent = text.stay;
    if (stay.tagName === "A") stay.href = there;
    else
      stay.onclick = function () {
        box.parentNode.removeChild(box);
      };
    box.appendChild(said);
    box.appendChild(stay);
    box.appendChild(anyway);
    var main = document.querySelector("main");
    main.insertBefore(box, main.firstChild);
    stay.focus();
    box.scrollIntoView();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    waiting().then(function (found) {
      if (found.n) warn(found);
      else form.submit();
    });
  });
})();
