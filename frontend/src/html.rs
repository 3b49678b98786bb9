//! Read-only parts of pages written as HTML text and put on screen with [`Html`].
//!
//! Why: every `view!` tree is its own set of generic Rust types, and on a phone budget of
//! 250 KB the wasm cannot afford one for each list and card. Text that only displays data
//! (lists, cards, results) is built here as a string instead, a few hundred bytes of code
//! per page. Every piece of data goes through [`esc`]; links are plain `<a href="/...">`,
//! which the router turns into in-app navigation. Anything interactive stays a `view!`.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::error_text;
use crate::i18n::{t, K};

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A progress bar filled to `percent` (0–100), labelled for screen readers.
pub fn bar(percent: i64, label: &str) -> String {
    let p = percent.clamp(0, 100);
    format!(
        r#"<div class="bar" role="progressbar" aria-label="{}" aria-valuemin="0" aria-valuemax="100" aria-valuenow="{p}"><span style="width:{p}%"></span></div>"#,
        esc(label)
    )
}

/// `<tag class="class">text</tag>` with the text escaped.
pub fn el(tag: &str, class: &str, text: &str) -> String {
    format!(r#"<{tag} class="{class}">{}</{tag}>"#, esc(text))
}

/// A link styled as a button.
#[cfg(not(feature = "console"))]
pub fn button_link(href: &str, class: &str, id: &str, text: &str) -> String {
    let id = if id.is_empty() {
        String::new()
    } else {
        format!(r#" id="{id}""#)
    };
    format!(
        r#"<a class="btn {class}"{id} href="{}">{}</a>"#,
        esc(href),
        esc(text)
    )
}

/// A small spinning ring, for buttons and inline waits.
pub const SPINNER: &str = r#"<span class="spinner" aria-hidden="true"></span>"#;

/// The whole-page wait, shown while the first data of a page arrives.
pub fn page_loading_html() -> String {
    format!(
        r#"<div class="page-loading" role="status" aria-live="polite">{SPINNER}<span>{}</span></div>"#,
        t(K::Loading)
    )
}

/// Grey placeholder lines where a list will appear.
pub fn skeleton_html(lines: usize) -> String {
    format!(
        r#"<div class="skeleton" role="status" aria-label="{}">{}</div>"#,
        t(K::Loading),
        r#"<div class="skeleton-line"></div>"#.repeat(lines)
    )
}

/// A failed load or action: the message, the details that
/// differ from it, and, with `retry`, a button with `data-action="retry"`.
pub fn error_html(e: &ApiError, retry: bool) -> String {
    let mut h = String::from(r#"<div class="banner error" role="alert">"#);
    h += &el("p", "banner-text", &error_text(e));
    let details: Vec<&str> = e
        .details
        .iter()
        .map(|d| d.message.as_str())
        .filter(|m| *m != e.message)
        .collect();
    if !details.is_empty() {
        h += r#"<ul class="banner-details">"#;
        for d in details {
            h += &el("li", "", d);
        }
        h += "</ul>";
    }
    if retry {
        h += &format!(
            r#"<button type="button" class="btn btn-small" data-action="retry">{}</button>"#,
            t(K::Retry)
        );
    }
    h + "</div>"
}

/// A labelled form control.
pub fn field(label: &str, control: &str) -> String {
    format!(
        r#"<label class="field"><span class="label">{}</span>{control}</label>"#,
        esc(label)
    )
}

/// `<input>` of a type with a value; `extra` is trusted attribute text (`required`, …).
#[cfg(feature = "console")]
pub fn input(name: &str, kind: &str, value: &str, extra: &str) -> String {
    format!(
        r#"<input class="input" type="{kind}" name="{name}" value="{}" {extra}>"#,
        esc(value)
    )
}

/// `<textarea>` holding `value`.
#[cfg(feature = "console")]
pub fn textarea(name: &str, value: &str, extra: &str) -> String {
    format!(
        r#"<textarea class="input" name="{name}" rows="3" {extra}>{}</textarea>"#,
        esc(value)
    )
}

/// `<select>` of (value, label) options with `selected` chosen.
#[cfg(feature = "console")]
pub fn select(name: &str, options: &[(String, String)], selected: &str) -> String {
    let mut h = format!(r#"<select class="input" name="{name}">"#);
    for (v, label) in options {
        h += &format!(
            r#"<option value="{}"{}>{}</option>"#,
            esc(v),
            if v == selected { " selected" } else { "" },
            esc(label)
        );
    }
    h + "</select>"
}

/// A checkbox with its label.
#[cfg(feature = "console")]
pub fn check(name: &str, value: &str, label: &str, checked: bool) -> String {
    format!(
        r#"<label class="check"><input type="checkbox" name="{name}" value="{}"{}><span>{}</span></label>"#,
        esc(value),
        if checked { " checked" } else { "" },
        esc(label)
    )
}

/// A success or error banner.
#[cfg(feature = "console")]
pub fn banner(ok: bool, message: &str) -> String {
    el(
        "p",
        if ok { "banner success" } else { "banner error" },
        message,
    )
}

/// A button for the page's click handler (`data-action`, `data-id`).
pub fn action(action: &str, id: i64, class: &str, text: &str) -> String {
    format!(
        r#"<button type="button" class="btn {class}" data-action="{action}" data-id="{id}">{}</button>"#,
        esc(text)
    )
}

/// Puts trusted HTML (built with [`esc`]) on screen.
#[component]
pub fn Html(html: String, #[prop(optional)] class: &'static str) -> impl IntoView {
    view! { <div class=class inner_html=html></div> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(not(feature = "console"))]
    fn text_cannot_become_markup() {
        assert_eq!(
            esc(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(esc("党的二十大"), "党的二十大");
        assert_eq!(el("p", "x", "<b>"), r#"<p class="x">&lt;b&gt;</p>"#);
        assert!(
            button_link("/a?b=\"c", "btn-primary", "", "<go>").contains(r#"href="/a?b=&quot;c""#)
        );
    }

    #[test]
    fn errors_and_placeholders() {
        let e = crate::api::decode_error(
            422,
            r#"{"code":"x","message":"有2处问题","details":[{"message":"<a>"},{"message":"有2处问题"}]}"#,
        );
        let h = error_html(&e, true);
        assert!(h.contains("有2处问题</p>"));
        assert!(h.contains(">&lt;a&gt;</li>"));
        assert_eq!(h.matches("<li").count(), 1);
        assert!(h.contains(r#"data-action="retry""#));
        assert!(!error_html(&e, false).contains("button"));
        assert_eq!(skeleton_html(3).matches("skeleton-line").count(), 3);
    }

    #[test]
    #[cfg(feature = "console")]
    fn form_controls_escape_and_select() {
        let opts = vec![
            ("1".to_string(), "甲".to_string()),
            ("2".into(), "<乙>".into()),
        ];
        let h = select("k", &opts, "2");
        assert!(h.contains(r#"<option value="2" selected>&lt;乙&gt;</option>"#));
        assert!(h.contains(r#"<option value="1">甲</option>"#));
        assert!(
            input("t", "text", "\"x\"", "required").contains(r#"value="&quot;x&quot;" required"#)
        );
        assert!(textarea("s", "a<b", "").contains(">a&lt;b</textarea>"));
        assert!(check("c", "1", "选", true).contains(r#"value="1" checked"#));
        assert!(field("<标签>", "X").contains("&lt;标签&gt;</span>X"));
        assert!(action("go", 7, "btn-primary", "走").contains(r#"data-action="go" data-id="7""#));
    }

    #[test]
    fn bars_are_clamped() {
        assert!(bar(150, "x").contains(r#"aria-valuenow="100""#));
        assert!(bar(-3, "x").contains("width:0%"));
        assert!(bar(40, r#""><img>"#).contains("aria-label=\"&quot;&gt;&lt;img&gt;\""));
    }
}
