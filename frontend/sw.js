// The member app's service worker, written into frontend/dist/sw.js by
// scripts/build-frontend.sh with this build's version and files filled in.
//
// - The app shell (index.html and every file of the member build, page chunks included) is
//   cached at install under the build's version; a new build installs a new cache and the old
//   one is deleted, so a phone never mixes two builds' files.
// - Pages of the member app open from that cache at once, with or without a network.
// - Member API reads go to the network first; the last answer is kept so that lessons, the
//   task list and an open quiz stay readable offline. Writes are never touched (the app queues
//   answers itself). The stored answers are the signed-in member's own: the app deletes them
//   on signing in and out, so they are never shown to another account.
// - The console (/admin) is not the member app: its pages and API calls pass through.
const VERSION = '{{VERSION}}';
const SHELL = 'beacon-shell-' + VERSION;
const DATA = 'beacon-data';
const FILES = [{{FILES}}];
// Reads worth having offline (all the member's own or public to them).
const KEPT = [
  '/api/v1/auth/me', '/api/v1/modules', '/api/v1/lessons/', '/api/v1/quizzes',
  '/api/v1/attempts', '/api/v1/mistakes', '/api/v1/points/', '/api/v1/notifications',
  '/api/v1/leaderboards/', '/api/v1/question-reports/mine', '/api/v1/org',
];

self.addEventListener('install', function (event) {
  event.waitUntil(
    caches.open(SHELL)
      .then(function (cache) { return cache.addAll(FILES); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (keys) {
        return Promise.all(keys
          .filter(function (k) { return k.indexOf('beacon-shell-') === 0 && k !== SHELL; })
          .map(function (k) { return caches.delete(k); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var path = url.pathname;
  if (path === '/admin' || path.indexOf('/admin/') === 0) return;
  if (path.indexOf('/api/') === 0) {
    if (KEPT.some(function (p) { return path.indexOf(p) === 0; })) {
      event.respondWith(networkFirst(request));
    }
    return;
  }
  if (path.indexOf('/assets/') === 0 || path.indexOf('/icons/') === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode === 'navigate') {
    // Every member address is the one page of the app (the server answers the same).
    event.respondWith(caches.match('/', { cacheName: SHELL }).then(function (hit) {
      return hit || fetch(request);
    }));
  }
});

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.status === 200) {
      var copy = response.clone();
      caches.open(DATA).then(function (cache) { return cache.put(request, copy); });
    }
    return response;
  }, function (error) {
    return caches.match(request, { cacheName: DATA }).then(function (hit) {
      if (hit) return hit;
      throw error;
    });
  });
}
