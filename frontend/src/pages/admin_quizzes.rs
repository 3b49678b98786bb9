//! `/admin/quizzes`: the quizzes an organizer manages (admins: all) as a table — title,
//! kind, state, questions and submitted attempts, sortable by each column — every row
//! opening in the builder or, once answered, its item analysis.

use leptos::prelude::*;
use shared::api::quiz_builder::{ManagedQuiz, QuizStatus};

use crate::answers::quiz_kind_key;
use crate::api;
use crate::components::{load, show, sort_order, Loaded, Page, Sort, SortHeader};
use crate::i18n::{t, K};

/// The status label of a quiz state.
pub fn status_key(status: QuizStatus) -> K {
    match status {
        QuizStatus::Draft => K::StatusDraft,
        QuizStatus::Published => K::StatusPublished,
        QuizStatus::Closed => K::StatusClosed,
    }
}

/// A column the list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Title,
    Status,
    Questions,
    Attempts,
}

/// The list sorted by `column` (ties keep the server's order: newest first), descending
/// when `desc`.
pub fn sorted(list: &[ManagedQuiz], column: Column, desc: bool) -> Vec<ManagedQuiz> {
    let rank = |s: QuizStatus| match s {
        QuizStatus::Draft => 0,
        QuizStatus::Published => 1,
        QuizStatus::Closed => 2,
    };
    let cmp = |a: usize, b: usize| {
        let (a, b) = (&list[a], &list[b]);
        match column {
            Column::Title => a.title.cmp(&b.title),
            Column::Status => rank(a.status).cmp(&rank(b.status)),
            Column::Questions => a.question_count.cmp(&b.question_count),
            Column::Attempts => a.attempts.cmp(&b.attempts),
        }
    };
    sort_order(list.len(), &cmp, desc)
        .into_iter()
        .map(|i| list[i].clone())
        .collect()
}

/// The table of quizzes.
#[component]
fn QuizTable(list: Vec<ManagedQuiz>, sort: Sort<Column>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="muted">{t(K::QuizNone)}</p> }.into_any();
    }
    let rows = move || {
        let list = match sort.get() {
            Some((c, desc)) => sorted(&list, c, desc),
            None => list.clone(),
        };
        list.into_iter()
            .map(|q| {
                let href = format!("/admin/quizzes/{}", q.id);
                let analysis = format!("/admin/quizzes/{}/analysis", q.id);
                view! {
                    <tr class="quiz-row">
                        <td class="cell-name">
                            <a href=href>
                                <strong>{q.title.clone()}</strong>
                            </a>
                            {q.required.then(|| view! { <span class="badge">{t(K::QuizRequired)}</span> })}
                        </td>
                        <td data-label=t(K::QuizKindLabel)>{t(quiz_kind_key(q.kind))}</td>
                        <td data-label=t(K::ColStatus)>
                            <span class=format!("badge status-{}", q.status.as_str())>
                                {t(status_key(q.status))}
                            </span>
                        </td>
                        <td data-label=t(K::ColQuestions) class="num">{q.question_count}</td>
                        <td data-label=t(K::ColAttempts) class="num">{q.attempts}</td>
                        <td class="cell-actions">
                            {(q.attempts > 0)
                                .then(|| {
                                    view! {
                                        <a class="btn btn-ghost btn-small" href=analysis>
                                            {t(K::QuizAnalysis)}
                                        </a>
                                    }
                                })}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <table class="table stack quizzes-table">
            <thead>
                <tr>
                    <SortHeader label=K::QuizTitle column=Column::Title sort=sort/>
                    <th>{t(K::QuizKindLabel)}</th>
                    <SortHeader label=K::ColStatus column=Column::Status sort=sort/>
                    <SortHeader label=K::ColQuestions column=Column::Questions sort=sort/>
                    <SortHeader label=K::ColAttempts column=Column::Attempts sort=sort/>
                    <th>
                        <span class="visually-hidden">{t(K::MembersActions)}</span>
                    </th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

#[component]
pub fn AdminQuizzes() -> impl IntoView {
    let data = load(|| api::MANAGED_QUIZZES.into());
    let sort: Sort<Column> = RwSignal::new(None);
    view! {
        <Page class="admin-quizzes desk" title=K::ManageQuizzes back=Some("/")>
            <div class="toolbar">
                <a class="btn btn-primary" id="new-quiz" href="/admin/quizzes/new">
                    {t(K::QuizNew)}
                </a>
            </div>
            <Loaded
                data=data
                lines=5
                ok=show(move |list: Vec<ManagedQuiz>| view! { <QuizTable list=list sort=sort/> })
            />
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::questions::Owner;
    use shared::api::quiz::QuizKind;

    fn quiz(id: i64, title: &str, status: QuizStatus, attempts: i64) -> ManagedQuiz {
        ManagedQuiz {
            id,
            title: title.into(),
            kind: QuizKind::Exam,
            status,
            owner: Owner::default(),
            question_count: 10 - id,
            opens_at: None,
            closes_at: None,
            required: false,
            attempts,
            editable: true,
        }
    }

    #[test]
    fn the_list_sorts_by_each_column_both_ways() {
        let list = vec![
            quiz(1, "乙", QuizStatus::Closed, 3),
            quiz(2, "甲", QuizStatus::Draft, 0),
            quiz(3, "丙", QuizStatus::Published, 7),
        ];
        let ids = |l: Vec<ManagedQuiz>| l.into_iter().map(|q| q.id).collect::<Vec<_>>();
        assert_eq!(ids(sorted(&list, Column::Status, false)), [2, 3, 1]);
        assert_eq!(ids(sorted(&list, Column::Attempts, true)), [3, 1, 2]);
        assert_eq!(ids(sorted(&list, Column::Questions, false)), [3, 2, 1]);
        assert_eq!(sorted(&list, Column::Title, false).len(), 3);
        assert_eq!(status_key(QuizStatus::Published), K::StatusPublished);
    }
}
