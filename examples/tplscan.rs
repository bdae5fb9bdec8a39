fn main() {
    let env = plx::template::environment();
    let mut names = std::collections::BTreeMap::<String, usize>::new();
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let Ok(tree) = plx::yaml::load(&text, plx::yaml::Limits::default()) else {
            continue;
        };
        let mut found = Vec::new();
        plx::template::find(&tree, "", &mut found);
        for f in found {
            match plx::template::references(&env, f.text) {
                Ok(refs) => {
                    for r in refs {
                        *names.entry(r).or_default() += 1;
                    }
                }
                Err(e) => println!("ERR {path} {}: {:?} :: {}", f.pointer, e.message, f.text),
            }
        }
    }
    for (n, c) in names {
        println!("{c}\t{n}");
    }
}
