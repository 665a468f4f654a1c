//! Measurements that need their own process: the parent re-runs this binary with the hidden
//! `child` subcommand, the child does one piece of work and prints one JSON line on stdout,
//! including its peak resident memory (`VmHWM` from `/proc/self/status`).

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

/// The peak resident set size of this process so far, in KiB (`VmHWM`), or `None` where
/// `/proc/self/status` is not available.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_hwm(&status)
}

fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()
}

/// Runs this binary as `bench child <args>` and returns the JSON it printed last.
pub fn run(args: &[&str]) -> Result<Value> {
    let exe = std::env::current_exe().context("cannot find the bench binary to re-run it as a child process")?;
    run_program(&exe, args)
}

fn run_program(exe: &Path, args: &[&str]) -> Result<Value> {
    let output = Command::new(exe)
        .arg("child")
        .args(args)
        .output()
        .with_context(|| format!("cannot start {} child {}", exe.display(), args.join(" ")))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "the child process `bench child {}` failed ({}):\n{}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim_end()
        );
    }
    let last = stdout.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    serde_json::from_str(last).with_context(|| format!("the child process `bench child {}` printed no result line: {stdout}", args.join(" ")))
}

/// A number field of a child's report.
pub fn number(report: &Value, key: &str) -> Result<f64> {
    report[key].as_f64().with_context(|| format!("the child's report has no `{key}`: {report}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn vm_hwm_is_read_in_kib() {
        let status = "Name:\tbench\nVmPeak:\t  20000 kB\nVmHWM:\t    1234 kB\nVmRSS:\t 1000 kB\n";
        assert_eq!(super::parse_vm_hwm(status), Some(1234));
        assert_eq!(super::parse_vm_hwm("Name: x\n"), None);
    }
}
