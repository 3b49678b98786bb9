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

fn in_browser() -> bool {
    cfg!(all(target_arch = "wasm32", target_os = "unknown"))
}
