//! "Did you mean ...?" for keys and enum values.

/// The candidate closest to `typo`, if it is close enough to be what was meant.
pub fn closest<'a>(typo: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = normalize(typo);
    candidates
        .into_iter()
        .map(|candidate| {
            let normalized = normalize(candidate);
            let score = if normalized == wanted {
                2.0
            } else {
                strsim::jaro_winkler(&wanted, &normalized)
            };
            (candidate, score, strsim::levenshtein(&wanted, &normalized))
        })
        .filter(|(_, score, distance)| {
            *score >= 0.85 || *distance <= (wanted.chars().count() / 4).max(1)
        })
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.2.cmp(&a.2)))
        .map(|(candidate, ..)| candidate)
}

/// "did you mean `x`?" for the candidate closest to `typo`, when one is close enough: the one
/// wording of every such help.
pub fn did_you_mean<'a>(
    typo: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(typo, candidates).map(|close| format!("did you mean `{close}`?"))
}

/// `help`, after "did you mean `x`?" when a candidate is close to `typo`.
pub fn after_did_you_mean<'a>(
    typo: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    help: String,
) -> String {
    match did_you_mean(typo, candidates) {
        Some(suggestion) => format!("{suggestion} {help}"),
        None => help,
    }
}

/// Case and `_`/`-` separators do not make a key a different word to a reader.
fn normalize(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENVIRONMENT: &[&str] = &[
        "labels",
        "annotations",
        "nodeSelector",
        "nodeName",
        "serviceAccountName",
        "hostPID",
    ];

    #[test]
    fn finds_typos_and_other_spellings() {
        assert_eq!(
            closest("nodeSelectr", ENVIRONMENT.iter().copied()),
            Some("nodeSelector")
        );
        assert_eq!(
            closest("service_account", ENVIRONMENT.iter().copied()),
            Some("serviceAccountName")
        );
        assert_eq!(
            closest("HostPid", ENVIRONMENT.iter().copied()),
            Some("hostPID")
        );
        assert_eq!(
            closest("label", ENVIRONMENT.iter().copied()),
            Some("labels")
        );
    }

    #[test]
    fn stays_quiet_for_unrelated_words() {
        assert_eq!(closest("foo", ENVIRONMENT.iter().copied()), None);
        assert_eq!(closest("gpu", ENVIRONMENT.iter().copied()), None);
    }
}
