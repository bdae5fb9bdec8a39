//! Shell words: how `/bin/sh` would split a command line written as one string, for the fix
//! that turns `command: "python train.py --lr 0.1"` into a list.

/// The words of `line` as a POSIX shell splits them (quotes and backslashes), or `None` when
/// the line needs a shell to mean what it says: expansions, pipes, redirections, globs,
/// several commands, comments. Splitting those would change what runs.
pub fn split(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => words.extend(word.take()),
            '\'' => {
                let quoted = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => quoted.push(c),
                    }
                }
            }
            '"' => {
                let quoted = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '"' => break,
                        '$' | '`' => return None,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\' | '$' | '`') => quoted.push(c),
                            c => {
                                quoted.push('\\');
                                quoted.push(c);
                            }
                        },
                        c => quoted.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).push(chars.next()?),
            '\n' | '|' | '&' | ';' | '<' | '>' | '(' | ')' | '$' | '`' | '*' | '?' | '[' | '#'
            | '~' | '{' | '}' => return None,
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    (!words.is_empty()).then_some(words)
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn splits_as_a_shell_does() {
        assert_eq!(
            split(r#"python train.py --name "a b" 'c d' e\ f"#).unwrap(),
            ["python", "train.py", "--name", "a b", "c d", "e f"]
        );
        assert_eq!(
            split(r#"echo "say \"hi\"""#).unwrap(),
            ["echo", r#"say "hi""#]
        );
        assert_eq!(split("a=''").unwrap(), ["a="]);
    }

    #[test]
    fn refuses_what_needs_a_shell() {
        for line in [
            "pip install -r r.txt && python x.py",
            "echo $HOME",
            "ls *.py",
            "python x.py > out",
            "echo \"$HOME\"",
            "echo 'unterminated",
            "   ",
        ] {
            assert_eq!(split(line), None, "{line}");
        }
    }
}
