//! What a page shows while its data arrives or when a call fails, as `view!` components:
//! grey placeholder lines ([`Skeleton`]), the failed call with the details that differ from
//! its message and an optional retry button ([`ErrorBanner`]), and [`Loaded`], which puts a
//! page's GET ([`load`]) on screen through one of them or the page's own view ([`show`]).
//! No HTML text: every piece is `view!`.

use std::sync::Arc;

use leptos::prelude::*;

use super::{error_text, Fetch};
use crate::api::{self, ApiError};
use crate::i18n::{t, K};

/// A whole page waiting (who is signed in, an attempt being started): a spinner and
/// 加载中.
#[component]
pub fn PageLoading() -> impl IntoView {
    view! {
        <div class="page-loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>{t(K::Loading)}</span>
        </div>
    }
}

/// Grey placeholder lines where a list will appear.
#[component]
pub fn Skeleton(lines: usize) -> impl IntoView {
    view! {
        <div class="skeleton" role="status" aria-label=t(K::Loading)>
            {(0..lines).map(|_| view! { <div class="skeleton-line"></div> }).collect_view()}
        </div>
    }
}

/// The server's details that add something to its message (an import's rows, say).
pub fn extra_details(e: &ApiError) -> Vec<String> {
    e.details
        .iter()
        .map(|d| d.message.clone())
        .filter(|m| *m != e.message)
        .collect()
}

/// A failed load or action: its message, the details that differ from it and, with
/// `on_retry`, a button that tries again.
#[component]
pub fn ErrorBanner(
    error: ApiError,
    #[prop(optional, into)] on_retry: Option<Callback<()>>,
) -> impl IntoView {
    let details = extra_details(&error);
    view! {
        <div class="banner error" role="alert">
            <p class="banner-text">{error_text(&error)}</p>
            {(!details.is_empty())
                .then(|| {
                    view! {
                        <ul class="banner-details">
                            {details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}
                        </ul>
                    }
                })}
            {on_retry
                .map(|retry| {
                    view! {
                        <button type="button" class="btn btn-small" on:click=move |_| retry.run(())>
                            {t(K::Retry)}
                        </button>
                    }
                })}
        </div>
    }
}

/// Starts a page's GET of `url` (read reactively: a new URL loads again). The answer is
/// kept as text and decoded into its `shared` type where it is shown ([`show`]).
///
/// Why not `LocalResource` + `Transition`: measured here, the first page using them added
/// about 20 KB of gzipped wasm (Leptos's async and suspense machinery) and each further
/// resource type several KB; [`Fetch`] is a signal filled by one non-generic task, so a
/// page costs its view and its type's derived `Deserialize` only.
pub fn load(url: impl Fn() -> String + 'static) -> Fetch {
    Fetch::new(url)
}

/// What [`Loaded`] shows for an answer's text: the page's view of it, or why it could not
/// be read.
pub type Show = Arc<dyn Fn(&str) -> Result<AnyView, ApiError> + Send + Sync>;

/// [`Show`] for a view of the answer decoded as `T`.
pub fn show<T, V>(view: impl Fn(T) -> V + Send + Sync + 'static) -> Show
where
    T: api::Wire,
    V: IntoView + 'static,
{
    Arc::new(move |text| api::decode::<T>(text).map(|t| view(t).into_any()))
}

/// A page's GET on screen: placeholder lines while the first answer arrives (a reload keeps
/// the last answer up), the error with a retry button, or the page's view of the answer.
#[component]
pub fn Loaded(
    data: Fetch,
    /// Placeholder lines while loading.
    lines: usize,
    /// The page's view of the answer (see [`show`]).
    ok: Show,
) -> impl IntoView {
    move || match data.text() {
        None => view! { <Skeleton lines=lines/> }.into_any(),
        Some(answer) => match answer.and_then(|text| ok(&text)) {
            Ok(v) => v,
            Err(error) => {
                view! { <ErrorBanner error=error on_retry=move |_| data.reload()/> }.into_any()
            }
        },
    }
}

/// The answer of `data` decoded as `T` (reactive), for a page that needs the answer
/// outside its view too (a row's member for its edit form, say); `None` while loading.
#[cfg(feature = "console")]
pub fn decoded<T>(data: Fetch) -> Memo<Option<Result<T, ApiError>>>
where
    T: api::Wire + PartialEq + Send + Sync + 'static,
{
    Memo::new(move |_| {
        data.text()
            .map(|r| r.and_then(|text| api::decode::<T>(&text)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ErrorDetail;

    #[test]
    fn only_details_that_add_something_are_listed() {
        let detail = |m: &str| ErrorDetail {
            row: Some(3),
            field: None,
            message: m.into(),
        };
        let e = ApiError {
            status: 422,
            code: "import_invalid".into(),
            message: "有2处问题".into(),
            details: vec![detail("第3行：党支部不存在"), detail("有2处问题")],
        };
        assert_eq!(extra_details(&e), vec!["第3行：党支部不存在".to_string()]);
    }
}
