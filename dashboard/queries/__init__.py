"""DuckDB over the data: one in-memory database per data version, the named
queries of `sql/queries/` and the table macros of `sql/views/` (`db`)."""
