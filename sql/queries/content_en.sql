-- content_en: every text people read that has an English column, as (fr, en)
-- pairs; `en` is null where the English column is empty. No parameters.
with pairs as (
    select "name" as fr, name_en as en from tasks
    union all select "name", name_en from sites
    union all select description, description_en from sites
    union all select "name", name_en from projects
    union all select label, label_en from criteria
    union all select kpi, kpi_en from kpis
    union all select unit, unit_en from kpis
    union all select "text", text_en from actions
    -- a workstream is a key, typed as its owners name it: English only where given
    union all select workstream, workstream_en from tasks
    where nullif(trim(workstream_en), '') is not null
),

final as (
    select fr, max(nullif(trim(en), '')) as en
    from pairs
    where fr is not null and trim(fr) <> ''
    group by fr
)

select * from final
