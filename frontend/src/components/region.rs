//! An interactive part of a page written as HTML text (see `crate::html`).
//!
//! Why: a `view!` form costs several KB of wasm per page (every element, attribute and
//! handler is its own generic type); a form written as text costs a few hundred bytes of
//! string building, and the handlers below are compiled once for every page. The page
//! keeps its state in signals, writes the region's HTML from them, and gets what the user
//! did as an [`Act`]: a submitted form (its id and fields), a changed select, checkbox or
//! file input, or a click on an element carrying `data-action` (and `data-id`).
//!
//! Re-rendering replaces the region's content (only when the text changed) and gives the
//! focus back to the element with the id that had it, with what was being typed there.
//! Other inputs keep what was typed only if the page wrote it into its state first, so a
//! page re-renders a form from the fields of the [`Act`] that made it change.

use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A form's fields as submitted: name and text value of every successful control, in
/// order (an unchecked checkbox is absent; file inputs are left out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// Fields from `(name, value)` pairs (tests build forms this way).
    #[cfg(all(test, feature = "console"))]
    pub fn of(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, or "".
    pub fn text(&self, name: &str) -> &str {
        self.get(name).unwrap_or_default()
    }

    /// The first value of `name` as an id (`None` when blank or not a number).
    #[cfg(feature = "console")]
    pub fn id(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(|v| v.trim().parse().ok())
    }

    /// Every value of `name`, in order (repeated inputs, checkbox groups).
    #[cfg(feature = "console")]
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Every value of `name` read as ids (a group of checkboxes).
    #[cfg(feature = "console")]
    pub fn ids(&self, name: &str) -> Vec<i64> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .filter_map(|(_, v)| v.parse().ok())
            .collect()
    }

    /// Reads a form element's fields.
    fn read(form: &web_sys::HtmlFormElement) -> Fields {
        let mut out = Vec::new();
        let Ok(data) = web_sys::FormData::new_with_form(form) else {
            return Fields(out);
        };
        if let Ok(Some(entries)) = js_sys::try_iter(&data) {
            for entry in entries.flatten() {
                let pair = js_sys::Array::from(&entry);
                if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                    out.push((k, v));
                }
            }
        }
        Fields(out)
    }
}

/// What the user did in a [`region`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    /// A form was submitted (the browser's own submit is prevented): its id and fields.
    Submit(String, Fields),
    /// A control of a form changed (selects, checkboxes and files at once; text fields when
    /// they lose the focus): the form's id, the control's name and the form's fields.
    Change(String, String, Fields),
    /// An element with `data-action` (or something inside it) was clicked: the action and
    /// its `data-id` (0 without one).
    Click(String, i64),
}

/// The file chosen in the file input with this id, if any (kept by the page, since a
/// re-render empties the input).
#[cfg(feature = "console")]
pub fn chosen_file(input_id: &str) -> Option<web_sys::File> {
    document()
        .get_element_by_id(input_id)?
        .dyn_into::<web_sys::HtmlInputElement>()
        .ok()?
        .files()?
        .get(0)
}

/// A `<div class=class>` showing `html` (re-rendered when it changes) and sending what the
/// user does in it to `on`.
pub fn region(
    class: &'static str,
    html: impl Fn() -> String + 'static,
    on: impl Fn(Act) + 'static,
) -> AnyView {
    region_dyn(class, None, Box::new(html), Rc::new(on))
}

/// A [`region`] that is a landmark of the page (`role="banner"`, `"navigation"`).
pub fn landmark(
    class: &'static str,
    role: &'static str,
    html: impl Fn() -> String + 'static,
    on: impl Fn(Act) + 'static,
) -> AnyView {
    region_dyn(class, Some(role), Box::new(html), Rc::new(on))
}

fn form_of(target: Option<web_sys::EventTarget>) -> Option<web_sys::HtmlFormElement> {
    let el = target?.dyn_into::<web_sys::Element>().ok()?;
    el.closest("form").ok()??.dyn_into().ok()
}

// One copy for every page: the closures come in boxed.
fn region_dyn(
    class: &'static str,
    role: Option<&'static str>,
    html: Box<dyn Fn() -> String>,
    on: Rc<dyn Fn(Act)>,
) -> AnyView {
    let node = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |last: Option<String>| {
        let h = html();
        let Some(el) = node.get() else {
            return String::new();
        };
        if last.as_deref() == Some(h.as_str()) {
            return h;
        }
        let doc = document();
        let focused = doc
            .active_element()
            .filter(|a| el.contains(Some(a)))
            .filter(|a| !a.id().is_empty());
        // What is being typed in the focused text field survives (say, a list of choices
        // arrived meanwhile).
        let typing = focused
            .as_ref()
            .and_then(|a| a.dyn_ref::<web_sys::HtmlInputElement>())
            .filter(|i| !matches!(i.type_().as_str(), "checkbox" | "radio" | "file"))
            .map(|i| i.value());
        let focused = focused.map(|a| a.id());
        el.set_inner_html(&h);
        if let Some(x) = focused.and_then(|id| doc.get_element_by_id(&id)) {
            if let (Some(v), Some(i)) = (typing, x.dyn_ref::<web_sys::HtmlInputElement>()) {
                i.set_value(&v);
            }
            if let Ok(x) = x.dyn_into::<web_sys::HtmlElement>() {
                let _ = x.focus();
            }
        }
        h
    });
    let (on_submit, on_change) = (on.clone(), on.clone());
    view! {
        <div
            class=class
            role=role
            node_ref=node
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                if let Some(form) = form_of(ev.target()) {
                    on_submit(Act::Submit(form.id(), Fields::read(&form)));
                }
            }
            on:change=move |ev: leptos::ev::Event| {
                let name = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .and_then(|t| t.get_attribute("name"))
                    .unwrap_or_default();
                if let Some(form) = form_of(ev.target()) {
                    on_change(Act::Change(form.id(), name, Fields::read(&form)));
                }
            }
            on:click=move |ev: leptos::ev::MouseEvent| {
                if let Some((action, id)) = crate::browser::clicked_action(&ev) {
                    on(Act::Click(action, id));
                }
            }
        ></div>
    }
    .into_any()
}

#[cfg(all(test, feature = "console"))]
mod tests {
    use super::*;

    #[test]
    fn fields_read_like_form_data() {
        let f = Fields::of(&[
            ("name", "张三"),
            ("b", "1"),
            ("b", "x"),
            ("b", "3"),
            ("c", " 7 "),
        ]);
        assert_eq!(f.get("name"), Some("张三"));
        assert_eq!(f.text("zz"), "");
        assert_eq!(f.id("c"), Some(7));
        assert_eq!(f.id("name"), None);
        assert_eq!(f.ids("b"), vec![1, 3]);
    }
}
