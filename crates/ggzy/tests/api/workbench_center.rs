//! The center workbench over HTTP (to be filled).
