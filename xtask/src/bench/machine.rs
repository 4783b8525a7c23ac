//! A description of the machine and toolchain, for the report.

use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug)]
pub(crate) struct Machine {
    pub(crate) cpu: String,
    pub(crate) cores: String,
    pub(crate) usable_cores: usize,
    pub(crate) memory: String,
    pub(crate) os: String,
    pub(crate) rustc: String,
    pub(crate) zwasm_commit: String,
    pub(crate) load: String,
    pub(crate) date: String,
}

pub(crate) fn describe(root: &Path) -> Machine {
    let cpuinfo = read("/proc/cpuinfo");
    let cpu = field(&cpuinfo, "model name").unwrap_or_else(|| "unknown".to_owned());
    let logical = cpuinfo
        .lines()
        .filter(|line| line.starts_with("processor"))
        .count();
    let usable = std::thread::available_parallelism().map_or(0, std::num::NonZeroUsize::get);
    let memory = field(&read("/proc/meminfo"), "MemTotal")
        .and_then(|kb| kb.trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or_else(
            || "unknown".to_owned(),
            |kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0),
        );
    let os_release = read("/etc/os-release");
    let os = field_eq(&os_release, "PRETTY_NAME").unwrap_or_else(|| "unknown".to_owned());
    let kernel = read("/proc/sys/kernel/osrelease").trim().to_owned();
    Machine {
        cpu,
        cores: format!("{usable} usable ({logical} logical in /proc/cpuinfo)"),
        usable_cores: usable,
        memory,
        os: format!("{os}, Linux {kernel}, {}", std::env::consts::ARCH),
        rustc: output("rustc", &["-V"], root),
        zwasm_commit: output("git", &["describe", "--always", "--dirty"], root),
        load: load_average(),
        date: today(),
    }
}

/// The 1, 5 and 15 minute load averages: how busy the machine was.
pub(crate) fn load_average() -> String {
    read("/proc/loadavg")
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// `key : value` lines (/proc files).
fn field(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        (k.trim() == key).then(|| v.trim().to_owned())
    })
}

/// `KEY="value"` lines (os-release).
fn field_eq(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn output(program: &str, args: &[&str], dir: &Path) -> String {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Today's UTC date as YYYY-MM-DD.
fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// algorithm), to avoid a date crate for one line of the report.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_417), (2025, 11, 25));
    }

    #[test]
    fn parses_proc_and_os_release_fields() {
        assert_eq!(
            field("model name\t: Some CPU\nflags : x", "model name").as_deref(),
            Some("Some CPU")
        );
        assert_eq!(
            field_eq("NAME=x\nPRETTY_NAME=\"Debian 12\"\n", "PRETTY_NAME").as_deref(),
            Some("Debian 12")
        );
    }
}
