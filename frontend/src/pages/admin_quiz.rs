//! `/admin/quizzes/new` and `/admin/quizzes/<id>`: the quiz builder. Title, kind, owner and
//! audience; a fixed list of questions picked from the bank or draw rules (count per
//! category and difficulty); time limit, window, attempts, pass mark, points, shuffling,
//! scoring and when answers are revealed; then publish, close or reopen. Once members
//! have answered, the parts that decide results are shown read-only (the server refuses
//! changes to them anyway).
//!
//! The form is HTML text. Its state lives in one JSON value (a `QuizInput` plus
//! `question_items` and, once saved, `id`, `status`, `locked`); before a change to its
//! structure (adding a rule, picking a question) what is on screen is read back into it.

use leptos::prelude::*;
use serde_json::Value;
use shared::api::auth::Role;

use crate::api;
use crate::app::use_session;
use crate::browser::input_value;
use crate::choices::{
    category_options, keyed, owner_json, owner_options, owner_value, parse_unit, unit_options,
};
use crate::components::{error_text, region, Act, Fetch, Fields, Page};
use crate::format::{input_datetime, parse_datetime};
use crate::html::{action, banner, check, el, esc, field, input, select};
use crate::i18n::{t, K};
use crate::json::{b, i, id_list, list, opt_id, quote, s};
use crate::pages::admin_questions::difficulty_options;
use crate::router::{use_router, Nav};

const QUIZ_KINDS: [(&str, K); 6] = [
    ("special", K::KindSpecial),
    ("exam", K::KindExam),
    ("daily", K::KindDaily),
    ("weekly", K::KindWeekly),
    ("challenge", K::KindChallenge),
    ("practice", K::KindPractice),
];

/// A new quiz's starting state.
pub fn blank(owner: &str) -> Value {
    serde_json::from_str(&format!(
        r#"{{"title":"","kind":"special","owner":{},"questions":[],"question_items":[],"draw_rules":[],"shuffle_options":true,"reveal":"after_submit","multiple_policy":"all_or_nothing","audience":{{"branch_ids":[],"youth_group_ids":[]}},"required":false}}"#,
        owner_json(owner)
    ))
    .unwrap_or_default()
}

/// What the builder needs besides the quiz.
pub struct Choices {
    pub owners: Vec<(String, String)>,
    pub units: Vec<(String, String)>,
    pub categories: Vec<(String, String)>,
}

fn opt_num(v: &Value, key: &str) -> String {
    v[key].as_i64().map(|n| n.to_string()).unwrap_or_default()
}

fn number(name: &str, value: &str, min: i64, max: i64) -> String {
    input(
        name,
        "number",
        value,
        &format!(r#"inputmode="numeric" min="{min}" max="{max}""#),
    )
}

/// The builder form for `q`.
pub fn quiz_form_html(q: &Value, c: &Choices) -> String {
    let locked = b(q, "locked");
    let mut h = String::from(r#"<form id="quiz-form" novalidate><section class="card form">"#);
    h += &field(
        t(K::QuizTitle),
        &input("title", "text", s(q, "title"), r#"maxlength="60" required"#),
    );
    h += &field(
        t(K::QuizKindLabel),
        &select("kind", &keyed(&QUIZ_KINDS), s(q, "kind")),
    );
    h += &field(
        t(K::QuestionOwner),
        &select("owner", &c.owners, &owner_value(&q["owner"])),
    );
    h += &check("required", "1", t(K::QuizRequired), b(q, "required"));
    h += "</section>";

    // Questions: a fixed list or draw rules.
    h += r#"<section class="card form"><h2 class="card-title">"#;
    h += t(K::BQuizQuestions);
    h += "</h2>";
    if locked {
        h += &el("p", "banner info", t(K::QuizLocked));
    }
    h += &el("h3", "sub-title", t(K::QuizFixed));
    h += r#"<ol class="picked">"#;
    for (n, item) in list(q, "question_items").iter().enumerate() {
        h += &format!(
            r#"<li><input type="hidden" name="q" value="{}"><span>{}</span>{}</li>"#,
            i(item, "id"),
            esc(s(item, "stem")),
            if locked {
                String::new()
            } else {
                action("rm-q", n as i64, "btn-ghost btn-small", t(K::Remove))
            }
        );
    }
    h += "</ol>";
    if !locked {
        h += &format!(
            r#"<div class="row"><input class="input" id="pick-q" type="search" placeholder="{}">{}</div><div id="picks"></div>"#,
            t(K::QuizSearchBank),
            action("search", 0, "btn-ghost", t(K::Search))
        );
    }
    h += &el("h3", "sub-title", t(K::QuizDraw));
    let levels = difficulty_options(K::DifficultyAny);
    for (n, r) in list(q, "draw_rules").iter().enumerate() {
        let diff = opt_num(r, "difficulty");
        if locked {
            h += &format!(
                r#"<input type="hidden" name="rc" value="{}"><input type="hidden" name="rn" value="{}"><input type="hidden" name="rd" value="{diff}">"#,
                i(r, "category_id"),
                i(r, "count")
            );
            let cat = c
                .categories
                .iter()
                .find(|(v, _)| *v == i(r, "category_id").to_string())
                .map(|(_, l)| l.trim())
                .unwrap_or("");
            h += &el("p", "small", &format!("{cat} × {}", i(r, "count")));
            continue;
        }
        h += &format!(
            r#"<div class="rule">{}{}{}{}</div>"#,
            select("rc", &c.categories, &i(r, "category_id").to_string()),
            number("rn", &i(r, "count").to_string(), 1, 200),
            select("rd", &levels, &diff),
            action("rm-r", n as i64, "btn-ghost btn-small", t(K::Remove))
        );
    }
    if !locked {
        h += &action("add-r", 0, "btn-ghost", t(K::QuizAddRule));
    }
    h += "</section>";

    // Rules.
    h += r#"<section class="card form">"#;
    let minutes = q["time_limit_secs"]
        .as_i64()
        .map(|s| (s / 60).to_string())
        .unwrap_or_default();
    h += &field(t(K::BQuizTimeLimit), &number("minutes", &minutes, 1, 1440));
    let when = |k: &str| q[k].as_i64().map(input_datetime).unwrap_or_default();
    h += &field(
        t(K::QuizOpensAt),
        &input("opens_at", "datetime-local", &when("opens_at"), ""),
    );
    h += &field(
        t(K::QuizClosesAt),
        &input("closes_at", "datetime-local", &when("closes_at"), ""),
    );
    h += &field(
        t(K::BQuizAttempts),
        &number("max_attempts", &opt_num(q, "max_attempts"), 1, 100),
    );
    h += &field(
        t(K::BQuizPassMark),
        &number("pass_mark", &opt_num(q, "pass_mark"), 0, 100),
    );
    h += &field(
        t(K::QuizPoints),
        &number("points", &opt_num(q, "points_per_correct"), 0, 100),
    );
    h += &field(
        t(K::QuizReveal),
        &select(
            "reveal",
            &keyed(&[
                ("after_submit", K::RevealAfterSubmit),
                ("after_close", K::RevealAfterClose),
                ("never", K::RevealNever),
            ]),
            s(q, "reveal"),
        ),
    );
    h += &check("shuffle", "1", t(K::QuizShuffle), b(q, "shuffle_options"));
    h += &check(
        "partial",
        "1",
        t(K::QuizPartialCredit),
        s(q, "multiple_policy") == "partial_credit",
    );
    h += "</section>";

    // Audience.
    h += r#"<section class="card form"><h2 class="card-title">"#;
    h += t(K::QuizAudience);
    h += "</h2>";
    let aud = &q["audience"];
    for (v, label) in &c.units {
        let (ids, id) = match parse_unit(v) {
            (Some(b), _) => ("branch_ids", b),
            (_, Some(g)) => ("youth_group_ids", g),
            _ => continue,
        };
        let on = aud[ids]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x.as_i64() == Some(id)));
        h += &check("aud", v, label, on);
    }
    h += &el("p", "muted small", t(K::QuizAudienceHint));
    h += "</section>";
    h += &format!(
        r#"<button type="submit" id="quiz-save" class="btn btn-primary btn-block">{}</button></form>"#,
        t(K::Save)
    );
    h
}

/// The quiz as the form on screen says it, as the JSON body of a save: a `QuizInput`,
/// plus what the page keeps for itself (`question_items` of the fixed list, `id`,
/// `status`, `locked`). Blank numbers are `null`; unreadable ones `-1`, for the server to
/// refuse with its message.
pub fn quiz_body(f: &Fields, before: &Value) -> String {
    let num = |name: &str| match f.get(name).map(str::trim).filter(|v| !v.is_empty()) {
        None => "null".to_string(),
        Some(v) => v.parse::<i64>().map_or("-1".into(), |n| n.to_string()),
    };
    let ids = f.ids("q");
    let items: Vec<String> = ids
        .iter()
        .filter_map(|id| {
            list(before, "question_items")
                .iter()
                .find(|it| i(it, "id") == *id)
                .map(|it| format!(r#"{{"id":{id},"stem":{}}}"#, quote(s(it, "stem"))))
        })
        .collect();
    let (counts, levels) = (f.all("rn"), f.all("rd"));
    let rules: Vec<String> = f
        .all("rc")
        .iter()
        .enumerate()
        .map(|(n, c)| {
            format!(
                r#"{{"category_id":{},"count":{},"difficulty":{}}}"#,
                c.parse::<i64>().unwrap_or(0),
                counts
                    .get(n)
                    .and_then(|v| v.trim().parse::<i64>().ok())
                    .unwrap_or(-1),
                opt_id(levels.get(n).and_then(|v| v.parse().ok()))
            )
        })
        .collect();
    let (mut branches, mut groups) = (Vec::new(), Vec::new());
    for v in f.all("aud") {
        match parse_unit(v) {
            (Some(b), _) => branches.push(b),
            (_, Some(g)) => groups.push(g),
            _ => {}
        }
    }
    let minutes = num("minutes");
    let secs = match minutes.parse::<i64>() {
        Ok(m) if m > 0 => (m * 60).to_string(),
        _ => minutes,
    };
    let when = |k: &str| opt_id(f.get(k).and_then(parse_datetime));
    let text = |k: &str, default: &str| quote(f.get(k).unwrap_or(default));
    format!(
        r#"{{"title":{},"kind":{},"owner":{},"questions":{},"question_items":[{}],"draw_rules":[{}],"time_limit_secs":{secs},"opens_at":{},"closes_at":{},"max_attempts":{},"pass_mark":{},"points_per_correct":{},"shuffle_options":{},"reveal":{},"multiple_policy":"{}","audience":{{"branch_ids":{},"youth_group_ids":{}}},"required":{},"id":{},"status":{},"locked":{}}}"#,
        quote(f.text("title").trim()),
        text("kind", "special"),
        owner_json(f.text("owner")),
        id_list(&ids),
        items.join(","),
        rules.join(","),
        when("opens_at"),
        when("closes_at"),
        num("max_attempts"),
        num("pass_mark"),
        num("points"),
        f.get("shuffle").is_some(),
        text("reveal", "after_submit"),
        if f.get("partial").is_some() {
            "partial_credit"
        } else {
            "all_or_nothing"
        },
        id_list(&branches),
        id_list(&groups),
        f.get("required").is_some(),
        opt_id(before["id"].as_i64()),
        before["status"].as_str().map_or("null".to_string(), quote),
        b(before, "locked"),
    )
}

/// The state after the form changed.
fn read(f: &Fields, before: &Value) -> Value {
    serde_json::from_str(&quiz_body(f, before)).unwrap_or_else(|_| before.clone())
}

/// Search results of the question picker, each with an add button.
fn picks_html(found: &[Value], chosen: &Value) -> String {
    let mut h = String::from(r#"<ul class="picks">"#);
    for q in found {
        let id = i(q, "id");
        let taken = list(chosen, "questions")
            .iter()
            .any(|x| x.as_i64() == Some(id));
        h += &format!(
            "<li><span>{}</span>{}</li>",
            esc(s(q, "stem")),
            if taken {
                String::new()
            } else {
                action("add-q", id, "btn-ghost btn-small", t(K::Add))
            }
        );
    }
    h + "</ul>"
}

/// The status line and the buttons that move a saved quiz along.
fn status_html(q: &Value) -> String {
    let id = i(q, "id");
    if id == 0 {
        return String::new();
    }
    let (label, next) = match s(q, "status") {
        "draft" => (K::StatusDraft, Some(("publish", K::QuizPublish))),
        "published" => (K::StatusPublished, Some(("close", K::QuizClose))),
        _ => (K::StatusClosed, Some(("publish", K::QuizReopen))),
    };
    let mut h = String::from(r#"<section class="card status-bar">"#);
    h += &el(
        "span",
        &format!("badge status-{}", s(q, "status")),
        t(label),
    );
    if let Some((what, k)) = next {
        h += &action(what, id, "btn-primary", t(k));
    }
    h += &format!(
        r#"<a class="btn btn-ghost" href="/admin/quizzes/{id}/analysis">{}</a>"#,
        t(K::QuizAnalysis)
    );
    h + "</section>"
}

/// Adds or removes a fixed question or a draw rule.
fn restructure(q: &mut Value, what: &str, n: i64, picked: Option<Value>) {
    let at = n as usize;
    let drop = |a: &mut Value| {
        if let Some(a) = a.as_array_mut().filter(|a| at < a.len()) {
            a.remove(at);
        }
    };
    match what {
        "add-q" => {
            if let (Some(p), Some(ids)) = (picked, q["questions"].as_array_mut()) {
                ids.push(Value::from(n));
                if let Some(items) = q["question_items"].as_array_mut() {
                    items.push(p);
                }
            }
        }
        "rm-q" => {
            drop(&mut q["questions"]);
            drop(&mut q["question_items"]);
        }
        "add-r" => {
            if let Some(a) = q["draw_rules"].as_array_mut() {
                let mut rule = serde_json::Map::new();
                rule.insert("category_id".into(), Value::from(0));
                rule.insert("count".into(), Value::from(5));
                a.push(Value::Object(rule));
            }
        }
        "rm-r" => drop(&mut q["draw_rules"]),
        _ => {}
    }
}

#[component]
pub fn AdminQuiz(id: Option<i64>) -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let tree = Fetch::new(|| api::ORG.into());
    let cats = Fetch::new(|| api::QUESTION_CATEGORIES.into());
    let quiz = RwSignal::new(None::<Value>);
    // The picker's last search answer (a `QuestionPage`).
    let found = RwSignal::new(None::<Value>);
    let notice = RwSignal::new(None::<(bool, String)>);
    let pending = RwSignal::new(false);
    // Shows a saved quiz, or why not.
    let shown = move |r: Result<Value, crate::api::ApiError>, ok: Option<K>| {
        pending.try_set(false);
        match r {
            Ok(v) => {
                quiz.try_set(Some(v));
                if let Some(k) = ok {
                    notice.try_set(Some((true, t(k).to_string())));
                }
            }
            Err(e) => {
                notice.try_set(Some((false, error_text(&e))));
            }
        }
        crate::browser::scroll_to_top();
    };
    if let Some(id) = id {
        api::spawn_call(
            "GET",
            format!("{}/{id}", api::MANAGED_QUIZZES),
            None,
            move |r| shown(r, None),
        );
    }

    let act = move |a: Act| match a {
        // Kept without re-rendering: the change event of a field comes as the focus moves,
        // often onto a button, whose click a re-render would swallow.
        Act::Change(_, _, f) => quiz.update_untracked(|q| {
            if let Some(before) = q.take() {
                *q = Some(read(&f, &before));
            }
        }),
        Act::Submit(_, f) => {
            let Some(before) = quiz.get_untracked() else {
                return;
            };
            let body = quiz_body(&f, &before);
            quiz.set(Some(read(&f, &before)));
            pending.set(true);
            notice.set(None);
            match before["id"].as_i64() {
                Some(id) => api::spawn_call(
                    "PUT",
                    format!("{}/{id}", api::MANAGED_QUIZZES),
                    Some(body),
                    move |r| shown(r, Some(K::Saved)),
                ),
                None => {
                    api::spawn_call("POST", api::MANAGED_QUIZZES.into(), Some(body), move |r| {
                        match r {
                            Ok(v) => router.navigate(
                                &format!("/admin/quizzes/{}", i(&v, "id")),
                                Nav::default(),
                            ),
                            Err(e) => shown(Err(e), None),
                        }
                    })
                }
            }
        }
        Act::Click(what, n) => match what.as_str() {
            "search" => {
                let url = format!(
                    "{}?per_page=20&q={}",
                    api::QUESTIONS,
                    api::encode_component(input_value("pick-q").trim())
                );
                api::spawn_call("GET", url, None, move |r| {
                    if let Ok(v) = r {
                        found.try_set(Some(v));
                    }
                });
            }
            "publish" | "close" => {
                pending.set(true);
                let status = if what == "publish" {
                    "published"
                } else {
                    "closed"
                };
                api::spawn_call(
                    "POST",
                    format!("{}/{n}/status", api::MANAGED_QUIZZES),
                    Some(format!(r#"{{"status":"{status}"}}"#)),
                    move |r| shown(r, Some(K::Saved)),
                );
            }
            _ => {
                let picked = found.with_untracked(|f| {
                    f.as_ref()
                        .and_then(|f| list(f, "items").iter().find(|q| i(q, "id") == n).cloned())
                });
                quiz.update(|q| {
                    if let Some(q) = q.as_mut() {
                        restructure(q, &what, n, picked);
                    }
                });
            }
        },
    };

    let html = move || {
        let mut h = notice.with(|n| n.as_ref().map(|(ok, m)| banner(*ok, m)).unwrap_or_default());
        h += &tree.html(6, |tree: Value| {
            cats.html(2, |cats: Value| {
                let (scope, admin) = session.with_me(|m| (m.scope.clone(), m.role == Role::Admin));
                let choices = Choices {
                    owners: owner_options(&tree, &scope, admin),
                    units: unit_options(&tree, &scope, admin),
                    categories: category_options(&cats, &[]),
                };
                if id.is_none() && quiz.with_untracked(Option::is_none) {
                    let first = choices
                        .owners
                        .first()
                        .map(|o| o.0.clone())
                        .unwrap_or_default();
                    quiz.set(Some(blank(&first)));
                }
                let Some(q) = quiz.get() else {
                    return String::new();
                };
                let mut h = if pending.get() {
                    el("p", "muted", t(K::Saving))
                } else {
                    String::new()
                };
                h += &status_html(&q);
                h += &quiz_form_html(&q, &choices);
                h += &found.with(|f| match f {
                    Some(f) if !list(f, "items").is_empty() => {
                        el("h3", "sub-title", t(K::QuizSearchResults))
                            + &picks_html(list(f, "items"), &q)
                    }
                    _ => String::new(),
                });
                h
            })
        });
        h
    };

    view! {
        <Page class="admin-quiz" title=K::QuizBuilder back=Some("/admin/quizzes")>
            {region("", html, act)}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn choices() -> Choices {
        Choices {
            owners: vec![("b:1".into(), "一支部".into())],
            units: vec![
                ("b:1".into(), "一支部".into()),
                ("g:4".into(), "青年组".into()),
            ],
            categories: vec![("7".into(), "党章".into())],
        }
    }

    fn saved() -> Value {
        json!({
            "id": 3, "status": "draft", "locked": false,
            "title": "支部<专项>", "kind": "exam", "owner": { "branch_id": 1, "youth_group_id": null },
            "questions": [11, 12],
            "question_items": [{ "id": 11, "stem": "题一" }, { "id": 12, "stem": "题二" }],
            "draw_rules": [], "time_limit_secs": 600, "opens_at": 1_683_163_800_000i64,
            "closes_at": null, "max_attempts": 2, "pass_mark": 60, "points_per_correct": null,
            "shuffle_options": false, "reveal": "after_close", "multiple_policy": "all_or_nothing",
            "audience": { "branch_ids": [1], "youth_group_ids": [] }, "required": true,
        })
    }

    /// Reads the rendered form back like a browser's FormData would.
    fn fields(html: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for part in html.split('<').skip(1) {
            let attr = |a: &str| {
                part.split(&format!(r#" {a}=""#))
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .map(|v| {
                        v.replace("&quot;", "\"")
                            .replace("&lt;", "<")
                            .replace("&gt;", ">")
                    })
            };
            let Some(name) = attr("name") else { continue };
            if part.starts_with("input") {
                let kind = attr("type").unwrap_or_default();
                if kind == "checkbox" && !part.contains(" checked") {
                    continue;
                }
                out.push((name, attr("value").unwrap_or_default()));
            } else if part.starts_with("select") {
                let rest = html.split(&format!(r#"name="{name}""#)).nth(1).unwrap();
                let sel = rest
                    .split("</select>")
                    .next()
                    .unwrap()
                    .split("<option value=\"")
                    .find(|o| o.contains("selected"))
                    .map(|o| o.split('"').next().unwrap().to_string())
                    .unwrap_or_default();
                out.push((name, sel));
            }
        }
        out
    }

    #[test]
    fn the_form_shows_a_quiz_and_reads_it_back_unchanged() {
        let q = saved();
        let h = quiz_form_html(&q, &choices());
        assert!(h.contains("支部&lt;专项&gt;"));
        assert!(h.contains(r#"<option value="exam" selected>"#));
        assert!(h.contains(r#"name="q" value="11""#));
        assert!(h.contains(r#"data-action="rm-q" data-id="1""#));
        assert!(h.contains(r#"value="2023-05-04T09:30""#));
        let back = read(&Fields(fields(&h)), &q);
        for k in [
            "title",
            "kind",
            "owner",
            "questions",
            "question_items",
            "draw_rules",
            "time_limit_secs",
            "opens_at",
            "closes_at",
            "max_attempts",
            "pass_mark",
            "points_per_correct",
            "shuffle_options",
            "reveal",
            "multiple_policy",
            "audience",
            "required",
            "id",
        ] {
            assert_eq!(back[k], q[k], "{k}");
        }
    }

    #[test]
    fn draw_rules_and_a_locked_quiz() {
        let mut q = saved();
        q["questions"] = json!([]);
        q["question_items"] = json!([]);
        q["draw_rules"] = json!([{ "category_id": 7, "count": 5, "difficulty": 3 }]);
        let h = quiz_form_html(&q, &choices());
        assert!(h.contains(r#"name="rn" value="5""#));
        assert!(h.contains(r#"<option value="3" selected>"#));
        q["locked"] = json!(true);
        let h = quiz_form_html(&q, &choices());
        assert!(h.contains(r#"<input type="hidden" name="rc" value="7">"#));
        assert!(!h.contains(r#"data-action="add-r""#));
        let back = read(&Fields(fields(&h)), &q);
        assert_eq!(back["draw_rules"], q["draw_rules"]);
    }

    #[test]
    fn blank_fields_are_null_and_bad_numbers_are_sent_for_the_server_to_refuse() {
        let back = read(
            &Fields::of(&[("minutes", "abc"), ("pass_mark", " "), ("title", "a\"b")]),
            &blank(""),
        );
        assert_eq!(back["title"], "a\"b");
        assert_eq!(back["time_limit_secs"], -1);
        assert_eq!(back["pass_mark"], Value::Null);
        assert_eq!(back["shuffle_options"], false);
        assert_eq!(
            back["owner"],
            json!({ "branch_id": null, "youth_group_id": null })
        );
    }
}
