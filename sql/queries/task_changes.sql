-- task_changes: what changed in the plan since an earlier committed version of
-- tasks.csv (its canonical file at $path): one row per task added, removed or
-- changed (any cell), with the days its start and end moved, its progress before
-- and after, the other changed columns by name (`fields`) and its earlier dates
-- (`old_start`, `old_end`, drawn as ghosts). Changed first, the biggest move of
-- the end first, then added, then removed.
-- Parameters: $path (the earlier version's canonical CSV).
with old_raw as (
    select *
    from read_csv($path, header = true, all_varchar = true, delim = ',', quote = '"')
    -- every column, so that an earlier file without an optional one still reads
    union all by name
    select
        null::varchar as task_id, null::varchar as workstream, null::varchar as "name",
        null::varchar as "start", null::varchar as "end", null::varchar as milestone,
        null::varchar as progress, null::varchar as status, null::varchar as owner,
        null::varchar as site_id, null::varchar as depends_on,
        null::varchar as baseline_start, null::varchar as baseline_end,
        null::varchar as budget_eur, null::varchar as spent_eur
    where false
),

old as (
    select
        task_id,
        workstream,
        "name",
        try_cast("start" as date) as "start",
        try_cast("end" as date) as "end",
        coalesce(try_cast(milestone as boolean), false) as milestone,
        try_cast(progress as double) as progress,
        status,
        owner,
        site_id,
        depends_on,
        try_cast(baseline_start as date) as baseline_start,
        try_cast(baseline_end as date) as baseline_end,
        try_cast(budget_eur as double) as budget_eur,
        try_cast(spent_eur as double) as spent_eur
    from old_raw
),

new as (
    select * exclude (_row, milestone), coalesce(milestone, false) as milestone
    from tasks
),

paired as (
    select
        coalesce(new.task_id, old.task_id) as task_id,
        coalesce(new."name", old."name") as "name",
        coalesce(new.workstream, old.workstream) as workstream,
        case
            when old.task_id is null then 'added'
            when new.task_id is null then 'removed'
            else 'changed'
        end as change,
        date_diff('day', old."start", new."start") as start_shift,
        date_diff('day', old."end", new."end") as end_shift,
        old.progress as progress_before,
        new.progress as progress_after,
        concat_ws(
            ', ',
            case when new."name" is distinct from old."name" then 'name' end,
            case when new.workstream is distinct from old.workstream then 'workstream' end,
            case when new.owner is distinct from old.owner then 'owner' end,
            case when new.site_id is distinct from old.site_id then 'site_id' end,
            case when new.status is distinct from old.status then 'status' end,
            case when new.depends_on is distinct from old.depends_on then 'depends_on' end,
            case when new.milestone is distinct from old.milestone then 'milestone' end
        ) as fields,
        old."start" as old_start,
        old."end" as old_end,
        old.task_id is null
        or new.task_id is null
        or (new.workstream, new."name", new."start", new."end", new.milestone, new.progress,
            new.status, new.owner, new.site_id, new.depends_on, new.baseline_start,
            new.baseline_end, new.budget_eur, new.spent_eur)
        is distinct from
        (old.workstream, old."name", old."start", old."end", old.milestone, old.progress,
            old.status, old.owner, old.site_id, old.depends_on, old.baseline_start,
            old.baseline_end, old.budget_eur, old.spent_eur) as differs
    from new
    full outer join old on new.task_id = old.task_id
),

final as (
    select * exclude (differs)
    from paired
    where differs
)

select * from final
order by
    case change when 'changed' then 0 when 'added' then 1 else 2 end,
    abs(coalesce(end_shift, 0)) desc,
    task_id
