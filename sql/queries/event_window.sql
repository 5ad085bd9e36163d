-- event_window: the longest task whose name matches a pattern (the event).
-- Parameters: $pattern (an ILIKE pattern, e.g. '%mois noir%').
with matches as (
    select "name", "start", "end"
    from tasks
    where "name" ilike $pattern
),

final as (
    select * from matches
    order by "end" - "start" desc, "start"
    limit 1
)

select * from final
