//! `/admin/quizzes/<id>/analysis`: item analysis of a quiz — per question the share who
//! answered right (facility), how well it separates strong from weak members
//! (discrimination), how often each option was chosen, and plain-language flags.

use leptos::prelude::*;
use serde_json::Value;

use crate::api;
use crate::charts::hundredths;
use crate::components::{region, Fetch, Page};
use crate::html::{bar, el, esc};
use crate::i18n::{t, tf, K};
use crate::json::{i, list, s};

/// The analysis (`QuizAnalysis`) as cards, one per question.
pub fn analysis_html(a: &Value) -> String {
    let mut h = String::from(r#"<section class="card">"#);
    h += &el(
        "p",
        "",
        &tf(
            K::AnalysisSummary,
            &[
                ("attempts", &i(a, "attempts").to_string()),
                (
                    "mean",
                    &a["mean_percent"]
                        .as_f64()
                        .map(|m| format!("{}%", m.round() as i64))
                        .unwrap_or_else(|| "—".into()),
                ),
            ],
        ),
    );
    h += &el("p", "muted small", t(K::AnalysisHint));
    h += "</section>";
    for (n, item) in list(a, "items").iter().enumerate() {
        let q = &item["question"];
        let responses = i(item, "responses").max(1);
        h += r#"<article class="card item">"#;
        h += &format!(
            r#"<header class="q-head"><span class="q-no">{}</span>"#,
            n + 1
        );
        for f in list(item, "flag_labels") {
            h += &el("span", "badge warn", f.as_str().unwrap_or(""));
        }
        h += "</header>";
        h += &el("p", "q-stem", s(q, "stem"));
        let facility = item["facility"].as_f64().unwrap_or(0.0);
        h += &el(
            "p",
            "small",
            &tf(
                K::AnalysisFigures,
                &[
                    (
                        "facility",
                        &format!("{}%", (facility * 100.0).round() as i64),
                    ),
                    (
                        "discrimination",
                        &item["discrimination"]
                            .as_f64()
                            .map(hundredths)
                            .unwrap_or_else(|| "—".into()),
                    ),
                    ("n", &i(item, "responses").to_string()),
                ],
            ),
        );
        let keys: Vec<i64> = list(item, "key_options")
            .iter()
            .filter_map(Value::as_i64)
            .collect();
        let options = list(item, "options");
        for (o, count) in list(item, "option_counts").iter().enumerate() {
            let c = count.as_i64().unwrap_or(0);
            let label = format!(
                "{} {}{} · {c}",
                shared::question::option_letter(o),
                options.get(o).and_then(Value::as_str).unwrap_or(""),
                if keys.contains(&(o as i64)) {
                    " ✓"
                } else {
                    ""
                }
            );
            h += &format!(
                r#"<div class="opt-stat{}"><span class="small">{}</span>{}</div>"#,
                if keys.contains(&(o as i64)) {
                    " key"
                } else {
                    ""
                },
                esc(&label),
                bar(c * 100 / responses, &label)
            );
        }
        h += "</article>";
    }
    h
}

#[component]
pub fn AdminAnalysis(id: i64) -> impl IntoView {
    let data = Fetch::new(move || format!("{}/{id}/analysis", api::MANAGED_QUIZZES));
    view! {
        <Page class="admin-analysis" title=K::QuizAnalysis back=Some("/admin/quizzes")>
            {region("", move || data.html(5, |v: Value| analysis_html(&v)), move |_| data.reload())}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn figures_options_and_flags_are_shown() {
        let h = analysis_html(&json!({
            "quiz_id": 1, "attempts": 5, "mean_percent": 60.0,
            "items": [{
                "question": { "id": 9, "kind": "single", "stem": "题<干>", "difficulty": 2, "category": "c" },
                "options": ["甲", "乙"], "question_id": 9, "responses": 5, "correct": 2,
                "facility": 0.4, "discrimination": -0.6667, "option_counts": [3, 2],
                "key_options": [1], "flags": ["negative_discrimination"],
                "flag_labels": ["区分度为负：请检查答案"],
            }],
        }));
        assert!(h.contains("60%"));
        assert!(h.contains("题&lt;干&gt;"));
        assert!(h.contains("40%"));
        assert!(h.contains("-0.67"));
        assert!(h.contains("区分度为负：请检查答案"));
        assert!(h.contains(r#"aria-valuenow="60""#), "A: 3 of 5");
        assert!(h.contains("B 乙 ✓ · 2"));
        assert_eq!(hundredths(-0.6667), "-0.67");
        assert_eq!(hundredths(0.05), "0.05");
        assert_eq!(hundredths(1.0), "1.00");
    }
}
