//! `/ranking`: leaderboards (排行榜). Individuals in the whole organization, my branch or
//! my youth group; branches and youth groups against each other by a fair measure
//! (participation, points per member, completion) that the page names. Day, week,
//! month, year or all time. The top 10, then the member's own neighbourhood.
//!
//! The choice lives in the URL (`?board=branch&period=month`): tabs are plain links.

use leptos::prelude::*;
use serde_json::Value;
use shared::api::points::{BoardScope, GroupKind, Measure, Period};

use crate::app::use_session;
use crate::components::{region, Fetch, Page};
use crate::html::{el, esc};
use crate::i18n::{t, tf, K};
use crate::json::{b, f, i, list, obj, opt_s, s};
use crate::router::{use_router, Url};

/// Which leaderboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Board {
    Individuals(BoardScope),
    Groups(GroupKind),
}

const BOARDS: [(Board, &str, K); 5] = [
    (Board::Individuals(BoardScope::Org), "org", K::BoardOrg),
    (
        Board::Individuals(BoardScope::Branch),
        "branch",
        K::BoardBranch,
    ),
    (
        Board::Individuals(BoardScope::YouthGroup),
        "youth_group",
        K::BoardGroup,
    ),
    (
        Board::Groups(GroupKind::Branch),
        "branches",
        K::BoardBranches,
    ),
    (
        Board::Groups(GroupKind::YouthGroup),
        "groups",
        K::BoardGroups,
    ),
];

const PERIODS: [(Period, K); 5] = [
    (Period::Day, K::PeriodDay),
    (Period::Week, K::PeriodWeek),
    (Period::Month, K::PeriodMonth),
    (Period::Year, K::PeriodYear),
    (Period::All, K::PeriodAll),
];

const MEASURES: [(Measure, K); 3] = [
    (Measure::Participation, K::MeasureParticipation),
    (Measure::Average, K::MeasureAverage),
    (Measure::Completion, K::MeasureCompletion),
];

/// What the page shows, read from and written to its URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub board: Board,
    pub period: Period,
    /// Group boards only; `None` is the organization's default measure.
    pub measure: Option<Measure>,
}

impl Choice {
    /// The choice in a URL; anything unknown falls back to the organization, this week.
    pub fn from_url(url: &Url) -> Choice {
        let board = url
            .param("board")
            .and_then(|b| BOARDS.iter().find(|(_, tag, _)| *tag == b))
            .map_or(Board::Individuals(BoardScope::Org), |(b, _, _)| *b);
        Choice {
            board,
            period: url
                .param("period")
                .and_then(|p| Period::parse(&p))
                .unwrap_or(Period::Week),
            measure: url.param("measure").and_then(|m| Measure::parse(&m)),
        }
    }

    /// This page's address for the choice.
    pub fn page_url(self) -> String {
        let tag = BOARDS
            .iter()
            .find(|(b, _, _)| *b == self.board)
            .map_or("org", |(_, t, _)| t);
        let mut u = format!("/ranking?board={tag}&period={}", self.period.as_str());
        if let (Board::Groups(_), Some(m)) = (self.board, self.measure) {
            u += &format!("&measure={}", m.as_str());
        }
        u
    }

    /// The API address of the board.
    pub fn api_url(self) -> String {
        let period = self.period.as_str();
        match self.board {
            Board::Individuals(scope) => format!(
                "/api/v1/leaderboards/individuals?scope={}&period={period}",
                scope.as_str()
            ),
            Board::Groups(kind) => {
                let mut u = format!(
                    "/api/v1/leaderboards/groups?kind={}&period={period}",
                    kind.as_str()
                );
                if let Some(m) = self.measure {
                    u += &format!("&measure={}", m.as_str());
                }
                u
            }
        }
    }
}

/// A row of links, the current one marked.
fn chips<T: Copy + PartialEq>(items: &[(T, K)], current: T, url: impl Fn(T) -> String) -> String {
    let mut h = String::from(r#"<nav class="chips">"#);
    for (item, label) in items {
        let on = if *item == current {
            r#" aria-current="page""#
        } else {
            ""
        };
        h += &format!(
            r#"<a class="chip" href="{}"{on}>{}</a>"#,
            esc(&url(*item)),
            t(*label)
        );
    }
    h += "</nav>";
    h
}

/// Board tabs and period chips; `has_group`: whether "my youth group" applies.
pub fn choices_html(c: Choice, has_group: bool) -> String {
    let boards: Vec<(Board, K)> = BOARDS
        .iter()
        .filter(|(b, _, _)| has_group || *b != Board::Individuals(BoardScope::YouthGroup))
        .map(|(b, _, k)| (*b, *k))
        .collect();
    let mut h = chips(&boards, c.board, |board| {
        Choice {
            board,
            measure: None,
            ..c
        }
        .page_url()
    });
    h += &chips(&PERIODS, c.period, |period| {
        Choice { period, ..c }.page_url()
    });
    h
}

fn points_text(n: i64) -> String {
    tf(K::RankingPoints, &[("n", &n.to_string())])
}

/// One row of a board: rank, name and a detail line, the figure on the right.
fn row(me: bool, rank: i64, name: &str, detail: Option<&str>, figure: &str) -> String {
    format!(
        r#"<li class="rank-row{}{}"><span class="rank">{rank}</span><span class="who">{}{}</span><span class="pts">{}</span></li>"#,
        if me { " me" } else { "" },
        if rank <= 3 { " podium" } else { "" },
        el("b", "", name),
        detail.map(|d| el("small", "", d)).unwrap_or_default(),
        esc(figure)
    )
}

/// A member on an individual board (`BoardEntry`).
fn entry_row(e: &Value) -> String {
    row(
        b(e, "is_me"),
        i(e, "rank"),
        s(e, "name"),
        opt_s(e, "branch_name"),
        &points_text(i(e, "points")),
    )
}

/// A list of rows, and "around me" (the neighbourhood) when `mine` is not in the top.
fn top_and_near(board: &Value, mine: &str, render: fn(&Value) -> String) -> String {
    let top = list(board, "top");
    let near = list(board, "neighbours");
    let mut h = String::from(r#"<ol class="rank-list">"#);
    h += &top.iter().map(render).collect::<String>();
    h += "</ol>";
    if !top.iter().any(|e| b(e, mine)) && !near.is_empty() {
        h += &el("h3", "sub-title", t(K::RankingNear));
        h += r#"<ol class="rank-list">"#;
        h += &near.iter().map(render).collect::<String>();
        h += "</ol>";
    }
    h
}

/// An individual board (`IndividualBoard`): participants, my rank, the top 10 and my
/// neighbourhood.
pub fn individual_html(board: &Value) -> String {
    let mut h = String::from(r#"<section class="card board">"#);
    let participants = tf(
        K::RankingParticipants,
        &[("n", &i(board, "participants").to_string())],
    );
    let title = opt_s(board, "unit_name").unwrap_or_default();
    h += &el("p", "muted small", &format!("{title} {participants}"));
    if let Some(me) = obj(board, "me") {
        h += &el(
            "p",
            "my-rank",
            &tf(K::RankingMyRank, &[("rank", &i(me, "rank").to_string())]),
        );
    }
    if list(board, "top").is_empty() {
        h += &el("p", "empty", t(K::RankingEmpty));
    }
    h += &top_and_near(board, "is_me", entry_row);
    h += &el("p", "muted small", t(K::RankingTies));
    h += "</section>";
    h
}

/// A measure's value as it reads: a percentage (one decimal) or points per member (two).
/// Formatted by hand: float formatting would add ~20 KB of wasm.
pub fn measure_value(m: Measure, v: f64) -> String {
    let (scale, suffix) = match m {
        Measure::Average => (100, ""),
        _ => (10, "%"),
    };
    let n = (v * scale as f64).round() as i64;
    let sign = if n < 0 { "-" } else { "" };
    let (whole, frac) = (n.abs() / scale, n.abs() % scale);
    let width = if scale == 100 { 2 } else { 1 };
    format!("{sign}{whole}.{frac:0width$}{suffix}")
}

/// A branch or youth group on a group board (`GroupEntry`); `figure` is its measure.
fn group_row(g: &Value, figure: String) -> String {
    let detail = format!(
        "{}/{} · {}",
        i(g, "active_members"),
        i(g, "members"),
        points_text(i(g, "points"))
    );
    row(
        b(g, "is_mine"),
        i(g, "rank"),
        s(g, "name"),
        Some(&detail),
        &figure,
    )
}

fn measure_key(m: Measure) -> K {
    MEASURES
        .iter()
        .find(|(x, _)| *x == m)
        .map_or(K::MeasureParticipation, |(_, k)| *k)
}

/// A group board (`GroupBoard`): which measure, the measure chips, the top 10 and my
/// group's place.
pub fn group_html(board: &Value, c: Choice) -> String {
    let measure = Measure::parse(s(board, "measure")).unwrap_or(Measure::Participation);
    let mut h = chips(&MEASURES, measure, |measure| {
        Choice {
            measure: Some(measure),
            ..c
        }
        .page_url()
    });
    h += r#"<section class="card board">"#;
    h += &el(
        "p",
        "measure-note",
        &tf(
            K::RankingMeasureShown,
            &[("measure", t(measure_key(measure)))],
        ),
    );
    if let Some(mine) = obj(board, "mine") {
        h += &el(
            "p",
            "my-rank",
            &tf(K::RankingMyGroup, &[("rank", &i(mine, "rank").to_string())]),
        );
    }
    let render: fn(&Value) -> String = match measure {
        Measure::Average => |g| group_row(g, measure_value(Measure::Average, f(g, "value"))),
        Measure::Completion => |g| group_row(g, measure_value(Measure::Completion, f(g, "value"))),
        Measure::Participation => {
            |g| group_row(g, measure_value(Measure::Participation, f(g, "value")))
        }
    };
    h += &top_and_near(board, "is_mine", render);
    h += "</section>";
    h
}

#[component]
pub fn Ranking() -> impl IntoView {
    let router = use_router();
    let session = use_session();
    let has_group = session.with_me(|m| m.youth_group_name.is_some());
    let choice = move || Choice::from_url(&router.url());
    let board = Fetch::new(move || choice().api_url());
    view! {
        <Page class="ranking" title=K::RankingTitle>
            {region(
                "",
                move || {
                    let c = choice();
                    choices_html(c, has_group)
                        + &board.html(6, |v| match c.board {
                            Board::Individuals(_) => individual_html(&v),
                            Board::Groups(_) => group_html(&v, c),
                        })
                },
                move |_| board.reload(),
            )}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::points::{BoardEntry, GroupBoard, GroupEntry, IndividualBoard};

    #[test]
    fn choices_round_trip_through_the_url() {
        let c = Choice::from_url(&Url::parse(
            "/ranking?board=branches&period=month&measure=average",
        ));
        assert_eq!(c.board, Board::Groups(GroupKind::Branch));
        assert_eq!(c.period, Period::Month);
        assert_eq!(c.measure, Some(Measure::Average));
        assert_eq!(
            c.page_url(),
            "/ranking?board=branches&period=month&measure=average"
        );
        assert_eq!(
            c.api_url(),
            "/api/v1/leaderboards/groups?kind=branch&period=month&measure=average"
        );
        let d = Choice::from_url(&Url::parse("/ranking?board=nope&period=decade"));
        assert_eq!(d.board, Board::Individuals(BoardScope::Org));
        assert_eq!(d.period, Period::Week);
        assert_eq!(
            d.api_url(),
            "/api/v1/leaderboards/individuals?scope=org&period=week"
        );
        // A measure means nothing on an individual board.
        let e = Choice::from_url(&Url::parse("/ranking?board=branch&measure=average"));
        assert_eq!(e.page_url(), "/ranking?board=branch&period=week");
    }

    #[test]
    fn tabs_mark_the_current_choice_and_hide_what_does_not_apply() {
        let c = Choice::from_url(&Url::parse("/ranking?board=branch&period=day"));
        let h = choices_html(c, false);
        assert!(h.contains(r#"href="/ranking?board=branch&amp;period=day" aria-current="page""#));
        assert!(!h.contains("board=youth_group"));
        assert!(choices_html(c, true).contains("board=youth_group"));
    }

    fn entry(rank: i64, name: &str, me: bool) -> BoardEntry {
        BoardEntry {
            rank,
            user_id: rank,
            name: name.into(),
            branch_name: Some("机关第一党支部".into()),
            points: 100 - rank,
            is_me: me,
        }
    }

    #[test]
    fn my_neighbourhood_shows_when_i_am_outside_the_top() {
        let mut b = IndividualBoard {
            scope: BoardScope::Org,
            unit_id: None,
            unit_name: None,
            period: Period::Week,
            period_key: "W:2026-11-23".into(),
            participants: 40,
            top: (1..=10).map(|r| entry(r, "张三", false)).collect(),
            me: Some(entry(15, "李四", true)),
            neighbours: (12..=18)
                .map(|r| entry(r, if r == 15 { "李四" } else { "W.X." }, r == 15))
                .collect(),
            initials_only: true,
        };
        let v = |b: &IndividualBoard| serde_json::to_value(b).unwrap();
        let h = individual_html(&v(&b));
        assert!(h.contains("我的排名：第15名"));
        assert!(h.contains("我的位置"));
        assert!(h.contains(r#"<li class="rank-row me"><span class="rank">15</span><span class="who"><b class="">李四</b>"#));
        assert!(h.contains("机关第一党支部"));
        assert!(h.contains("40人参与"));
        b.top[2].is_me = true;
        assert!(!individual_html(&v(&b)).contains("我的位置"));
    }

    #[test]
    fn group_boards_say_which_measure_they_show() {
        assert_eq!(measure_value(Measure::Participation, 87.5), "87.5%");
        assert_eq!(measure_value(Measure::Average, 3.0), "3.00");
        assert_eq!(measure_value(Measure::Average, 12.345), "12.35");
        assert_eq!(measure_value(Measure::Average, 0.05), "0.05");
        assert_eq!(measure_value(Measure::Completion, 100.0), "100.0%");
        assert_eq!(measure_value(Measure::Participation, 0.04), "0.0%");
        let b = GroupBoard {
            kind: GroupKind::Branch,
            period: Period::Week,
            period_key: "W:2026-11-23".into(),
            measure: Measure::Average,
            default_measure: true,
            group_count: 1,
            top: vec![GroupEntry {
                rank: 1,
                group_id: 1,
                name: "机关第一党支部".into(),
                value: 12.5,
                points: 125,
                members: 10,
                active_members: 8,
                completions: 0,
                assignments: 10,
                is_mine: true,
            }],
            mine: None,
            neighbours: vec![],
        };
        let c = Choice::from_url(&Url::parse("/ranking?board=branches"));
        let h = group_html(&serde_json::to_value(&b).unwrap(), c);
        assert!(h.contains("按人均积分排名"));
        assert!(h.contains("12.50"));
        assert!(h.contains("8/10"));
        assert!(h.contains(r#"measure=average" aria-current="page""#));
    }
}
