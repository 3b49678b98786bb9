//! `/admin/questions/new` and `/admin/questions/<id>`: the question editor. Every field of
//! a question, a preview exactly as members see it in their results, earlier versions,
//! and members' error reports (答题纠错) with their resolution.
//!
//! The answer is typed as in the import template: `B`, `ABD`, `对`/`错`, blanks as
//! `两个维护|四个意识/“四个意识”` (`|` between blanks, `/` between accepted answers).

use leptos::prelude::*;
use serde_json::Value;
use shared::api::auth::Role;

use crate::answers::{answer_of, letter, question_kind};
use crate::api;
use crate::app::use_session;
use crate::browser::input_value;
use crate::choices::{category_options, owner_json, owner_options, owner_value};
use crate::components::{error_text, region, review_html, Act, Fetch, Fields, Page, Review};
use crate::format::date_time;
use crate::html::{action, banner, el, esc, field, input, select, textarea};
use crate::i18n::{locale, t, tf, K};
use crate::json::{b, i, id_list, list, quote, s, strings};
use crate::pages::admin_questions::{difficulty_options, kind_options};
use crate::router::{use_router, Nav};

/// Most options a choice question has (A–H).
pub const MAX_OPTIONS: usize = 8;

/// A key (`AnswerKey` JSON) in the editor's notation.
pub fn key_text(key: &Value) -> String {
    match s(key, "kind") {
        "single" => key["option"]
            .as_u64()
            .map(|o| letter(o as usize).to_string())
            .unwrap_or_default(),
        "multiple" => list(key, "options")
            .iter()
            .filter_map(Value::as_u64)
            .map(|o| letter(o as usize))
            .collect(),
        "true_false" => if key["value"].as_bool() == Some(true) {
            "对"
        } else {
            "错"
        }
        .into(),
        "fill_in" => list(key, "blanks")
            .iter()
            .map(|b| {
                b.as_array()
                    .map(|alts| {
                        alts.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join("/")
                    })
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join("|"),
        _ => String::new(),
    }
}

/// The editor's notation as a key of `kind` (JSON text); whatever cannot be read is sent
/// for the server to refuse with its message (a letter beyond the options, say).
pub fn key_json(kind: &str, text: &str) -> String {
    let text = text.trim();
    let letters: Vec<i64> = text
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| i64::from((c.to_ascii_uppercase() as u8).saturating_sub(b'A')))
        .collect();
    match kind {
        "single" => format!(
            r#"{{"kind":"single","option":{}}}"#,
            letters.first().copied().unwrap_or(99)
        ),
        "multiple" => format!(r#"{{"kind":"multiple","options":{}}}"#, id_list(&letters)),
        "true_false" => format!(
            r#"{{"kind":"true_false","value":{}}}"#,
            matches!(text, "对" | "正确" | "√" | "T" | "t" | "true" | "是")
        ),
        _ => {
            let blanks: Vec<String> = text
                .split('|')
                .map(|b| {
                    let alts: Vec<String> = b
                        .split('/')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(quote)
                        .collect();
                    format!("[{}]", alts.join(","))
                })
                .collect();
            format!(r#"{{"kind":"fill_in","blanks":[{}]}}"#, blanks.join(","))
        }
    }
}

/// The form for a question (`QuestionDetail` JSON, or a blank one).
pub fn question_form_html(
    q: &Value,
    owners: &[(String, String)],
    categories: &[(String, String)],
) -> String {
    let editable = q["editable"].as_bool() != Some(false);
    let mut h = String::from(r#"<form id="q-form" novalidate><section class="card form">"#);
    if !editable {
        h += &el("p", "banner info", t(K::ReadOnlyHint));
    }
    h += &field(
        t(K::QuestionCategory),
        &select("category", categories, &i(q, "category_id").to_string()),
    );
    h += &field(
        t(K::QuestionKind),
        &select("kind", &kind_options(None), s(q, "kind")),
    );
    h += &field(
        t(K::QuestionStem),
        &textarea("stem", s(q, "stem"), r#"maxlength="1000" required"#),
    );
    let options = strings(q, "options");
    for n in 0..MAX_OPTIONS {
        h += &field(
            &tf(K::QuestionOption, &[("letter", &letter(n).to_string())]),
            &input(
                "option",
                "text",
                options.get(n).map(String::as_str).unwrap_or(""),
                r#"maxlength="200""#,
            ),
        );
    }
    h += &field(
        t(K::QuestionKey),
        &input("key", "text", &key_text(&q["key"]), r#"maxlength="400""#),
    );
    h += &el("p", "muted small", t(K::QuestionKeyHint));
    h += &field(
        t(K::QuestionExplanation),
        &textarea("explanation", s(q, "explanation"), r#"maxlength="2000""#),
    );
    h += &field(
        t(K::QuestionSource),
        &input("source", "text", s(q, "source"), r#"maxlength="200""#),
    );
    h += &field(
        t(K::QuestionDifficulty),
        &select(
            "difficulty",
            &difficulty_options(K::DifficultyMedium)[1..],
            &i(q, "difficulty").to_string(),
        ),
    );
    h += &field(
        t(K::QuestionTags),
        &input(
            "tags",
            "text",
            &strings(q, "tags").join("，"),
            r#"maxlength="200""#,
        ),
    );
    h += &field(
        t(K::QuestionOwner),
        &select("owner", owners, &owner_value(&q["owner"])),
    );
    h += "</section>";
    if editable {
        h += &format!(
            r#"<div class="actions">{}<button type="submit" id="q-save" class="btn btn-primary">{}</button></div>"#,
            action("preview", 0, "btn-ghost", t(K::QuestionPreview)),
            t(K::Save)
        );
    }
    h + "</form>"
}

/// The form on screen as the JSON body of a save (a `QuestionInput`, with the page's
/// own `id`, `editable`, `versions` and `reports` left out: they are read again).
pub fn question_body(f: &Fields) -> String {
    let kind = f.get("kind").unwrap_or("single");
    let options: Vec<String> = if matches!(kind, "single" | "multiple") {
        f.all("option")
            .into_iter()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(quote)
            .collect()
    } else {
        Vec::new()
    };
    let tags: Vec<String> = f
        .text("tags")
        .split([',', '，', ' ', '、'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(quote)
        .collect();
    format!(
        r#"{{"category_id":{},"kind":{},"stem":{},"options":[{}],"key":{},"explanation":{},"source":{},"difficulty":{},"tags":[{}],"owner":{}}}"#,
        f.id("category").unwrap_or(0),
        quote(kind),
        quote(f.text("stem").trim()),
        options.join(","),
        key_json(kind, f.text("key")),
        quote(f.text("explanation").trim()),
        quote(f.text("source").trim()),
        f.id("difficulty").unwrap_or(2),
        tags.join(","),
        owner_json(f.text("owner")),
    )
}

/// The state after the form changed: `before` with the form's fields.
fn read(f: &Fields, before: &Value) -> Value {
    let mut q = before.clone();
    if let (Ok(Value::Object(new)), Some(q)) = (
        serde_json::from_str::<Value>(&question_body(f)),
        q.as_object_mut(),
    ) {
        q.extend(new);
    }
    q
}

/// The question as members see it in their results: stem, options, key, explanation,
/// source.
pub fn preview_html(q: &Value) -> String {
    let options = strings(q, "options");
    let mut key = q["key"].clone();
    // A member's answer has one text per blank: show the first accepted one.
    if s(&key, "kind") == "fill_in" {
        let firsts: Vec<Value> = list(&key, "blanks")
            .iter()
            .map(|b| b.get(0).cloned().unwrap_or_default())
            .collect();
        key["blanks"] = Value::Array(firsts);
    }
    let key = answer_of(&key);
    let mut h = el("h2", "sub-title", t(K::QuestionPreviewTitle));
    h += &review_html(&Review {
        number: 1,
        kind: question_kind(s(q, "kind")),
        stem: s(q, "stem"),
        options: &options,
        key: key.as_ref(),
        explanation: Some(s(q, "explanation")),
        source: Some(s(q, "source")),
        ..Review::default()
    });
    h
}

/// Earlier versions and members' reports.
pub fn history_html(q: &Value) -> String {
    let mut h = String::new();
    let versions = list(q, "versions");
    if !versions.is_empty() {
        h += r#"<section class="card"><h2 class="card-title">"#;
        h += &tf(K::QuestionVersions, &[("n", &i(q, "version").to_string())]);
        h += "</h2><ul class=\"plain\">";
        for v in versions {
            h += &format!(
                "<li><b>{}</b> {} · {}</li>",
                tf(K::QuestionVersionNo, &[("n", &i(v, "version").to_string())]),
                esc(&date_time(i(v, "replaced_at"), locale())),
                esc(s(v, "stem"))
            );
        }
        h += "</ul></section>";
    }
    let reports = list(q, "reports");
    if !reports.is_empty() {
        h += r#"<section class="card" id="reports"><h2 class="card-title">"#;
        h += t(K::QuestionReports);
        h += "</h2>";
        for r in reports {
            let id = i(r, "id");
            h += r#"<div class="report">"#;
            h += &el(
                "p",
                "small muted",
                &format!(
                    "{} · {} · {}",
                    s(r, "reporter"),
                    date_time(i(r, "created_at"), locale()),
                    t(match s(r, "status") {
                        "open" => K::ReportOpen,
                        "resolved" => K::ReportResolved,
                        _ => K::ReportRejected,
                    })
                ),
            );
            h += &el("p", "", s(r, "comment"));
            if let Some(reply) = r["reply"].as_str() {
                h += &el("p", "small", &tf(K::ReportReply, &[("reply", reply)]));
            }
            if s(r, "status") == "open" {
                h += &format!(
                    r#"<input class="input" id="reply-{id}" maxlength="500" placeholder="{}"><div class="actions">{}{}</div>"#,
                    t(K::ReportReplyHint),
                    action("resolve", id, "btn-primary btn-small", t(K::ReportResolve)),
                    action("reject", id, "btn-ghost btn-small", t(K::ReportReject))
                );
            }
            h += "</div>";
        }
        h += "</section>";
    }
    h
}

/// A new question's starting state.
fn blank(owner: &str) -> Value {
    serde_json::from_str(&format!(
        r#"{{"kind":"single","stem":"","options":[],"key":{{"kind":"single","option":0}},"explanation":"","source":"","difficulty":2,"tags":[],"owner":{},"category_id":0,"editable":true}}"#,
        owner_json(owner)
    ))
    .unwrap_or_default()
}

#[component]
pub fn AdminQuestion(id: Option<i64>) -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let tree = Fetch::new(|| api::ORG.into());
    let cats = Fetch::new(|| api::QUESTION_CATEGORIES.into());
    let question = RwSignal::new(None::<Value>);
    let notice = RwSignal::new(None::<(bool, String)>);
    let show_preview = RwSignal::new(id.is_some());
    let fail = move |e: crate::api::ApiError| {
        notice.try_set(Some((false, error_text(&e))));
        crate::browser::scroll_to_top();
    };
    let load = move |id: i64| {
        api::spawn_call(
            "GET",
            format!("{}/{id}", api::QUESTIONS),
            None,
            move |r| match r {
                Ok(v) => {
                    question.try_set(Some(v));
                }
                Err(e) => fail(e),
            },
        );
    };
    if let Some(id) = id {
        load(id);
    }

    let act = move |a: Act| match a {
        // Kept without re-rendering (see the quiz builder): a re-render would swallow the
        // click that moved the focus.
        Act::Change(_, _, f) => question.update_untracked(|q| {
            if let Some(before) = q.take() {
                *q = Some(read(&f, &before));
            }
        }),
        Act::Submit(_, f) => {
            if let Some(before) = question.get_untracked() {
                question.set(Some(read(&f, &before)));
            }
            notice.set(None);
            let body = Some(question_body(&f));
            match id {
                Some(id) => {
                    api::spawn_call("PUT", format!("{}/{id}", api::QUESTIONS), body, move |r| {
                        match r {
                            Ok(v) => {
                                let msg = if b(&v, "new_version") {
                                    tf(
                                        K::QuestionNewVersion,
                                        &[("n", &i(&v, "version").to_string())],
                                    )
                                } else {
                                    t(K::Saved).to_string()
                                };
                                notice.try_set(Some((true, msg)));
                                load(id);
                                crate::browser::scroll_to_top();
                            }
                            Err(e) => fail(e),
                        }
                    })
                }
                None => api::spawn_call("POST", api::QUESTIONS.into(), body, move |r| match r {
                    Ok(v) => router
                        .navigate(&format!("/admin/questions/{}", i(&v, "id")), Nav::default()),
                    Err(e) => fail(e),
                }),
            }
        }
        Act::Click(what, n) => match what.as_str() {
            "preview" => show_preview.set(true),
            "resolve" | "reject" => {
                let reply = input_value(&format!("reply-{n}"));
                let reply = reply.trim();
                let body = format!(
                    r#"{{"status":"{}","reply":{}}}"#,
                    if what == "resolve" {
                        "resolved"
                    } else {
                        "rejected"
                    },
                    if reply.is_empty() {
                        "null".to_string()
                    } else {
                        quote(reply)
                    }
                );
                api::spawn_call(
                    "PUT",
                    format!("/api/v1/question-reports/{n}"),
                    Some(body),
                    move |r| match r {
                        Ok(_) => {
                            notice.try_set(Some((true, t(K::Saved).to_string())));
                            if let Some(id) = id {
                                load(id);
                            }
                        }
                        Err(e) => fail(e),
                    },
                );
            }
            _ => {}
        },
    };

    let html = move || {
        let mut h = notice.with(|n| n.as_ref().map(|(ok, m)| banner(*ok, m)).unwrap_or_default());
        h += &tree.html(6, |tree: Value| {
            cats.html(2, |cats: Value| {
                let (scope, admin) = session.with_me(|m| (m.scope.clone(), m.role == Role::Admin));
                let owners = owner_options(&tree, &scope, admin);
                if id.is_none() && question.with_untracked(Option::is_none) {
                    let first = owners.first().map(|o| o.0.clone()).unwrap_or_default();
                    question.set(Some(blank(&first)));
                }
                let Some(q) = question.get() else {
                    return String::new();
                };
                let mut h = String::new();
                if show_preview.get() && !s(&q, "stem").is_empty() {
                    h += &preview_html(&q);
                }
                h += &question_form_html(&q, &owners, &category_options(&cats, &[]));
                h += &history_html(&q);
                h
            })
        });
        h
    };

    view! {
        <Page class="admin-question" title=K::QuestionEditor back=Some("/admin/questions")>
            {region("", html, act)}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(kind: &str, text: &str) -> Value {
        serde_json::from_str(&key_json(kind, text)).unwrap()
    }

    #[test]
    fn keys_read_and_write_in_the_template_notation() {
        for (kind, key) in [
            ("single", json!({ "kind": "single", "option": 1 })),
            (
                "multiple",
                json!({ "kind": "multiple", "options": [0, 1, 3] }),
            ),
            (
                "true_false",
                json!({ "kind": "true_false", "value": false }),
            ),
            (
                "fill_in",
                json!({ "kind": "fill_in", "blanks": [["两个维护"], ["四个意识", "“四个意识”"]] }),
            ),
        ] {
            assert_eq!(super::tests::key(kind, &key_text(&key)), key, "{kind}");
        }
        assert_eq!(
            key_text(&json!({ "kind": "multiple", "options": [0, 1, 3] })),
            "ABD"
        );
        assert_eq!(
            key("multiple", " a b d "),
            json!({ "kind": "multiple", "options": [0, 1, 3] })
        );
        assert_eq!(key("true_false", "对")["value"], true);
        assert_eq!(key("fill_in", "a\"|b")["blanks"], json!([["a\""], ["b"]]));
    }

    #[test]
    fn the_form_reads_back_what_it_shows() {
        let q = json!({
            "id": 5, "category_id": 3, "kind": "multiple", "stem": "题<干>",
            "options": ["甲", "乙", "丙"], "key": { "kind": "multiple", "options": [0, 2] },
            "explanation": "解析", "source": "出处", "difficulty": 3, "tags": ["党章", "纪律"],
            "owner": { "branch_id": 1, "youth_group_id": null }, "editable": true,
        });
        let h = question_form_html(
            &q,
            &[("b:1".into(), "一支部".into())],
            &[("3".into(), "党章".into())],
        );
        assert!(h.contains("题&lt;干&gt;</textarea>"));
        assert!(h.contains(r#"value="AC""#));
        assert!(h.contains(r#"value="党章，纪律""#));
        let f = Fields::of(&[
            ("category", "3"),
            ("kind", "multiple"),
            ("stem", " 题<干> "),
            ("option", "甲"),
            ("option", "乙"),
            ("option", "丙"),
            ("option", ""),
            ("option", ""),
            ("key", "AC"),
            ("explanation", "解析"),
            ("source", "出处"),
            ("difficulty", "3"),
            ("tags", "党章，纪律"),
            ("owner", "b:1"),
        ]);
        let back = read(&f, &q);
        assert_eq!(back, q);
        // A read-only question has no save button.
        let mut ro = q.clone();
        ro["editable"] = json!(false);
        assert!(!question_form_html(&ro, &[], &[]).contains("q-save"));
    }

    #[test]
    fn the_preview_is_the_members_result_card() {
        let h = preview_html(&json!({
            "kind": "fill_in", "stem": "做到“____”。", "options": [],
            "key": { "kind": "fill_in", "blanks": [["两个维护", "“两个维护”"]] },
            "explanation": "解析", "source": "出处",
        }));
        assert!(h.contains("两个维护"));
        assert!(h.contains("review"));
    }

    #[test]
    fn reports_can_be_answered_while_open() {
        let h = history_html(&json!({
            "version": 2,
            "versions": [{ "version": 1, "stem": "旧题干", "replaced_at": 0 }],
            "reports": [
                { "id": 7, "reporter": "张三", "comment": "答案<错>", "status": "open", "reply": null, "created_at": 0 },
                { "id": 8, "reporter": "李四", "comment": "好", "status": "resolved", "reply": "已改", "created_at": 0 },
            ],
        }));
        assert!(h.contains("旧题干"));
        assert!(h.contains("答案&lt;错&gt;"));
        assert!(h.contains(r#"id="reply-7""#));
        assert!(h.contains(r#"data-action="resolve" data-id="7""#));
        assert!(!h.contains(r#"data-id="8""#));
    }
}
