//! A deterministic mutation test: thousands of mutants of the fixtures (fixed seed), each
//! run through every command that reads a file, in this process, against the promises of
//! `common/promises.rs`. The coverage-guided campaign behind it is `fuzz/`
//! (`docs/security.md`); this keeps its promises in `cargo test`.

mod common;
#[path = "common/promises.rs"]
mod promises;

use common::{Scratch, fixtures, root};

const SEED: u64 = 0x005e_ed0f_91a7;
const MUTANTS: usize = 2_500;
/// Each mutant is checked (JSON) and rendered, and goes through one more command in turn:
/// every command sees hundreds of mutants, and the test stays well under a minute.
const ALWAYS: &[&[&str]] = &[promises::COMMANDS[1], promises::COMMANDS[6]];

/// xorshift64*: small, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that steer a YAML or JSON parser, and some that break UTF-8.
const INTERESTING: &[&[u8]] = &[
    b":",
    b"- ",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b"&a ",
    b"*a",
    b"!!str ",
    b"|",
    b">-",
    b"\t",
    b"\n",
    b"  ",
    b"'",
    b"\"",
    b"#",
    b"---\n",
    b"\xff",
    b"\xc3",
    b"\x00",
    b"{{ params.x }}",
    b"{% for i in range(9) %}",
    b"~",
    b"yes",
    b"0755",
    b"1e400",
    b"-1",
    b"token: ",
    b"<<: *a",
];

fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut bytes = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(8) {
            0 if !bytes.is_empty() => {
                let at = at.min(bytes.len() - 1);
                bytes[at] ^= 1 << rng.below(8);
            }
            1 => {
                let insert = INTERESTING[rng.below(INTERESTING.len())];
                bytes.splice(at..at, insert.iter().copied());
            }
            2 if !bytes.is_empty() => {
                let end = (at + rng.below(64)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            3 => {
                // A line repeated, or a run of one item: long lines, many findings.
                let start = bytes[..at]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |i| i + 1);
                let end = bytes[at..]
                    .iter()
                    .position(|b| *b == b'\n')
                    .map_or(bytes.len(), |i| at + i + 1);
                let line = bytes[start..end].to_vec();
                for _ in 0..1 + rng.below(200) {
                    bytes.splice(end..end, line.iter().copied());
                }
            }
            4 => {
                let from = rng.below(other.len() + 1);
                let to = (from + rng.below(256)).min(other.len());
                bytes.splice(at..at, other[from..to].iter().copied());
            }
            5 => {
                let item = INTERESTING[rng.below(INTERESTING.len())];
                let run: Vec<u8> = item.repeat(1 + rng.below(2_000));
                bytes.splice(at..at, run);
            }
            6 if !bytes.is_empty() => {
                // Re-indent from here: YAML's structure is its indentation.
                let spaces = b" ".repeat(rng.below(6));
                let at = bytes[..at]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |i| i + 1);
                bytes.splice(at..at, spaces);
            }
            _ => bytes.truncate(at),
        }
    }
    bytes
}

#[test]
fn mutants_of_the_fixtures_keep_every_promise() {
    let mut seeds: Vec<Vec<u8>> = ["valid", "invalid", "warnings", "fixed", "rbac", "agent"]
        .iter()
        .flat_map(|folder| fixtures(folder))
        .map(|path| std::fs::read(root().join(path)).unwrap())
        .collect();
    // The rule pages' examples, each rule's primary cases.
    for rule in plx::rules::RULES {
        for heading in ["## Example", "## Use instead"] {
            seeds.extend(common::yaml_in(rule.explanation, heading).map(|t| t.as_bytes().to_vec()));
        }
    }
    let scratch = Scratch::new("mutants");
    let mut rng = Rng(SEED);
    let mut broken = Vec::new();
    for index in 0..MUTANTS {
        let input = &seeds[rng.below(seeds.len())];
        let other = &seeds[rng.below(seeds.len())];
        let mutant = mutate(&mut rng, input, other);
        let path = scratch.file("mutant.yaml", &mutant);
        let other = promises::COMMANDS[index % promises::COMMANDS.len()];
        let commands = [ALWAYS[0], ALWAYS[1], other];
        if let Err(problem) = promises::judge_with(&commands, &path, mutant.len()) {
            // Kept past the test, to be replayed: `plx check target/tmp/mutant-N.yaml`.
            let kept = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("mutant-{index}.yaml"));
            std::fs::write(&kept, &mutant).unwrap();
            broken.push(format!("{}: {problem}", kept.display()));
            if broken.len() >= 5 {
                break;
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}
