// Starts the app: loads the wasm-bindgen module and its WebAssembly (hashed names are filled
// in by scripts/build-frontend.sh). On failure the static loading screen says so.
import init from './{{JS}}';

init({ module_or_path: new URL('./{{WASM}}', import.meta.url) }).catch(function (e) {
  var msg = document.getElementById('boot-msg');
  if (msg) {
    msg.textContent = '加载失败，请检查网络后刷新页面重试（Failed to load, please reload）';
    msg.className = 'boot-msg boot-failed';
  }
  console.error(e);
});
