//! The principal workbench over HTTP (to be filled).
