//! Who holds the server's connection slots: how many each client network has open (capped
//! at accept time), and which connections have not yet sent their request (a TLS handshake
//! or request line still in progress), so those can be shed first near the global cap.
//! Knows nothing of TLS or requests; the accept loop and the connection call it.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio_util::sync::CancellationToken;

use crate::identity::Network;

/// The server's shared record of open connections.
pub struct Slots {
    per_network: usize,
    open: Mutex<HashMap<Network, usize>>,
    /// Connections still in their handshake or request line, oldest first (by id).
    unready: Mutex<BTreeMap<u64, CancellationToken>>,
    next_id: AtomicU64,
}

impl Slots {
    /// At most `per_network` open connections per client network.
    pub fn new(per_network: usize) -> Arc<Self> {
        Arc::new(Self {
            per_network: per_network.max(1),
            open: Mutex::new(HashMap::new()),
            unready: Mutex::new(BTreeMap::new()),
            next_id: AtomicU64::new(0),
        })
    }

    /// Takes one of `network`'s slots, or `None` when it already holds `per_network`: defends
    /// against one network (4,000 idle sockets from one address) filling every slot.
    pub fn open(self: &Arc<Self>, network: Network) -> Option<NetworkSlot> {
        let mut open = lock(&self.open);
        let count = open.entry(network).or_insert(0);
        if *count >= self.per_network {
            return None;
        }
        *count += 1;
        Some(NetworkSlot {
            slots: Arc::clone(self),
            network,
        })
    }

    /// Registers a connection that has not sent its request yet; it is cancelled if shed.
    pub fn unready(self: &Arc<Self>) -> Unready {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let token = CancellationToken::new();
        lock(&self.unready).insert(id, token.clone());
        Unready {
            slots: Arc::clone(self),
            id,
            token,
        }
    }

    /// Cancels the oldest connection that has not sent its request; whether there was one.
    /// Defends against many networks holding the global cap with stalled handshakes: near the
    /// cap these go first, so connections that did their part keep being served.
    pub fn shed_oldest_unready(&self) -> bool {
        let oldest = lock(&self.unready).pop_first();
        oldest.map(|(_, token)| token.cancel()).is_some()
    }

    /// How many connections have not sent their request.
    pub fn unready_count(&self) -> usize {
        lock(&self.unready).len()
    }
}

/// One open connection counted against its network; released on drop.
pub struct NetworkSlot {
    slots: Arc<Slots>,
    network: Network,
}

impl Drop for NetworkSlot {
    fn drop(&mut self) {
        let mut open = lock(&self.slots.open);
        if let Some(count) = open.get_mut(&self.network) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.network);
            }
        }
    }
}

/// A connection that has not sent its request yet; dropping it marks it ready.
pub struct Unready {
    slots: Arc<Slots>,
    id: u64,
    token: CancellationToken,
}

impl Unready {
    /// Completes when this connection is shed.
    pub async fn shed(&self) {
        self.token.cancelled().await;
    }
}

impl Drop for Unready {
    fn drop(&mut self) {
        lock(&self.slots.unready).remove(&self.id);
    }
}

/// The maps stay consistent under a panic elsewhere (each update is one step), so a poisoned
/// lock is used as is.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Network {
        Network::of(s.parse().unwrap())
    }

    #[test]
    fn a_network_past_its_cap_gets_no_slot_and_others_still_do() {
        let slots = Slots::new(2);
        let held = [slots.open(net("192.0.2.1")), slots.open(net("192.0.2.1"))];
        assert!(held.iter().all(Option::is_some));
        assert!(slots.open(net("192.0.2.1")).is_none());
        assert!(slots.open(net("192.0.2.2")).is_some());
        drop(held);
        assert!(slots.open(net("192.0.2.1")).is_some(), "slots come back");
    }

    #[test]
    fn the_oldest_unready_connection_is_shed_first() {
        let slots = Slots::new(1);
        let (first, second) = (slots.unready(), slots.unready());
        assert!(slots.shed_oldest_unready());
        assert!(first.token.is_cancelled() && !second.token.is_cancelled());
        drop(second);
        assert_eq!(slots.unready_count(), 0);
        assert!(!slots.shed_oldest_unready());
    }
}
