//! The OpenAPI document, generated from the handlers' annotations, served at
//! `/api/openapi.json`, with a browsable Swagger UI at `/api/docs` (bundled, no CDN).

use axum::Router;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::state::AppState;

use super::{
    audit, auth, authoring, dashboard, exports, health, members, notifications, org, points,
    question_import, questions, quiz, quiz_builder, study,
};

#[derive(OpenApi)]
#[openapi(
    info(title = "Beacon API", description = "党建学习答题平台 Beacon 的 JSON 接口。错误统一返回 `{code, message, details}`。"),
    paths(
        health::health,
        auth::login, auth::logout, auth::me, auth::change_password, auth::throttles,
        org::tree, org::create_branch, org::rename_branch, org::delete_branch,
        org::create_cell, org::rename_cell, org::delete_cell,
        org::create_youth_group, org::rename_youth_group, org::delete_youth_group,
        members::list, members::show, members::create, members::update,
        members::reset_password, members::batch_reset, members::password_sheet, members::import, members::template,
        study::modules, study::module, study::lesson, study::heartbeat,
        authoring::list, authoring::create, authoring::show, authoring::update,
        authoring::delete, authoring::assign, authoring::create_lesson,
        authoring::update_lesson, authoring::delete_lesson, authoring::preview,
        quiz::list, quiz::show_quiz, quiz::start, quiz::history, quiz::show, quiz::save_answer, quiz::submit,
        quiz::mistakes, quiz::practise_mistakes,
        points::me, points::ledger, points::rules, points::put_rules,
        points::individuals, points::groups, points::settings, points::put_settings,
        questions::list, questions::show, questions::create, questions::update,
        questions::report, questions::my_reports, questions::resolve_report, questions::report_queue,
        questions::forward_report, questions::categories,
        questions::create_category,
        question_import::upload, question_import::show, question_import::confirm,
        question_import::template, question_import::export,
        quiz_builder::list, quiz_builder::create, quiz_builder::show, quiz_builder::update,
        quiz_builder::set_status, quiz_builder::analysis,
        quiz_builder::draw_counts, quiz_builder::preview, // issue 17 quiz builder
        authoring::attach_quiz, authoring::detach_quiz,
        exports::dashboard, exports::members, exports::report, exports::start_members_job,
        exports::job, exports::job_file,
        // issue 17 reports
        exports::matrix, dashboard::non_completers,
        audit::list,
        dashboard::dashboard, dashboard::branch_members, dashboard::youth_group_members,
        dashboard::timeline, dashboard::heatmap,
        notifications::list, notifications::unread, notifications::mark_read, notifications::due,
        notifications::send_reminder,
    ),
    tags(
        (name = "auth", description = "登录、退出与密码"),
        (name = "org", description = "组织架构：党支部、党小组、青年理论学习小组"),
        (name = "members", description = "成员账号"),
        (name = "study", description = "学习专题、课程与学习时长"),
        (name = "quiz", description = "答题、作答记录与错题本"),
        (name = "questions", description = "题库编辑、分类与答题纠错"),
        (name = "quiz-builder", description = "组卷：测验的题目、规则、发布与试题分析"),
        (name = "points", description = "积分、学习任务、连续学习、每周目标与排行榜"),
        (name = "audit", description = "操作日志"),
        (name = "dashboard", description = "完成率看板、成员明细与图表数据"),
        (name = "notifications", description = "消息通知、待完成任务与学习提醒"),
        (name = "health", description = "运行状态"),
    )
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    SwaggerUi::new("/api/docs")
        .url("/api/openapi.json", ApiDoc::openapi())
        .into()
}
