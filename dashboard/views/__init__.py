"""View models: one pure builder per page, `build(read, state) -> Model`.

A builder reads named queries through a `Reader` (access rules already applied,
see `views.reader`) and returns a frozen dataclass holding everything its page
shows: figures, tables, chart data, captions. The Streamlit page only renders it
(`app.model` caches it per data version, role and view state); the committee
pack, the CLI, the benchmarks and the tests call the same builders.
"""
