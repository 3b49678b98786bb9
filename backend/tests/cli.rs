//! The `beacon` command line: documented configuration and the admin/demo commands,
//! run as a user would on a fresh SQLite file.

use std::process::Command;

fn beacon(db_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_beacon"))
        .args(args)
        .env("DATABASE_URL", db_url)
        .env("BEACON_LOG", "warn")
        .output()
        .expect("run beacon")
}

#[test]
fn help_documents_every_setting_and_command() {
    let out = beacon("sqlite::memory:", &["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "BEACON_ADDR",
        "127.0.0.1:3000",
        "DATABASE_URL",
        "BEACON_LOG",
        "serve",
        "create-admin",
        "demo-data",
    ] {
        assert!(text.contains(needle), "--help mentions {needle}:\n{text}");
    }
    let out = beacon("sqlite::memory:", &["serve", "--help"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("BEACON_STATIC_DIR"));
}

#[test]
fn demo_data_and_create_admin_on_a_new_database() {
    let dir = tempfile::tempdir().unwrap();
    // The folder under the database file does not exist yet: it is created.
    let url = format!("sqlite:{}", dir.path().join("sub/beacon.db").display());
    let out = beacon(&url, &["demo-data"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("admin") && text.contains("m001"), "{text}");
    // A second run changes nothing.
    let out = beacon(&url, &["demo-data"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("already has accounts"));

    let out = Command::new(env!("CARGO_BIN_EXE_beacon"))
        .args(["create-admin", "--username", "chief01", "--name", "书记"])
        .env("DATABASE_URL", &url)
        .env("BEACON_ADMIN_PASSWORD", "weak")
        .output()
        .unwrap();
    assert!(!out.status.success(), "a weak password is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("密码"));
    let out = Command::new(env!("CARGO_BIN_EXE_beacon"))
        .args(["create-admin", "--username", "chief01", "--name", "书记"])
        .env("DATABASE_URL", &url)
        .env("BEACON_ADMIN_PASSWORD", "Strong2024pass")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = beacon("mysql://nope", &["migrate"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sqlite: or postgres:"));
}
