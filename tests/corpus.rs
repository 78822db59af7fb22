//! Every file of the shared corpus (`../shared/corpus`: real files written by Excel, LibreOffice,
//! Google Sheets, and the test suites of calamine, XlsxWriter, xlrd, readxl, readODS and CSV
//! parsers; see its MANIFEST.tsv) is fed to `g8audit validate` and `g8audit audit`. Each run
//! must end with a result (exit 0 or 1) or a clear refusal (exit 2, a message that names the
//! file) within 20 seconds and 2 GiB of address space: never a panic, an abort or a hang.
//!
//! The corpus is found at `$G8AUDIT_CORPUS`, else `../shared/corpus`, else `fixtures/corpus`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const TIME_LIMIT: Duration = Duration::from_secs(20);
const ADDRESS_SPACE_KIB: u64 = 2 * 1024 * 1024;

fn corpus_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("G8AUDIT_CORPUS").map(PathBuf::from),
        Some(root.join("../shared/corpus")),
        Some(root.join("fixtures/corpus")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("MANIFEST.tsv").is_file())
        .unwrap_or_else(|| {
            panic!(
                "no corpus: set G8AUDIT_CORPUS to a directory holding MANIFEST.tsv \
                 (the shared corpus is at ../shared/corpus)"
            )
        })
}

/// One run's verdict: `None` when clean, else what went wrong.
fn check(file: &Path, args: &[&str], scratch: &Path) -> Option<String> {
    let bin = env!("CARGO_BIN_EXE_g8audit");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {ADDRESS_SPACE_KIB}; exec \"$0\" \"$@\""))
        .arg(bin)
        .args(args)
        .current_dir(scratch)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn g8audit");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Some(format!("ran past {TIME_LIMIT:?}"));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    let name = file.display().to_string();
    if !matches!(code, Some(0..=2)) {
        return Some(format!("exit {code:?} (signal, abort or panic): {stderr}"));
    }
    if stderr.contains("panicked") {
        return Some(format!("a panic was printed: {stderr}"));
    }
    if code == Some(2) && (stderr.trim().is_empty() || !stderr.contains(&name)) {
        return Some(format!("refused without naming the file: {stderr:?}"));
    }
    None
}

#[test]
fn every_corpus_file_is_read_or_refused_cleanly() {
    let dir = corpus_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && !matches!(
                    p.file_name().and_then(|n| n.to_str()),
                    Some("MANIFEST.tsv" | "LICENSES.md" | "README.md")
                )
        })
        .collect();
    files.sort();
    assert!(files.len() > 100, "corpus too small: {}", files.len());

    let next = Mutex::new(files.iter());
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                let scratch = tempfile::tempdir().expect("tempdir");
                loop {
                    let Some(file) = next.lock().expect("lock").next() else {
                        break;
                    };
                    let f = file.to_str().expect("utf-8 path");
                    let json = scratch.path().join("out.json");
                    let csv = scratch.path().join("findings.csv");
                    let runs: [Vec<&str>; 2] = [
                        vec!["validate", f],
                        vec![
                            "audit",
                            f,
                            "--as-of",
                            "2026-11-01",
                            "--json",
                            json.to_str().expect("path"),
                            "--findings-csv",
                            csv.to_str().expect("path"),
                        ],
                    ];
                    for args in runs {
                        if let Some(problem) = check(file, &args, scratch.path()) {
                            failures
                                .lock()
                                .expect("lock")
                                .push(format!("{} {f}: {problem}", args[0]));
                        }
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().expect("lock");
    assert!(
        failures.is_empty(),
        "{} of {} files failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
