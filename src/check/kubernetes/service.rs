//! A service's ports, as the Service and the workload carry them.

use super::Bound;
use crate::model::runs::RunView;
use crate::yaml::tree::{child_pointer, item_pointer};

impl super::Check<'_> {
    pub(super) fn service(&mut self, run: &RunView<'_>) {
        let Some(service) = run.service else {
            return;
        };
        for (index, port) in service
            .ports
            .as_ref()
            .and_then(|p| p.value())
            .into_iter()
            .flatten()
            .enumerate()
        {
            self.range(&item_pointer(&run.at, "ports", index), *port, Bound::Port);
        }
        if let Some(replicas) = service.replicas.as_ref().and_then(|r| r.value()) {
            self.range(
                &child_pointer(&run.at, "replicas"),
                *replicas,
                Bound::NonNegative32,
            );
        }
    }
}
