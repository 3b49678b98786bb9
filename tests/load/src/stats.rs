//! Figures from the recorded samples: per-endpoint percentiles, errors by status and code,
//! and the PASS/FAIL lines.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::http::Sample;

/// The `p` quantile of sorted durations, in milliseconds (nearest rank).
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64) * p).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

pub struct EndpointFigures {
    pub endpoint: &'static str,
    pub count: usize,
    pub errors: usize,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

pub struct Figures {
    pub requests: usize,
    pub errors: usize,
    pub endpoints: Vec<EndpointFigures>,
    /// (status, code) → count; status 0 is no answer.
    pub errors_by: BTreeMap<(u16, String), usize>,
}

impl Figures {
    pub fn of(samples: &[Sample]) -> Figures {
        let mut by: BTreeMap<&'static str, (Vec<Duration>, usize)> = BTreeMap::new();
        let mut errors_by = BTreeMap::new();
        for s in samples {
            let e = by.entry(s.endpoint).or_default();
            e.0.push(s.elapsed);
            if let Some(code) = &s.error {
                e.1 += 1;
                *errors_by.entry((s.status, code.clone())).or_insert(0) += 1;
            }
        }
        let endpoints = by
            .into_iter()
            .map(|(endpoint, (mut d, errors))| {
                d.sort();
                EndpointFigures {
                    endpoint,
                    count: d.len(),
                    errors,
                    p50: percentile(&d, 0.50),
                    p95: percentile(&d, 0.95),
                    p99: percentile(&d, 0.99),
                    max: d.last().map_or(0.0, |x| x.as_secs_f64() * 1000.0),
                }
            })
            .collect();
        Figures {
            requests: samples.len(),
            errors: errors_by.values().sum(),
            endpoints,
            errors_by,
        }
    }

    pub fn get(&self, endpoint: &str) -> Option<&EndpointFigures> {
        self.endpoints.iter().find(|e| e.endpoint == endpoint)
    }

    pub fn print_table(&self) {
        println!(
            "  {:<48} {:>7} {:>8} {:>8} {:>8} {:>8} {:>7}",
            "endpoint", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"
        );
        for e in &self.endpoints {
            println!(
                "  {:<48} {:>7} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>7}",
                e.endpoint, e.count, e.p50, e.p95, e.p99, e.max, e.errors
            );
        }
        if self.errors_by.is_empty() {
            println!("  errors: none");
        } else {
            println!("  errors by status and code:");
            for ((status, code), n) in &self.errors_by {
                let status = if *status == 0 {
                    "no answer".to_string()
                } else {
                    status.to_string()
                };
                println!("    {status:>9}  {code:<40} {n:>7}");
            }
        }
    }
}

/// One target's verdict line.
pub fn verdict(ok: bool, target: &str, measured: &str) {
    println!("{}  {target}: {measured}", if ok { "PASS" } else { "FAIL" });
}
