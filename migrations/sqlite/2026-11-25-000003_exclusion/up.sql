-- PostgreSQL adds exclusion constraints here (see migrations/postgres). SQLite
-- has none; one writer at a time (BEGIN IMMEDIATE) and the conflict checker
-- keep the same rules. This migration keeps both backends' version numbers
-- in step.
SELECT 1;
