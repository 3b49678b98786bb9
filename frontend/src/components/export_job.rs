//! The members' progress export (up to the whole organization) as a background job: two
//! buttons start it ([`ExportButtons`]), a progress bar follows the server writing the file
//! (an `ExportJob`, asked again every half second), then a link downloads it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::dashboard::ExportJob;

use crate::api::{self, ApiError};
use crate::components::{error_text, Bar};
use crate::i18n::{t, tf, K};

/// The export job of a page, if one was started.
#[derive(Clone, Copy)]
pub struct Exporter {
    job: RwSignal<Option<Result<ExportJob, String>>>,
}

impl Exporter {
    pub fn new() -> Exporter {
        Exporter {
            job: RwSignal::new(None),
        }
    }

    /// Starts an export as `format` (`xlsx`, `csv`) with the export's `query` (the period,
    /// and the unit if one).
    pub fn start(self, format: &str, query: &str) {
        let url = format!("{}/members/jobs?format={format}&{query}", api::EXPORTS);
        self.job.set(None);
        spawn_local(async move { self.follow(api::send_empty::<ExportJob>("POST", &url).await) });
    }

    /// Shows the job's state and asks again while it runs (unless the page has gone).
    fn follow(self, r: Result<ExportJob, ApiError>) {
        let running = matches!(&r, Ok(j) if j.state == "running");
        let id = r.as_ref().map(|j| j.id).unwrap_or(0);
        if self
            .job
            .try_set(Some(r.map_err(|e| error_text(&e))))
            .is_none()
            && running
        {
            spawn_local(async move {
                crate::browser::sleep(500).await;
                let next = api::get::<ExportJob>(&format!("{}/jobs/{id}", api::EXPORTS)).await;
                self.follow(next);
            });
        }
    }
}

impl Default for Exporter {
    fn default() -> Self {
        Exporter::new()
    }
}

/// How far a running job is: percent of units written, and the line under the bar.
pub fn job_progress(job: &ExportJob) -> (i64, String) {
    let pct = (job.units_done * 100)
        .checked_div(job.units_total)
        .unwrap_or(0) as i64;
    let line = tf(
        K::ExportProgress,
        &[
            ("done", &job.units_done.to_string()),
            ("total", &job.units_total.to_string()),
            ("rows", &job.rows.to_string()),
        ],
    );
    (pct, line)
}

/// Where a finished job's file downloads from.
pub fn job_file_url(job: &ExportJob) -> String {
    format!("{}/jobs/{}/file", api::EXPORTS, job.id)
}

/// A job: progress while it runs, then the download (or why it failed).
fn job_view(job: ExportJob) -> AnyView {
    match job.state.as_str() {
        "done" => view! {
            <p class="banner success" role="status">
                {tf(K::ExportReady, &[("rows", &job.rows.to_string())])}
                " "
                <a class="btn btn-primary btn-small" id="export-file" href=job_file_url(&job) download="">
                    {job.file_name.clone()}
                </a>
            </p>
        }
        .into_any(),
        "failed" => view! {
            <p class="banner error" role="alert">{job.error.clone().unwrap_or_default()}</p>
        }
        .into_any(),
        _ => {
            let (pct, line) = job_progress(&job);
            view! {
                <Bar percent=pct label=t(K::ExportRunning).to_string()/>
                <p class="small muted">{line}</p>
            }
            .into_any()
        }
    }
}

/// The members export's two buttons and, once started, its job; `query` is the export's
/// (read when a button is pressed).
#[component]
pub fn ExportButtons(exporter: Exporter, query: Signal<String>) -> impl IntoView {
    let start = move |format: &'static str| exporter.start(format, &query.get_untracked());
    view! {
        <div class="export-job">
            <p class="small export">
                {t(K::ExportMembers)}
                <button type="button" class="btn btn-ghost btn-small" data-action="export-xlsx" on:click=move |_| start("xlsx")>
                    "Excel"
                </button>
                <button type="button" class="btn btn-ghost btn-small" data-action="export-csv" on:click=move |_| start("csv")>
                    "CSV"
                </button>
            </p>
            {move || {
                exporter
                    .job
                    .get()
                    .map(|j| match j {
                        Ok(job) => job_view(job),
                        Err(m) => view! { <p class="banner error" role="alert">{m}</p> }.into_any(),
                    })
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(state: &str, done: u64) -> ExportJob {
        ExportJob {
            id: 7,
            state: state.into(),
            units_done: done,
            units_total: 200,
            rows: 25000,
            file_name: "成员完成情况.csv".into(),
            error: None,
        }
    }

    #[test]
    fn a_job_shows_progress_then_its_file() {
        let (pct, line) = job_progress(&job("running", 50));
        assert_eq!(pct, 25);
        assert!(line.contains("50/200") && line.contains("25000"), "{line}");
        let empty = ExportJob {
            units_total: 0,
            ..job("running", 0)
        };
        assert_eq!(job_progress(&empty).0, 0);
        assert_eq!(
            job_file_url(&job("done", 200)),
            "/api/v1/exports/jobs/7/file"
        );
    }
}
