//! The 答题纠错 sheet: a member tells the organizers what is wrong with a question they
//! were shown. The server keeps which version they saw.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{error_text, QuestionReview, Reviewed, Sheet};
use crate::api;
use crate::i18n::{t, K};

/// Asks for a comment and sends the report; `on_done(true)` once it is sent,
/// `on_done(false)` when closed without sending.
#[component]
pub fn ReportSheet(question_id: i64, #[prop(into)] on_done: Callback<bool>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let comment = text.get_untracked();
        if busy.get_untracked() {
            return;
        }
        if comment.trim().is_empty() {
            error.set(Some(t(K::ReportEmpty).into()));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api::report_question(question_id, comment).await {
                Ok(()) => on_done.run(true),
                Err(e) => {
                    error.try_set(Some(error_text(&e)));
                    busy.try_set(false);
                }
            }
        });
    };
    view! {
        <Sheet title=t(K::ReportTitle) on_close=move |_| on_done.run(false)>
            <form class="form" on:submit=send novalidate>
                <p class="muted small">{t(K::ReportHint)}</p>
                <label class="field">
                    <span class="label">{t(K::ReportComment)}</span>
                    <textarea
                        class="input"
                        name="comment"
                        rows="4"
                        maxlength="500"
                        prop:value=text
                        on:input=move |ev| {
                            text.set(event_target_value(&ev));
                            error.set(None);
                        }
                    ></textarea>
                </label>
                {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                <button type="submit" class="btn btn-primary btn-block" disabled=busy>
                    {t(K::ReportSend)}
                </button>
            </form>
        </Sheet>
    }
}

/// Questions looked back on, whose 纠错 buttons open the report sheet; a short note
/// confirms a sent report.
#[component]
pub fn Reviews(items: Vec<Reviewed>) -> impl IntoView {
    let reporting = RwSignal::new(None::<i64>);
    let thanks = RwSignal::new(false);
    let report = Callback::new(move |id: i64| {
        thanks.set(false);
        reporting.set(Some(id));
    });
    let done = move |sent: bool| {
        reporting.set(None);
        if sent {
            thanks.set(true);
            set_timeout(
                move || {
                    thanks.try_set(false);
                },
                std::time::Duration::from_secs(4),
            );
        }
    };
    view! {
        {items
            .into_iter()
            .map(|review| view! { <QuestionReview review on_report=report/> })
            .collect_view()}
        {move || {
            thanks.get().then(|| view! { <p class="banner success toast" role="status">{t(K::ReportThanks)}</p> })
        }}
        {move || reporting.get().map(|id| view! { <ReportSheet question_id=id on_done=done/> })}
    }
}
