/* Wellthread screener service worker: the page, its script and the questions keep working offline
 * after the first load. Answers never pass through here: the page keeps them and sends them itself. */
"use strict";
var CACHE = "wellthread-screener-v1";
var ASSETS = ["/static/screener/screener.js", "/static/screener/screener.css", "/static/screener/icon.svg"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key !== CACHE; }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (cached) { return cached || Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/screener/") === 0) {
    event.respondWith(caches.match(request).then(function (cached) { return cached || networkFirst(request); }));
  } else if (url.pathname.indexOf("/s/") === 0 || url.pathname.indexOf("/api/v1/screener/") === 0) {
    event.respondWith(networkFirst(request));
  }
});
