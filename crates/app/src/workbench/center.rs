//! The center workbench's reads (to be filled).
