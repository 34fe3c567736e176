//! The Hague's wijken the synthetic streams spread their signals over (so over partitions).
//! The bench binaries include this file too (`benches/common`), so tests and benches use the
//! same places.

/// Twelve wijken of The Hague.
pub const WIJKEN: [&str; 12] = [
    "Moerwijk",
    "Laak",
    "Transvaal",
    "Schilderswijk",
    "Bouwlust",
    "Morgenstond",
    "Escamp",
    "Leiden-Noord",
    "Rustenburg",
    "Spoorwijk",
    "Duindorp",
    "Vrederust",
];
