//! Reading routes (filled in with the store).
