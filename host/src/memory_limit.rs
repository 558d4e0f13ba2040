//! The memory one request may take: the sum of every linear memory in its instance (a composed
//! component has one per inner component, e.g. the HTTP component and its verifier), so no
//! request can take the machine. Spin's `--max-instance-memory` caps each memory separately;
//! wharf-host caps their sum, which is what "one request" costs.

use wasmtime::ResourceLimiter;

pub struct InstanceMemoryLimit {
    limit: usize,
    in_use: usize,
    exceeded: bool,
}

impl InstanceMemoryLimit {
    pub fn new(limit: u64) -> Self {
        Self {
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
            in_use: 0,
            exceeded: false,
        }
    }

    /// Whether the instance asked for more than its limit (and was refused) at least once.
    pub fn exceeded(&self) -> bool {
        self.exceeded
    }
}

impl ResourceLimiter for InstanceMemoryLimit {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let after = self.in_use.saturating_sub(current).saturating_add(desired);
        if after > self.limit {
            // `memory.grow` returns -1: the component's allocator sees out-of-memory, as it
            // would on a full machine, and usually aborts the request.
            self.exceeded = true;
            return Ok(false);
        }
        self.in_use = after;
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // Table sizes are bounded by the pooling allocator's per-table limit.
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: usize = 1 << 20;

    #[test]
    fn memories_of_one_instance_share_the_limit() {
        let mut limit = InstanceMemoryLimit::new(64 << 20);
        // Two memories created (current 0), then one grows.
        assert!(limit.memory_growing(0, 20 * MIB, None).unwrap());
        assert!(limit.memory_growing(0, 20 * MIB, None).unwrap());
        assert!(!limit.memory_growing(20 * MIB, 50 * MIB, None).unwrap());
        assert!(limit.exceeded());
        // What is left still fits.
        assert!(limit.memory_growing(20 * MIB, 44 * MIB, None).unwrap());
    }

    #[test]
    fn growth_within_the_limit_is_allowed_and_not_reported() {
        let mut limit = InstanceMemoryLimit::new(64 << 20);
        assert!(limit.memory_growing(0, MIB, None).unwrap());
        assert!(limit.memory_growing(MIB, 64 * MIB, None).unwrap());
        assert!(!limit.exceeded());
    }
}
