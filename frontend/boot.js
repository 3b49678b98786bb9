// Starts the app: loads the wasm-bindgen module and its WebAssembly (hashed names are filled
// in by scripts/build-frontend.sh). On failure the static loading screen says so. The member
// app then registers its service worker (the console has none), once the page has loaded so
// that caching the app for next time never slows this visit.
import init from './{{JS}}';

var worker = '{{SW}}';
// The member app's first question is who is signed in: asked now, it is answered while the
// WebAssembly compiles (the app takes this answer instead of asking again; see api.rs).
if (worker) {
  window.beaconMe = fetch('/api/v1/auth/me', {
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  });
}

init({ module_or_path: new URL('./{{WASM}}', import.meta.url) }).catch(function (e) {
  var msg = document.getElementById('boot-msg');
  if (msg) {
    msg.textContent = '加载失败，请检查网络后刷新页面重试（Failed to load, please reload）';
    msg.className = 'boot-msg boot-failed';
  }
  console.error(e);
});

if (worker && 'serviceWorker' in navigator) {
  var register = function () {
    navigator.serviceWorker.register(worker).catch(function (e) {
      console.warn('service worker not registered', e);
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register);
}
