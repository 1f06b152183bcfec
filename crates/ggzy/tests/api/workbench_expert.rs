//! The expert workbench over HTTP (to be filled).
