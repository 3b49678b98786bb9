//! `/reports` (我的纠错): the member's own error reports, newest first, each with the
//! question as it reads now, what the member wrote, where it stands and the organizer's
//! reply once answered.

use leptos::prelude::*;
use shared::api::questions::{MyReport, ReportStatus};

use crate::api;
use crate::components::{load, show, Loaded, Page};
use crate::format::date;
use crate::i18n::{locale, t, tf, K};

/// A report's state as the member reads it.
pub fn status_key(status: ReportStatus) -> K {
    match status {
        ReportStatus::Open => K::ReportOpen,
        ReportStatus::Resolved => K::ReportResolved,
        ReportStatus::Rejected => K::ReportRejected,
    }
}

/// When it was sent and, once answered, when: "12月3日提交 · 12月6日答复".
pub fn report_dates(r: &MyReport) -> String {
    let sent = tf(K::MyReportSent, &[("date", &date(r.created_at, locale()))]);
    match r.resolved_at {
        Some(at) => format!(
            "{sent} · {}",
            tf(K::MyReportAnswered, &[("date", &date(at, locale()))])
        ),
        None => sent,
    }
}

fn report_list(reports: Vec<MyReport>) -> impl IntoView {
    if reports.is_empty() {
        return view! { <p class="card empty">{t(K::MyReportsEmpty)}</p> }.into_any();
    }
    let rows = reports.into_iter().map(|r| {
        let dates = report_dates(&r);
        let status = r.status;
        let reply = r.reply.filter(|x| !x.trim().is_empty());
        view! {
            <li class="card my-report" data-status=status.as_str()>
                <div class="my-report-head">
                    <span class=format!("badge report-{}", status.as_str())>{t(status_key(status))}</span>
                    <span class="small muted">{dates}</span>
                </div>
                <p class="my-report-stem">{r.stem}</p>
                <p class="my-report-comment">
                    <span class="muted">{t(K::MyReportMine)}</span>
                    {r.comment}
                </p>
                {match (reply, status) {
                    (Some(reply), _) => view! {
                        <p class="my-report-reply">{tf(K::ReportReply, &[("reply", &reply)])}</p>
                    }.into_any(),
                    (None, ReportStatus::Open) => view! {
                        <p class="small muted">{t(K::MyReportWaiting)}</p>
                    }.into_any(),
                    (None, _) => ().into_any(),
                }}
            </li>
        }
    });
    view! { <ul class="plain my-reports">{rows.collect_view()}</ul> }.into_any()
}

#[component]
pub fn MyReports() -> impl IntoView {
    let reports = load(|| api::MY_REPORTS.into());
    view! {
        <Page class="my-reports-page" title=K::MyReportsTitle back=Some("/")>
            <p class="hint">{t(K::MyReportsHint)}</p>
            <Loaded data=reports lines=4 ok=show(report_list)/>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(resolved_at: Option<i64>) -> MyReport {
        MyReport {
            id: 1,
            question_id: 2,
            stem: "题干".into(),
            comment: "答案有误".into(),
            status: ReportStatus::Open,
            reply: None,
            created_at: 1_796_300_000_000,
            resolved_at,
        }
    }

    #[test]
    fn dates_say_when_sent_and_when_answered() {
        assert_eq!(report_dates(&report(None)), "12月3日提交");
        assert_eq!(
            report_dates(&report(Some(1_796_500_000_000))),
            "12月3日提交 · 12月6日答复"
        );
    }

    #[test]
    fn every_status_has_its_own_words() {
        let keys = [
            ReportStatus::Open,
            ReportStatus::Resolved,
            ReportStatus::Rejected,
        ]
        .map(status_key);
        assert_ne!(keys[0], keys[1]);
        assert_ne!(keys[1], keys[2]);
    }
}
