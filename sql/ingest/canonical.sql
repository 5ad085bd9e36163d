-- The lines of the canonical CSV (UTF-8, comma, ISO dates, dot decimals) of typed rows.
-- Reads the registered relation `typed`: the contract's columns in its order, typed
-- (text and coded values VARCHAR, numbers DOUBLE, integers INTEGER, dates DATE,
-- booleans BOOLEAN). Returns one `line` per row, its line feed included, in the rows'
-- order (a number, a date or a boolean never holds a comma, a quote or a line break).
with cells as (
    select ingest_canonical_cell(columns(*))
    from typed
)

select concat_ws(',', *columns(*)) || chr(10) as line
from cells
