//! The account SkyPilot runs as, from its `~/.sky/config.yaml`:
//! `kubernetes: {remote_identity: NAME | SERVICE_ACCOUNT | LOCAL_CREDENTIALS | NONE}`.

use super::effective::Account;
use crate::yaml::{Limits, load};

/// The account SkyPilot creates for itself with `remote_identity: SERVICE_ACCOUNT`.
pub const SKYPILOT_SERVICE_ACCOUNT: &str = "skypilot-service-account";

/// The service account the config names, in `namespace`.
pub fn account(path: &str, bytes: &[u8], namespace: &str) -> Result<Account, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| format!("{path} is not UTF-8"))?;
    let tree = load(text, Limits::default())
        .map_err(|_| format!("{path} is not a readable YAML document (`plx check` shows why)"))?;
    let identity = tree
        .get("kubernetes")
        .and_then(|k| k.value.get("remote_identity"))
        .ok_or_else(|| {
            format!("{path} has no `kubernetes.remote_identity`: SkyPilot then creates `{SKYPILOT_SERVICE_ACCOUNT}` inside the cluster; pass --service-account {namespace}:{SKYPILOT_SERVICE_ACCOUNT} to check it")
        })?;
    let Some(name) = identity.value.as_str() else {
        return Err(format!(
            "{path}: `kubernetes.remote_identity` maps contexts to identities; pass --service-account for the one to check"
        ));
    };
    match name {
        "LOCAL_CREDENTIALS" | "NONE" => Err(format!(
            "{path}: `remote_identity: {name}` runs with your kubeconfig's credentials, not a service account: nothing to check"
        )),
        "SERVICE_ACCOUNT" => Ok(Account {
            namespace: namespace.to_owned(),
            name: SKYPILOT_SERVICE_ACCOUNT.to_owned(),
        }),
        name => Ok(Account {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_remote_identity() {
        let named = account(
            "c.yaml",
            b"kubernetes:\n  remote_identity: sky-sa\n",
            "default",
        )
        .unwrap();
        assert_eq!(named.to_string(), "default:sky-sa");
        let own = account(
            "c.yaml",
            b"kubernetes: {remote_identity: SERVICE_ACCOUNT}\n",
            "ml",
        )
        .unwrap();
        assert_eq!(own.name, SKYPILOT_SERVICE_ACCOUNT);
        assert!(
            account(
                "c.yaml",
                b"kubernetes: {remote_identity: LOCAL_CREDENTIALS}\n",
                "d"
            )
            .is_err()
        );
        assert!(account("c.yaml", b"kubernetes: {remote_identity: {ctx: a}}\n", "d").is_err());
        assert!(account("c.yaml", b"aws: {}\n", "d").is_err());
    }
}
