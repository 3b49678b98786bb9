//! `/admin/points`: the points rules (points per unit and daily cap of every source) and
//! the organization's settings: the measure group leaderboards show by default, initials
//! outside the top 10, and the weekly goal. Admins edit; the server checks every value.
//!
//! The answers (`Vec<PointsRule>`, `PointsSettings`) fill a form of signals; saving sends
//! the same two types back.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::points::{Measure, PointsRule, PointsSettings, PointsSource, WeeklyGoalKind};

use crate::api::{self, ApiError};
use crate::components::{error_text, load, show, Loaded, Page};
use crate::i18n::source_key;
use crate::i18n::{t, K};

/// A number field as typed: a blank or a non-number is sent as -1, for the server to refuse
/// with its own message.
pub fn number(text: &str) -> i64 {
    text.trim().parse().unwrap_or(-1)
}

/// The rules as the form shows them: each source with its points and cap as typed.
pub fn read_rules(rows: &[(PointsSource, String, String)]) -> Vec<PointsRule> {
    rows.iter()
        .map(|(source, points, cap)| PointsRule {
            source: *source,
            points: number(points),
            daily_cap: number(cap),
        })
        .collect()
}

/// One source's row of the form: points and cap as typed.
#[derive(Clone, Copy)]
struct RuleRow {
    source: PointsSource,
    points: RwSignal<String>,
    cap: RwSignal<String>,
}

/// The form: a row per known source, and the settings.
#[derive(Clone, Copy)]
struct PointsForm {
    rules: StoredValue<Vec<RuleRow>>,
    measure: RwSignal<Measure>,
    initials: RwSignal<bool>,
    goal_kind: RwSignal<WeeklyGoalKind>,
    goal_target: RwSignal<String>,
}

impl PointsForm {
    fn new(rules: &[PointsRule], s: &PointsSettings) -> Self {
        let rows = rules
            .iter()
            .map(|r| RuleRow {
                source: r.source,
                points: RwSignal::new(r.points.to_string()),
                cap: RwSignal::new(r.daily_cap.to_string()),
            })
            .collect();
        PointsForm {
            rules: StoredValue::new(rows),
            measure: RwSignal::new(s.default_measure),
            initials: RwSignal::new(s.initials_only),
            goal_kind: RwSignal::new(s.weekly_goal_kind),
            goal_target: RwSignal::new(s.weekly_goal_target.to_string()),
        }
    }

    /// The two requests the form stands for.
    fn read(self) -> (Vec<PointsRule>, PointsSettings) {
        let rows: Vec<_> = self.rules.with_value(|r| {
            r.iter()
                .map(|row| {
                    (
                        row.source,
                        row.points.get_untracked(),
                        row.cap.get_untracked(),
                    )
                })
                .collect()
        });
        let settings = PointsSettings {
            default_measure: self.measure.get_untracked(),
            initials_only: self.initials.get_untracked(),
            weekly_goal_kind: self.goal_kind.get_untracked(),
            weekly_goal_target: number(&self.goal_target.get_untracked()),
        };
        (read_rules(&rows), settings)
    }
}

const MEASURES: [(Measure, K); 3] = [
    (Measure::Participation, K::MeasureParticipation),
    (Measure::Average, K::MeasureAverage),
    (Measure::Completion, K::MeasureCompletion),
];
const GOALS: [(WeeklyGoalKind, K); 2] = [
    (WeeklyGoalKind::Points, K::PointsGoalKindPoints),
    (WeeklyGoalKind::ActiveDays, K::PointsGoalKindDays),
];

fn num_input(
    name: String,
    value: RwSignal<String>,
    (min, max): (&'static str, &'static str),
    label: String,
) -> impl IntoView {
    view! {
        <input
            class="input num"
            name=name
            type="number"
            inputmode="numeric"
            min=min
            max=max
            aria-label=label
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}

/// The form over the loaded rules and settings, with its save button and, beside it, what
/// saving did (the form already shows what was saved, so nothing reloads).
fn form_view(rules: Vec<PointsRule>, settings: PointsSettings) -> impl IntoView {
    let f = PointsForm::new(&rules, &settings);
    let pending = RwSignal::new(false);
    let notice = RwSignal::new(None::<Result<(), ApiError>>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let (rules, settings) = f.read();
        pending.set(true);
        notice.set(None);
        spawn_local(async move {
            let saved = match api::send::<_, api::Ignored>("PUT", api::POINTS_RULES, &rules).await {
                Ok(_) => api::send::<_, api::Ignored>("PUT", api::POINTS_SETTINGS, &settings)
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            };
            pending.try_set(false);
            notice.try_set(Some(saved));
        });
    };
    let rows = f.rules.with_value(|r| r.clone());
    let measure_now = settings.default_measure;
    let goal_now = settings.weekly_goal_kind;
    view! {
        <form id="points-form" class="points-form" novalidate on:submit=save>
            <section class="card">
                <h2 class="card-title">{t(K::PointsRulesTitle)}</h2>
                <p class="muted small">{t(K::PointsRulesHint)}</p>
                <table class="table rules">
                    <thead>
                        <tr>
                            <th scope="col">{t(K::PointsRuleSource)}</th>
                            <th scope="col">{t(K::PointsRulePoints)}</th>
                            <th scope="col">{t(K::PointsRuleCap)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .map(|row| {
                                let name = t(source_key(row.source));
                                view! {
                                    <tr data-source=row.source.as_str()>
                                        <td>{name}</td>
                                        <td>{num_input(format!("p:{}", row.source.as_str()), row.points, ("0", "100"), format!("{name} · {}", t(K::PointsRulePoints)))}</td>
                                        <td>{num_input(format!("c:{}", row.source.as_str()), row.cap, ("0", "1000"), format!("{name} · {}", t(K::PointsRuleCap)))}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </section>
            <section class="card form">
                <h2 class="card-title">{t(K::PointsSettingsTitle)}</h2>
                <label class="field">
                    <span class="label">{t(K::PointsDefaultMeasure)}</span>
                    <select
                        class="input"
                        name="measure"
                        on:change=move |ev| {
                            if let Some(m) = Measure::parse(&event_target_value(&ev)) {
                                f.measure.set(m);
                            }
                        }
                    >
                        {MEASURES
                            .iter()
                            .map(|(m, k)| view! { <option value=m.as_str() selected=*m == measure_now>{t(*k)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label class="check">
                    <input
                        type="checkbox"
                        name="initials"
                        prop:checked=move || f.initials.get()
                        on:change=move |ev| f.initials.set(event_target_checked(&ev))
                    />
                    <span>{t(K::PointsInitialsOnly)}</span>
                </label>
                <label class="field">
                    <span class="label">{t(K::PointsGoalKind)}</span>
                    <select
                        class="input"
                        name="goal_kind"
                        on:change=move |ev| {
                            if let Some(k) = WeeklyGoalKind::parse(&event_target_value(&ev)) {
                                f.goal_kind.set(k);
                            }
                        }
                    >
                        {GOALS
                            .iter()
                            .map(|(g, k)| view! { <option value=g.as_str() selected=*g == goal_now>{t(*k)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="label">{t(K::PointsGoalTarget)}</span>
                    {num_input("goal_target".into(), f.goal_target, ("1", "1000"), t(K::PointsGoalTarget).to_string())}
                </label>
            </section>
            <div class="form-actions sticky-actions">
                {move || {
                    notice
                        .get()
                        .map(|r| match r {
                            Ok(()) => view! { <p class="banner success" role="status">{t(K::PointsSaved)}</p> }.into_any(),
                            Err(e) => view! { <p class="banner error" role="alert">{error_text(&e)}</p> }.into_any(),
                        })
                }}
                <button type="submit" id="points-save" class="btn btn-primary" disabled=move || pending.get()>
                    {move || t(if pending.get() { K::Saving } else { K::Save })}
                </button>
            </div>
        </form>
    }
}

#[component]
pub fn AdminPoints() -> impl IntoView {
    let rules = load(|| api::POINTS_RULES.into());
    let settings = load(|| api::POINTS_SETTINGS.into());
    let ok = show(move |r: Vec<PointsRule>| {
        view! {
            <Loaded
                data=settings
                lines=4
                ok=show(move |s: PointsSettings| form_view(r.clone(), s))
            />
        }
    });
    view! {
        <Page class="admin-points" title=K::PointsRulesTitle back=Some("/")>
            <Loaded data=rules lines=8 ok=ok/>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_reads_back_as_the_requests() {
        let rows: Vec<(PointsSource, String, String)> = PointsSource::ALL
            .into_iter()
            .enumerate()
            .map(|(n, s)| (s, (n + 1).to_string(), format!(" {} ", 10 + n)))
            .collect();
        let rules = read_rules(&rows);
        assert_eq!(rules.len(), PointsSource::ALL.len());
        assert_eq!(
            rules[0],
            PointsRule {
                source: PointsSource::ALL[0],
                points: 1,
                daily_cap: 10
            }
        );
        // A blank or a word is sent as -1 for the server to refuse.
        assert_eq!(number(""), -1);
        assert_eq!(number("五"), -1);
        assert_eq!(number(" 7 "), 7);
        // The bodies are the shared types' own JSON.
        let json = serde_json::to_string(&rules[..1]).unwrap();
        let back: Vec<PointsRule> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, rules[..1]);
    }
}
