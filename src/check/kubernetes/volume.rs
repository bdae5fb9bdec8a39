//! Volumes: unique names and file modes (`ValidateVolumes`, `validateVolumeSourceMode`).

use std::collections::HashMap;

use k8s_openapi::api::core::v1::Volume;

use super::Bound;
use crate::model::runs::RunView;
use crate::yaml::tree::{child_pointer, item_pointer};

impl super::Check<'_> {
    pub(super) fn volumes(&mut self, run: &RunView<'_>) {
        let mut names: HashMap<&str, String> = HashMap::new();
        for (index, volume) in run.volumes.iter().enumerate() {
            let here = item_pointer(&run.at, "volumes", index);
            if !volume.name.is_empty() {
                self.dns_label(&child_pointer(&here, "name"), "volume name", &volume.name);
                self.duplicate(
                    &mut names,
                    &volume.name,
                    &child_pointer(&here, "name"),
                    "volumes are named",
                    "volume names must be unique in a pod",
                );
            }
            self.volume_modes(&here, volume);
        }
    }

    /// File modes: `0`–`0777`, as the API server checks them (`validateVolumeSourceMode`).
    pub(super) fn volume_modes(&mut self, at: &str, volume: &Volume) {
        let mut modes = Vec::new();
        if let Some(secret) = &volume.secret {
            modes.push(("secret/defaultMode".to_owned(), secret.default_mode));
            for (i, item) in secret.items.iter().flatten().enumerate() {
                modes.push((format!("secret/items/{i}/mode"), item.mode));
            }
        }
        if let Some(config_map) = &volume.config_map {
            modes.push(("configMap/defaultMode".to_owned(), config_map.default_mode));
            for (i, item) in config_map.items.iter().flatten().enumerate() {
                modes.push((format!("configMap/items/{i}/mode"), item.mode));
            }
        }
        if let Some(projected) = &volume.projected {
            modes.push(("projected/defaultMode".to_owned(), projected.default_mode));
            for (s, source) in projected.sources.iter().flatten().enumerate() {
                let items = [
                    (
                        "secret",
                        source.secret.as_ref().and_then(|v| v.items.as_ref()),
                    ),
                    (
                        "configMap",
                        source.config_map.as_ref().and_then(|v| v.items.as_ref()),
                    ),
                ];
                for (kind, items) in items {
                    for (i, item) in items.into_iter().flatten().enumerate() {
                        modes.push((
                            format!("projected/sources/{s}/{kind}/items/{i}/mode"),
                            item.mode,
                        ));
                    }
                }
                let downward = source.downward_api.as_ref().and_then(|v| v.items.as_ref());
                for (i, item) in downward.into_iter().flatten().enumerate() {
                    modes.push((
                        format!("projected/sources/{s}/downwardAPI/items/{i}/mode"),
                        item.mode,
                    ));
                }
            }
        }
        if let Some(downward) = &volume.downward_api {
            modes.push(("downwardAPI/defaultMode".to_owned(), downward.default_mode));
            for (i, item) in downward.items.iter().flatten().enumerate() {
                modes.push((format!("downwardAPI/items/{i}/mode"), item.mode));
            }
        }
        for (pointer, mode) in modes {
            if let Some(mode) = mode {
                self.range(
                    &child_pointer(at, &pointer),
                    i64::from(mode),
                    Bound::FileMode,
                );
            }
        }
    }
}
