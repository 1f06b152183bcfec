//! API tests: the real server over HTTP, on SQLite and (when configured) PostgreSQL.

mod helpers;

mod auth;
mod entities;
mod log;
mod platform;
