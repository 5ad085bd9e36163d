-- fold_text(x): text for a search that ignores case, accents, spaces, hyphens,
-- underscores, apostrophes and dots (the rule of dashboard.ingest.fold).
create or replace macro fold_text(x) as
regexp_replace(strip_accents(lower(trim(coalesce(x, '')))), '[\s\-_''’.]+', '', 'g');
