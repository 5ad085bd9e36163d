-- Every cell of a chunk of an upload's rows, typed by its column's kind.
-- Reads the registered relation `cells`: `_row` (the spreadsheet row) and one text
-- column per mapped contract column, its cells stripped, named `<kind>_<n>` (`text`,
-- `number`, `integer`, `date`, `boolean`, `enum`), plus one empty `<kind>_none`
-- column of each kind (so that every kind has a column).
-- Parameters: $max_cell (characters in a cell), $bad_bytes (the file held bytes that
-- are not text: a U+FFFD in a cell is a problem).
-- Returns `_row` and, per column, a struct: `x` the cell as typed (stripped, NULL
-- when empty), `v` its value (NULL when empty or refused), `e` its problem or NULL
-- (text columns add `m`: the text looks decoded twice); the `_none` columns are
-- left out. The macros are in `sql/ingest/macros.sql`.
with helped as (
    select
        _row,
        ingest_text_help(nullif(columns('^text_'), '')),
        ingest_number_help(nullif(columns('^number_'), '')),
        ingest_number_help(nullif(columns('^integer_'), '')),
        ingest_date_help(nullif(columns('^date_'), '')),
        ingest_boolean_help(nullif(columns('^boolean_'), '')),
        ingest_enum_help(nullif(columns('^enum_'), ''))
    from cells
),

valued as (
    select
        _row,
        ingest_text_value(columns('^text_')),
        ingest_number_value(columns('^number_')),
        ingest_number_value(columns('^integer_')),
        ingest_date_value(columns('^date_')),
        ingest_boolean_value(columns('^boolean_')),
        ingest_enum_value(columns('^enum_'))
    from helped
),

coded as (
    select
        _row,
        ingest_text_code(columns('^text_'), $max_cell, $bad_bytes),
        ingest_number_code(columns('^number_'), $max_cell, $bad_bytes),
        ingest_integer_code(columns('^integer_'), $max_cell, $bad_bytes),
        ingest_date_code(columns('^date_'), $max_cell, $bad_bytes),
        ingest_boolean_code(columns('^boolean_'), $max_cell, $bad_bytes),
        ingest_enum_code(columns('^enum_'), $max_cell, $bad_bytes)
    from valued
),

checked as (
    select
        _row,
        ingest_text_checked(columns('^text_')),
        ingest_number_checked(columns('^number_')),
        ingest_integer_checked(columns('^integer_')),
        ingest_date_checked(columns('^date_')),
        ingest_boolean_checked(columns('^boolean_')),
        ingest_enum_checked(columns('^enum_'))
    from coded
)

select _row, columns(lambda c: c <> '_row' and not suffix(c, '_none'))
from checked
