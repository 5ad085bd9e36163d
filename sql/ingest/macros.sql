-- Typing rules of an upload, as macros over the text of one cell (already stripped,
-- in Arrow, of every character Python's str.isspace() accepts). The character class
-- of white space below is that set too, so thousands separators match what staff
-- type (no-break and narrow no-break spaces).
-- A macro returns NULL for a cell that does not convert; ingest then names the
-- problem with the cell as typed.

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

-- --- the cells of a whole file, a kind at a time ---------------------------------------
-- `sql/ingest/typed.sql` applies these to every column of one kind at once, in four
-- steps, each taking and giving one struct per cell (so that no rule is worked out
-- twice for a cell): `ingest_<kind>_help(x)` keeps the cell as typed (`x`: stripped,
-- NULL when empty) with a helper (`h`: the number's text, the date's parts, the
-- folded label); `ingest_<kind>_value(s)` adds its value (`v`);
-- `ingest_<kind>_code(s, max_cell, bad_bytes)` its problem (`e`: NULL when the cell
-- converts); `ingest_<kind>_checked(s)` leaves a refused cell's value empty.

-- The problem every kind shares: a cell too long, or holding bytes that were not text.
create or replace macro ingest_cell_code(x, max_cell, bad_bytes) as
    case
        when x is null then null
        when strlen(x) > max_cell and length(x) > max_cell then 'cell_too_long'
        when bad_bytes and contains(x, chr(65533)) then 'bad_bytes'
    end;

-- A cell with its problem: the one every kind shares first, else its kind's `rule`
-- (a problem code, NULL when the cell passes).
create or replace macro ingest_coded(s, max_cell, bad_bytes, rule) as
    {'x': s.x, 'v': s.v, 'e': coalesce(ingest_cell_code(s.x, max_cell, bad_bytes), rule)};

-- A kind whose only rule is to convert: `code` for a text that did not.
create or replace macro ingest_unconverted(s, max_cell, bad_bytes, code) as
    ingest_coded(s, max_cell, bad_bytes, case when s.x is not null and s.v is null then code end);

-- A cell with its problem: its value kept only when it has none.
create or replace macro ingest_checked(s) as
    {'x': s.x, 'v': case when s.e is null then s.v end, 'e': s.e};

-- Text that may have been decoded twice ("CitÃ© des Ã‰lectriciens"): a UTF-8 lead
-- byte read as Windows-1252 or Latin-1, then a continuation byte so read (damage is
-- never plain ASCII: bytes and characters are counted apart first).
create or replace macro ingest_looks_twice_decoded(t) as
    strlen(t) <> length(t) and regexp_matches(
        t,
        '[\x{c2}-\x{f4}][\x{80}-\x{bf}\x{152}\x{153}\x{160}\x{161}\x{178}\x{17d}\x{17e}\x{192}\x{2c6}\x{2dc}\x{2013}\x{2014}\x{2018}-\x{201e}\x{2020}-\x{2022}\x{2026}\x{2030}\x{2039}\x{203a}\x{20ac}\x{2122}]'
    );

-- Text: a lone CR (old Mac line break) becomes a line feed; CRLF stays. The text as
-- typed (`x`) is kept only when refused (the value is the text); `m`: it looks
-- decoded twice.
create or replace macro ingest_text_help(x) as
    {'x': x};
create or replace macro ingest_text_value(s) as
    {
        'x': s.x,
        'v': case
            when contains(s.x, chr(13)) then array_to_string(
                list_transform(
                    string_split(s.x, chr(13) || chr(10)),
                    lambda part: replace(part, chr(13), chr(10))
                ),
                chr(13) || chr(10)
            )
            else s.x
        end
    };
create or replace macro ingest_text_code(s, max_cell, bad_bytes) as
    {'x': s.x, 'v': s.v, 'e': ingest_cell_code(s.x, max_cell, bad_bytes)};
create or replace macro ingest_text_checked(s) as
    {
        'x': case when s.e is not null then s.x end,
        'v': case when s.e is null then s.v end,
        'e': s.e,
        'm': s.e is null and ingest_looks_twice_decoded(s.v)
    };

-- Numbers: a plain number (most cells, `p`) is cast at once; any other through
-- `ingest_number_text` and `ingest_number_of`.
create or replace macro ingest_number_help(x) as
    {
        'x': x,
        'p': regexp_full_match(x, '[+-]?[0-9]+([.,][0-9]+)?'),
        'h': ingest_number_ready(x)
    };
create or replace macro ingest_number_value(s) as
    {
        'x': s.x,
        'v': case
            when s.p then ingest_finite(try_cast(replace(s.x, ',', '.') as double))
            else ingest_number_of(s.h)
        end
    };
create or replace macro ingest_number_code(s, max_cell, bad_bytes) as
    ingest_unconverted(s, max_cell, bad_bytes, 'expected_number');
create or replace macro ingest_number_checked(s) as ingest_checked(s);

-- Integers: a number that is whole and fits 32 bits.
create or replace macro ingest_integer_code(s, max_cell, bad_bytes) as
    ingest_coded(
        s,
        max_cell,
        bad_bytes,
        case
            when s.x is null then null
            when s.v is null then 'expected_number'
            when s.v <> trunc(s.v) then 'expected_integer'
            when s.v < -2147483648 or s.v > 2147483647 then 'out_of_range'
        end
    );
create or replace macro ingest_integer_checked(s) as
    {'x': s.x, 'v': case when s.e is null then s.v::integer end, 'e': s.e};

-- Dates: `h` the [year, month, day] the cell names, `v` that day if it exists.
create or replace macro ingest_date_help(x) as
    {'x': x, 'h': ingest_date_parts(x)};
create or replace macro ingest_date_value(s) as
    {'x': s.x, 'h': s.h, 'v': ingest_date(s.h)};
create or replace macro ingest_date_code(s, max_cell, bad_bytes) as
    ingest_coded(
        s,
        max_cell,
        bad_bytes,
        case
            when s.x is null then null
            when s.h is null then 'expected_date'
            when s.v is null then 'impossible_date'
        end
    );
create or replace macro ingest_date_checked(s) as ingest_checked(s);

-- Booleans.
create or replace macro ingest_boolean_help(x) as
    {'x': x, 'h': ingest_fold(x)};
create or replace macro ingest_boolean_value(s) as
    {'x': s.x, 'v': ingest_boolean_of(s.h)};
create or replace macro ingest_boolean_code(s, max_cell, bad_bytes) as
    ingest_unconverted(s, max_cell, bad_bytes, 'expected_boolean');
create or replace macro ingest_boolean_checked(s) as ingest_checked(s);

-- Coded values: `v` the label folded, as the contract's choices are looked up by
-- the caller (a label not among them is `expected_enum`).
create or replace macro ingest_enum_help(x) as
    {'x': x};
create or replace macro ingest_enum_value(s) as
    {'x': s.x, 'v': ingest_fold(s.x)};
create or replace macro ingest_enum_code(s, max_cell, bad_bytes) as
    {'x': s.x, 'v': s.v, 'e': ingest_cell_code(s.x, max_cell, bad_bytes)};
create or replace macro ingest_enum_checked(s) as ingest_checked(s);

-- One cell of the canonical CSV, written by its SQL type (a column of typed rows):
-- numbers as `ingest_number_out`, booleans as true/false, dates ISO, text quoted as
-- `ingest_csv_cell`; an empty cell is empty.
create or replace macro ingest_canonical_cell(x) as
    case typeof(x)
        when 'DOUBLE' then coalesce(ingest_number_out(try_cast(x as double)), '')
        when 'BOOLEAN' then coalesce(
            case when try_cast(x as boolean) then 'true' when not try_cast(x as boolean) then 'false' end,
            ''
        )
        when 'VARCHAR' then ingest_csv_cell(x::varchar)
        else coalesce(x::varchar, '')
    end;
