//! All integration tests, in one binary so the stack is linked once.
//! Each database test runs twice: on a fresh SQLite file and on a fresh
//! PostgreSQL schema (see `helpers`).

mod helpers;

mod accounts;
mod authz;
mod booking;
mod busy;
mod cli;
mod concurrency;
mod constraints;
mod demo;
mod errors;
mod exports;
mod feeds;
mod health;
mod input_bounds;
mod language;
mod mail;
mod openapi;
mod pages;
mod plan;
mod print;
mod setup;
