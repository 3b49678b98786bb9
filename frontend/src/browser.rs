//! Small helpers over browser APIs (storage, dialogs, the document). On native test builds
//! there is no browser: they do nothing or answer "no".

/// A value from localStorage, if the browser allows storage.
pub fn stored(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Saves a value in localStorage; ignored when storage is unavailable (private mode).
pub fn set_stored(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

/// Removes a value from localStorage.
#[cfg(not(feature = "console"))]
pub fn remove_stored(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// The localStorage keys that start with `prefix`.
#[cfg(not(feature = "console"))]
pub fn stored_keys(prefix: &str) -> Vec<String> {
    let Some(s) = storage() else {
        return Vec::new();
    };
    let n = s.length().unwrap_or(0);
    (0..n)
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(prefix))
        .collect()
}

/// Whether the browser believes it has a network (false is certain, true is a hope).
#[cfg(not(feature = "console"))]
pub fn online() -> bool {
    !in_browser() || web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Deletes one of the service worker's caches (`caches.delete(name)`), if there are caches.
#[cfg(not(feature = "console"))]
pub fn delete_cache(name: &str) {
    use wasm_bindgen::JsCast;
    if !in_browser() {
        return;
    }
    let Some(w) = web_sys::window() else { return };
    let caches = js_sys::Reflect::get(&w, &"caches".into()).unwrap_or_default();
    if caches.is_undefined() {
        return;
    }
    let delete = js_sys::Reflect::get(&caches, &"delete".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(delete) = delete {
        let _ = delete.call1(&caches, &name.into());
    }
}

fn storage() -> Option<web_sys::Storage> {
    if !in_browser() {
        return None;
    }
    web_sys::window()?.local_storage().ok().flatten()
}

/// Sets `<html lang>` so screen readers and fonts follow the chosen language.
pub fn set_document_lang(tag: &str) {
    if !in_browser() {
        return;
    }
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", tag);
    }
}

/// Sets the class of `<html>` (the text size; empty removes it).
#[cfg(not(feature = "console"))]
pub fn set_root_class(class: &str) {
    if !in_browser() {
        return;
    }
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        root.set_class_name(class);
    }
}

/// Sets the window title (shown in tabs and the history list).
pub fn set_title(title: &str) {
    if !in_browser() {
        return;
    }
    if let Some(d) = web_sys::window().and_then(|w| w.document()) {
        d.set_title(title);
    }
}

/// Asks the user to confirm a destructive action.
pub fn confirm(message: &str) -> bool {
    if !in_browser() {
        return false;
    }
    web_sys::window()
        .and_then(|w| w.confirm_with_message(message).ok())
        .unwrap_or(false)
}

/// Reloads the page (after a language switch).
pub fn reload() {
    if !in_browser() {
        return;
    }
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Scrolls to the top, where a notice about the last action appears.
pub fn scroll_to_top() {
    if !in_browser() {
        return;
    }
    if let Some(w) = web_sys::window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Removes the static loading screen of index.html once the app runs.
pub fn remove_boot_screen() {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        el.remove();
    }
}

/// Whether the page is on screen and has the focus: the only time study time may count.
#[cfg(not(feature = "console"))]
pub fn page_active() -> bool {
    let Some(d) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    d.visibility_state() == web_sys::VisibilityState::Visible && d.has_focus().unwrap_or(false)
}

/// How far the page is scrolled: (scrolled, viewport height, document height) in pixels.
#[cfg(not(feature = "console"))]
pub fn scroll_metrics() -> (f64, f64, f64) {
    let Some(w) = web_sys::window() else {
        return (0.0, 0.0, 0.0);
    };
    let doc = w
        .document()
        .and_then(|d| d.document_element())
        .map(|e| f64::from(e.scroll_height()))
        .unwrap_or(0.0);
    let view = w
        .inner_height()
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    (w.scroll_y().unwrap_or(0.0), view, doc)
}

/// Waits `ms` milliseconds (for polling).
#[cfg(feature = "console")]
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Milliseconds since the epoch by this device's clock.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn in_browser() -> bool {
    cfg!(all(target_arch = "wasm32", target_os = "unknown"))
}

/// Puts the focus (and so the view) on the first element matching `selector`: the field
/// an error is about, so the error under it is on screen.
#[cfg(feature = "console")]
pub fn focus(selector: &str) {
    use wasm_bindgen::JsCast;
    if !in_browser() {
        return;
    }
    let field = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(field) = field {
        let _ = field.focus();
    }
}
