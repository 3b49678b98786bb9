//! `/ranking`: leaderboards (排行榜). Individuals in the whole organization, my branch or
//! my youth group; branches and youth groups against each other by a fair measure
//! (participation, points per member, completion) that the page names. Day, week,
//! month, year or all time. The top 10, then the member's own neighbourhood.
//!
//! The choice lives in the URL (`?board=branch&period=month`): tabs are plain links.

use leptos::prelude::*;
use shared::api::points::{
    BoardEntry, BoardScope, GroupBoard, GroupEntry, GroupKind, IndividualBoard, Measure, Period,
};

use crate::app::use_session;
use crate::components::{load, show, Loaded, Page};
use crate::i18n::{t, tf, K};
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

/// A row of links (label, address), the current one marked.
#[component]
fn Chips(links: Vec<(K, String, bool)>) -> impl IntoView {
    view! {
        <nav class="chips">
            {links
                .into_iter()
                .map(|(label, href, on)| view! {
                    <a class="chip" href=href aria-current=on.then_some("page")>{t(label)}</a>
                })
                .collect_view()}
        </nav>
    }
}

/// The board tabs: (label, address, current); "my youth group" only when `has_group`.
pub fn board_links(c: Choice, has_group: bool) -> Vec<(K, String, bool)> {
    BOARDS
        .iter()
        .filter(|(b, _, _)| has_group || *b != Board::Individuals(BoardScope::YouthGroup))
        .map(|(board, _, k)| {
            let url = Choice {
                board: *board,
                measure: None,
                ..c
            }
            .page_url();
            (*k, url, *board == c.board)
        })
        .collect()
}

/// The period chips: (label, address, current).
pub fn period_links(c: Choice) -> Vec<(K, String, bool)> {
    PERIODS
        .iter()
        .map(|(period, k)| {
            (
                *k,
                Choice {
                    period: *period,
                    ..c
                }
                .page_url(),
                *period == c.period,
            )
        })
        .collect()
}

/// The measure chips of a group board showing `shown`: (label, address, current).
pub fn measure_links(c: Choice, shown: Measure) -> Vec<(K, String, bool)> {
    MEASURES
        .iter()
        .map(|(m, k)| {
            let url = Choice {
                measure: Some(*m),
                ..c
            }
            .page_url();
            (*k, url, *m == shown)
        })
        .collect()
}

fn points_text(n: i64) -> String {
    tf(K::RankingPoints, &[("n", &n.to_string())])
}

/// One row of a board as it shows: rank, name, a detail line, the figure on the right.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub me: bool,
    pub rank: i64,
    /// A medal (the gold rank) for the first three places, only for a figure above zero:
    /// nobody is on a podium for having nothing.
    pub medal: bool,
    pub name: String,
    pub detail: Option<String>,
    pub figure: String,
}

impl Row {
    /// A member on an individual board.
    pub fn of_entry(e: BoardEntry) -> Row {
        Row {
            me: e.is_me,
            rank: e.rank,
            medal: e.rank <= 3 && e.points > 0,
            name: e.name,
            detail: e.branch_name,
            figure: points_text(e.points),
        }
    }

    /// A branch or youth group on a group board ranked by `m`.
    pub fn of_group(g: GroupEntry, m: Measure) -> Row {
        Row {
            me: g.is_mine,
            rank: g.rank,
            medal: g.rank <= 3 && g.value > 0.0,
            detail: Some(tf(
                K::RankingGroupDetail,
                &[
                    ("active", &g.active_members.to_string()),
                    ("members", &g.members.to_string()),
                    ("points", &g.points.to_string()),
                ],
            )),
            name: g.name,
            figure: measure_value(m, g.value),
        }
    }
}

/// The top rows, and "around me" (the neighbourhood) when mine is not among them.
#[component]
fn TopAndNear(top: Vec<Row>, near: Vec<Row>) -> impl IntoView {
    let show_near = !top.iter().any(|r| r.me) && !near.is_empty();
    let list = |rows: Vec<Row>| {
        view! {
            <ol class="rank-list">
                {rows
                    .into_iter()
                    .map(|r| {
                        let class = match (r.me, r.medal) {
                            (true, true) => "rank-row me podium",
                            (true, false) => "rank-row me",
                            (false, true) => "rank-row podium",
                            (false, false) => "rank-row",
                        };
                        view! {
                            <li class=class>
                                <span class="rank">{r.rank}</span>
                                <span class="who">
                                    <b>{r.name}</b>
                                    {r.detail.map(|d| view! { <small>{d}</small> })}
                                </span>
                                <span class="pts">{r.figure}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
    };
    view! {
        {list(top)}
        {show_near.then(|| view! { <h3 class="sub-title">{t(K::RankingNear)}</h3> {list(near)} })}
    }
}

/// An individual board: participants, my rank, the top 10 and my neighbourhood.
fn individual_view(board: IndividualBoard) -> impl IntoView {
    let participants = tf(
        K::RankingParticipants,
        &[("n", &board.participants.to_string())],
    );
    let title = board.unit_name.unwrap_or_default();
    let empty = board.top.is_empty();
    view! {
        <section class="card board">
            <p class="muted small">{format!("{title} {participants}")}</p>
            {board.me.map(|me| view! {
                <p class="my-rank">{tf(K::RankingMyRank, &[("rank", &me.rank.to_string())])}</p>
            })}
            {empty.then(|| view! { <p class="empty">{t(K::RankingEmpty)}</p> })}
            <TopAndNear
                top=board.top.into_iter().map(Row::of_entry).collect()
                near=board.neighbours.into_iter().map(Row::of_entry).collect()
            />
            <p class="muted small">{t(K::RankingTies)}</p>
        </section>
    }
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

fn measure_key(m: Measure) -> K {
    MEASURES
        .iter()
        .find(|(x, _)| *x == m)
        .map_or(K::MeasureParticipation, |(_, k)| *k)
}

/// A group board: which measure, the measure chips, the top 10 and my group's place.
fn group_view(board: GroupBoard, c: Choice) -> impl IntoView {
    let m = board.measure;
    view! {
        <Chips links=measure_links(c, m)/>
        <section class="card board">
            <p class="measure-note">
                {tf(K::RankingMeasureShown, &[("measure", t(measure_key(m)))])}
            </p>
            {board.mine.map(|mine| view! {
                <p class="my-rank">{tf(K::RankingMyGroup, &[("rank", &mine.rank.to_string())])}</p>
            })}
            <TopAndNear
                top=board.top.into_iter().map(|g| Row::of_group(g, m)).collect()
                near=board.neighbours.into_iter().map(|g| Row::of_group(g, m)).collect()
            />
            <p class="muted small">{t(K::RankingGroupNote)}</p>
        </section>
    }
}

#[component]
pub fn Ranking() -> impl IntoView {
    let router = use_router();
    let session = use_session();
    let has_group = session.with_me(|m| m.youth_group_name.is_some());
    let choice = move || Choice::from_url(&router.url());
    let board = load(move || choice().api_url());
    view! {
        <Page class="ranking" title=K::RankingTitle>
            {move || {
                let c = choice();
                let ok = match c.board {
                    Board::Individuals(_) => show(individual_view),
                    Board::Groups(_) => show(move |b: GroupBoard| group_view(b, c)),
                };
                view! {
                    <Chips links=board_links(c, has_group)/>
                    <Chips links=period_links(c)/>
                    <Loaded data=board lines=6 ok/>
                }
            }}
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
        let boards = board_links(c, false);
        let on: Vec<&str> = boards
            .iter()
            .filter(|l| l.2)
            .map(|l| l.1.as_str())
            .collect();
        assert_eq!(on, ["/ranking?board=branch&period=day"]);
        assert!(!boards.iter().any(|l| l.1.contains("board=youth_group")));
        assert!(board_links(c, true)
            .iter()
            .any(|l| l.1.contains("board=youth_group")));
        let periods = period_links(c);
        assert_eq!(periods.len(), 5);
        assert_eq!(periods.iter().filter(|l| l.2).count(), 1);
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
        // Medals for the first three places with points, none for a place without.
        assert!(Row::of_entry(entry(3, "张三", false)).medal);
        assert!(!Row::of_entry(entry(4, "张三", false)).medal);
        let zero = BoardEntry {
            points: 0,
            ..entry(1, "张三", false)
        };
        assert!(!Row::of_entry(zero).medal);
        let me = Row::of_entry(b.me.clone().unwrap());
        assert!(me.me && me.rank == 15 && me.name == "李四");
        assert_eq!(me.detail.as_deref(), Some("机关第一党支部"));
        assert_eq!(me.figure, points_text(85));
        let in_top = |b: &IndividualBoard| b.top.iter().any(|e| e.is_me);
        assert!(!in_top(&b), "so the neighbourhood is shown");
        b.top[2].is_me = true;
        assert!(in_top(&b));
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
        assert!(tf(
            K::RankingMeasureShown,
            &[("measure", t(measure_key(b.measure)))]
        )
        .starts_with("按人均积分排名"));
        let row = Row::of_group(b.top[0].clone(), b.measure);
        assert_eq!(row.figure, "12.50");
        assert!(row.medal);
        assert_eq!(row.detail.as_deref(), Some("参与8/10人 · 合计125分"));
        // No medal for a group whose figure is zero, whatever its place.
        let none = GroupEntry {
            value: 0.0,
            points: 0,
            active_members: 0,
            ..b.top[0].clone()
        };
        assert!(!Row::of_group(none, b.measure).medal);
        let chips = measure_links(c, b.measure);
        let on: Vec<&str> = chips.iter().filter(|l| l.2).map(|l| l.1.as_str()).collect();
        assert_eq!(on, ["/ranking?board=branches&period=week&measure=average"]);
    }
}
