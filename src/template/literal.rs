//! Python literals, as Polyaxon reads a template's result with `ast.literal_eval`:
//! `"['--lr=0.1', 5]"` becomes a list, `"{'a': 1}"` a mapping. Only what `str()` of a
//! param prints is read: strings, numbers, `True`/`False`/`None`, lists, tuples, dicts.

use serde_json::Value;

/// The value `text` spells, when it is a Python list or dict literal.
pub fn container(text: &str) -> Option<Value> {
    let trimmed = text.trim();
    if !(trimmed.starts_with('[') || trimmed.starts_with('{') || trimmed.starts_with('(')) {
        return None;
    }
    let mut parser = Parser {
        chars: trimmed.chars().collect(),
        at: 0,
    };
    let value = parser.value()?;
    parser.spaces();
    (parser.at == parser.chars.len()).then_some(value)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.spaces();
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<Value> {
        self.spaces();
        match self.peek()? {
            '[' => self.sequence('[', ']'),
            '(' => self.sequence('(', ')'),
            '{' => self.mapping(),
            '\'' | '"' => self.string().map(Value::String),
            _ => self.word(),
        }
    }

    fn sequence(&mut self, open: char, close: char) -> Option<Value> {
        self.eat(open);
        let mut items = Vec::new();
        loop {
            if self.eat(close) {
                return Some(Value::Array(items));
            }
            items.push(self.value()?);
            if !self.eat(',') {
                return self.eat(close).then_some(Value::Array(items));
            }
        }
    }

    fn mapping(&mut self) -> Option<Value> {
        self.eat('{');
        let mut map = serde_json::Map::new();
        loop {
            if self.eat('}') {
                return Some(Value::Object(map));
            }
            let key = match self.value()? {
                Value::String(key) => key,
                other => other.to_string(),
            };
            if !self.eat(':') {
                return None;
            }
            map.insert(key, self.value()?);
            if !self.eat(',') {
                return self.eat('}').then_some(Value::Object(map));
            }
        }
    }

    fn string(&mut self) -> Option<String> {
        let quote = self.peek()?;
        self.at += 1;
        let mut out = String::new();
        loop {
            let c = self.peek()?;
            self.at += 1;
            match c {
                '\\' => {
                    let escaped = self.peek()?;
                    self.at += 1;
                    out.push(match escaped {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                }
                c if c == quote => return Some(out),
                c => out.push(c),
            }
        }
    }

    fn word(&mut self) -> Option<Value> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| !matches!(c, ',' | ']' | ')' | '}' | ':') && !c.is_whitespace())
        {
            self.at += 1;
        }
        let word: String = self.chars[start..self.at].iter().collect();
        match word.as_str() {
            "True" => Some(Value::Bool(true)),
            "False" => Some(Value::Bool(false)),
            "None" => Some(Value::Null),
            _ => word
                .parse::<i64>()
                .map(Value::from)
                .ok()
                .or_else(|| word.parse::<f64>().ok().map(Value::from)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_reprs_read_back() {
        assert_eq!(
            container("['--message1=x', '--message2=x']"),
            Some(serde_json::json!(["--message1=x", "--message2=x"]))
        );
        assert_eq!(
            container("{'a': 1, 'b': [True, None, 0.5]}"),
            Some(serde_json::json!({"a": 1, "b": [true, null, 0.5]}))
        );
        assert_eq!(container("[]"), Some(serde_json::json!([])));
        assert_eq!(container("[\"it's\"]"), Some(serde_json::json!(["it's"])));
        assert_eq!(container("--lr=[1]"), None);
        assert_eq!(container("[1, 2"), None);
        assert_eq!(container("[a b]"), None);
    }
}
