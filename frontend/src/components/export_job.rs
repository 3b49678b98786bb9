//! The members' progress export (up to the whole organization) as a background job: two
//! buttons start it, a progress bar follows the server writing the file, then a link
//! downloads it. Pages route the buttons' clicks (`export-xlsx`, `export-csv`) to
//! [`Exporter::click`].

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

use crate::api;
use crate::components::error_text;
use crate::html::{action, banner, bar, el, esc};
use crate::i18n::{t, tf, K};
use crate::json::{i, s};

/// The export job of a page, if one was started.
#[derive(Clone, Copy)]
pub struct Exporter {
    job: RwSignal<Option<Result<Value, String>>>,
}

impl Exporter {
    pub fn new() -> Exporter {
        Exporter {
            job: RwSignal::new(None),
        }
    }

    /// Handles a click on one of the buttons (`true`), with the export's `query` (the
    /// period, and the unit if one).
    pub fn click(self, what: &str, query: &str) -> bool {
        let Some(format) = what.strip_prefix("export-") else {
            return false;
        };
        let url = format!("{}/members/jobs?format={format}&{query}", api::EXPORTS);
        self.job.set(None);
        api::spawn_call("POST", url, None, move |r| self.follow(r));
        true
    }

    /// Shows the job's state and asks again while it runs.
    fn follow(self, r: Result<Value, api::ApiError>) {
        let running = matches!(&r, Ok(v) if s(v, "state") == "running");
        let id = r.as_ref().map(|v| i(v, "id")).unwrap_or(0);
        if self
            .job
            .try_set(Some(r.map_err(|e| error_text(&e))))
            .is_none()
            && running
        {
            spawn_local(async move {
                crate::browser::sleep(500).await;
                api::spawn_call(
                    "GET",
                    format!("{}/jobs/{id}", api::EXPORTS),
                    None,
                    move |r| self.follow(r),
                );
            });
        }
    }

    /// The buttons and, once started, the job.
    pub fn html(self) -> String {
        let job = self.job.with(|j| match j {
            None => String::new(),
            Some(Ok(v)) => job_html(v),
            Some(Err(m)) => banner(false, m),
        });
        format!(
            r#"<div class="export-job"><p class="small export">{}{}{}</p>{job}</div>"#,
            esc(t(K::ExportMembers)),
            action("export-xlsx", 0, "btn-ghost btn-small", "Excel"),
            action("export-csv", 0, "btn-ghost btn-small", "CSV")
        )
    }
}

impl Default for Exporter {
    fn default() -> Self {
        Exporter::new()
    }
}

/// An export job (`ExportJob` JSON): progress while it runs, then the download.
pub fn job_html(job: &Value) -> String {
    let (done, total) = (i(job, "units_done"), i(job, "units_total"));
    match s(job, "state") {
        "done" => format!(
            r#"<p class="banner success">{} <a class="btn btn-primary btn-small" id="export-file" href="{}/jobs/{}/file" download>{}</a></p>"#,
            esc(&tf(
                K::ExportReady,
                &[("rows", &i(job, "rows").to_string())]
            )),
            api::EXPORTS,
            i(job, "id"),
            esc(s(job, "file_name"))
        ),
        "failed" => banner(false, s(job, "error")),
        _ => {
            let pct = if total > 0 { done * 100 / total } else { 0 };
            bar(pct, t(K::ExportRunning))
                + &el(
                    "p",
                    "small muted",
                    &tf(
                        K::ExportProgress,
                        &[
                            ("done", &done.to_string()),
                            ("total", &total.to_string()),
                            ("rows", &i(job, "rows").to_string()),
                        ],
                    ),
                )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_job_shows_progress_then_its_file() {
        let running = json!({"id": 7, "state": "running", "units_done": 50, "units_total": 200,
                             "rows": 25000, "file_name": "成员完成情况.csv"});
        let h = job_html(&running);
        assert!(h.contains(r#"aria-valuenow="25""#), "{h}");
        assert!(h.contains("50/200"), "{h}");
        assert!(h.contains("25000"), "{h}");
        let done = json!({"id": 7, "state": "done", "units_done": 200, "units_total": 200,
                          "rows": 100000, "file_name": "成员完成情况.csv"});
        let h = job_html(&done);
        assert!(
            h.contains(r#"href="/api/v1/exports/jobs/7/file" download"#),
            "{h}"
        );
        assert!(h.contains("成员完成情况.csv"));
        let failed = json!({"id": 7, "state": "failed", "error": "导出失败，请重试"});
        assert!(job_html(&failed).contains("banner error"));
    }
}
