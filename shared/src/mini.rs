//! miniserde impls for the wire types the member app decodes (feature `miniserde`).
//! Structs derive `miniserde::Deserialize` beside serde's derive; what the derive cannot
//! express (serde's `rename_all` on unit enums, the internally tagged [`Answer`]) is written
//! here, from the same names serde uses. The tests check each against serde_json's output.

use std::borrow::Cow;

use miniserde::de::{Deserialize, Map, Visitor};
use miniserde::ser::{self, Fragment, Serialize};
use miniserde::{make_place, Error, Result};

use crate::api::auth::ThrottleKind;
use crate::api::auth::{ChangePasswordRequest, LoginRequest, Role};
use crate::api::dashboard::ItemKind;
use crate::api::dashboard::UnitKind;
use crate::api::notifications::MarkRead;
use crate::api::points::{BoardScope, GroupKind, Measure, Period, PointsSource, WeeklyGoalKind};
use crate::api::question_import::{
    ImportChange, ImportJob, ImportProblem, ImportSheet, ImportSkip, ImportState, ImportWarning,
    KindCounts,
};
use crate::api::questions::NewReport;
use crate::api::questions::{
    Owner, QuestionDetail, QuestionItem, QuestionReport, QuestionVersion, ReportStatus,
};
use crate::api::quiz::QuizKind;
use crate::api::quiz::Reveal;
use crate::api::quiz::{AttemptQuestion, SaveAnswer, SavedAnswer};
use crate::api::quiz_builder::{
    Audience, DrawRule, ItemReport, QuizDetail, QuizInput, QuizQuestionItem, QuizStatus,
};
use crate::api::study::Heartbeat;
use crate::api::study::Track;
use crate::error::{ErrorBody, ErrorDetail};
use crate::grading::{Answer, QuestionKind};
use crate::grading::{AnswerKey, MultiplePolicy};
use crate::item_analysis::{ItemFlag, ItemStats};

make_place!(Place);

/// A field that must be present.
fn required<T>(v: Option<T>) -> Result<T> {
    v.ok_or(Error)
}

/// A field serde reads with `#[serde(default)]` (an `Option` is `None` when missing).
fn or_default<T: Default>(v: Option<T>) -> Result<T> {
    Ok(v.unwrap_or_default())
}

/// `Deserialize` for a struct whose serde attributes the derive cannot read
/// (`default`, `skip_serializing_if`, `flatten`): each field (a flattened struct's fields
/// listed in its place) is `required`, `or_default` or another finisher; the struct is
/// built from them by `=> expr`, or field by field.
macro_rules! de_struct {
    ($t:ident, $map:ident { $($f:ident: $ft:ty => $finish:ident),* $(,)? }) => {
        de_struct!($t, $map { $($f: $ft => $finish),* } => $t { $($f),* });
    };
    ($t:ident, $map:ident { $($f:ident: $ft:ty => $finish:ident),* $(,)? } => $build:expr) => {
        impl Deserialize for $t {
            fn begin(out: &mut Option<Self>) -> &mut dyn Visitor {
                make_place!(StructPlace);
                impl Visitor for StructPlace<$t> {
                    fn map(&mut self) -> Result<Box<dyn Map + '_>> {
                        Ok(Box::new($map { out: &mut self.out, $($f: None,)* }))
                    }
                }
                StructPlace::new(out)
            }
        }

        struct $map<'a> {
            out: &'a mut Option<$t>,
            $($f: Option<$ft>,)*
        }

        impl Map for $map<'_> {
            fn key(&mut self, k: &str) -> Result<&mut dyn Visitor> {
                Ok(match k {
                    $(stringify!($f) => Deserialize::begin(&mut self.$f),)*
                    _ => <dyn Visitor>::ignore(),
                })
            }

            fn finish(&mut self) -> Result<()> {
                // Finishers by path: a field may be called `required`.
                $(let $f = self::$finish(self.$f.take())?;)*
                *self.out = Some($build);
                Ok(())
            }
        }
    };
}

/// `#[serde(default = "yes")]`.
fn or_yes(v: Option<bool>) -> Result<bool> {
    Ok(v.unwrap_or(true))
}

/// A struct's fields in order, for `Serialize`.
struct Fields<'a, const N: usize> {
    fields: [(&'static str, &'a dyn Serialize); N],
    next: usize,
}

impl<const N: usize> ser::Map for Fields<'_, N> {
    fn next(&mut self) -> Option<(Cow<'_, str>, &dyn Serialize)> {
        let (k, v) = *self.fields.get(self.next)?;
        self.next += 1;
        Some((Cow::Borrowed(k), v))
    }
}

fn fields<'a, const N: usize>(fields: [(&'static str, &'a dyn Serialize); N]) -> Fragment<'a> {
    Fragment::Map(Box::new(Fields { fields, next: 0 }))
}

/// `Serialize` for a request type: every field, under its own name (serde's).
macro_rules! ser_struct {
    ($($t:ty { $($f:ident),* $(,)? })*) => {$(
        impl Serialize for $t {
            fn begin(&self) -> Fragment<'_> {
                fields([$((stringify!($f), &self.$f as &dyn Serialize)),*])
            }
        }
    )*};
}

/// A unit enum written as its serde name.
pub trait WireName: Sized {
    fn from_wire(s: &str) -> Option<Self>;
}

impl<T: WireName> Visitor for Place<T> {
    fn string(&mut self, s: &str) -> Result<()> {
        self.out = Some(T::from_wire(s).ok_or(Error)?);
        Ok(())
    }
}

macro_rules! wire_enums {
    ($($t:ty),* $(,)?) => {$(
        impl WireName for $t {
            fn from_wire(s: &str) -> Option<Self> {
                <$t>::parse(s)
            }
        }
        impl Deserialize for $t {
            fn begin(out: &mut Option<Self>) -> &mut dyn Visitor {
                Place::new(out)
            }
        }
    )*};
}

wire_enums!(
    QuizKind,
    Track,
    PointsSource,
    WeeklyGoalKind,
    ItemKind,
    QuestionKind,
    Role,
    BoardScope,
    GroupKind,
    Measure,
    Period,
);

/// Unit enums without a `parse` of their own: read through serde's derive (its names, by
/// construction), from the string miniserde hands over.
macro_rules! serde_named_enums {
    ($($t:ty),* $(,)?) => {$(
        impl WireName for $t {
            fn from_wire(s: &str) -> Option<Self> {
                use serde::de::{value::Error as ValueError, IntoDeserializer};
                <$t as serde::Deserialize>::deserialize(
                    IntoDeserializer::<ValueError>::into_deserializer(s),
                )
                .ok()
            }
        }
        impl Deserialize for $t {
            fn begin(out: &mut Option<Self>) -> &mut dyn Visitor {
                Place::new(out)
            }
        }
    )*};
}

serde_named_enums!(
    ThrottleKind,
    UnitKind,
    ImportState,
    Reveal,
    ItemFlag,
    ReportStatus,
    QuizStatus,
    MultiplePolicy,
);

/// `Deserialize` for [`Answer`] and [`AnswerKey`], internally tagged alike:
/// `{"kind": "single", "option": 2}`; they differ only in what a fill-in blank holds.
macro_rules! tagged_answer {
    ($t:ident, $place:ident, $map:ident, $blanks:ty) => {
        impl Deserialize for $t {
            fn begin(out: &mut Option<Self>) -> &mut dyn Visitor {
                make_place!($place);
                impl Visitor for $place<$t> {
                    fn map(&mut self) -> Result<Box<dyn Map + '_>> {
                        Ok(Box::new($map {
                            out: &mut self.out,
                            kind: None,
                            option: None,
                            options: None,
                            value: None,
                            blanks: None,
                        }))
                    }
                }
                $place::new(out)
            }
        }

        struct $map<'a> {
            out: &'a mut Option<$t>,
            kind: Option<String>,
            option: Option<usize>,
            options: Option<Vec<usize>>,
            value: Option<bool>,
            blanks: Option<$blanks>,
        }

        impl Map for $map<'_> {
            fn key(&mut self, k: &str) -> Result<&mut dyn Visitor> {
                Ok(match k {
                    "kind" => Deserialize::begin(&mut self.kind),
                    "option" => Deserialize::begin(&mut self.option),
                    "options" => Deserialize::begin(&mut self.options),
                    "value" => Deserialize::begin(&mut self.value),
                    "blanks" => Deserialize::begin(&mut self.blanks),
                    _ => <dyn Visitor>::ignore(),
                })
            }

            fn finish(&mut self) -> Result<()> {
                let answer = match self.kind.as_deref() {
                    Some("single") => $t::Single {
                        option: self.option.take().ok_or(Error)?,
                    },
                    Some("multiple") => $t::Multiple {
                        options: self.options.take().ok_or(Error)?,
                    },
                    Some("true_false") => $t::TrueFalse {
                        value: self.value.take().ok_or(Error)?,
                    },
                    Some("fill_in") => $t::FillIn {
                        blanks: self.blanks.take().ok_or(Error)?,
                    },
                    _ => return Err(Error),
                };
                *self.out = Some(answer);
                Ok(())
            }
        }
    };
}

tagged_answer!(Answer, AnswerPlace, AnswerMap, Vec<String>);
// A fill-in key lists each blank's accepted alternatives.
tagged_answer!(AnswerKey, KeyPlace, KeyMap, Vec<Vec<String>>);

impl Serialize for Answer {
    fn begin(&self) -> Fragment<'_> {
        match self {
            Answer::Single { option } => fields([("kind", &"single"), ("option", option)]),
            Answer::Multiple { options } => fields([("kind", &"multiple"), ("options", options)]),
            Answer::TrueFalse { value } => fields([("kind", &"true_false"), ("value", value)]),
            Answer::FillIn { blanks } => fields([("kind", &"fill_in"), ("blanks", blanks)]),
        }
    }
}

de_struct!(ErrorBody, ErrorBodyMap {
    code: String => required,
    message: String => required,
    details: Vec<ErrorDetail> => or_default,
});

de_struct!(ErrorDetail, ErrorDetailMap {
    row: Option<u32> => or_default,
    field: Option<String> => or_default,
    message: String => required,
});

de_struct!(SavedAnswer, SavedAnswerMap {
    position: i64 => required,
    correct: Option<bool> => or_default,
    next: Option<AttemptQuestion> => or_default,
    finished: bool => required,
});

de_struct!(ImportJob, ImportJobMap {
    id: i64 => required,
    file_name: String => required,
    format: String => required,
    state: ImportState => required,
    added: KindCounts => required,
    updated: KindCounts => required,
    unchanged: i64 => required,
    new_categories: Vec<String> => required,
    problems: Vec<ImportProblem> => required,
    skipped: Vec<ImportSkip> => required,
    warnings: Vec<ImportWarning> => or_default,
    changes: Vec<ImportChange> => or_default,
    existing_categories: Vec<String> => or_default,
    without_explanation: i64 => or_default,
    without_source: i64 => or_default,
    ignored_columns: Vec<String> => or_default,
    sheets: Vec<ImportSheet> => or_default,
    total: i64 => required,
    done: i64 => required,
    error: Option<String> => or_default,
});

de_struct!(DrawRule, DrawRuleMap {
    category_id: i64 => required,
    count: i64 => required,
    difficulty: Option<u8> => or_default,
    kind: Option<QuestionKind> => or_default, // issue 17 quiz builder
});

de_struct!(Audience, AudienceMap {
    branch_ids: Vec<i64> => or_default,
    youth_group_ids: Vec<i64> => or_default,
});

de_struct!(QuestionDetail, QuestionDetailMap {
    id: i64 => required,
    stable_id: String => required,
    category_id: i64 => required,
    category: String => required,
    kind: QuestionKind => required,
    stem: String => required,
    difficulty: u8 => required,
    tags: Vec<String> => required,
    version: i64 => required,
    owner: Owner => required,
    editable: bool => required,
    open_reports: i64 => required,
    options: Vec<String> => required,
    key: AnswerKey => required,
    explanation: String => required,
    source: String => required,
    versions: Vec<QuestionVersion> => required,
    reports: Vec<QuestionReport> => required,
} => QuestionDetail {
    item: QuestionItem {
        id,
        stable_id,
        category_id,
        category,
        kind,
        stem,
        difficulty,
        tags,
        version,
        owner,
        editable,
        open_reports,
    },
    options,
    key,
    explanation,
    source,
    versions,
    reports,
});

de_struct!(QuizDetail, QuizDetailMap {
    id: i64 => required,
    status: QuizStatus => required,
    locked: bool => required,
    attempts: i64 => required,
    editable: bool => required,
    title: String => required,
    kind: QuizKind => required,
    owner: Owner => or_default,
    questions: Vec<i64> => or_default,
    draw_rules: Vec<DrawRule> => or_default,
    time_limit_secs: Option<i64> => or_default,
    opens_at: Option<i64> => or_default,
    closes_at: Option<i64> => or_default,
    max_attempts: Option<i64> => or_default,
    pass_mark: Option<i64> => or_default,
    points_per_correct: Option<i64> => or_default,
    shuffle_options: bool => or_yes,
    reveal: Reveal => required,
    multiple_policy: MultiplePolicy => or_default,
    audience: Audience => or_default,
    required: bool => or_default,
    question_items: Vec<QuizQuestionItem> => required,
    reach: crate::api::quiz_builder::QuizReach => or_default, // issue 17 quiz builder
    module: Option<crate::api::quiz_builder::QuizModule> => or_default,
} => QuizDetail {
    id,
    status,
    locked,
    attempts,
    editable,
    input: QuizInput {
        title,
        kind,
        owner,
        questions,
        draw_rules,
        time_limit_secs,
        opens_at,
        closes_at,
        max_attempts,
        pass_mark,
        points_per_correct,
        shuffle_options,
        reveal,
        multiple_policy,
        audience,
        required,
    },
    question_items,
    reach,
    module,
});

de_struct!(ItemReport, ItemReportMap {
    question: QuizQuestionItem => required,
    options: Vec<String> => required,
    question_id: i64 => required,
    responses: u32 => required,
    correct: u32 => required,
    facility: Option<f64> => or_default,
    discrimination: Option<f64> => or_default,
    option_counts: Vec<u32> => required,
    key_options: Vec<usize> => required,
    flags: Vec<ItemFlag> => required,
    flag_labels: Vec<String> => required,
} => ItemReport {
    question,
    options,
    stats: ItemStats {
        question_id,
        responses,
        correct,
        facility,
        discrimination,
        option_counts,
        key_options,
        flags,
    },
    flag_labels,
});

ser_struct! {
    LoginRequest { username, password }
    ChangePasswordRequest { current_password, new_password }
    SaveAnswer { answer }
    Heartbeat { reached_end }
    NewReport { comment }
    MarkRead { ids, all }
}

#[cfg(test)]
mod tests {
    //! Each impl against serde's: what the server writes (serde_json) reads back equal here,
    //! and what the member app sends reads back equal on the server (whose request types
    //! deny unknown fields, so a misnamed field fails).

    use std::fmt::Debug;

    use super::*;
    use crate::api::auth::{Me, Scope};
    use crate::api::dashboard::ItemRef;
    use crate::api::notifications::{DueItem, Notification, NotificationPage, UnreadCount};
    use crate::api::points::{
        BoardEntry, GroupBoard, GroupEntry, IndividualBoard, MyPoints, PointsTotals, Streak,
        TodayTask, WeeklyGoal,
    };
    use crate::api::question_import::{ImportProblem, ImportSkip, ImportWarning};
    use crate::api::quiz::{
        AttemptResult, AttemptSummary, AttemptView, Mistake, QuestionResult, QuizSummary,
    };
    use crate::api::study::{
        LessonProgress, LessonSummary, LessonView, ModuleDetail, ModuleSummary,
    };

    /// What the server writes, read here.
    fn read<T>(v: T)
    where
        T: serde::Serialize + Deserialize + PartialEq + Debug,
    {
        let json = serde_json::to_string(&v).unwrap();
        let back: T = miniserde::json::from_str(&json).unwrap_or_else(|_| panic!("{json}"));
        assert_eq!(back, v, "{json}");
    }

    /// What the app sends, read by the server.
    fn sent<T>(v: T)
    where
        T: Serialize + serde::de::DeserializeOwned + PartialEq + Debug,
    {
        let json = miniserde::json::to_string(&v);
        let back: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!(back, v, "{json}");
    }

    fn answers() -> Vec<Answer> {
        vec![
            Answer::Single { option: 2 },
            Answer::Multiple {
                options: vec![0, 3],
            },
            Answer::TrueFalse { value: false },
            Answer::FillIn {
                blanks: vec!["“四史”".into(), String::new()],
            },
        ]
    }

    #[test]
    fn unit_enums_use_serde_names() {
        for k in [
            QuizKind::Practice,
            QuizKind::Daily,
            QuizKind::Weekly,
            QuizKind::Special,
            QuizKind::Challenge,
            QuizKind::Exam,
        ] {
            read(k);
        }
        QuestionKind::ALL.into_iter().for_each(read);
        [Track::Theory, Track::Discipline, Track::Other]
            .into_iter()
            .for_each(read);
        [
            PointsSource::SignIn,
            PointsSource::Lesson,
            PointsSource::StudyTime,
            PointsSource::DailyQuiz,
            PointsSource::WeeklyQuiz,
            PointsSource::SpecialQuiz,
            PointsSource::Challenge,
            PointsSource::Module,
        ]
        .into_iter()
        .for_each(read);
        [WeeklyGoalKind::Points, WeeklyGoalKind::ActiveDays]
            .into_iter()
            .for_each(read);
        [ItemKind::Module, ItemKind::Quiz]
            .into_iter()
            .for_each(read);
        [Role::Member, Role::Organizer, Role::Admin]
            .into_iter()
            .for_each(read);
        [BoardScope::Org, BoardScope::Branch, BoardScope::YouthGroup]
            .into_iter()
            .for_each(read);
        [GroupKind::Branch, GroupKind::YouthGroup]
            .into_iter()
            .for_each(read);
        [
            Measure::Participation,
            Measure::Average,
            Measure::Completion,
        ]
        .into_iter()
        .for_each(read);
        [
            Period::Day,
            Period::Week,
            Period::Month,
            Period::Year,
            Period::All,
        ]
        .into_iter()
        .for_each(read);
        assert!(miniserde::json::from_str::<QuizKind>("\"Daily\"").is_err());
    }

    #[test]
    fn answers_are_internally_tagged_both_ways() {
        for a in answers() {
            read(a.clone());
            sent(SaveAnswer { answer: a });
        }
        assert!(miniserde::json::from_str::<Answer>(r#"{"kind":"single"}"#).is_err());
        assert!(miniserde::json::from_str::<Answer>(r#"{"kind":"essay","option":1}"#).is_err());
    }

    #[test]
    fn request_bodies_are_what_the_server_reads() {
        sent(LoginRequest {
            username: "m001".into(),
            password: "p\"w\\d".into(),
        });
        sent(ChangePasswordRequest {
            current_password: "a".into(),
            new_password: "b".into(),
        });
        sent(Heartbeat { reached_end: true });
        sent(NewReport {
            comment: "出处有误".into(),
        });
        sent(MarkRead {
            ids: vec![3, 4],
            all: false,
        });
    }

    #[test]
    fn error_bodies_with_and_without_details() {
        read(ErrorBody {
            code: "import_invalid".into(),
            message: "有1处问题".into(),
            details: vec![
                ErrorDetail {
                    row: Some(3),
                    field: Some("党支部".into()),
                    message: "不存在".into(),
                },
                ErrorDetail {
                    row: None,
                    field: None,
                    message: "x".into(),
                },
            ],
        });
        read(ErrorBody {
            code: "not_found".into(),
            message: "找不到".into(),
            details: vec![],
        });
    }

    fn question(position: i64, answer: Option<Answer>) -> AttemptQuestion {
        AttemptQuestion {
            position,
            kind: QuestionKind::Single,
            stem: "题干".into(),
            options: vec!["甲".into(), "乙".into()],
            blanks: 0,
            answer,
        }
    }

    #[test]
    fn attempts_and_their_results() {
        let result = AttemptResult {
            correct_count: 1,
            question_count: 2,
            score_percent: 50,
            passed: Some(false),
            submitted_at: 1_700_000_000_000,
            revealed: true,
            questions: vec![QuestionResult {
                position: 1,
                question_id: 9,
                kind: QuestionKind::FillIn,
                stem: "s".into(),
                options: vec![],
                answer: Some(answers()[3].clone()),
                correct: Some(true),
                key: Some(answers()[3].clone()),
                explanation: Some("解析".into()),
                source: None,
            }],
            points_earned: 3,
            attempts_left: Some(1),
            can_retake: true,
        };
        read(AttemptView {
            id: 1,
            quiz_id: 2,
            quiz_title: "每日答题".into(),
            kind: QuizKind::Daily,
            started_at: 1,
            deadline_at: Some(2),
            server_now: 3,
            submitted: true,
            from_mistakes: false,
            questions: answers()
                .into_iter()
                .enumerate()
                .map(|(i, a)| question(i as i64 + 1, Some(a)))
                .chain([question(9, None)])
                .collect(),
            result: Some(result),
        });
        read(SavedAnswer {
            position: 2,
            correct: Some(false),
            next: Some(question(3, None)),
            finished: false,
        });
        read(SavedAnswer {
            position: 2,
            correct: None,
            next: None,
            finished: true,
        });
        read(vec![AttemptSummary {
            id: 1,
            quiz_id: 2,
            quiz_title: "t".into(),
            kind: QuizKind::Exam,
            started_at: 1,
            submitted_at: None,
            correct_count: None,
            question_count: 5,
            score_percent: Some(80),
            passed: Some(true),
        }]);
        read(vec![QuizSummary {
            id: 1,
            title: "t".into(),
            kind: QuizKind::Exam,
            module_id: Some(2),
            question_count: 10,
            time_limit_secs: Some(600),
            pass_mark: Some(60),
            max_attempts: Some(2),
            opens_at: None,
            closes_at: Some(5),
            attempts_used: 1,
            can_start: false,
            blocked_reason: Some("已用完".into()),
            open_attempt_id: None,
            reveal: Reveal::AfterClose,
            required: true,
        }]);
        read(vec![Mistake {
            question_id: 1,
            category: "党章".into(),
            module_title: None,
            kind: QuestionKind::Multiple,
            stem: "s".into(),
            options: vec!["a".into()],
            key: answers()[1].clone(),
            explanation: "e".into(),
            source: "src".into(),
            wrong_count: 2,
            right_days: 1,
            your_answer: Some(answers()[0].clone()),
        }]);
    }

    #[test]
    fn study_points_boards_and_notifications() {
        let progress = LessonProgress {
            credited_seconds: 30,
            min_seconds: 60,
            reached_end: false,
            completed: false,
        };
        let module = ModuleSummary {
            id: 1,
            title: "m".into(),
            track: Track::Discipline,
            description: "d".into(),
            due_at: Some(9),
            lesson_count: 3,
            lessons_completed: 1,
            lessons_started: 2,
            completed: false,
        };
        read(ModuleDetail {
            module,
            lessons: vec![LessonSummary {
                id: 1,
                position: 1,
                title: "l".into(),
                source: "s".into(),
                progress: progress.clone(),
            }],
        });
        read(LessonView {
            id: 1,
            module_id: 1,
            module_title: "m".into(),
            position: 1,
            lesson_count: 3,
            title: "l".into(),
            source: "s".into(),
            html: "<p>x</p>".into(),
            prev_id: None,
            next_id: Some(2),
            heartbeat_secs: 15,
            progress,
        });
        read(MyPoints {
            day: "2026-12-04".into(),
            tasks: vec![TodayTask {
                source: PointsSource::StudyTime,
                points: 1,
                cap: 6,
                points_per_unit: 1,
                done: false,
            }],
            totals: PointsTotals {
                day: 1,
                week: 2,
                month: 3,
                year: 4,
                all: 5,
            },
            streak: Streak {
                current: 2,
                best: 7,
                studied_today: true,
            },
            weekly_goal: WeeklyGoal {
                kind: WeeklyGoalKind::ActiveDays,
                target: 5,
                progress: 2,
                reached: false,
                week: "W:2026-11-30".into(),
            },
        });
        let entry = BoardEntry {
            rank: 1,
            user_id: 2,
            name: "张三".into(),
            branch_name: None,
            points: 10,
            is_me: true,
        };
        read(IndividualBoard {
            scope: BoardScope::Branch,
            unit_id: Some(1),
            unit_name: Some("一支部".into()),
            period: Period::Week,
            period_key: "W:2026-11-30".into(),
            participants: 1,
            top: vec![entry.clone()],
            me: Some(entry.clone()),
            neighbours: vec![entry],
            initials_only: false,
        });
        let group = GroupEntry {
            rank: 1,
            group_id: 1,
            name: "g".into(),
            value: 12.5,
            points: 3,
            members: 4,
            active_members: 2,
            completions: 0,
            assignments: 0,
            is_mine: true,
        };
        read(GroupBoard {
            kind: GroupKind::YouthGroup,
            period: Period::All,
            period_key: "A".into(),
            measure: Measure::Average,
            default_measure: true,
            group_count: 1,
            top: vec![group.clone()],
            mine: Some(group),
            neighbours: vec![],
        });
        read(NotificationPage {
            items: vec![Notification {
                id: 1,
                kind: "reminder".into(),
                title: "请完成“党史与“四史””".into(),
                body: "b".into(),
                item_kind: Some(ItemKind::Quiz),
                item_id: Some(3),
                sender_name: None,
                created_at: 1,
                read_at: None,
            }],
            unread: 1,
            next_before_id: None,
        });
        read(UnreadCount { unread: 0 });
        read(vec![DueItem {
            item: ItemRef {
                kind: ItemKind::Module,
                id: 4,
                title: "党章".into(),
                module_id: None,
                due_at: Some(9),
            },
            started: true,
            required: true,
        }]);
        read(Me {
            id: 7,
            username: "org1".into(),
            display_name: "周立新".into(),
            role: Role::Organizer,
            branch_id: Some(1),
            branch_name: Some("机关第一党支部".into()),
            youth_group_id: None,
            youth_group_name: None,
            organization_name: "机关党委".into(),
            scope: Scope {
                branch_ids: vec![1, 2],
                youth_group_ids: vec![3],
            },
            must_change_password: true,
        });
    }

    #[test]
    fn console_enums_and_the_answer_key() {
        [
            ThrottleKind::Pair,
            ThrottleKind::Account,
            ThrottleKind::Address,
        ]
        .into_iter()
        .for_each(read);
        [UnitKind::Branch, UnitKind::YouthGroup]
            .into_iter()
            .for_each(read);
        [
            ImportState::Preview,
            ImportState::Running,
            ImportState::Done,
            ImportState::Failed,
        ]
        .into_iter()
        .for_each(read);
        [Reveal::AfterSubmit, Reveal::AfterClose, Reveal::Never]
            .into_iter()
            .for_each(read);
        [
            ItemFlag::Ambiguous,
            ItemFlag::UnusedDistractor,
            ItemFlag::TooEasy,
            ItemFlag::NegativeDiscrimination,
        ]
        .into_iter()
        .for_each(read);
        [
            ReportStatus::Open,
            ReportStatus::Resolved,
            ReportStatus::Rejected,
        ]
        .into_iter()
        .for_each(read);
        [QuizStatus::Draft, QuizStatus::Published, QuizStatus::Closed]
            .into_iter()
            .for_each(read);
        [MultiplePolicy::AllOrNothing, MultiplePolicy::PartialCredit]
            .into_iter()
            .for_each(read);
        for k in [
            AnswerKey::Single { option: 1 },
            AnswerKey::Multiple {
                options: vec![0, 2],
            },
            AnswerKey::TrueFalse { value: true },
            AnswerKey::FillIn {
                blanks: vec![vec!["两个维护".into(), "“两个维护”".into()], vec![]],
            },
        ] {
            read(k);
        }
    }

    fn owner() -> Owner {
        Owner {
            branch_id: Some(2),
            youth_group_id: None,
        }
    }

    #[test]
    fn flattened_details_read_whole() {
        read(QuestionDetail {
            item: QuestionItem {
                id: 1,
                stable_id: "q-1".into(),
                category_id: 3,
                category: "党章".into(),
                kind: QuestionKind::Multiple,
                stem: "s".into(),
                difficulty: 2,
                tags: vec!["t".into()],
                version: 4,
                owner: owner(),
                editable: true,
                open_reports: 1,
            },
            options: vec!["a".into(), "b".into()],
            key: AnswerKey::Multiple {
                options: vec![0, 1],
            },
            explanation: "e".into(),
            source: "src".into(),
            versions: vec![QuestionVersion {
                version: 3,
                stem: "old".into(),
                options: vec![],
                key: AnswerKey::TrueFalse { value: false },
                replaced_at: 9,
            }],
            reports: vec![QuestionReport {
                id: 1,
                question_id: 1,
                question_version: 3,
                reporter: "m001".into(),
                comment: "c".into(),
                status: ReportStatus::Resolved,
                reply: Some("r".into()),
                created_at: 1,
                resolved_at: Some(2),
                forwarded_at: Some(1),
                forwarded_by: Some("张三".into()),
                forward_note: Some("n".into()),
                can_resolve: true,
                can_forward: false,
            }],
        });
        let item = QuizQuestionItem {
            id: 5,
            kind: QuestionKind::Single,
            stem: "s".into(),
            difficulty: 1,
            category: "c".into(),
        };
        for shuffle in [true, false] {
            read(QuizDetail {
                id: 1,
                status: QuizStatus::Published,
                locked: true,
                attempts: 3,
                editable: false,
                input: QuizInput {
                    title: "t".into(),
                    kind: QuizKind::Exam,
                    owner: owner(),
                    questions: vec![5],
                    draw_rules: vec![DrawRule {
                        category_id: 3,
                        count: 2,
                        difficulty: Some(1),
                        kind: if shuffle {
                            Some(QuestionKind::TrueFalse)
                        } else {
                            None
                        },
                    }],
                    time_limit_secs: Some(600),
                    opens_at: None,
                    closes_at: Some(7),
                    max_attempts: Some(2),
                    pass_mark: Some(60),
                    points_per_correct: None,
                    shuffle_options: shuffle,
                    reveal: Reveal::AfterClose,
                    multiple_policy: MultiplePolicy::PartialCredit,
                    audience: Audience {
                        branch_ids: vec![1],
                        youth_group_ids: vec![],
                    },
                    required: true,
                },
                question_items: vec![item.clone()],
                reach: crate::api::quiz_builder::QuizReach {
                    everyone: !shuffle,
                    units: vec!["第一支部".into()],
                    members: 12,
                },
                module: shuffle.then(|| crate::api::quiz_builder::QuizModule {
                    id: 4,
                    title: "专题".into(),
                }),
            });
        }
        // issue 17 quiz builder
        read(crate::api::quiz_builder::DrawCounts {
            available: vec![5, 0],
            fixed: 2,
            drawn: 3,
            total: 5,
        });
        read(crate::api::quiz_builder::QuizPreview {
            quiz_id: 1,
            title: "t".into(),
            questions: vec![crate::api::quiz_builder::PreviewQuestion {
                id: 5,
                kind: QuestionKind::Single,
                stem: "s".into(),
                options: vec!["a".into(), "b".into()],
                fixed: true,
                key_text: "B".into(),
            }],
            fixed: 1,
            drawn: 0,
            total_score: 100,
            pass_mark: Some(60),
            time_limit_secs: None,
        });
        read(ItemReport {
            question: item,
            options: vec!["a".into()],
            stats: ItemStats {
                question_id: 5,
                responses: 10,
                correct: 7,
                facility: Some(0.7),
                discrimination: None,
                option_counts: vec![7, 3],
                key_options: vec![0],
                flags: vec![ItemFlag::TooEasy],
            },
            flag_labels: vec!["过易".into()],
        });
    }

    #[test]
    fn an_import_job_reads_with_and_without_its_newer_fields() {
        let counts = KindCounts {
            single: 1,
            multiple: 2,
            true_false: 3,
            fill_in: 4,
        };
        let job = ImportJob {
            id: 1,
            file_name: "题库.xlsx".into(),
            format: "xlsx".into(),
            state: ImportState::Preview,
            added: counts,
            updated: <KindCounts as Default>::default(),
            unchanged: 0,
            new_categories: vec!["新".into()],
            problems: vec![ImportProblem {
                location: "Sheet1".into(),
                line: 3,
                field: Some("答案".into()),
                message: "m".into(),
            }],
            skipped: vec![ImportSkip {
                location: "l".into(),
                line: 4,
                reason: "r".into(),
            }],
            warnings: vec![ImportWarning {
                location: "l".into(),
                line: 5,
                message: "w".into(),
            }],
            changes: vec![],
            existing_categories: vec![],
            without_explanation: 2,
            without_source: 1,
            ignored_columns: vec!["备注".into()],
            sheets: vec![ImportSheet {
                name: "Sheet1".into(),
                read: true,
                rows: 10,
                note: None,
            }],
            total: 10,
            done: 0,
            error: None,
        };
        read(job.clone());
        // An older server leaves the defaulted fields out.
        let mut v = serde_json::to_value(&job).unwrap();
        for k in [
            "warnings",
            "changes",
            "without_explanation",
            "sheets",
            "error",
        ] {
            v.as_object_mut().unwrap().remove(k);
        }
        let back: ImportJob = miniserde::json::from_str(&v.to_string()).unwrap();
        assert_eq!(back.warnings, vec![]);
        assert_eq!(back.without_explanation, 0);
        assert_eq!(back.without_source, 1);
    }

    // issue 17 console pages: what the content editor, the report queue and the batch
    // reset read.
    #[test]
    fn authored_modules_report_queues_and_password_sheets() {
        use crate::api::content::{
            AssignmentSaved, AuthoredLesson, AuthoredModule, AuthoredModuleDetail, LessonSaved,
            LessonVersion, Preview,
        };
        use crate::api::members::PasswordSheet;
        use crate::api::questions::ReportQueueItem;
        let module = AuthoredModule {
            id: 4,
            title: "“两学一做”专题".into(),
            track: Track::Discipline,
            description: "说明".into(),
            position: 3,
            owner: Owner {
                branch_id: Some(1),
                youth_group_id: None,
            },
            shipped: false,
            editable: true,
            all: false,
            branch_ids: vec![1, 2],
            youth_group_ids: vec![],
            due_at: Some(1_800_000_000_000),
            required: true,
            lesson_count: 1,
        };
        read(module.clone());
        read(AuthoredModule {
            due_at: None,
            shipped: true,
            ..module.clone()
        });
        read(AuthoredModuleDetail {
            quizzes: vec![crate::api::quiz_builder::ModuleQuiz {
                id: 3,
                title: "练习".into(),
                kind: QuizKind::Practice,
                status: QuizStatus::Draft,
                question_count: 5,
                editable: true,
            }],
            deletable: true,
            module,
            lessons: vec![AuthoredLesson {
                id: 9,
                position: 1,
                title: "第一课".into(),
                body_md: "# 标题\n\n正文".into(),
                source: "要点第1条".into(),
                min_minutes: None,
                min_seconds: 120,
                version: 2,
                versions: vec![LessonVersion {
                    version: 1,
                    title: "旧".into(),
                    body_md: "旧文".into(),
                    source: String::new(),
                    replaced_at: 1_700_000_000_000,
                }],
            }],
        });
        read(AssignmentSaved { notified: 12 });
        read(LessonSaved {
            id: 9,
            version: 3,
            new_version: true,
        });
        read(Preview {
            html: "<h1>标题</h1>".into(),
        });
        read(PasswordSheet {
            id: 5,
            count: 2,
            file_name: "初始密码.xlsx".into(),
            download_url: "/api/v1/members/password-sheets/5".into(),
        });
        read(ReportQueueItem {
            report: QuestionReport {
                id: 1,
                question_id: 2,
                question_version: 1,
                reporter: "张三".into(),
                comment: "答案有误".into(),
                status: ReportStatus::Open,
                reply: None,
                created_at: 1,
                resolved_at: None,
                forwarded_at: Some(2),
                forwarded_by: Some("周立新".into()),
                forward_note: Some("请核实".into()),
                can_resolve: true,
                can_forward: false,
            },
            stem: "题干".into(),
            owner: Owner {
                branch_id: None,
                youth_group_id: None,
            },
        });
    }
}
