-- action_rows: one page of the decisions and actions recorded by the situation
-- date, each with its state (sql/views/stated_actions.sql), the task and project it
-- concerns ("ID name") and where they lead (the task's workstream, the project's
-- evaluation). `total` counts the rows matching before paging and `row_number`
-- places each row among them; a page past the last gives the last page.
-- Links to projects of hidden evaluations are dropped.
-- Parameters: $situation (date), $committee (date: the committee looked at, for
-- carried_over; null for none), $hidden (evaluations the reader may not see),
-- $meeting (date: only that committee's rows; null for all), $carried_only
-- (boolean), $owners, $states, $kinds (lists; an empty list keeps all), $search
-- (text looked for in the text, task and project, case and accents aside; '' for
-- none), $most_overdue_first (boolean: else latest committee first), $page
-- (from 1), $per_page.
with states as (
    select * from stated_actions($situation, $committee)
),

projects_seen as (
    select project_id, "name", evaluation
    from projects
    where not list_contains($hidden::varchar[], evaluation)
),

linked as (
    select
        s.*,
        t."name" as task_name,
        t.workstream,
        p."name" as project_name,
        p.evaluation
    from states as s
    left join tasks as t on s.task_id = t.task_id
    left join projects_seen as p on s.project_id = p.project_id
),

needle as (
    select fold_text($search) as q
),

chosen as (
    select linked.*
    from linked, needle
    where
        ($meeting::date is null or meeting_date = $meeting::date)
        and (not $carried_only or carried_over)
        and (len($owners::varchar[]) = 0 or list_contains($owners::varchar[], owner))
        and (len($states::varchar[]) = 0 or list_contains($states::varchar[], state))
        and (len($kinds::varchar[]) = 0 or list_contains($kinds::varchar[], kind))
        and (
            needle.q = ''
            or contains(
                fold_text(
                    concat_ws(
                        ' ',
                        "text",
                        task_id,
                        task_name,
                        case when evaluation is not null then project_id end,
                        project_name
                    )
                ),
                needle.q
            )
        )
),

numbered as (
    select
        *,
        count(*) over () as total,
        row_number() over (
            order by
                case when $most_overdue_first then days_overdue else 0 end desc,
                case when $most_overdue_first then due end asc nulls last,
                meeting_date desc,
                kind,
                action_id
        ) as row_number
    from chosen
),

paged as (
    select
        *,
        -- the page asked for, or the last one when it asks past the end
        (least(greatest($page::integer, 1), (total + $per_page - 1) // $per_page) - 1)
        * $per_page as first_row
    from numbered
),

final as (
    select
        row_number,
        total,
        meeting_date,
        kind,
        "text",
        owner,
        due,
        days_overdue,
        state,
        carried_over,
        case when task_id is not null then concat_ws(' ', task_id, task_name) end as task,
        workstream,
        case
            when evaluation is not null then concat_ws(' ', project_id, project_name)
        end as project,
        evaluation
    from paged
    where row_number > first_row and row_number <= first_row + $per_page
)

select * from final
order by row_number
