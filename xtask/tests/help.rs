//! `cargo xtask TASK --help` prints the task's usage and succeeds, for every task `cargo xtask
//! help` lists; a task run without its required arguments fails with its usage.

use std::process::Command;

fn xtask(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

/// The tasks `cargo xtask help` lists (lines indented by exactly two spaces under `tasks:`).
fn listed_tasks() -> Vec<String> {
    let help = xtask(&["help"]);
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).unwrap();
    let tasks = text.split_once("tasks:\n").expect("a task list").1;
    let mut names: Vec<String> = (tasks.lines())
        .filter_map(|l| l.strip_prefix("  ").filter(|l| !l.starts_with(' ')))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    names.dedup();
    names
}

#[test]
fn every_task_answers_help_with_its_usage() {
    let tasks = listed_tasks();
    assert!(tasks.len() >= 7, "{tasks:?}");
    for task in &tasks {
        for flag in ["--help", "-h"] {
            let out = xtask(&[task, flag]);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "`cargo xtask {task} {flag}` failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(stdout.starts_with("usage: "), "{task}: {stdout}");
            assert!(stdout.contains(&format!("\n  {task} ")), "{task}: {stdout}");
        }
    }
}

#[test]
fn generate_without_its_arguments_fails_with_its_usage() {
    let out = xtask(&["generate"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage: cargo xtask generate --spec FILE --out DIR"));
}

/// `cargo xtask codegen` says what it is doing before it is done: the spec it reads, what the
/// spec holds and how many files it compares or writes, and where.
#[test]
fn codegen_says_what_it_is_doing() {
    let out = xtask(&["codegen", "--check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.first(), Some(&"reading spec/cloudflare-ssl.yaml"), "{stderr}");
    assert!(
        lines.iter().any(|l| l.starts_with("read ") && l.contains(" operations, ") && l.ends_with(" types")),
        "{stderr}"
    );
    assert!(lines.iter().any(|l| l.starts_with("comparing ") && l.ends_with(" files in generated/")), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "generated code is fresh\n");
}
