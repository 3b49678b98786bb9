//! `/points` (积分规则): how each task earns points and its daily cap, written from the live
//! rules the server applies (an admin's change shows here at once), and the member's points
//! history (积分明细), newest first, loaded a page at a time.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::points::{LedgerEntry, LedgerPage, PointsRule, PointsSource};
use shared::points::{challenge_points, STUDY_STEP_MINUTES};

use crate::api::{self, ApiError};
use crate::components::{error_text, load, show, Loaded, Page};
use crate::format::date_time;
use crate::i18n::{locale, source_key, t, tf, K};

/// Ledger entries per page.
const PAGE: i64 = 20;

/// How a rule earns its points, in words, from its live values.
pub fn earns(rule: &PointsRule) -> String {
    let p = rule.points.to_string();
    match rule.source {
        PointsSource::SignIn => tf(K::GuideSignIn, &[("p", &p)]),
        PointsSource::Lesson => tf(K::GuideLesson, &[("p", &p)]),
        PointsSource::StudyTime => tf(
            K::GuideStudyTime,
            &[("m", &STUDY_STEP_MINUTES.to_string()), ("p", &p)],
        ),
        PointsSource::DailyQuiz | PointsSource::WeeklyQuiz | PointsSource::SpecialQuiz => {
            tf(K::GuidePerCorrect, &[("p", &p)])
        }
        PointsSource::Challenge => tf(
            K::GuideChallenge,
            &[("steps", &challenge_steps(rule.points)), ("p", &p)],
        ),
        PointsSource::Module => tf(K::GuideModule, &[("p", &p)]),
    }
}

/// The challenge's scale, from the same function the server scores with: where each step
/// starts ("1题得2分、5题得3分…"), steps that the rule's maximum flattens left out.
pub fn challenge_steps(max: i64) -> String {
    let mut steps: Vec<(i64, i64)> = Vec::new();
    for run in 1..=30 {
        let pts = challenge_points(run, max);
        if steps.last().is_none_or(|(_, last)| *last != pts) {
            steps.push((run, pts));
        }
    }
    steps
        .into_iter()
        .map(|(run, pts)| {
            tf(
                K::GuideChallengeStep,
                &[("n", &run.to_string()), ("p", &pts.to_string())],
            )
        })
        .collect::<Vec<_>>()
        .join(t(K::ListSeparator))
}

/// The daily cap, or that the task earns nothing at the moment.
pub fn cap_line(rule: &PointsRule) -> String {
    if rule.daily_cap <= 0 || rule.points <= 0 {
        t(K::GuidePaused).into()
    } else {
        tf(K::GuideCap, &[("c", &rule.daily_cap.to_string())])
    }
}

fn rules_list(rules: Vec<PointsRule>) -> impl IntoView {
    let rows = rules.into_iter().map(|r| {
        let (how, cap) = (earns(&r), cap_line(&r));
        view! {
            <li class="guide-rule" data-source=r.source.as_str()>
                <div class="guide-rule-head">
                    <b>{t(source_key(r.source))}</b>
                    <span class="badge">{cap}</span>
                </div>
                <p class="small muted">{how}</p>
            </li>
        }
    });
    view! {
        <section class="card">
            <h2 class="card-title">{t(K::PointsRulesTitle)}</h2>
            <ul class="plain guide-rules">{rows.collect_view()}</ul>
            <p class="hint">{t(K::GuideFootnote)}</p>
        </section>
    }
}

/// One line of the points history.
fn entry_row(e: LedgerEntry) -> impl IntoView {
    let (sign, class) = if e.points >= 0 {
        ("+", "ledger-points")
    } else {
        ("", "ledger-points minus")
    };
    view! {
        <li class="ledger-row">
            <span class="ledger-what">
                <span>{t(source_key(e.source))}</span>
                <span class="small muted">{date_time(e.created_at, locale())}</span>
            </span>
            <b class=class>
                {format!("{sign}{}", e.points)}
            </b>
        </li>
    }
}

/// The points history: the first page, then older ones appended on 加载更多.
#[component]
fn History() -> impl IntoView {
    let entries = RwSignal::new(Vec::<LedgerEntry>::new());
    let next = RwSignal::new(None::<i64>);
    let state = RwSignal::new(None::<Result<(), ApiError>>);
    let busy = RwSignal::new(false);
    let fetch = move |before: Option<i64>| {
        busy.set(true);
        spawn_local(async move {
            let url = match before {
                Some(id) => format!("{}?limit={PAGE}&before_id={id}", api::POINTS_LEDGER),
                None => format!("{}?limit={PAGE}", api::POINTS_LEDGER),
            };
            match api::get::<LedgerPage>(&url).await {
                Ok(page) => {
                    entries.try_update(|v| v.extend(page.entries));
                    next.try_set(page.next_before_id);
                    state.try_set(Some(Ok(())));
                }
                Err(e) => {
                    state.try_set(Some(Err(e)));
                }
            }
            busy.try_set(false);
        });
    };
    fetch(None);
    let more = move |_| {
        if !busy.get_untracked() {
            fetch(next.get_untracked());
        }
    };
    view! {
        <section class="card ledger">
            <h2 class="card-title">{t(K::GuideHistory)}</h2>
            {move || {
                let list = entries.get();
                match (state.get(), list.is_empty()) {
                    (None, _) => view! { <p class="muted">{t(K::Loading)}</p> }.into_any(),
                    (Some(Ok(())), true) => view! { <p class="muted">{t(K::GuideHistoryEmpty)}</p> }.into_any(),
                    _ => view! {
                        <ul class="plain">{list.into_iter().map(entry_row).collect_view()}</ul>
                    }.into_any(),
                }
            }}
            {move || match state.get() {
                Some(Err(e)) => Some(view! { <p class="form-error" role="alert">{error_text(&e)}</p> }),
                _ => None,
            }}
            {move || {
                let failed = matches!(state.get(), Some(Err(_)));
                (next.get().is_some() || failed).then(|| view! {
                    <button type="button" id="ledger-more" class="btn btn-ghost btn-block" disabled=busy on:click=more>
                        {t(if failed { K::Retry } else { K::GuideMore })}
                    </button>
                })
            }}
        </section>
    }
}

#[component]
pub fn PointsGuide() -> impl IntoView {
    let rules = load(|| api::POINTS_RULES.into());
    view! {
        <Page class="points-guide" title=K::PointsRulesTitle back=Some("/")>
            <Loaded data=rules lines=6 ok=show(rules_list)/>
            <History/>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(source: PointsSource, points: i64, daily_cap: i64) -> PointsRule {
        PointsRule {
            source,
            points,
            daily_cap,
        }
    }

    #[test]
    fn rules_read_from_their_live_values() {
        assert_eq!(
            earns(&rule(PointsSource::StudyTime, 2, 6)),
            format!("阅读课程每满{STUDY_STEP_MINUTES}分钟得2分")
        );
        assert_eq!(
            earns(&rule(PointsSource::DailyQuiz, 1, 5)),
            "每答对一题得1分"
        );
        assert_eq!(
            cap_line(&rule(PointsSource::DailyQuiz, 1, 5)),
            "每日上限5分"
        );
        assert_eq!(cap_line(&rule(PointsSource::Module, 5, 0)), "暂停计分");
    }

    #[test]
    fn the_challenge_scale_is_the_scoring_function() {
        assert_eq!(
            challenge_steps(6),
            "1题得2分、5题得3分、10题得4分、15题得5分、20题得6分"
        );
        // A lower maximum flattens the top of the scale.
        assert_eq!(challenge_steps(3), "1题得2分、5题得3分");
        assert_eq!(challenge_steps(1), "1题得1分");
    }
}
