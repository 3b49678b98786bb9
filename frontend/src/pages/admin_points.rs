//! `/admin/points`: the points rules (points per unit and daily cap of every source) and
//! the organization's settings: the measure group leaderboards show by default, initials
//! outside the top 10, and the weekly goal. Admins edit; the server checks every value.
//!
//! The form is HTML text in a `region` (see `crate::components::region`); saving reads its
//! submitted fields.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use shared::api::points::{Measure, PointsRule, PointsSettings, PointsSource, WeeklyGoalKind};

use crate::api;
use crate::components::{error_text, region, Act, Fetch, Page};
use crate::html::{el, esc};
use crate::i18n::source_key;
use crate::i18n::{t, K};
use crate::json::{b, i, items, s};

fn number(name: &str, value: i64, min: i64, max: i64, label: &str) -> String {
    format!(
        r#"<input class="input num" type="number" inputmode="numeric" name="{name}" value="{value}" min="{min}" max="{max}" aria-label="{}">"#,
        esc(label)
    )
}

fn option(value: &str, label: K, selected: bool) -> String {
    format!(
        r#"<option value="{value}"{}>{}</option>"#,
        if selected { " selected" } else { "" },
        t(label)
    )
}

/// The form, filled with the current rules (`PointsRule`s) and settings (`PointsSettings`).
pub fn points_form_html(rules: &[Value], settings: &Value) -> String {
    let mut h = String::from(r#"<section class="card"><h2 class="card-title">"#);
    h += t(K::PointsRulesTitle);
    h += "</h2>";
    h += &el("p", "muted small", t(K::PointsRulesHint));
    h += r#"<table class="table rules"><thead><tr>"#;
    for k in [K::PointsRuleSource, K::PointsRulePoints, K::PointsRuleCap] {
        h += &el("th", "", t(k));
    }
    h += "</tr></thead><tbody>";
    for r in rules {
        let Some(source) = PointsSource::parse(s(r, "source")) else {
            continue;
        };
        let name = t(source_key(source));
        h += &format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            number(
                &format!("p:{}", source.as_str()),
                i(r, "points"),
                0,
                100,
                name
            ),
            number(
                &format!("c:{}", source.as_str()),
                i(r, "daily_cap"),
                0,
                1000,
                name
            ),
        );
    }
    h += "</tbody></table></section>";

    let measure = s(settings, "default_measure");
    let goal = s(settings, "weekly_goal_kind");
    h += r#"<section class="card form">"#;
    h += &el("h2", "card-title", t(K::PointsSettingsTitle));
    h += &format!(
        r#"<label class="field"><span class="label">{}</span><select class="input" name="measure">{}{}{}</select></label>"#,
        t(K::PointsDefaultMeasure),
        option(
            "participation",
            K::MeasureParticipation,
            measure == "participation"
        ),
        option("average", K::MeasureAverage, measure == "average"),
        option("completion", K::MeasureCompletion, measure == "completion"),
    );
    h += &format!(
        r#"<label class="check"><input type="checkbox" name="initials"{}><span>{}</span></label>"#,
        if b(settings, "initials_only") {
            " checked"
        } else {
            ""
        },
        t(K::PointsInitialsOnly)
    );
    h += &format!(
        r#"<label class="field"><span class="label">{}</span><select class="input" name="goal_kind">{}{}</select></label>"#,
        t(K::PointsGoalKind),
        option("points", K::PointsGoalKindPoints, goal == "points"),
        option("active_days", K::PointsGoalKindDays, goal == "active_days"),
    );
    h += &format!(
        r#"<label class="field"><span class="label">{}</span>{}</label>"#,
        t(K::PointsGoalTarget),
        number(
            "goal_target",
            i(settings, "weekly_goal_target"),
            1,
            1000,
            t(K::PointsGoalTarget)
        )
    );
    h += "</section>";
    h
}

/// What the form says, as the two requests: the rules and the settings. `get` reads a
/// field by name (`None` when absent, as an unchecked checkbox is).
pub fn read_form(get: impl Fn(&str) -> Option<String>) -> (Vec<PointsRule>, PointsSettings) {
    let num = |name: &str| {
        get(name)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(-1)
    };
    let rules = PointsSource::ALL
        .into_iter()
        .map(|source| PointsRule {
            source,
            points: num(&format!("p:{}", source.as_str())),
            daily_cap: num(&format!("c:{}", source.as_str())),
        })
        .collect();
    let settings = PointsSettings {
        default_measure: get("measure")
            .and_then(|m| Measure::parse(&m))
            .unwrap_or(Measure::Participation),
        initials_only: get("initials").is_some(),
        weekly_goal_kind: get("goal_kind")
            .and_then(|k| WeeklyGoalKind::parse(&k))
            .unwrap_or(WeeklyGoalKind::Points),
        weekly_goal_target: num("goal_target"),
    };
    (rules, settings)
}

/// `PUT /api/v1/points/rules` body (same JSON as `serde_json` writes for the rules).
pub fn rules_json(rules: &[PointsRule]) -> String {
    let items: Vec<String> = rules
        .iter()
        .map(|r| {
            format!(
                r#"{{"source":"{}","points":{},"daily_cap":{}}}"#,
                r.source.as_str(),
                r.points,
                r.daily_cap
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}

/// `PUT /api/v1/settings/points` body.
pub fn settings_json(s: &PointsSettings) -> String {
    format!(
        r#"{{"default_measure":"{}","initials_only":{},"weekly_goal_kind":"{}","weekly_goal_target":{}}}"#,
        s.default_measure.as_str(),
        s.initials_only,
        s.weekly_goal_kind.as_str(),
        s.weekly_goal_target
    )
}

/// The page below the top bar: a notice after saving, then the form (or why it is
/// missing) with its save button.
fn page_html(
    rules: &Value,
    settings: &Value,
    notice: &Option<(bool, String)>,
    pending: bool,
) -> String {
    let mut h = match notice {
        Some((ok, m)) => el(
            "p",
            if *ok {
                "banner success"
            } else {
                "banner error"
            },
            m,
        ),
        None => String::new(),
    };
    h += r#"<form id="points-form" novalidate>"#;
    h += &points_form_html(items(rules), settings);
    h += &format!(
        r#"<button type="submit" id="points-save" class="btn btn-primary btn-block"{}>{}</button></form>"#,
        if pending { " disabled" } else { "" },
        t(K::Save)
    );
    h
}

#[component]
pub fn AdminPoints() -> impl IntoView {
    let rules = Fetch::new(|| api::POINTS_RULES.into());
    let settings = Fetch::new(|| api::POINTS_SETTINGS.into());
    let pending = RwSignal::new(false);
    let notice = RwSignal::new(None::<(bool, String)>);
    // The form is HTML text in a region: its submit arrives here with the fields.
    let act = move |a: Act| {
        let Act::Submit(_, fields) = a else {
            return;
        };
        if pending.get_untracked() {
            return;
        }
        let (r, st) = read_form(|name| fields.get(name).map(str::to_string));
        pending.set(true);
        notice.set(None);
        spawn_local(async move {
            let saved = match api::put_json_text(api::POINTS_RULES, rules_json(&r)).await {
                Ok(()) => api::put_json_text(api::POINTS_SETTINGS, settings_json(&st)).await,
                Err(e) => Err(e),
            };
            let ok = saved.is_ok();
            notice.try_set(Some(match saved {
                Ok(()) => (true, t(K::PointsSaved).to_string()),
                Err(e) => (false, error_text(&e)),
            }));
            pending.try_set(false);
            if ok {
                rules.reload();
                settings.reload();
            }
            crate::browser::scroll_to_top();
        });
    };
    let html = move || match (rules.get(), settings.get()) {
        (Some(Ok(r)), Some(Ok(st))) => notice.with(|n| page_html(&r, &st, n, pending.get())),
        (Some(Err(e)), _) | (_, Some(Err(e))) => el("p", "banner error", &error_text(&e)),
        _ => String::new(),
    };
    view! {
        <Page class="admin-points" title=K::PointsRulesTitle back=Some("/")>
            {region("", html, act)}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_shows_and_reads_back_every_rule_and_setting() {
        let rules: Vec<PointsRule> = PointsSource::ALL
            .into_iter()
            .enumerate()
            .map(|(n, source)| PointsRule {
                source,
                points: n as i64 + 1,
                daily_cap: 10 + n as i64,
            })
            .collect();
        let settings = PointsSettings {
            default_measure: Measure::Average,
            initials_only: true,
            weekly_goal_kind: WeeklyGoalKind::ActiveDays,
            weekly_goal_target: 5,
        };
        let rules_v: Vec<Value> = rules
            .iter()
            .map(|r| serde_json::to_value(r).unwrap())
            .collect();
        let h = points_form_html(&rules_v, &serde_json::to_value(&settings).unwrap());
        assert!(h.contains(r#"name="p:sign_in" value="1""#));
        assert!(h.contains(r#"name="c:module" value="17""#));
        assert!(h.contains(r#"<option value="average" selected>"#));
        assert!(h.contains(r#"name="initials" checked"#));
        assert!(h.contains(r#"<option value="active_days" selected>"#));
        assert!(h.contains(r#"name="goal_target" value="5""#));

        // Reading the same values back gives the same requests.
        let field = |name: &str| -> Option<String> {
            if let Some(src) = name.strip_prefix("p:") {
                return rules
                    .iter()
                    .find(|r| r.source.as_str() == src)
                    .map(|r| r.points.to_string());
            }
            if let Some(src) = name.strip_prefix("c:") {
                return rules
                    .iter()
                    .find(|r| r.source.as_str() == src)
                    .map(|r| r.daily_cap.to_string());
            }
            match name {
                "measure" => Some("average".into()),
                "initials" => Some("on".into()),
                "goal_kind" => Some("active_days".into()),
                "goal_target" => Some(" 5 ".into()),
                _ => None,
            }
        };
        let (r, st) = read_form(field);
        assert_eq!(r, rules);
        assert_eq!(st, settings);
        // The hand-written bodies are what serde would send.
        let same = |a: String, b: String| {
            assert_eq!(
                serde_json::from_str::<Value>(&a).unwrap(),
                serde_json::from_str::<Value>(&b).unwrap()
            )
        };
        same(rules_json(&r), serde_json::to_string(&rules).unwrap());
        same(
            settings_json(&st),
            serde_json::to_string(&settings).unwrap(),
        );
        // An unchecked box is absent; a blank number is sent as -1 for the server to refuse.
        let (r, st) = read_form(|name| (name == "measure").then(|| "completion".to_string()));
        assert!(!st.initials_only);
        assert_eq!(st.default_measure, Measure::Completion);
        assert_eq!(r[0].points, -1);
    }
}
