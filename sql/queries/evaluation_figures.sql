-- evaluation_figures: per evaluation, the projects it holds and how many the data
-- records as shortlisted (status `shortlisted` or `selected`: a project retained
-- was shortlisted first) and selected. The one definition of "shortlisted".
-- Parameters: $hidden (list of evaluations the reader may not see).
with final as (
    select
        evaluation,
        count(*) as projects,
        count(*) filter (where status in ('shortlisted', 'selected')) as shortlisted,
        count(*) filter (where status = 'selected') as selected,
        count(*) filter (where status = 'rejected') as rejected
    from projects
    where not list_contains($hidden::varchar[], evaluation)
    group by evaluation
)

select * from final
order by evaluation
