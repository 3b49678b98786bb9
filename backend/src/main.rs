//! The `beacon` binary: parses configuration, then serves, migrates, creates an admin or
//! loads demo data. Everything else lives in the library.

use std::net::SocketAddr;

use backend::config::{Cli, Command, ServeArgs};
use backend::db::Db;
use backend::domain::{auth, content, demo, notifications, question_bank, seeds};
use backend::{app, AppState, Settings};
use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(&cli.log).unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
    if let Err(e) = run(cli).await {
        eprintln!("beacon: {e}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let db = Db::connect(&cli.database_url).await?;
    db.migrate().await?;
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Migrate => println!("migrations applied"),
        Command::DemoData => {
            if demo::load(&db).await? {
                print_demo_credentials();
            } else {
                println!("the database already has accounts; demo data not loaded");
            }
        }
        Command::CreateAdmin(a) => {
            demo::create_admin(&db, &a.username, &a.name, &a.password).await?;
            println!("admin account {} is ready", a.username);
        }
        Command::Serve(args) => serve(db, args).await?,
    }
    Ok(())
}

async fn serve(db: Db, args: ServeArgs) -> Result<(), Box<dyn std::error::Error>> {
    // Instances started together load their content one at a time.
    db.with_startup_lock(async {
        demo::ensure_organization(&db, demo::ORGANIZATION).await?;
        if args.demo && demo::load(&db).await? {
            print_demo_credentials();
        }
        load_question_bank(&db, &args.question_bank).await?;
        if args.seeds.join(seeds::WORK_PLAN_FILE).exists() {
            seeds::load(&db, &args.seeds).await?;
        } else {
            tracing::warn!(dir = %args.seeds.display(), "no seeds folder; study material not loaded");
        }
        load_modules(&db, &args.seeds.join(content::MODULES_DIR)).await?;
        Ok(())
    })
    .await?;
    if !args.static_dir.join("index.html").exists() {
        tracing::warn!(dir = %args.static_dir.display(), "no built frontend found; serving the API only");
    }
    let settings = Settings {
        secure_cookie: args.secure_cookie,
        trusted_proxies: args.trust_proxy,
        sign_in_max_wait: std::time::Duration::from_millis(args.sign_in_max_wait_ms),
        static_dir: Some(args.static_dir.clone()),
        ..Settings::default()
    };
    // Each month's reminder is generated once, by whichever instance's timer gets there first.
    tokio::spawn(notifications::monthly_timer(db.clone()));
    tokio::spawn(auth::housekeeping_timer(db.clone()));
    let app = app(AppState::new(db, settings));
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    println!("Beacon is listening on http://{}", args.addr);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

/// Loads the question-bank files; any invalid file stops the start with every problem listed.
async fn load_question_bank(
    db: &Db,
    dir: &std::path::Path,
) -> Result<(), Box<dyn std::error::Error>> {
    if !dir.is_dir() {
        tracing::warn!(dir = %dir.display(), "no question-bank folder; none loaded");
        return Ok(());
    }
    let questions = question_bank::parse_dir(dir)
        .map_err(|errors| format!("the question bank has errors:\n  {}", errors.join("\n  ")))?;
    let report = question_bank::load(db, &questions).await?;
    tracing::info!(
        inserted = report.inserted,
        updated = report.updated,
        unchanged = report.unchanged,
        "question bank loaded"
    );
    Ok(())
}

/// Loads the study modules of `seeds/modules/` (after the question bank: each module
/// practises from one of its categories); any invalid file stops the start.
async fn load_modules(db: &Db, dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let modules = content::parse_dir(dir)
        .map_err(|errors| format!("the study modules have errors:\n  {}", errors.join("\n  ")))?;
    let n = content::load(db, &modules).await?;
    tracing::info!(modules = n, "study modules loaded");
    Ok(())
}

fn print_demo_credentials() {
    println!("Demo data loaded: {}", demo::ORGANIZATION);
    println!("  admin       {} / {}", demo::ADMIN.0, demo::ADMIN.1);
    for (u, p) in demo::ORGANIZERS {
        println!("  organizer   {u} / {p}");
    }
    println!(
        "  members     {} … {} / {}",
        demo::member_username(1),
        demo::member_username(demo::MEMBER_COUNT),
        demo::MEMBER_PASSWORD
    );
}
