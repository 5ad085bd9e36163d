-- Typing rules of an upload, as macros over the text of one cell.
-- `{WS}` below is every character Python's str.isspace() accepts, so stripping and
-- thousands separators match what staff type (no-break and narrow no-break spaces).
-- A macro returns NULL for a cell that does not convert; ingest then names the
-- problem with the cell as typed.

-- The cell without surrounding white space (as str.strip()).
create or replace macro ingest_strip(v) as
    regexp_replace(coalesce(v, ''), '^[\t\n\x{0b}\x{0c}\r\x{1c}-\x{1f} \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]+|[\t\n\x{0b}\x{0c}\r\x{1c}-\x{1f} \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]+$', '', 'g');

-- A number as typed -> its text with a dot decimal, no separators, no % or €.
create or replace macro ingest_number_text(v) as
    regexp_replace(regexp_replace(v, '[\t\n\x{0b}\x{0c}\r\x{1c}-\x{1f} \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]*[%€]$', ''), '[\t\n\x{0b}\x{0c}\r\x{1c}-\x{1f} \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]', '', 'g');

-- The text of a number ready to cast: plain numbers as they are, others through
-- `ingest_number_text`.
create or replace macro ingest_number_ready(v) as
    case
        when regexp_full_match(v, '[+-]?[0-9]+([.,][0-9]+)?') then v
        else ingest_number_text(v)
    end;

-- `1234.5`, `1234,5`, `1 234,5`, `12 500 €`, `40 %` (after `ingest_number_ready`)
-- -> double; NULL otherwise.
create or replace macro ingest_number_of(t) as
    case
        when contains(t, ',') and contains(t, '.') then null
        when not regexp_full_match(
            replace(t, ',', '.'), '[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?'
        ) then null
        when not isfinite(try_cast(replace(t, ',', '.') as double)) then null
        else try_cast(replace(t, ',', '.') as double)
    end;

-- A double that is a number (not infinite, not NaN); NULL otherwise.
create or replace macro ingest_finite(d) as
    case when isfinite(d) then d end;

-- [year, month, day] of `YYYY-MM-DD` or day-first `DD/MM/YYYY` (a time part
-- allowed); NULL when the cell has neither form.
create or replace macro ingest_date_parts(v) as
    case
        when regexp_full_match(
            v, '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?'
        ) then [
            regexp_extract(v, '^([0-9]+)-([0-9]+)-([0-9]+)', 1)::integer,
            regexp_extract(v, '^([0-9]+)-([0-9]+)-([0-9]+)', 2)::integer,
            regexp_extract(v, '^([0-9]+)-([0-9]+)-([0-9]+)', 3)::integer
        ]
        when regexp_full_match(
            v, '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}([\t\n\x{0b}\x{0c}\r\x{1c}-\x{1f} \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]+[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?'
        ) then [
            regexp_extract(v, '^([0-9]+)/([0-9]+)/([0-9]+)', 3)::integer,
            regexp_extract(v, '^([0-9]+)/([0-9]+)/([0-9]+)', 2)::integer,
            regexp_extract(v, '^([0-9]+)/([0-9]+)/([0-9]+)', 1)::integer
        ]
    end;

-- The calendar day of those parts; NULL for a day that does not exist.
create or replace macro ingest_date(p) as
    case when p[1] between 1 and 9999 then try(make_date(p[1], p[2], p[3])) end;

-- Lower case, no accents, no spaces, hyphens, underscores, apostrophes or dots:
-- how booleans and coded values are compared.
create or replace macro ingest_fold(v) as
    regexp_replace(strip_accents(lower(v)), '[\t\n\x{0b}\x{0c}\r\x{1c}-\x{1f} \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\-_''’.]+', '', 'g');

-- vrai/faux, oui/non, yes/no, true/false, 1/0, x (folded) -> boolean; NULL otherwise.
create or replace macro ingest_boolean_of(f) as
    case
        when f in ('true', 'vrai', 'oui', 'yes', '1', 'x') then true
        when f in ('false', 'faux', 'non', 'no', '0') then false
    end;

-- One cell of the canonical CSV: quoted as Python's csv writer quotes (minimal:
-- a comma, a quote or a line break), empty for NULL.
create or replace macro ingest_csv_cell(v) as
    case
        when v is null then ''
        when contains(v, ',') or contains(v, '"') or contains(v, chr(10)) or contains(v, chr(13))
            then '"' || replace(v, '"', '""') || '"'
        else v
    end;

-- A number in canonical form: an integer without decimals below 1e15, otherwise
-- the shortest text that reads back as the same double (as Python's repr).
create or replace macro ingest_number_out(x) as
    case
        when x = trunc(x) and abs(x) < 1e15 then (x::bigint)::varchar
        else x::varchar
    end;
