/* The service worker, served at /sw.js so that its scope covers /scan and /stocktakes: the
   scanner and stocktake pages, their scripts and the QR decoder open offline after one
   visit online. Pages come from the network first (the cache only when it fails); scripts
   from the cache, refreshed behind. Nothing else is kept: no API answer, no other page,
   and signing out forgets the pages. Plain ES5. */
"use strict";
var PAGES = "inventory-pages-v1";
var FILES = "inventory-files-v1";
var SHELL = [
  "/static/app.css",
  "/static/tagcode.js",
  "/static/scan.js",
  "/static/stocktake.js",
  "/static/signout.js",
  "/static/offline.js",
  "/static/vendor/jsqr/jsQR.js",
];
var KEPT_PAGES = /^\/(scan|stocktakes|stocktakes\/\d+)$/;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(FILES)
      .then(function (cache) {
        return Promise.all(
          SHELL.map(function (path) {
            return cache.add(path).catch(function () {});
          })
        );
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name !== PAGES && name !== FILES;
            })
            .map(function (name) {
              return caches.delete(name);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

function pageFirst(request, path) {
  return fetch(request).then(
    function (answer) {
      if (answer.ok && answer.type === "basic" && !answer.redirected) {
        var copy = answer.clone();
        caches.open(PAGES).then(function (cache) {
          cache.put(path, copy);
        });
      }
      return answer;
    },
    function (error) {
      return caches.match(path, { cacheName: PAGES }).then(function (hit) {
        if (hit) return hit;
        throw error;
      });
    }
  );
}

function fileFirst(event, request) {
  return caches.match(request, { cacheName: FILES }).then(function (hit) {
    var fresh = fetch(request).then(function (answer) {
      if (answer.ok) {
        var copy = answer.clone();
        caches.open(FILES).then(function (cache) {
          cache.put(request, copy);
        });
      }
      return answer;
    });
    if (hit) {
      event.waitUntil(fresh.catch(function () {}));
      return hit;
    }
    return fresh;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/logout") {
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method !== "GET") return;
  if (KEPT_PAGES.test(url.pathname)) {
    event.respondWith(pageFirst(request, url.pathname));
  } else if (SHELL.indexOf(url.pathname) >= 0) {
    event.respondWith(fileFirst(event, request));
  }
});
