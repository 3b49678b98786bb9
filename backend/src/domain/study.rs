//! Studying: the modules a member may see, their lessons rendered safely, and study time
//! credited from heartbeats (the rules are in `shared::study`).

use pulldown_cmark::{html, Event, Options, Parser, Tag};
use shared::api::auth::Role;
use shared::api::points::PointsSource;
use shared::api::study::{
    Heartbeat, LessonProgress, LessonSummary, LessonView, ModuleDetail, ModuleSummary, Track,
};
use shared::study;
use sqlx::AnyConnection;

use crate::auth::{CurrentUser, SessionUser};
use crate::db::study::{LessonRow, ModuleRow, ProgressRow, Viewer};
use crate::db::{self, now_ms, Db};
use crate::domain::points::{self, Amount};
use crate::error::{AppError, AppResult};

/// What `user` may see: admins everything; others the whole-organization modules and those
/// addressed to their branch or youth group (organizers also to the units they look after).
fn viewer(user: &SessionUser) -> Viewer {
    let mut v = Viewer {
        all: user.role == Role::Admin,
        branch_ids: user.branch_id.into_iter().collect(),
        youth_group_ids: user.youth_group_id.into_iter().collect(),
    };
    v.branch_ids.extend(&user.scope.branch_ids);
    v.youth_group_ids.extend(&user.scope.youth_group_ids);
    v
}

/// The modules the member may study, with their progress.
pub async fn modules(db: &Db, user: &SessionUser) -> AppResult<Vec<ModuleSummary>> {
    let mut conn = db.pool.acquire().await?;
    let rows = db::study::visible_modules(&mut conn, &viewer(user)).await?;
    let mut out = Vec::with_capacity(rows.len());
    for m in rows {
        out.push(summary(&mut conn, user.id, m).await?);
    }
    Ok(out)
}

async fn summary(conn: &mut AnyConnection, user_id: i64, m: ModuleRow) -> AppResult<ModuleSummary> {
    let lesson_count = db::study::lesson_count(conn, m.id).await?;
    let (lessons_started, lessons_completed) =
        db::study::progress_counts(conn, user_id, m.id).await?;
    let lessons_done = lesson_count > 0 && lessons_completed == lesson_count;
    let completed = lessons_done && db::study::required_quizzes_passed(conn, user_id, m.id).await?;
    Ok(ModuleSummary {
        id: m.id,
        title: m.title,
        track: Track::parse(&m.track).unwrap_or(Track::Other),
        description: m.description,
        due_at: m.due_at,
        lesson_count,
        lessons_completed,
        lessons_started,
        // All lessons completed and the module's required quiz (if any) passed.
        completed,
    })
}

/// A module with its lessons; one the member may not see is "not found".
pub async fn module(db: &Db, user: &SessionUser, id: i64) -> AppResult<ModuleDetail> {
    let mut conn = db.pool.acquire().await?;
    let m = db::study::visible_module(&mut conn, &viewer(user), id)
        .await?
        .ok_or(AppError::NotFound("学习专题"))?;
    let lessons = db::study::lessons_of(&mut conn, id).await?;
    let mut items = Vec::with_capacity(lessons.len());
    for l in lessons {
        let p = db::study::progress(&mut conn, user.id, l.id).await?;
        items.push(LessonSummary {
            id: l.id,
            position: l.position,
            title: l.title.clone(),
            source: l.source.clone(),
            progress: progress_of(&l, p.as_ref()),
        });
    }
    Ok(ModuleDetail {
        module: summary(&mut conn, user.id, m).await?,
        lessons: items,
    })
}

fn progress_of(l: &LessonRow, p: Option<&ProgressRow>) -> LessonProgress {
    let p = p.cloned().unwrap_or_default();
    LessonProgress {
        credited_seconds: p.credited_ms / 1000,
        min_seconds: min_seconds(l),
        reached_end: p.reached_end == 1,
        completed: p.completed_at.is_some(),
    }
}

/// The lesson's minimum study time: the author's, else derived from its length.
pub fn min_seconds(l: &LessonRow) -> i64 {
    l.min_seconds
        .unwrap_or_else(|| study::min_read_seconds(l.char_count as usize))
}

/// Loads a lesson the member may see, with its module.
async fn visible_lesson(
    conn: &mut AnyConnection,
    user: &SessionUser,
    id: i64,
) -> AppResult<(LessonRow, ModuleRow)> {
    let lesson = db::study::lesson(conn, id)
        .await?
        .ok_or(AppError::NotFound("课程"))?;
    let module = db::study::visible_module(conn, &viewer(user), lesson.module_id)
        .await?
        .ok_or(AppError::NotFound("课程"))?;
    Ok((lesson, module))
}

/// A lesson to read, its Markdown rendered to safe HTML.
pub async fn lesson(db: &Db, user: &SessionUser, id: i64) -> AppResult<LessonView> {
    let mut conn = db.pool.acquire().await?;
    let (l, m) = visible_lesson(&mut conn, user, id).await?;
    let siblings = db::study::lessons_of(&mut conn, l.module_id).await?;
    let idx = siblings.iter().position(|s| s.id == l.id).unwrap_or(0);
    let p = db::study::progress(&mut conn, user.id, l.id).await?;
    Ok(LessonView {
        id: l.id,
        module_id: m.id,
        module_title: m.title,
        position: l.position,
        lesson_count: siblings.len() as i64,
        title: l.title.clone(),
        source: l.source.clone(),
        html: render_markdown(&l.body_md),
        prev_id: idx
            .checked_sub(1)
            .and_then(|i| siblings.get(i))
            .map(|s| s.id),
        next_id: siblings.get(idx + 1).map(|s| s.id),
        heartbeat_secs: study::HEARTBEAT_SECS,
        progress: progress_of(&l, p.as_ref()),
    })
}

/// Credits study time for a heartbeat (see `shared::study` for the rules).
///
/// One of the two hot writes (a heartbeat per open lesson every few seconds), for the
/// session whose token hashes to `token_hash`: a member's session, the lesson, its
/// visibility and the current progress are read in one statement on a reader connection,
/// outside the write lock (staff take the usual session look-up, then the same read), and
/// the answer is made from what was written, without reading it back.
pub async fn heartbeat(
    db: &Db,
    token_hash: &str,
    id: i64,
    hb: Heartbeat,
) -> AppResult<LessonProgress> {
    let now = now_ms();
    // A member's heartbeat reads session, lesson and progress in one statement; staff
    // and everything it does not find take the usual session look-up and read.
    let fast = {
        let mut conn = db.pool.acquire().await?;
        db::study::member_heartbeat_target(&mut conn, token_hash, now, id).await?
    };
    if let Some((_, target)) = &fast {
        if let Some(p) = target.progress() {
            let news = hb.reached_end && p.reached_end == 0;
            if study::coalesces(p.last_heartbeat_at, now, news) {
                return Ok(progress_of(&target.lesson, Some(&p)));
            }
        }
    }
    let user = CurrentUser::of_session(db, token_hash.to_string()).await?;
    let target = match fast.filter(|(member, _)| *member == user.id) {
        Some((_, target)) => target,
        None => {
            let mut conn = db.pool.acquire().await?;
            db::study::heartbeat_target(&mut conn, &viewer(&user), user.id, id)
                .await?
                .ok_or(AppError::NotFound("课程"))?
        }
    };
    let user: &SessionUser = &user;
    let seen = target.progress();
    let l = target.lesson;
    if let Some(p) = &seen {
        let news = hb.reached_end && p.reached_end == 0;
        if study::coalesces(p.last_heartbeat_at, now, news) {
            return Ok(progress_of(&l, Some(p)));
        }
    }
    // An author's minimum replaces the one derived from the length; the cap follows it.
    let min = min_seconds(&l);
    let cap_ms = (min * 3).max(300) * 1000;
    let mut seen = match seen {
        Some(p) => Some(p),
        None => {
            let mut conn = db.write_pool().acquire().await?;
            if db::study::start_progress(&mut conn, user.id, l.id, now).await? && !hb.reached_end {
                // The first heartbeat only starts the clock.
                return Ok(progress_of(&l, None));
            }
            None
        }
    };
    // Each try is one write transaction, so the progress, the member's study clock and the
    // points it earns (study time, a completed lesson, a module completed by it) are written
    // together or not at all. It starts by locking the member's study clock, so concurrent
    // heartbeats of one member, to any lessons, credit one after the other against it: their
    // credited time together never exceeds the wall time they span. The lesson's own row is
    // written only if no heartbeat got in since it was read (the first try uses the read
    // above); the second try credits against the newer value, and failing twice credits
    // nothing.
    for _ in 0..2 {
        let mut tx = db.begin_write().await?;
        let clock = db::study::lock_study_clock(&mut tx, user.id).await?;
        let current = match seen.take() {
            Some(p) => p,
            None => db::study::progress(&mut tx, user.id, l.id)
                .await?
                .unwrap_or_default(),
        };
        let (start, window) = study::credit_window(current.last_heartbeat_at, clock, now);
        let credited = (current.credited_ms + window)
            .min(cap_ms)
            .max(current.credited_ms);
        let reached_end = current.reached_end == 1 || hb.reached_end;
        let completed_at = current
            .completed_at
            .or_else(|| (reached_end && credited / 1000 >= min).then_some(now));
        if !db::study::record_heartbeat(
            &mut tx,
            user.id,
            l.id,
            current.last_heartbeat_at,
            now,
            credited,
            reached_end,
            completed_at,
        )
        .await?
        {
            continue;
        }
        let who = points::Earner::from(user);
        let gained = credited - current.credited_ms;
        if gained > 0 {
            // Only what was credited is used up: a capped lesson leaves the rest of the
            // window to the member's other lessons.
            db::study::advance_study_clock(&mut tx, user.id, start + gained).await?;
            points::award(
                &mut tx,
                who,
                PointsSource::StudyTime,
                Amount::StudyMs(gained),
                "study",
                now,
            )
            .await?;
        }
        if current.completed_at.is_none() && completed_at.is_some() {
            points::award(
                &mut tx,
                who,
                PointsSource::Lesson,
                Amount::Units(1),
                &format!("lesson:{}", l.id),
                now,
            )
            .await?;
            points::check_module(&mut tx, who, l.module_id, now).await?;
        }
        tx.commit().await?;
        let written = ProgressRow {
            credited_ms: credited,
            last_heartbeat_at: Some(now),
            reached_end: i64::from(reached_end),
            completed_at,
        };
        return Ok(progress_of(&l, Some(&written)));
    }
    let mut conn = db.pool.acquire().await?;
    let p = db::study::progress(&mut conn, user.id, l.id).await?;
    Ok(progress_of(&l, p.as_ref()))
}

/// Markdown to HTML with every piece of raw HTML shown as text and only http(s), mailto
/// and relative links kept, so no script or markup from a lesson reaches the page.
pub fn render_markdown(md: &str) -> String {
    let parser =
        Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|event| {
            match event {
                Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) if !safe_url(&dest_url) => Event::Start(Tag::Link {
                    link_type,
                    dest_url: "#".into(),
                    title,
                    id,
                }),
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) if !safe_url(&dest_url) => Event::Start(Tag::Image {
                    link_type,
                    dest_url: "".into(),
                    title,
                    id,
                }),
                other => other,
            }
        });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || lower.starts_with('/')
        || lower.starts_with('#')
        || !lower.contains(':')
}

#[cfg(test)]
mod tests {
    use super::render_markdown;

    #[test]
    fn markdown_renders_without_raw_html_or_script_links() {
        let html = render_markdown("**重点**\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>");
        assert!(html.contains("<strong>重点</strong>"));
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        let html = render_markdown("[规定](https://example.org/a) ![图](data:image/png;base64,xx)");
        assert!(html.contains("href=\"https://example.org/a\""));
        assert!(!html.contains("data:"), "{html}");
    }
}
