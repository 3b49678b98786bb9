//! `/admin/content`: the study modules an organizer or admin may see in the content editor
//! (`GET /api/v1/content/modules`): each with its track, owner, lessons and whom it is
//! assigned to by when. Modules shipped from `seeds/` are marked 只读 (they are edited
//! through their files); the others open in the editor (`/admin/content/{id}`), and a new
//! module starts at `/admin/content/new`.

use leptos::prelude::*;
use shared::api::content::AuthoredModule;
use shared::api::org::OrgTree;
use shared::api::questions::Owner;
use shared::api::study::Track;

use crate::api;
use crate::components::{decoded, load, show, Loaded, Page};
use crate::format::date;
use crate::i18n::{locale, t, tf, K};

/// The catalogue key naming a track (the member app's study page has its own copy; the
/// console does not link the member pages).
pub fn track_key(track: Track) -> K {
    match track {
        Track::Theory => K::TrackTheory,
        Track::Discipline => K::TrackDiscipline,
        Track::Other => K::TrackOther,
    }
}

/// A unit's name from the tree (the organization when neither id is set).
pub fn owner_label(owner: &Owner, org: Option<&OrgTree>) -> String {
    let name = match (owner.branch_id, owner.youth_group_id) {
        (None, None) => return t(K::ContentOwnerOrg).into(),
        (Some(b), _) => org.and_then(|o| {
            o.branches
                .iter()
                .find(|x| x.id == b)
                .map(|x| x.name.clone())
        }),
        (None, Some(g)) => org.and_then(|o| {
            o.youth_groups
                .iter()
                .find(|x| x.id == g)
                .map(|x| x.name.clone())
        }),
    };
    name.unwrap_or_else(|| "—".into())
}

/// Whom a module is assigned to, by when and whether it is required, in one line.
pub fn assignment_line(m: &AuthoredModule, org: Option<&OrgTree>) -> String {
    let mut units: Vec<String> = Vec::new();
    if m.all {
        units.push(t(K::ContentAssignAll).into());
    }
    for b in &m.branch_ids {
        units.push(owner_label(
            &Owner {
                branch_id: Some(*b),
                youth_group_id: None,
            },
            org,
        ));
    }
    for g in &m.youth_group_ids {
        units.push(owner_label(
            &Owner {
                branch_id: None,
                youth_group_id: Some(*g),
            },
            org,
        ));
    }
    if units.is_empty() {
        return t(K::ContentNotAssigned).into();
    }
    let mut line = tf(K::ContentAssignedTo, &[("units", &units.join("、"))]);
    if let Some(due) = m.due_at {
        line.push_str(" · ");
        line.push_str(&tf(K::ContentDueOn, &[("date", &date(due, locale()))]));
    }
    if m.required {
        line.push_str(" · ");
        line.push_str(t(K::ContentAssignRequired));
    }
    line
}

/// One module of the list.
fn module_card(m: AuthoredModule, org: Option<OrgTree>) -> impl IntoView {
    let href = format!("/admin/content/{}", m.id);
    let assigned = assignment_line(&m, org.as_ref());
    let owner = owner_label(&m.owner, org.as_ref());
    view! {
        <li class="card content-module" data-module=m.id.to_string()>
            <div class="content-module-head">
                <a href=href class="content-module-title">
                    <strong>{m.title.clone()}</strong>
                </a>
                <span class="badge">{t(track_key(m.track))}</span>
                {m.shipped.then(|| view! { <span class="badge muted-badge shipped">{t(K::ContentShipped)}</span> })}
            </div>
            <p class="small muted">
                {format!("{} · {}", owner, tf(K::ContentLessons, &[("n", &m.lesson_count.to_string())]))}
            </p>
            <p class="small assignment">{assigned}</p>
        </li>
    }
}

#[component]
pub fn AdminContent() -> impl IntoView {
    let data = load(|| api::CONTENT_MODULES.into());
    let org = decoded::<OrgTree>(load(|| api::ORG.into()));
    let list = move |modules: Vec<AuthoredModule>| {
        if modules.is_empty() {
            return view! { <p class="card empty">{t(K::ContentEmpty)}</p> }.into_any();
        }
        let shipped = modules.iter().any(|m| m.shipped);
        let cards = move || {
            let tree = org.get().and_then(Result::ok);
            modules
                .iter()
                .map(|m| module_card(m.clone(), tree.clone()))
                .collect_view()
        };
        view! {
            {shipped.then(|| view! { <p class="banner info shipped-note">{t(K::ContentShippedNote)}</p> })}
            <ul class="content-list">{cards}</ul>
        }
        .into_any()
    };
    view! {
        <Page class="admin-content" title=K::ContentTitle back=Some("/admin")>
            <div class="toolbar">
                <a class="btn btn-primary" id="new-module" href="/admin/content/new">
                    "+ "
                    {t(K::ContentNew)}
                </a>
            </div>
            <Loaded data=data lines=5 ok=show(list)/>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module() -> AuthoredModule {
        AuthoredModule {
            id: 1,
            title: "专题".into(),
            track: Track::Theory,
            description: String::new(),
            position: 1,
            owner: Owner::default(),
            shipped: false,
            editable: true,
            all: false,
            branch_ids: vec![],
            youth_group_ids: vec![],
            due_at: None,
            required: false,
            lesson_count: 0,
        }
    }

    #[test]
    fn assignments_read_as_one_line() {
        assert_eq!(assignment_line(&module(), None), "尚未指派");
        let m = AuthoredModule {
            all: true,
            branch_ids: vec![7],
            required: true,
            // 2023-05-04 09:30 in Beijing.
            due_at: Some(1_683_163_800_000),
            ..module()
        };
        let line = assignment_line(&m, None);
        assert!(line.starts_with("当前指派：全体成员、—"), "{line}");
        assert!(
            line.contains("5月4日截止") && line.ends_with("必学"),
            "{line}"
        );
        assert_eq!(owner_label(&Owner::default(), None), "机关党委");
    }
}
