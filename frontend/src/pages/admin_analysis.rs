//! `/admin/quizzes/<id>/analysis`: item analysis of a quiz — per question the share who
//! answered right (facility), how well it separates strong from weak members
//! (discrimination), how often each option was chosen, and plain-language flags.

use leptos::prelude::*;
use shared::api::quiz_builder::{ItemReport, QuizAnalysis};
use shared::question::option_letter;

use crate::api;
use crate::charts::hundredths;
use crate::components::{load, show, Bar, Loaded, Page};
use crate::i18n::{t, tf, K};

/// A share 0.0–1.0 as a whole percent ("40%"), "—" when there is none.
pub fn share(x: Option<f64>) -> String {
    x.map_or_else(
        || "—".into(),
        |f| format!("{}%", (f * 100.0).round() as i64),
    )
}

/// The summary line: attempts and mean score.
pub fn summary(a: &QuizAnalysis) -> String {
    tf(
        K::AnalysisSummary,
        &[
            ("attempts", &a.attempts.to_string()),
            (
                "mean",
                &a.mean_percent
                    .map_or_else(|| "—".into(), |m| format!("{}%", m.round() as i64)),
            ),
        ],
    )
}

/// The figures line of one question.
pub fn figures(item: &ItemReport) -> String {
    tf(
        K::AnalysisFigures,
        &[
            ("facility", &share(item.stats.facility)),
            (
                "discrimination",
                &item
                    .stats
                    .discrimination
                    .map_or_else(|| "—".into(), hundredths),
            ),
            ("n", &item.stats.responses.to_string()),
        ],
    )
}

/// One row per option: label ("B 乙"), times chosen, percent of responses, whether keyed.
pub fn option_rows(item: &ItemReport) -> Vec<(String, u32, i64, bool)> {
    let responses = i64::from(item.stats.responses.max(1));
    item.stats
        .option_counts
        .iter()
        .enumerate()
        .map(|(o, &count)| {
            let text = item.options.get(o).map(String::as_str).unwrap_or("");
            (
                format!("{} {text}", option_letter(o)),
                count,
                i64::from(count) * 100 / responses,
                item.stats.key_options.contains(&o),
            )
        })
        .collect()
}

#[component]
fn Item(n: usize, item: ItemReport) -> impl IntoView {
    let rows = option_rows(&item);
    view! {
        <article class="card item">
            <header class="q-head">
                <span class="q-no">{n + 1}</span>
                {item
                    .flag_labels
                    .iter()
                    .map(|f| view! { <span class="badge warn">{f.clone()}</span> })
                    .collect_view()}
            </header>
            <p class="q-stem">{item.question.stem.clone()}</p>
            <p class="small">{figures(&item)}</p>
            {(!rows.is_empty())
                .then(|| {
                    view! {
                        <table class="table opt-table">
                            <thead>
                                <tr>
                                    <th>{t(K::AnalysisOption)}</th>
                                    <th class="num">{t(K::AnalysisChosen)}</th>
                                    <th></th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|(label, count, pct, key)| {
                                        let bar_label = format!("{label} · {count}");
                                        view! {
                                            <tr class="opt-stat" class:key=key>
                                                <td>{label} {key.then_some(" ✓")}</td>
                                                <td class="num">{count}</td>
                                                <td class="opt-bar">
                                                    <Bar percent=pct label=bar_label/>
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                })}
        </article>
    }
}

#[component]
fn Analysis(a: QuizAnalysis) -> impl IntoView {
    view! {
        <section class="card">
            <p>{summary(&a)}</p>
            <p class="muted small">{t(K::AnalysisHint)}</p>
            // issue 17 reports: submitted here, completed on the dashboard (passed).
            <p class="muted small completed-means">{t(K::CompletedMeans)}</p>
        </section>
        <div class="items">
            {a
                .items
                .into_iter()
                .enumerate()
                .map(|(n, item)| view! { <Item n=n item=item/> })
                .collect_view()}
        </div>
    }
}

#[component]
pub fn AdminAnalysis(id: i64) -> impl IntoView {
    let data = load(move || format!("{}/analysis", api::managed_quiz_url(id)));
    view! {
        <Page class="admin-analysis desk" title=K::QuizAnalysis back=Some("/admin/quizzes")>
            <Loaded data=data lines=5 ok=show(|a: QuizAnalysis| view! { <Analysis a=a/> })/>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::quiz_builder::QuizQuestionItem;
    use shared::grading::QuestionKind;
    use shared::item_analysis::{ItemFlag, ItemStats};

    fn analysis() -> QuizAnalysis {
        QuizAnalysis {
            quiz_id: 1,
            attempts: 5,
            mean_percent: Some(60.0),
            items: vec![ItemReport {
                question: QuizQuestionItem {
                    id: 9,
                    kind: QuestionKind::Single,
                    stem: "题干".into(),
                    difficulty: 2,
                    category: "c".into(),
                },
                options: vec!["甲".into(), "乙".into()],
                stats: ItemStats {
                    question_id: 9,
                    responses: 5,
                    correct: 2,
                    facility: Some(0.4),
                    discrimination: Some(-0.6667),
                    option_counts: vec![3, 2],
                    key_options: vec![1],
                    flags: vec![ItemFlag::NegativeDiscrimination],
                },
                flag_labels: vec!["区分度为负：请检查答案".into()],
            }],
        }
    }

    #[test]
    fn figures_and_options_are_read_from_the_analysis() {
        let a = analysis();
        assert!(summary(&a).contains("60%"));
        let f = figures(&a.items[0]);
        assert!(f.contains("40%") && f.contains("-0.67"), "{f}");
        assert_eq!(
            option_rows(&a.items[0]),
            vec![("A 甲".into(), 3, 60, false), ("B 乙".into(), 2, 40, true)]
        );
        assert_eq!(share(None), "—");
        assert_eq!(hundredths(0.05), "0.05");
        assert_eq!(hundredths(1.0), "1.00");
    }
}
