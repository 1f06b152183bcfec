//! The regulator workbench over HTTP (to be filled).
