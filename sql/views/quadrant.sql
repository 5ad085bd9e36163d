-- quadrant(influence, interest): the classic power / interest quadrant of scores on
-- the 1-5 scale (4 and 5 are high); null when a score is missing.
create or replace macro quadrant(influence, interest) as
case
    when influence is null or interest is null then null
    when influence >= 4 and interest >= 4 then 'manage_closely'
    when influence >= 4 then 'keep_satisfied'
    when interest >= 4 then 'keep_informed'
    else 'monitor'
end;
