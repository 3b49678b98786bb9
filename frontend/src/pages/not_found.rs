//! Any path no route matches.

use leptos::prelude::*;

use crate::components::Page;
use crate::i18n::{t, K};

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <Page class="not-found" title=K::NotFoundTitle back=Some("/")>
            <section class="card empty">
                <p class="big" aria-hidden="true">"404"</p>
                <p>{t(K::NotFoundText)}</p>
                <a href="/" class="btn btn-primary">{t(K::NotFoundHome)}</a>
            </section>
        </Page>
    }
}
