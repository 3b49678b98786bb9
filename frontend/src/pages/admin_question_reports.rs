//! `/admin/question-reports`: the 纠错 queue. Organizers see the open error reports on
//! questions in their scope, admins every open one and (second tab, `?queue=forwarded`)
//! those organizers forwarded to them. Each report shows the question, the member's note
//! and, when forwarded, who forwarded it and why; only the buttons the server says the user
//! may press appear (`can_resolve`: resolve or reject with a reply; `can_forward`: forward
//! to the admins with a note). What an action did shows beside its buttons, and the list
//! loads again after it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::org::OrgTree;
use shared::api::questions::{Owner, ReportQueueItem, ReportStatus, ResolveReport};

use crate::api;
use crate::app::use_session;
use crate::components::{decoded, error_text, load, show, Loaded, Notice, Page, Toast};
use crate::format::date_time;
use crate::i18n::{locale, t, tf, K};
use crate::router::{use_router, Nav};

/// The owner's name: a branch's or youth group's from the tree, or the organization bank.
pub fn owner_name(owner: &Owner, org: Option<&OrgTree>) -> String {
    let found = match (owner.branch_id, owner.youth_group_id) {
        (Some(b), _) => org.and_then(|o| {
            o.branches
                .iter()
                .find(|x| x.id == b)
                .map(|x| x.name.clone())
        }),
        (None, Some(g)) => org.and_then(|o| {
            o.youth_groups
                .iter()
                .find(|x| x.id == g)
                .map(|x| x.name.clone())
        }),
        (None, None) => return t(K::ReportsOrgBank).into(),
    };
    found.unwrap_or_else(|| "—".into())
}

/// A request an action sends (resolve, reject, forward).
type Action = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), api::ApiError>>>>;

/// What an action on a report did, shown beside its buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Done(K),
    Failed(String),
}

/// One report with the actions the caller may take.
#[component]
fn ReportCard(
    item: ReportQueueItem,
    owner: String,
    reload: Callback<()>,
    notice: Notice,
) -> impl IntoView {
    let r = item.report;
    let id = r.id;
    let reply = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Outcome>);
    // Runs one action; on success the list loads again (this card goes with it).
    let run = move |fut: Action, done: K| {
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            let r = fut.await;
            busy.try_set(false);
            match r {
                Ok(()) => {
                    outcome.try_set(Some(Outcome::Done(done)));
                    // A resolved report leaves the list with its card: the toast stays.
                    notice.try_set(Some((true, t(done).into())));
                    reload.run(());
                }
                Err(e) => {
                    outcome.try_set(Some(Outcome::Failed(error_text(&e))));
                }
            }
        });
    };
    let answer = move |status: ReportStatus| {
        if busy.get_untracked()
            || (status == ReportStatus::Rejected
                && !crate::browser::confirm(t(K::ReportConfirmReject)))
        {
            return;
        }
        let text = reply.get_untracked().trim().to_string();
        let body = ResolveReport {
            status,
            reply: (!text.is_empty()).then_some(text),
        };
        let done = if status == ReportStatus::Resolved {
            K::ReportsDoneResolved
        } else {
            K::ReportsDoneRejected
        };
        run(
            Box::pin(async move { api::resolve_report(id, &body).await }),
            done,
        );
    };
    let forward = move |_| {
        if busy.get_untracked() {
            return;
        }
        let text = note.get_untracked().trim().to_string();
        if text.is_empty() {
            outcome.set(Some(Outcome::Failed(t(K::ReportsNeedNote).into())));
            return;
        }
        run(
            Box::pin(async move { api::forward_report(id, text).await }),
            K::ReportsDoneForwarded,
        );
    };
    let forwarded = r.forwarded_at.map(|at| {
        tf(
            K::ReportsForwardedNote,
            &[
                ("name", r.forwarded_by.as_deref().unwrap_or("—")),
                ("time", &date_time(at, locale())),
                ("note", r.forward_note.as_deref().unwrap_or("")),
            ],
        )
    });
    let waiting = !r.can_resolve && !r.can_forward && r.forwarded_at.is_some();
    let resolve_box = r.can_resolve.then(|| {
        view! {
            <textarea
                class="input"
                id=format!("reply-{id}")
                rows="2"
                maxlength="500"
                aria-label=t(K::ReportReplyHint)
                placeholder=t(K::ReportReplyHint)
                prop:value=reply
                on:input=move |ev| reply.set(event_target_value(&ev))
            ></textarea>
            <div class="actions">
                <button type="button" class="btn btn-primary btn-small" data-action="resolve" disabled=busy on:click=move |_| answer(ReportStatus::Resolved)>
                    {t(K::ReportResolve)}
                </button>
                <button type="button" class="btn btn-ghost btn-small" data-action="reject" disabled=busy on:click=move |_| answer(ReportStatus::Rejected)>
                    {t(K::ReportReject)}
                </button>
            </div>
        }
    });
    let forward_box = r.can_forward.then(|| {
        view! {
            <textarea
                class="input"
                id=format!("forward-{id}")
                rows="2"
                maxlength="500"
                aria-label=t(K::ReportsForwardHint)
                placeholder=t(K::ReportsForwardHint)
                prop:value=note
                on:input=move |ev| note.set(event_target_value(&ev))
            ></textarea>
            <div class="actions">
                <button type="button" class="btn btn-primary btn-small" data-action="forward" disabled=busy on:click=forward>
                    {t(K::ReportsForward)}
                </button>
            </div>
        }
    });
    let edit = r.can_resolve.then(|| {
        view! {
            <a class="btn btn-ghost btn-small" href=format!("/admin/questions/{}", r.question_id)>
                {t(K::ReportsEdit)}
            </a>
        }
    });
    view! {
        <li class="card report-item" data-report=id.to_string()>
            <div class="report-head">
                <span class="badge">{owner}</span>
                {edit}
            </div>
            <p class="report-stem"><span class="label">{t(K::ReportsQuestion)}</span>{item.stem}</p>
            <p class="report-comment"><span class="label">{t(K::ReportsComment)}</span>{r.comment.clone()}</p>
            <p class="small muted">
                {tf(K::ReportsReporter, &[("name", &r.reporter), ("time", &date_time(r.created_at, locale()))])}
            </p>
            {forwarded.map(|f| view! { <p class="small forwarded-note">{f}</p> })}
            {waiting.then(|| view! { <p class="small muted">{t(K::ReportsWaiting)}</p> })}
            {resolve_box}
            {forward_box}
            <div class="report-outcome" aria-live="polite">
                {move || match outcome.get() {
                    Some(Outcome::Done(k)) => Some(view! { <p class="small ok" role="status">{t(k)}</p> }.into_any()),
                    Some(Outcome::Failed(m)) => Some(view! { <p class="form-error" role="alert">{m}</p> }.into_any()),
                    None => None,
                }}
            </div>
        </li>
    }
}

#[component]
pub fn AdminQuestionReports() -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let admin = session.is_admin();
    let forwarded =
        Memo::new(move |_| admin && router.url().param("queue").as_deref() == Some("forwarded"));
    let list = load(move || api::report_queue_url(forwarded.get()));
    let org = decoded::<OrgTree>(load(|| api::ORG.into()));
    let reload = Callback::new(move |_| list.reload());
    let notice: Notice = RwSignal::new(None);
    let tab = move |to_forwarded: bool, label: K| {
        let href = if to_forwarded {
            "/admin/question-reports?queue=forwarded"
        } else {
            "/admin/question-reports"
        };
        view! {
            <a
                class="chip"
                href=href
                aria-current=move || (forwarded.get() == to_forwarded).then_some("page")
                on:click=move |ev| {
                    ev.prevent_default();
                    router.navigate(href, Nav::REPLACE);
                }
            >
                {t(label)}
            </a>
        }
    };
    let body = move |items: Vec<ReportQueueItem>| {
        if items.is_empty() {
            let k = if forwarded.get_untracked() {
                K::ReportsForwardedEmpty
            } else {
                K::ReportsEmpty
            };
            return view! { <p class="card empty">{t(k)}</p> }.into_any();
        }
        let rows = move || {
            let tree = org.get().and_then(Result::ok);
            items
                .iter()
                .map(|i| (i.clone(), owner_name(&i.owner, tree.as_ref())))
                .collect::<Vec<_>>()
        };
        view! {
            <ul class="report-list">
                <For
                    each=rows
                    key=|(i, owner): &(ReportQueueItem, String)| (i.report.id, i.report.forwarded_at, owner.clone())
                    children=move |(item, owner)| view! { <ReportCard item=item owner=owner reload=reload notice=notice/> }
                />
            </ul>
        }
        .into_any()
    };
    view! {
        <Page class="admin-question-reports" title=K::ReportsTitle back=Some("/admin")>
            <Toast notice=notice/>
            {admin
                .then(|| {
                    view! {
                        <nav class="chips" aria-label=t(K::ReportsTitle)>
                            {tab(false, K::ReportsTabOpen)}
                            {tab(true, K::ReportsTabForwarded)}
                        </nav>
                    }
                })}
            <Loaded data=list lines=4 ok=show(body)/>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::org::{Branch, Organization, YouthGroup};

    #[test]
    fn owners_are_named_from_the_tree() {
        let tree = OrgTree {
            organization: Organization {
                id: 1,
                name: "机关党委".into(),
            },
            branches: vec![Branch {
                id: 2,
                name: "第一党支部".into(),
                cells: vec![],
                member_count: 0,
            }],
            youth_groups: vec![YouthGroup {
                id: 3,
                name: "青年一组".into(),
                member_count: 0,
            }],
        };
        let owner = |b, g| Owner {
            branch_id: b,
            youth_group_id: g,
        };
        assert_eq!(owner_name(&owner(None, None), None), "机关党委题库");
        assert_eq!(owner_name(&owner(Some(2), None), Some(&tree)), "第一党支部");
        assert_eq!(owner_name(&owner(None, Some(3)), Some(&tree)), "青年一组");
        assert_eq!(owner_name(&owner(Some(9), None), Some(&tree)), "—");
        assert_eq!(
            owner_name(&owner(Some(2), None), None),
            "—",
            "until the tree loads"
        );
    }
}
