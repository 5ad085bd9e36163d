"""Data (staff): upload a CSV or a workbook, see what it would change, commit;
history and rollback; templates and downloads."""

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard import export, ingest
from dashboard.contract import DATASET_ORDER
from dashboard.i18n import dataset_label, format_number
from dashboard.ingest import Parsed, Problem, diff, recognise, staging, templates, uploads, workbook
from dashboard.store import CommitRefused, Version, plain_text
from dashboard.ui import app, safe, shell

shell.header("data_page.title", page="data")

lang = app.lang()
tr = app.tr
store = app.store()
SECTIONS = ("upload", "history", "templates")
FIRST_PROBLEMS = 5
TABLE_LIMIT = 1000


def name_of(dataset: str) -> str:
    return dataset_label(dataset, lang)


def flash(kind: str, text: str) -> None:
    """A message that survives the rerun after a commit."""
    st.session_state.setdefault("_data_flash", []).append((kind, text))


def show_flash() -> None:
    for kind, text in st.session_state.pop("_data_flash", []):
        {"success": st.success, "info": st.info, "error": st.error}[kind](text)


def keep_name() -> None:
    st.session_state["_data_by"] = st.session_state.get("data_by", "")


def committer() -> str:
    """The name written in the log; kept across sections and reruns."""
    if "_data_by" not in st.session_state:
        st.session_state["_data_by"] = app.signed_in_name()
    st.session_state["data_by"] = st.session_state["_data_by"]
    st.text_input(
        tr("data_page.by"), key="data_by", on_change=keep_name, help=tr("data_page.by_help")
    )
    return plain_text(st.session_state["data_by"])


def problem_lines(problems: list[Problem], omitted: staging.Omitted | None = None) -> None:
    """The first problems as sentences, then every problem grouped and located
    (with those counted past the kept ones)."""
    for p in problems[:FIRST_PROBLEMS]:
        st.markdown("- " + safe.md(p.message(lang)))
    if len(problems) > FIRST_PROBLEMS:
        st.caption(tr("data_page.more_problems", count=len(problems) - FIRST_PROBLEMS))
    st.markdown(f"**{tr('data_page.grouped')}**")
    table = staging.group_table(problems, lang, omitted)
    st.dataframe(table, hide_index=True, width="stretch")
    with st.expander(tr("data_page.all_problems", count=len(problems)), icon="📋"):
        table = staging.problem_table(problems[:TABLE_LIMIT], lang)
        st.dataframe(table, hide_index=True, width="stretch")
        if len(problems) > TABLE_LIMIT:
            st.caption(tr("data_page.table_cut", count=TABLE_LIMIT))


def change_view(change: diff.Diff, dataset: str, key: str) -> None:
    """Rows added, removed and changed (old -> new per cell), counted."""
    counts = change.counts()
    c1, c2, c3 = st.columns(3)
    c1.metric(tr("data_page.added"), format_number(counts["added"], lang))
    c2.metric(tr("data_page.removed"), format_number(counts["removed"], lang))
    c3.metric(tr("data_page.changed"), format_number(counts["changed"], lang))
    if change.empty:
        st.info(tr("data_page.no_change"), icon="🟰")
        return
    if counts["changed"]:
        st.markdown(f"**{tr('data_page.changed_cells', count=len(change.changed))}**")
        st.dataframe(
            staging.change_table(change, dataset, lang),
            hide_index=True,
            width="stretch",
            key=f"{key}_changed",
        )
    if counts["added"]:
        with st.expander(tr("data_page.added_rows", count=counts["added"]), icon="➕"):
            st.dataframe(staging.shown(change.added, dataset, lang), hide_index=True)
    if counts["removed"]:
        with st.expander(tr("data_page.removed_rows", count=counts["removed"]), icon="➖"):
            st.dataframe(staging.shown(change.removed, dataset, lang), hide_index=True)


def dataset_choice(key: str, url_key: str) -> str:
    app.remember(key, url_key, "tasks", options=DATASET_ORDER)
    if st.session_state[key] not in DATASET_ORDER:
        st.session_state[key] = "tasks"
    chosen: str = st.selectbox(tr("data_page.dataset"), DATASET_ORDER, key=key, format_func=name_of)
    st.caption(tr(f"datasets.{chosen}.description"))
    app.to_url(**{url_key: chosen})
    return chosen


# --- what the upload holds ------------------------------------------------------------


class Part:
    """One dataset of an upload: a CSV file or a workbook sheet."""

    def __init__(self, parsed: Parsed, records: list[list[str]] | None, how: str) -> None:
        self.parsed = parsed
        self.records = records
        self.how = how


def once(file_id: str, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    """Work on the uploaded file, done once per file: reruns (a name typed, a
    choice made) reuse it, so a large file is read once, not on every click."""
    cache = st.session_state.get("_data_work")
    if cache is None or cache.get("_file") != file_id:
        cache = {"_file": file_id}
        st.session_state["_data_work"] = cache
    if key not in cache:
        cache[key] = make()
    return cache[key]


def read_csv(data: bytes, name: str, choice: str, n: int, file_id: str) -> list[Part] | None:
    headers = once(file_id, ("headers",), lambda: recognise.csv_headers(data))
    found = recognise.from_headers(headers)
    how = "chosen"
    if choice != "auto":
        dataset = choice
        if found is not None and found != choice:
            st.info(tr("data_page.looks_like", dataset=name_of(found)), icon="🤔")
    elif found is not None:
        dataset, how = found, "headers"
    else:
        st.warning(tr("data_page.not_recognised"), icon="❓")
        ranked = [f.dataset for f in recognise.fits(headers)]
        picked = st.selectbox(
            tr("data_page.which_dataset"),
            ranked,
            index=None,
            key=f"data_csv_ds_{n}",
            format_func=name_of,
            placeholder=tr("app.choose"),
        )
        if picked is None:
            return None
        dataset = picked
    bar = st.progress(0.1, text=tr("data_page.reading"))
    parsed = once(file_id, ("csv", dataset), lambda: ingest.read_bytes(dataset, data, name))
    records = once(file_id, ("records",), lambda: recognise.csv_records(data))
    bar.empty()
    return [Part(parsed, records, how)]


def read_book(book: workbook.Workbook, choice: str, n: int, file_id: str) -> list[Part] | None:
    parts: list[Part] = []
    chosen: dict[str, str] = {}
    st.markdown(f"**{tr('data_page.sheets', count=len(book.sheets))}**")
    ignore = tr("data_page.ignore_sheet")
    for i, sheet in enumerate(book.sheets):
        default = sheet.dataset
        how = sheet.how or "chosen"
        if default is None and choice != "auto" and len(book.sheets) == 1:
            default, how = choice, "chosen"
        options = ["", *DATASET_ORDER]
        picked = st.selectbox(
            tr("data_page.sheet_dataset", sheet=sheet.name),
            options,
            index=options.index(default or ""),
            key=f"data_sheet_{n}_{i}",
            format_func=lambda d: name_of(d) if d else ignore,
        )
        if picked != (default or ""):
            how = "chosen"
        rows = tr("data_page.rows_read", rows=format_number(sheet.rows, lang))
        if not picked:
            st.caption(f"{tr('data_page.sheet_ignored')} · {rows}")
            continue
        st.caption(f"{tr(f'data_page.recognised_{how}')} · {rows}")
        if picked in chosen:
            st.error(
                tr("data_page.sheet_twice", dataset=name_of(picked), other=chosen[picked]),
                icon="⛔",
            )
            return None
        chosen[picked] = sheet.name
        bar = st.progress(0.5, text=tr("data_page.reading_sheet", sheet=sheet.name))
        parsed = once(
            file_id,
            ("sheet", i, picked),
            lambda sheet=sheet, picked=picked: workbook.parse_sheet(book.file, sheet, picked),
        )
        bar.empty()
        parts.append(Part(parsed, sheet.records, how))
    if not parts:
        st.warning(tr("data_page.no_sheet"), icon="❓")
        return None
    return parts


def as_seen(tag: str, state: tuple[Any, ...]) -> bool:
    """Whether this run shows what the previous run showed: a click acts on what
    the person saw, never on data another commit has changed since."""
    seen = st.session_state.get(f"_data_seen_{tag}")
    st.session_state[f"_data_seen_{tag}"] = state
    return bool(seen == state)


def staged(parts: list[Part], key: tuple[Any, ...]) -> tuple[staging.Batch, dict[str, diff.Diff]]:
    """The batch judged and its change, kept for this file and this data version."""
    version = store.data_version()
    cached = st.session_state.get("_data_judged")
    if cached is not None and cached[0] == (key, version):
        return cached[1], cached[2]
    bar = st.progress(0.0, text=tr("data_page.checking"))
    batch = staging.judge_all(store, [p.parsed for p in parts])
    bar.progress(0.7, text=tr("data_page.comparing"))
    changes: dict[str, diff.Diff] = {}
    if batch.ok:
        for upload in batch.uploads:
            current = staging.current_frame(store, upload.dataset)
            changes[upload.dataset] = diff.diff_frames(current, upload.parsed.frame, upload.dataset)
    bar.empty()
    st.session_state["_data_judged"] = ((key, version), batch, changes)
    return batch, changes


def describe_part(part: Part) -> None:
    parsed = part.parsed
    st.header(f"{name_of(parsed.dataset)} · {parsed.file}", divider="gray")
    facts = [tr(f"data_page.recognised_{part.how}")]
    if parsed.encoding:
        facts.append(tr("data_page.encoding", encoding=parsed.encoding))
    if parsed.separator:
        facts.append(
            tr("data_page.separator", separator=staging.separator_name(parsed.separator, lang))
        )
    if staging.typed(parsed):
        facts.append(tr("data_page.rows_read", rows=format_number(len(parsed.frame), lang)))
    st.caption(" · ".join(facts))
    with st.expander(tr("data_page.mapping"), icon="🔗"):
        st.dataframe(staging.mapping_table(parsed, lang), hide_index=True, width="stretch")


def previews(parts: list[Part], batch: staging.Batch) -> None:
    """Each file's rows where its first problems are, the problem cells coloured."""
    problems_of = {u.dataset: u.problems for u in batch.uploads}
    for part in parts:
        problems = problems_of.get(part.parsed.dataset, [])
        if not part.records or not problems:
            continue
        view = staging.preview(part.records, problems)
        if view.frame.empty or not view.marks:
            continue
        st.markdown(f"**{tr('data_page.preview', file=part.parsed.file)}**")
        st.dataframe(staging.styled(view), width="stretch")
        st.caption(tr("data_page.preview_help"))


def commit(batch: staging.Batch, by: str) -> None:
    bar = st.progress(0.0, text=tr("data_page.writing"))

    def step(dataset: str, done: int, total: int) -> None:
        bar.progress(done / total, text=tr("data_page.writing_one", dataset=name_of(dataset)))

    try:
        outcome = staging.commit_all(store, batch, by=by, step=step)
    except OSError as exc:
        bar.empty()
        st.error(tr("cli.os_error", detail=exc.strerror or str(exc)), icon="⛔")
        return
    bar.empty()
    for version in outcome.committed:
        flash(
            "success",
            tr(
                "data_page.committed",
                dataset=name_of(version.dataset),
                version=version.version,
                rows=format_number(version.rows, lang),
                by=version.by,
            ),
        )
    for dataset in outcome.unchanged:
        flash("info", tr("data_page.unchanged", dataset=name_of(dataset)))
    if outcome.ok:
        st.session_state["_data_upload_n"] = st.session_state.get("_data_upload_n", 0) + 1
        st.session_state.pop("_data_judged", None)
        st.rerun()
    show_flash()
    st.error(
        tr("data_page.refused_at_commit", dataset=name_of(outcome.refused or "")),
        icon="⛔",
    )
    if outcome.not_tried:
        st.warning(
            tr("data_page.not_tried", datasets=", ".join(name_of(d) for d in outcome.not_tried))
        )
    problem_lines(outcome.problems)


def upload_section() -> None:
    limit = st.get_option("server.maxUploadSize")
    st.caption(tr("data_page.accepts", size=limit))
    options = ["auto", *DATASET_ORDER]
    auto = tr("data_page.auto")
    app.remember("data_up_ds", "for", "auto", options=options)
    if st.session_state["data_up_ds"] not in options:
        st.session_state["data_up_ds"] = "auto"
    choice: str = st.selectbox(
        tr("data_page.dataset"),
        options,
        key="data_up_ds",
        format_func=lambda d: auto if d == "auto" else name_of(d),
    )
    st.caption(
        tr("data_page.auto_help") if choice == "auto" else tr(f"datasets.{choice}.description")
    )
    app.to_url(**{"for": None if choice == "auto" else choice})
    n = int(st.session_state.get("_data_upload_n", 0))
    show_flash()
    file = st.file_uploader(
        tr("data_page.file"), key=f"data_file_{n}", help=tr("data_page.file_help", size=limit)
    )
    if file is None:
        return
    data = file.getvalue()
    kind = ingest.sniff_kind(data)
    refusal = None
    if kind in ("pdf", "image", "xls"):
        refusal = f"binary_{kind}"
    elif kind is None and ingest.decode(data) is None:
        refusal = "not_text"
    elif kind is None and not data.strip():
        refusal = "empty_file"
    if refusal is not None:
        st.error(Problem(file.name, refusal).message(lang), icon="🚫")
        st.caption(tr("data_page.nothing_written"))
        return
    if kind == "zip":
        bar = st.progress(0.1, text=tr("data_page.reading"))
        book = once(file.file_id, ("book",), lambda: workbook.read_workbook(data, file.name))
        bar.empty()
        if book.problems:
            for p in book.problems:
                st.error(p.message(lang), icon="🚫")
            st.caption(tr("data_page.nothing_written"))
            return
        parts = read_book(book, choice, n, file.file_id)
    else:
        parts = read_csv(data, file.name, choice, n, file.file_id)
    if parts is None:
        return
    key = (file.file_id, tuple((p.parsed.dataset, p.parsed.file) for p in parts))
    batch, changes = staged(parts, key)

    for part in parts:
        describe_part(part)

    st.header(tr("data_page.verdict"), divider="gray")
    if batch.errors:
        st.error(tr("data_page.refused", count=batch.error_count), icon="⛔")
        errors = [p for u in batch.uploads for p in u.problems if p.severity == "error"]
        if errors:
            problem_lines(errors, batch.omitted)
        broken = [p for p in batch.broken if p.severity == "error"]
        if broken:
            st.markdown(f"**{tr('problem.other_datasets')}**")
            problem_lines(broken)
    if batch.warnings:
        st.warning(tr("data_page.warnings", count=len(batch.warnings)), icon="⚠️")
        for p in batch.warnings[:FIRST_PROBLEMS]:
            st.markdown("- " + safe.md(p.message(lang)))
        if len(batch.warnings) > FIRST_PROBLEMS:
            with st.expander(tr("data_page.all_warnings", count=len(batch.warnings))):
                st.dataframe(staging.problem_table(batch.warnings, lang), hide_index=True)
    previews(parts, batch)
    if not batch.ok:
        return
    st.success(
        tr("data_page.accepted", rows=format_number(sum(u.rows for u in batch.uploads), lang)),
        icon="✅",
    )
    st.header(tr("data_page.change"), divider="gray")
    for upload in batch.uploads:
        if len(batch.uploads) > 1:
            st.markdown(f"**{safe.md(name_of(upload.dataset))}**")
        change_view(changes[upload.dataset], upload.dataset, f"up_{upload.dataset}")
    if all(changes[u.dataset].empty for u in batch.uploads):
        return
    st.header(tr("data_page.confirm"), divider="gray")
    by = committer()
    if not by:
        st.caption(tr("data_page.by_needed"))
    names = ", ".join(name_of(d) for d in batch.datasets)
    same = as_seen("upload", (key, store.data_version()))
    if st.button(
        tr("data_page.commit", datasets=names),
        type="primary",
        disabled=not by,
        key="data_commit",
        icon="💾",
    ):
        if same:
            commit(batch, by)
        else:
            st.warning(tr("data_page.changed_meanwhile"), icon="🔄")


# --- history --------------------------------------------------------------------------


def history_section() -> None:
    dataset = dataset_choice("data_ds", "dataset")
    show_flash()
    hand_edit_box(dataset)
    versions = app.versions(dataset)
    if not versions:
        st.info(tr("data_page.no_history"), icon="🗂️")
        return
    st.dataframe(staging.history_table(versions, lang), hide_index=True, width="stretch")
    numbers = [v.version for v in reversed(versions)]
    by_number = {v.version: v for v in versions}

    labels = {
        v.version: tr(
            "data_page.version_label", version=v.version, date=staging.when(v, lang), by=v.by
        )
        for v in versions
    }
    label = labels.__getitem__

    st.header(tr("data_page.download_version"), divider="gray")
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    chosen = c1.selectbox(tr("data_page.version"), numbers, key="data_dl_v", format_func=label)
    c2.download_button(
        tr("data_page.download_csv"),
        staging.download_csv(staging.version_frame(store, dataset, chosen), dataset),
        file_name=f"{dataset}-v{chosen:04d}.csv",
        mime=export.MIME["csv"],
        key="data_dl_btn",
        icon="📄",
        on_click="ignore",
    )

    if len(versions) > 1:
        st.header(tr("data_page.compare"), divider="gray")
        app.remember("data_cmp_a", "from", numbers[1], int, options=numbers)
        app.remember("data_cmp_b", "to", numbers[0], int, options=numbers)
        for key, fallback in (("data_cmp_a", numbers[1]), ("data_cmp_b", numbers[0])):
            if st.session_state[key] not in by_number:
                st.session_state[key] = fallback
        c1, c2 = st.columns(2)
        older = c1.selectbox(tr("data_page.from"), numbers, key="data_cmp_a", format_func=label)
        newer = c2.selectbox(tr("data_page.to"), numbers, key="data_cmp_b", format_func=label)
        app.to_url(**{"from": older, "to": newer})
        change_view(
            diff.diff_frames(
                staging.version_frame(store, dataset, older),
                staging.version_frame(store, dataset, newer),
                dataset,
            ),
            dataset,
            "cmp",
        )

    earlier = numbers[1:]
    if earlier:
        st.header(tr("data_page.rollback"), divider="gray")
        target = st.selectbox(
            tr("data_page.rollback_to"), earlier, key="data_rb_v", format_func=label
        )
        pending = st.session_state.get("_data_rb")
        if pending != (dataset, target):
            if st.button(tr("data_page.rollback_ask", version=target), key="data_rb_ask", icon="↩️"):
                st.session_state["_data_rb"] = (dataset, target)
                st.rerun()
            return
        st.warning(tr("data_page.rollback_confirm", version=target, current=numbers[0]), icon="↩️")
        change_view(
            diff.diff_frames(
                staging.current_frame(store, dataset),
                staging.version_frame(store, dataset, target),
                dataset,
            ),
            dataset,
            "rb",
        )
        by = committer()
        if not by:
            st.caption(tr("data_page.by_needed"))
        same = as_seen("rollback", (dataset, target, store.data_version()))
        c1, c2 = st.columns(2)
        if c1.button(
            tr("data_page.rollback_do", version=target),
            type="primary",
            disabled=not by,
            key="data_rb_do",
        ):
            if same:
                st.session_state.pop("_data_rb", None)
                rollback(dataset, target, by)
            else:
                st.warning(tr("data_page.changed_meanwhile"), icon="🔄")
        if c2.button(tr("data_page.cancel"), key="data_rb_cancel"):
            st.session_state.pop("_data_rb", None)
            st.rerun()


def hand_edit_box(dataset: str) -> None:
    """A current file edited by hand is kept until staff decide: save it as a new
    version here (checked as an import would be), or roll back below."""
    edits = [
        p
        for p in app.store_problems()
        if p.code == "hand_edit" and p.dataset == dataset and p.detail != "missing"
    ]
    if not edits:
        return
    st.warning(tr("data_page.hand_edit", version=edits[0].version), icon="✍️")
    by = committer()
    if not by:
        st.caption(tr("data_page.by_needed"))
    if not st.button(tr("data_page.adopt"), key="data_adopt", disabled=not by, icon="💾"):
        return
    with st.spinner(tr("data_page.writing")):
        try:
            upload, version = uploads.adopt(store, dataset, by=by)
        except CommitRefused as exc:
            st.error(tr("data_page.adopt_refused"), icon="⛔")
            problem_lines([p for p in exc.problems if isinstance(p, Problem)])
            return
        except OSError as exc:
            st.error(
                tr("cli.os_error", detail=getattr(exc, "strerror", None) or str(exc)), icon="⛔"
            )
            return
    if not upload.ok:
        st.error(tr("data_page.adopt_refused"), icon="⛔")
        problem_lines(upload.problems + upload.broken)
        return
    written(dataset, version, "data_page.adopted", by=by)


def rollback(dataset: str, target: int, by: str) -> None:
    with st.spinner(tr("data_page.writing")):
        try:
            version = uploads.rollback(store, dataset, target, by=by)
        except CommitRefused as exc:
            st.error(tr("data_page.rollback_refused", version=target), icon="⛔")
            problem_lines([p for p in exc.problems if isinstance(p, Problem)])
            return
        except OSError as exc:
            st.error(tr("cli.os_error", detail=exc.strerror or str(exc)), icon="⛔")
            return
    written(dataset, version, "data_page.rolled_back", target=target, by=by)


def written(dataset: str, version: Version | None, said: str, **params: object) -> None:
    """Say what a write did (`said`, or nothing changed when no version was made),
    then draw the page again with it."""
    if version is None:
        flash("info", tr("data_page.unchanged", dataset=name_of(dataset)))
    else:
        flash("success", tr(said, dataset=name_of(dataset), version=version.version, **params))
    st.rerun()


# --- templates and downloads ------------------------------------------------------------


def templates_section() -> None:
    dataset = dataset_choice("data_ds", "dataset")
    st.header(tr("data_page.template"), divider="gray")
    app.remember("data_tpl_lang", "headers", lang, options=("fr", "en"))
    if st.session_state["data_tpl_lang"] not in ("fr", "en"):
        st.session_state["data_tpl_lang"] = lang
    head_lang = (
        st.segmented_control(
            tr("data_page.template_lang"),
            ["fr", "en"],
            key="data_tpl_lang",
            format_func=app.labeller("data_page.headers_"),
            selection_mode="single",
        )
        or lang
    )
    app.to_url(headers=head_lang)
    st.caption(tr("data_page.template_help"))
    st.dataframe(templates.describe(dataset, head_lang), hide_index=True, width="stretch")
    stem = f"{'modele' if head_lang == 'fr' else 'template'}-{dataset}"
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        tr("data_page.template_csv"),
        templates.template_csv(dataset, head_lang),
        file_name=f"{stem}.csv",
        mime=export.MIME["csv"],
        key="data_tpl_csv",
        icon="📄",
        on_click="ignore",
    )
    c2.download_button(
        tr("data_page.template_xlsx"),
        templates.template_xlsx(dataset, head_lang),
        file_name=f"{stem}.xlsx",
        mime=export.MIME["xlsx"],
        key="data_tpl_xlsx",
        icon="📊",
        on_click="ignore",
    )
    c3.download_button(
        tr("data_page.template_formats"),
        templates.describe_csv(dataset, head_lang),
        file_name=f"{stem}-formats.csv",
        mime=export.MIME["csv"],
        key="data_tpl_formats",
        icon="📋",
        on_click="ignore",
    )

    st.header(tr("data_page.current"), divider="gray")
    frame = staging.current_frame(store, dataset)
    st.caption(tr("data_page.current_help", rows=format_number(len(frame), lang)))
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        tr("data_page.download_csv"),
        staging.download_csv(frame, dataset),
        file_name=f"{dataset}.csv",
        mime=export.MIME["csv"],
        key="data_cur_csv",
        icon="📄",
        on_click="ignore",
    )
    c2.download_button(
        tr("data_page.download_xlsx"),
        export.xlsx_bytes(
            {templates.sheet_name(dataset, lang): staging.download_frame(frame, dataset)}
        ),
        file_name=f"{dataset}.xlsx",
        mime=export.MIME["xlsx"],
        key="data_cur_xlsx",
        icon="📊",
        on_click="ignore",
    )

    def everything() -> bytes:
        # built only when asked for: eight datasets into one workbook
        return export.xlsx_bytes(
            {
                templates.sheet_name(d, lang): staging.download_frame(
                    staging.current_frame(store, d), d
                )
                for d in DATASET_ORDER
            }
        )

    c3.download_button(
        tr("data_page.download_all"),
        everything,
        file_name=tr("data_page.all_file"),
        mime=export.MIME["xlsx"],
        key="data_cur_all",
        icon="🗃️",
        on_click="ignore",
    )


# --- the page -------------------------------------------------------------------------

app.remember("data_section", "section", "upload", options=SECTIONS)
if st.session_state["data_section"] not in SECTIONS:
    st.session_state["data_section"] = "upload"
section = (
    st.segmented_control(
        tr("data_page.section"),
        SECTIONS,
        key="data_section",
        format_func=app.labeller("data_page.section_"),
        selection_mode="single",
        label_visibility="collapsed",
    )
    or "upload"
)
app.to_url(section=section)
{"upload": upload_section, "history": history_section, "templates": templates_section}[section]()
