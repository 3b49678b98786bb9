//! `/`: the member's start page: who and where they are, today's tasks (study modules and
//! quizzes arrive in later releases), and the admin pages for staff.

use leptos::prelude::*;
use shared::api::auth::Role;

use crate::app::use_session;
use crate::components::Page;
use crate::i18n::{t, tf, K};

pub fn role_key(role: Role) -> K {
    match role {
        Role::Member => K::RoleMember,
        Role::Organizer => K::RoleOrganizer,
        Role::Admin => K::RoleAdmin,
    }
}

#[component]
pub fn Home() -> impl IntoView {
    let session = use_session();
    let name = move || session.with_me(|m| m.display_name.clone());
    let org = move || session.with_me(|m| m.organization_name.clone());
    let role = move || session.with_me(|m| Some(m.role)).map(|r| t(role_key(r)));
    let branch = move || {
        session
            .with_me(|m| m.branch_name.clone())
            .unwrap_or_else(|| t(K::HomeNoBranch).to_string())
    };
    let youth_group = move || {
        session
            .with_me(|m| m.youth_group_name.clone())
            .unwrap_or_else(|| t(K::HomeNoYouthGroup).to_string())
    };
    let tiles = [
        (K::Study, "学"),
        (K::Quiz, "答"),
        (K::Points, "积"),
        (K::Ranking, "排"),
        (K::MistakeBook, "错"),
        (K::CompletionRate, "率"),
    ];

    view! {
        <Page class="home" title=K::AppName>
            <section class="card hero">
                <p class="hero-org">{org}</p>
                <h2 class="hero-name">{move || tf(K::HomeGreeting, &[("name", &name())])}</h2>
                <span class="badge">{role}</span>
                <dl class="facts">
                    <div>
                        <dt>{t(K::HomeBranch)}</dt>
                        <dd>{branch}</dd>
                    </div>
                    <div>
                        <dt>{t(K::HomeYouthGroup)}</dt>
                        <dd>{youth_group}</dd>
                    </div>
                </dl>
            </section>

            <section class="card">
                <h2 class="card-title">{t(K::HomeTodayTasks)}</h2>
                <p class="muted">{t(K::HomeComingSoon)}</p>
                <ul class="tiles">
                    {tiles
                        .into_iter()
                        .map(|(k, icon)| {
                            view! {
                                <li class="tile">
                                    <span class="tile-icon" aria-hidden="true">{icon}</span>
                                    <span class="tile-label">{t(k)}</span>
                                    <span class="tile-soon">{t(K::HomeSoonBadge)}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>

            {move || {
                session
                    .is_staff()
                    .then(|| {
                        view! {
                            <section class="card">
                                <h2 class="card-title">{t(K::HomeManage)}</h2>
                                <ul class="link-list">
                                    <li>
                                        <a href="/admin/org" class="link-row">
                                            <span class="link-title">{t(K::HomeManageOrg)}</span>
                                            <span class="link-desc">{t(K::HomeManageOrgDesc)}</span>
                                        </a>
                                    </li>
                                    <li>
                                        <a href="/admin/members" class="link-row">
                                            <span class="link-title">{t(K::HomeManageMembers)}</span>
                                            <span class="link-desc">{t(K::HomeManageMembersDesc)}</span>
                                        </a>
                                    </li>
                                </ul>
                            </section>
                        }
                    })
            }}

            <section class="card">
                <h2 class="card-title">{t(K::HomeAccount)}</h2>
                <ul class="link-list">
                    <li>
                        <a href="/password" class="link-row">
                            <span class="link-title">{t(K::PasswordTitle)}</span>
                            <span class="link-desc">{t(K::PasswordRules)}</span>
                        </a>
                    </li>
                </ul>
            </section>
        </Page>
    }
}
