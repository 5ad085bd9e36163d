-- task_links: the dependencies of the plan, one row per (predecessor, task) whose
-- both ends exist (a `depends_on` cell lists ids separated by commas, semicolons
-- or spaces; a task naming itself is left out).
-- Parameters: none.
with named as (
    select
        task_id,
        unnest(string_split_regex(trim(depends_on), '[\s,;]+')) as from_id
    from tasks
    where depends_on is not null
),

final as (
    select distinct
        named.from_id,
        named.task_id as to_id
    from named
    inner join tasks as pred on pred.task_id = named.from_id
    where named.from_id <> '' and named.from_id <> named.task_id
)

select * from final
order by to_id, from_id
