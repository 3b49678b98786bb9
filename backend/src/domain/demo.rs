//! The demo organization: 4 branches with cells, 2 youth groups that cut across branches,
//! 40 members, 2 organizers and 1 admin, so a new user has a working app to look at.
//! Also the admin bootstrap used by `beacon create-admin`.

use shared::api::auth::Scope;

use crate::db::{self, org::Unit, users::NewUser, Db};
use crate::error::AppResult;
use crate::password::hash as hash_password;

pub const ORGANIZATION: &str = "市发展改革委机关党委";
pub const BRANCHES: [&str; 4] = [
    "机关第一党支部",
    "机关第二党支部",
    "机关第三党支部",
    "机关第四党支部",
];
pub const YOUTH_GROUPS: [&str; 2] = ["“青春先锋”青年理论学习小组", "“求是”青年理论学习小组"];

/// Demo sign-ins, printed at start and listed in the README.
pub const ADMIN: (&str, &str) = ("admin", "Beacon2023");
pub const ORGANIZERS: [(&str, &str); 2] = [("org1", "Beacon2023"), ("org2", "Beacon2023")];
pub const MEMBER_PASSWORD: &str = "Beacon2023";
pub const MEMBER_COUNT: usize = 40;

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: [&str; 20] = [
    "建国", "晓明", "丽华", "志强", "海燕", "文博", "静怡", "国栋", "雪梅", "子涵", "振华", "思远",
    "佳琪", "立新", "春燕", "宇航", "秀英", "浩然", "红梅", "俊杰",
];

/// The demo username of member `i` (1-based): `m001` … `m040`.
pub fn member_username(i: usize) -> String {
    format!("m{i:03}")
}

/// Ensures the organization row exists (every deployment has exactly one).
pub async fn ensure_organization(db: &Db, name: &str) -> AppResult<i64> {
    let mut tx = db.begin_write().await?;
    let id = match db::org::organization(&mut tx).await? {
        Some(org) => org.id,
        None => db::org::insert_organization(&mut tx, name).await?,
    };
    tx.commit().await?;
    Ok(id)
}

/// Loads the demo data into a database without accounts; returns false (and changes
/// nothing) when accounts already exist.
pub async fn load(db: &Db) -> AppResult<bool> {
    // Every demo account shares one password, so one (slow) hash serves them all.
    let hash = hash_password(MEMBER_PASSWORD.to_string()).await?;
    let mut tx = db.begin_write().await?;
    if db::users::count_all(&mut tx).await? > 0 {
        return Ok(false);
    }
    let org = match db::org::organization(&mut tx).await? {
        Some(o) => o.id,
        None => db::org::insert_organization(&mut tx, ORGANIZATION).await?,
    };
    let mut branches = Vec::new();
    let mut cells = Vec::new();
    for name in BRANCHES {
        let b = db::org::insert_unit(&mut tx, Unit::Branch, org, name).await?;
        let c1 = db::org::insert_unit(&mut tx, Unit::Cell, b, "第一党小组").await?;
        let c2 = db::org::insert_unit(&mut tx, Unit::Cell, b, "第二党小组").await?;
        branches.push(b);
        cells.push([c1, c2]);
    }
    let mut groups = Vec::new();
    for name in YOUTH_GROUPS {
        groups.push(db::org::insert_unit(&mut tx, Unit::YouthGroup, org, name).await?);
    }
    db::users::insert(
        &mut tx,
        &NewUser {
            username: ADMIN.0,
            display_name: "机关党委管理员",
            password_hash: &hash,
            role: "admin",
            branch_id: None,
            cell_id: None,
            youth_group_id: None,
            phone: None,
            must_change_password: false,
        },
    )
    .await?;
    let organizer_names = ["组织委员周立新", "团委书记林思远"];
    for (i, (username, _)) in ORGANIZERS.iter().enumerate() {
        let id = db::users::insert(
            &mut tx,
            &NewUser {
                username,
                display_name: organizer_names[i],
                password_hash: &hash,
                role: "organizer",
                branch_id: Some(branches[i]),
                cell_id: None,
                youth_group_id: None,
                phone: None,
                must_change_password: false,
            },
        )
        .await?;
        // org1 looks after the first two branches; org2 after both youth groups.
        let scope = if i == 0 {
            Scope {
                branch_ids: vec![branches[0], branches[1]],
                youth_group_ids: vec![],
            }
        } else {
            Scope {
                branch_ids: vec![],
                youth_group_ids: groups.clone(),
            }
        };
        db::users::set_scope(&mut tx, id, &scope).await?;
    }
    for i in 1..=MEMBER_COUNT {
        let b = (i - 1) % BRANCHES.len();
        let name = format!("{}{}", SURNAMES[(i * 7) % 20], GIVEN[(i * 3) % 20]);
        // Every third member is in a youth group, alternating, across all branches.
        let group = (i % 3 == 0).then(|| groups[(i / 3) % 2]);
        db::users::insert(
            &mut tx,
            &NewUser {
                username: &member_username(i),
                display_name: &name,
                password_hash: &hash,
                role: "member",
                branch_id: Some(branches[b]),
                cell_id: Some(cells[b][((i - 1) / BRANCHES.len()) % 2]),
                youth_group_id: group,
                phone: Some(&format!("139{:08}", 10_000_000 + i)),
                must_change_password: false,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Creates an admin account, or sets the password of an existing admin.
pub async fn create_admin(db: &Db, username: &str, name: &str, password: &str) -> AppResult<()> {
    shared::validation::username(username)?;
    shared::validation::display_name(name)?;
    shared::validation::new_password(password, username)?;
    ensure_organization(db, ORGANIZATION).await?;
    let hash = hash_password(password.to_string()).await?;
    let mut tx = db.begin_write().await?;
    match db::users::find_by_username(&mut tx, username).await? {
        Some(u) if u.role == "admin" => {
            db::users::set_password(&mut tx, u.id, &hash, false).await?;
        }
        Some(_) => {
            return Err(crate::error::AppError::conflict(
                shared::error::codes::USERNAME_TAKEN,
                format!("账号“{username}”已被非管理员账号使用"),
            ))
        }
        None => {
            db::users::insert(
                &mut tx,
                &NewUser {
                    username,
                    display_name: name,
                    password_hash: &hash,
                    role: "admin",
                    branch_id: None,
                    cell_id: None,
                    youth_group_id: None,
                    phone: None,
                    must_change_password: false,
                },
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
