//! The expert workbench's reads (to be filled).
