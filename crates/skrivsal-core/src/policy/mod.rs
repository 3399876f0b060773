//! Policy: decisions on plain loaded data.
