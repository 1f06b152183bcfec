//! The principal workbench's reads (to be filled).
