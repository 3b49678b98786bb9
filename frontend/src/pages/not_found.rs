//! Any path no route matches.

use leptos::prelude::*;

use crate::components::Page;
use crate::html::Html;
use crate::i18n::{t, K};

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <Page class="not-found" title=K::NotFoundTitle back=Some("/")>
            <Html html=format!(
                r#"<section class="card empty"><p class="big" aria-hidden="true">404</p><p>{}</p><a href="/" class="btn btn-primary">{}</a></section>"#,
                t(K::NotFoundText),
                t(K::NotFoundHome),
            )/>
        </Page>
    }
}
