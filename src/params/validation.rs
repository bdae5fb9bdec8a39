//! `validation` of an IO (`V1Validation`): each check applies to a scalar, to each item of a
//! list and to each value of a mapping; `minItems`/`maxItems` and the key checks to the
//! collection itself. Messages follow Polyaxon's wording.

use serde_json::Value;

use crate::model::{V1Io, V1Validation};

pub fn validate(io: &V1Io, value: &Value) -> Result<(), String> {
    if value.is_null() {
        return Ok(());
    }
    let rules = io.validation.clone().unwrap_or_default();
    let options = rules.options.as_ref().or(io.options.as_ref());
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => map.values().collect(),
        scalar => vec![scalar],
    };
    for item in items {
        let shown = show(item);
        if let Some(number) = item.as_f64() {
            number_rules(&rules, number, &shown)?;
        }
        if let Value::String(text) = item {
            text_rules(&rules, text, &shown)?;
        }
        if let Some(Value::Array(allowed)) = options
            && !allowed.iter().any(|option| same(option, item))
        {
            return Err(format!(
                "Value `{shown}` must be one of the values `{}`",
                show(&Value::Array(allowed.clone()))
            ));
        }
    }
    collection_rules(&rules, value)
}

/// The bounds, `multipleOf`, digits and decimal places of a number.
fn number_rules(rules: &V1Validation, number: f64, shown: &str) -> Result<(), String> {
    let bounds = [
        (
            rules.gt,
            "greater than",
            number > rules.gt.unwrap_or(f64::MIN),
        ),
        (
            rules.ge,
            "greater than or equal to",
            number >= rules.ge.unwrap_or(f64::MIN),
        ),
        (rules.lt, "less than", number < rules.lt.unwrap_or(f64::MAX)),
        (
            rules.le,
            "less than or equal to",
            number <= rules.le.unwrap_or(f64::MAX),
        ),
    ];
    for (bound, relation, ok) in bounds {
        if let (Some(bound), false) = (bound, ok) {
            return Err(format!(
                "Value `{shown}` must be {relation} `{}`",
                show(&Value::from(bound))
            ));
        }
    }
    if let Some(step) = rules.multiple_of.filter(|s| *s != 0.0)
        && ((number / step).round() * step - number).abs() > 1e-9 * step.abs().max(1.0)
    {
        return Err(format!(
            "Value `{shown}` must be a multiple of `{}`",
            show(&Value::from(step))
        ));
    }
    let digits = number
        .abs()
        .trunc()
        .to_string()
        .trim_end_matches(".0")
        .len() as i64;
    if let Some(min) = rules.min_digits.filter(|m| digits < *m) {
        return Err(format!("Value `{shown}` must have at least `{min}` digits"));
    }
    if let Some(max) = rules.max_digits.filter(|m| digits > *m) {
        return Err(format!("Value `{shown}` must have at most `{max}` digits"));
    }
    let decimals = shown.split_once('.').map_or(0, |(_, d)| d.len()) as i64;
    if let Some(max) = rules.decimal_places.filter(|m| decimals > *m) {
        return Err(format!(
            "Value `{shown}` must have at most `{max}` decimal places"
        ));
    }
    Ok(())
}

/// `regex`, lengths, `contains` and `excludes` of a text.
fn text_rules(rules: &V1Validation, text: &str, shown: &str) -> Result<(), String> {
    if let Some(pattern) = &rules.regex {
        let regex = regex::Regex::new(pattern)
            .map_err(|e| format!("`validation.regex` is not a valid regex: {e}"))?;
        // Python's `re.match`: anchored at the start only.
        if regex.find(text).is_none_or(|m| m.start() != 0) {
            return Err(format!("Value `{shown}` must match the regex `{pattern}`"));
        }
    }
    let length = text.chars().count() as i64;
    if let Some(min) = rules.min_length.filter(|m| length < *m) {
        return Err(format!(
            "Value `{shown}` must have at least `{min}` characters"
        ));
    }
    if let Some(max) = rules.max_length.filter(|m| length > *m) {
        return Err(format!(
            "Value `{shown}` must have at most `{max}` characters"
        ));
    }
    if let Some(needles) = &rules.contains
        && !strings(needles).iter().any(|n| text.contains(n.as_str()))
    {
        return Err(format!(
            "Value `{shown}` must contain one of the values `{}`",
            show(needles)
        ));
    }
    if let Some(needles) = &rules.excludes
        && strings(needles).iter().any(|n| text.contains(n.as_str()))
    {
        return Err(format!(
            "Value `{shown}` must not contain any of the values `{}`",
            show(needles)
        ));
    }
    Ok(())
}

/// `minItems`/`maxItems` of a list or mapping, and the keys of a mapping.
fn collection_rules(rules: &V1Validation, value: &Value) -> Result<(), String> {
    let count = match value {
        Value::Array(items) => Some(items.len() as i64),
        Value::Object(map) => Some(map.len() as i64),
        _ => None,
    };
    if let Some(count) = count {
        if let Some(min) = rules.min_items.filter(|m| count < *m) {
            return Err(format!(
                "Value `{}` must have at least `{min}` items",
                show(value)
            ));
        }
        if let Some(max) = rules.max_items.filter(|m| count > *m) {
            return Err(format!(
                "Value `{}` must have at most `{max}` items",
                show(value)
            ));
        }
    }
    if let Value::Object(map) = value {
        let has = |key: &String| map.contains_key(key);
        if let Some(keys) = rules.keys.as_ref().or(rules.contains_keys.as_ref())
            && !keys.iter().all(has)
        {
            return Err(format!(
                "Value `{}` must contain all the keys `{}`",
                show(value),
                keys.join(", ")
            ));
        }
        if let Some(keys) = &rules.excludes_keys
            && keys.iter().any(has)
        {
            return Err(format!(
                "Value `{}` must not contain any of the keys `{}`",
                show(value),
                keys.join(", ")
            ));
        }
    }
    Ok(())
}

/// Options are compared as values, with numbers equal across int and float (`1` is `1.0`).
fn same(option: &Value, value: &Value) -> bool {
    match (option.as_f64(), value.as_f64()) {
        (Some(a), Some(b)) => a == b,
        _ => option == value,
    }
}

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().map(show).collect(),
        other => vec![show(other)],
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::V1Validation;

    fn io(validation: V1Validation) -> V1Io {
        V1Io {
            name: "p".into(),
            validation: Some(validation),
            ..V1Io::default()
        }
    }

    #[test]
    fn bounds_options_and_lengths_use_polyaxons_words() {
        let positive = io(V1Validation {
            gt: Some(0.0),
            ..V1Validation::default()
        });
        assert_eq!(
            validate(&positive, &Value::from(0.0)),
            Err("Value `0.0` must be greater than `0.0`".into())
        );
        assert!(validate(&positive, &Value::from(0.5)).is_ok());
        let choice = io(V1Validation {
            options: Some(serde_json::json!(["adam", "sgd"])),
            ..V1Validation::default()
        });
        assert_eq!(
            validate(&choice, &Value::from("rms")),
            Err(r#"Value `rms` must be one of the values `["adam","sgd"]`"#.into())
        );
        let pattern = io(V1Validation {
            regex: Some("[a-z]+".into()),
            max_length: Some(3),
            ..V1Validation::default()
        });
        assert!(validate(&pattern, &Value::from("abc")).is_ok());
        assert!(validate(&pattern, &Value::from("1abc")).is_err());
        assert!(validate(&pattern, &Value::from("abcd")).is_err());
        let items = io(V1Validation {
            min_items: Some(2),
            ..V1Validation::default()
        });
        assert!(validate(&items, &serde_json::json!([1])).is_err());
        let numbers = io(V1Validation {
            options: Some(serde_json::json!([1, 2])),
            ..V1Validation::default()
        });
        assert!(validate(&numbers, &Value::from(1.0)).is_ok());
    }
}
