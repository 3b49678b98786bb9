//! The server under test: a release `beacon serve` on a free 127.0.0.1 port against the
//! prepared database, its memory read from `/proc/<pid>/status`, stopped at the end.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

use crate::http::{Browser, Call};

pub struct Server {
    child: Child,
    pub pid: u32,
    pub addr: SocketAddr,
    pub log: PathBuf,
}

/// The release binary: `--server`, else `$CARGO_TARGET_DIR/release/beacon`, else the
/// repository's `target/release/beacon`.
pub fn binary(explicit: Option<PathBuf>, root: &Path) -> Result<PathBuf, String> {
    let path = explicit.unwrap_or_else(|| {
        std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"))
            .join("release")
            .join("beacon")
    });
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "no server binary at {}: build it with `cargo build --release -p backend` (or pass --server)",
            path.display()
        ))
    }
}

/// A port nobody listens on now.
fn free_port() -> std::io::Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

impl Server {
    /// Starts `beacon serve` from the repository root (so it loads `question-bank/` and
    /// `seeds/` as in production) and waits until `/api/health` answers.
    pub async fn start(
        binary: &Path,
        root: &Path,
        database_url: &str,
        log: PathBuf,
    ) -> Result<Server, String> {
        let port = free_port().map_err(|e| format!("free port: {e}"))?;
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let out = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new(binary)
            .arg("serve")
            .current_dir(root)
            .env("DATABASE_URL", database_url)
            .env("BEACON_ADDR", addr.to_string())
            .env("BEACON_LOG", "warn")
            .env("NO_COLOR", "1")
            .env("BEACON_DEMO", "false")
            .env("BEACON_QUESTION_BANK", root.join("question-bank"))
            .env("BEACON_SEEDS", root.join("seeds"))
            .env("BEACON_STATIC_DIR", root.join("frontend/dist"))
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("start {}: {e}", binary.display()))?;
        let pid = child.id().ok_or("the server exited at once")?;
        let mut server = Server {
            child,
            pid,
            addr,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!(
                    "the server exited ({status}) before answering; see {}",
                    server.log.display()
                ));
            }
            let mut b = Browser::new(addr, std::net::Ipv4Addr::new(127, 0, 0, 1));
            if b.call(Call::get("health", "/api/health")).await.is_some() {
                return Ok(server);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "the server did not answer /api/health within 3 minutes; see {}",
                    server.log.display()
                ));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// How many lines of its log are errors (failed requests are logged once each, twice
    /// with the trace layer's line).
    pub fn logged_errors(&self) -> usize {
        std::fs::read_to_string(&self.log)
            .map(|t| t.lines().filter(|l| l.contains("ERROR")).count())
            .unwrap_or(0)
    }

    /// Stops the server as Ctrl-C would (graceful shutdown), killing it if it lingers.
    pub async fn stop(mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-INT", &self.pid.to_string()])
            .status();
        if tokio::time::timeout(Duration::from_secs(15), self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
    }
}

/// A field of `/proc/<pid>/status` in kB (VmRSS, VmHWM).
fn status_kb(pid: u32, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Samples the server's resident memory every 50 ms during a scenario. Its peak is the
/// larger of the sampled maximum and VmHWM, which is reset at the start (writing 5 to
/// `/proc/<pid>/clear_refs`) so it covers this scenario only when the kernel allows it.
pub struct RssSampler {
    pid: u32,
    max_kb: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
    hwm_reset: bool,
}

pub struct Rss {
    /// Peak resident set in MB over the scenario.
    pub peak_mb: f64,
    /// How it was measured, for the report.
    pub how: &'static str,
}

impl RssSampler {
    pub fn start(pid: u32) -> RssSampler {
        let hwm_reset = std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok();
        let max_kb = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (m, s) = (max_kb.clone(), stop.clone());
        let task = tokio::spawn(async move {
            // Bounded by the scenario (stop) and by an hour at most.
            for _ in 0..72_000 {
                if s.load(Ordering::Relaxed) {
                    break;
                }
                if let Some(kb) = status_kb(pid, "VmRSS:") {
                    m.fetch_max(kb, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        });
        RssSampler {
            pid,
            max_kb,
            stop,
            task,
            hwm_reset,
        }
    }

    pub async fn finish(self) -> Rss {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.task.await;
        let sampled = self.max_kb.load(Ordering::Relaxed);
        let hwm = status_kb(self.pid, "VmHWM:").unwrap_or(0);
        let (kb, how) = if self.hwm_reset {
            (hwm.max(sampled), "VmHWM of the scenario")
        } else {
            (sampled, "VmRSS sampled every 50 ms")
        };
        Rss {
            peak_mb: kb as f64 / 1024.0,
            how,
        }
    }
}

/// The floor program (`beacon-floor`, built beside `beacon`) on a free port of its own.
pub struct Floor {
    child: Child,
    pub addr: SocketAddr,
}

impl Floor {
    /// Starts `binary` on `database_url` and waits for its `listening on <addr>` line.
    pub async fn start(binary: &Path, database_url: &str) -> Result<Floor, String> {
        use tokio::io::AsyncBufReadExt;
        let mut child = Command::new(binary)
            .args(["--database-url", database_url, "--addr", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("start {}: {e}", binary.display()))?;
        let out = child.stdout.take().ok_or("beacon-floor: no stdout")?;
        let mut lines = tokio::io::BufReader::new(out).lines();
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .map_err(|_| "beacon-floor did not start within 30 s".to_string())?
            .map_err(|e| format!("beacon-floor: {e}"))?
            .ok_or("beacon-floor exited before listening")?;
        let addr = line
            .strip_prefix("listening on ")
            .and_then(|a| a.parse().ok())
            .ok_or_else(|| format!("beacon-floor said {line:?}"))?;
        Ok(Floor { child, addr })
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}
