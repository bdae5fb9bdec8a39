//! The API server's format checks, as `k8s.io/apimachinery/pkg/util/validation` states them.
//! Each returns the API server's own messages (empty when the value is valid), so a finding
//! reads the same as the `kubectl apply` error it prevents.

use std::net::IpAddr;

pub const DNS1123_LABEL_MAX: usize = 63;
pub const DNS1123_SUBDOMAIN_MAX: usize = 253;
pub const QUALIFIED_NAME_MAX: usize = 63;
pub const LABEL_VALUE_MAX: usize = 63;
pub const IANA_SVC_NAME_MAX: usize = 15;
/// `TotalAnnotationSizeLimitB` in apimachinery's `ValidateAnnotations`.
pub const ANNOTATIONS_MAX_BYTES: usize = 256 * 1024;

fn too_long(max: usize) -> String {
    format!("must be no more than {max} characters")
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
fn is_label_text(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// `IsDNS1123Label`: container, volume and most other names within an object.
pub fn dns1123_label(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if text.len() > DNS1123_LABEL_MAX {
        errors.push(too_long(DNS1123_LABEL_MAX));
    }
    if !is_label_text(text) && text.contains('.') && dns1123_subdomain(text).is_empty() {
        // The API server's hint: a valid subdomain where a label belongs.
        errors.push("must not contain dots".into());
    } else if !is_label_text(text) {
        errors.push("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')".into());
    }
    errors
}

/// `IsDNS1123Subdomain`: object names (service accounts, secrets, priority classes, nodes).
pub fn dns1123_subdomain(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if text.len() > DNS1123_SUBDOMAIN_MAX {
        errors.push(too_long(DNS1123_SUBDOMAIN_MAX));
    }
    if !text.split('.').all(is_label_text) {
        errors.push("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".into());
    }
    errors
}

/// `IsDNS1123SubdomainWithUnderscore`: a DNS search domain under Kubernetes 1.33's
/// `RelaxedDNSSearchValidation` (on by default): SRV-style names like `_sip._tcp.example.com`.
pub fn dns_search_domain(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if text.len() > DNS1123_SUBDOMAIN_MAX {
        errors.push(too_long(DNS1123_SUBDOMAIN_MAX));
    }
    // `_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?` for every label.
    let label_ok = |label: &str| {
        let bytes = label.strip_prefix('_').unwrap_or(label).as_bytes();
        let alphanumeric = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        bytes.first().is_some_and(alphanumeric)
            && bytes.last().is_some_and(alphanumeric)
            && bytes
                .iter()
                .all(|b| alphanumeric(b) || matches!(b, b'-' | b'_'))
    };
    if !text.split('.').all(label_ok) {
        errors.push("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*')".into());
    }
    errors
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`: a qualified name's name part and, allowing
/// the empty string, a label value.
fn is_qualified_text(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
}

/// `IsQualifiedName`: label keys and annotation keys, `[prefix/]name`.
pub fn qualified_name(text: &str) -> Vec<String> {
    const FORMAT: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    let mut errors = Vec::new();
    let name = match text.split_once('/') {
        None => text,
        Some((prefix, name)) if !name.contains('/') => {
            if prefix.is_empty() {
                errors.push("prefix part must be non-empty".into());
            } else {
                errors.extend(
                    dns1123_subdomain(prefix)
                        .into_iter()
                        .map(|e| format!("prefix part {e}")),
                );
            }
            name
        }
        Some(_) => {
            errors.push("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".into());
            return errors;
        }
    };
    if name.is_empty() {
        errors.push("name part must be non-empty".into());
    } else if name.len() > QUALIFIED_NAME_MAX {
        errors.push(format!("name part {}", too_long(QUALIFIED_NAME_MAX)));
    }
    if !name.is_empty() && !is_qualified_text(name) {
        errors.push(FORMAT.into());
    }
    errors
}

/// `IsValidLabelValue`.
pub fn label_value(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if text.len() > LABEL_VALUE_MAX {
        errors.push(too_long(LABEL_VALUE_MAX));
    }
    if !text.is_empty() && !is_qualified_text(text) {
        errors.push("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".into());
    }
    errors
}

/// `IsValidPortName`: an IANA service name, what container and Service port names must be.
pub fn iana_svc_name(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if text.len() > IANA_SVC_NAME_MAX {
        errors.push(too_long(IANA_SVC_NAME_MAX));
    }
    if !text
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        errors
            .push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into());
    }
    if text.contains("--") {
        errors.push("must not contain consecutive hyphens".into());
    }
    if !text.bytes().any(|b| b.is_ascii_lowercase()) {
        errors.push("must contain at least one letter (a-z)".into());
    }
    if text.starts_with('-') || text.ends_with('-') {
        errors.push("must not begin or end with a hyphen".into());
    }
    errors
}

/// `IsValidPortNum`.
pub fn port_number(port: i64) -> Vec<String> {
    if (1..=65535).contains(&port) {
        Vec::new()
    } else {
        vec!["must be between 1 and 65535, inclusive".into()]
    }
}

/// `IsValidIP`, which reads addresses as `netutils.ParseIPSloppy` does: IPv4 octets may have
/// leading zeros (read as decimal, `010` is 10), which Rust's parser refuses.
pub fn ip(text: &str) -> Vec<String> {
    let sloppy_v4 = || {
        let octets: Vec<&str> = text.split('.').collect();
        octets.len() == 4
            && octets.iter().all(|octet| {
                (1..=3).contains(&octet.len())
                    && octet.bytes().all(|b| b.is_ascii_digit())
                    && octet.parse::<u16>().is_ok_and(|n| n <= 255)
            })
    };
    if text.parse::<IpAddr>().is_ok() || sloppy_v4() {
        Vec::new()
    } else {
        vec!["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)".into()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_subdomains() {
        assert!(dns1123_label("main-1").is_empty());
        assert!(!dns1123_label("Main").is_empty());
        assert!(!dns1123_label("-a").is_empty());
        assert_eq!(
            dns1123_label("a.b"),
            vec!["must not contain dots".to_owned()]
        );
        assert!(!dns1123_label("").is_empty());
        assert_eq!(dns1123_label(&"a".repeat(64)).len(), 1);
        assert!(dns1123_subdomain("build-robot.ml").is_empty());
        assert!(!dns1123_subdomain("a..b").is_empty());
        assert!(!dns1123_subdomain("robot_1").is_empty());
    }

    #[test]
    fn search_domains_allow_underscores() {
        assert!(dns_search_domain("_sip._tcp.example.com").is_empty());
        assert!(dns_search_domain("ns1.svc.cluster.local").is_empty());
        assert!(!dns_search_domain("Bad Domain").is_empty());
        assert!(!dns_search_domain("a..b").is_empty());
        assert!(!dns_search_domain("foo_").is_empty());
        assert!(!dns_search_domain("__bar.example.com").is_empty());
    }

    #[test]
    fn qualified_names_and_label_values() {
        for good in ["app", "app.kubernetes.io/name", "a_b.c-d", "X"] {
            assert!(qualified_name(good).is_empty(), "{good}");
        }
        for bad in ["my key", "/name", "a/b/c", "Example.com/x", "x/", "_a"] {
            assert!(!qualified_name(bad).is_empty(), "{bad}");
        }
        assert!(label_value("").is_empty());
        assert!(label_value("v1.2_3").is_empty());
        assert!(!label_value("true story").is_empty());
        assert!(!label_value(&"a".repeat(64)).is_empty());
    }

    #[test]
    fn port_names_and_numbers() {
        assert!(iana_svc_name("http").is_empty());
        assert!(iana_svc_name("grpc-2").is_empty());
        assert!(!iana_svc_name("HTTP").is_empty());
        assert!(!iana_svc_name("8080").is_empty());
        assert!(!iana_svc_name("a--b").is_empty());
        assert!(!iana_svc_name("tensorboard-http").is_empty());
        assert!(port_number(1).is_empty() && port_number(65535).is_empty());
        assert!(!port_number(0).is_empty() && !port_number(70000).is_empty());
    }

    #[test]
    fn ips() {
        assert!(ip("10.0.0.1").is_empty());
        assert!(ip("2001:db8::ffff").is_empty());
        assert!(!ip("10.0.0.256").is_empty());
        assert!(ip("010.0.0.1").is_empty());
        assert!(!ip("").is_empty());
        assert!(!ip("localhost").is_empty());
    }
}
