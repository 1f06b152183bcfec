//! The regulator workbench's reads (to be filled).
