"""The data contract: datasets, columns, types, French headers and enum labels.

This module is the single description of `docs/data-contract.md` in code. Ingest,
the SQL schema checks, the store and the templates all read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["text", "date", "boolean", "number", "integer", "enum"]


@dataclass(frozen=True)
class Column:
    name: str
    fr: str
    type: ColumnType
    required: bool = False
    default: str | None = None
    # enum: canonical value -> French label
    choices: tuple[tuple[str, str], ...] = ()
    personal: bool = False

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.choices)

    @property
    def sql_type(self) -> str:
        return {
            "text": "varchar",
            "enum": "varchar",
            "date": "date",
            "boolean": "boolean",
            "number": "double",
            "integer": "integer",
        }[self.type]


@dataclass(frozen=True)
class Dataset:
    name: str
    columns: tuple[Column, ...]
    # columns whose combined value is unique (empty for none)
    key: tuple[str, ...] = ()
    # an example row for templates, canonical form
    example: dict[str, str] = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def personal_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.personal)


TASK_STATUS = (
    ("planned", "prévu"),
    ("in_progress", "en cours"),
    ("done", "terminé"),
    ("blocked", "bloqué"),
    ("cancelled", "annulé"),
)
ENGAGEMENT = (
    ("identified", "identifié"),
    ("contacted", "contacté"),
    ("engaged", "engagé"),
    ("committed", "partenaire"),
    ("declined", "refus"),
)
PROJECT_STATUS = (
    ("candidate", "candidat"),
    ("shortlisted", "présélectionné"),
    ("selected", "retenu"),
    ("rejected", "écarté"),
)
METHOD = (("rating", "note"), ("lowest_price", "prix le plus bas"))
ACTION_KIND = (("decision", "décision"), ("action", "action"))
ACTION_STATUS = (("open", "ouvert"), ("done", "fait"), ("cancelled", "annulé"))


def _c(name: str, fr: str, type_: ColumnType = "text", **kw: object) -> Column:
    return Column(name, fr, type_, **kw)  # type: ignore[arg-type]


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "sites",
            (
                _c("site_id", "identifiant", required=True),
                _c("name", "nom", required=True),
                _c("commune", "commune"),
                _c("kind", "type"),
                _c("lat", "latitude", "number"),
                _c("lon", "longitude", "number"),
                _c("description", "description"),
                # optional: the text in English, shown when the interface is English
                _c("name_en", "nom (anglais)"),
                _c("description_en", "description (anglais)"),
            ),
            key=("site_id",),
            example={
                "site_id": "olhain",
                "name": "Restaurant du Parc d'Olhain",
                "commune": "Maisnil-lès-Ruitz",
                "kind": "restaurant",
                "lat": "50.4297",
                "lon": "2.5808",
            },
        ),
        Dataset(
            "tasks",
            (
                _c("task_id", "identifiant", required=True),
                _c("workstream", "axe", required=True),
                _c("name", "intitulé", required=True),
                _c("start", "début", "date", required=True),
                _c("end", "fin", "date", required=True),
                _c("milestone", "jalon", "boolean", default="false"),
                _c("progress", "avancement", "number", default="0"),
                _c("status", "statut", "enum", choices=TASK_STATUS),
                _c("owner", "responsable"),
                _c("site_id", "site"),
                _c("depends_on", "dépend de"),
                _c("baseline_start", "début initial", "date"),
                _c("baseline_end", "fin initiale", "date"),
                _c("budget_eur", "budget", "number"),
                _c("spent_eur", "dépensé", "number"),
                # optional: the text in English, shown when the interface is English
                _c("name_en", "intitulé (anglais)"),
                _c("workstream_en", "axe (anglais)"),
            ),
            key=("task_id",),
            example={
                "task_id": "T01",
                "workstream": "Parcours noir",
                "name": "Prototypage des expériences",
                "start": "2020-03-02",
                "end": "2020-03-31",
                "milestone": "false",
                "progress": "40",
                "status": "in_progress",
                "owner": "Agence",
                "budget_eur": "12000",
                "spent_eur": "4500.5",
            },
        ),
        Dataset(
            "stakeholders",
            (
                _c("stakeholder_id", "identifiant", required=True),
                _c("name", "nom", required=True),
                _c("category", "catégorie", required=True),
                _c("commune", "commune"),
                _c("country", "pays", default="FR"),
                _c("lat", "latitude", "number"),
                _c("lon", "longitude", "number"),
                _c("territory", "territoire"),
                _c("influence", "influence", "integer"),
                _c("interest", "intérêt", "integer"),
                _c("engagement", "engagement", "enum", default="identified", choices=ENGAGEMENT),
                _c("site_id", "site"),
                _c("contact_name", "contact", personal=True),
                _c("email", "courriel", personal=True),
                _c("phone", "téléphone", personal=True),
            ),
            key=("stakeholder_id",),
            example={
                "stakeholder_id": "S001",
                "name": "Friterie de la Fosse 9",
                "category": "restaurateur",
                "commune": "Oignies",
                "country": "FR",
                "lat": "50.4650",
                "lon": "2.9930",
                "territory": "Lens-Liévin",
                "influence": "3",
                "interest": "5",
                "engagement": "engaged",
            },
        ),
        Dataset(
            "projects",
            (
                _c("project_id", "identifiant", required=True),
                _c("evaluation", "évaluation", required=True),
                _c("name", "nom", required=True),
                _c("theme", "thème"),
                _c("stakeholder_id", "porteur"),
                _c("site_id", "site"),
                _c("price_eur", "prix", "number"),
                _c("status", "statut", "enum", default="candidate", choices=PROJECT_STATUS),
                # optional: the text in English, shown when the interface is English
                _c("name_en", "nom (anglais)"),
            ),
            key=("project_id",),
            example={
                "project_id": "P01",
                "evaluation": "projets-culinaires",
                "name": "Route de la frite",
                "theme": "frites",
                "status": "candidate",
            },
        ),
        Dataset(
            "criteria",
            (
                _c("evaluation", "évaluation", required=True),
                _c("criterion_id", "critère", required=True),
                _c("label", "libellé", required=True),
                _c("weight", "poids", "number", required=True),
                _c("scale_max", "note max", "number", default="5"),
                _c("method", "méthode", "enum", default="rating", choices=METHOD),
                # optional: the text in English, shown when the interface is English
                _c("label_en", "libellé (anglais)"),
            ),
            key=("evaluation", "criterion_id"),
            example={
                "evaluation": "projets-culinaires",
                "criterion_id": "noir",
                "label": "Cohérence avec le concept noir",
                "weight": "40",
                "scale_max": "5",
                "method": "rating",
            },
        ),
        Dataset(
            "scores",
            (
                _c("project_id", "projet", required=True),
                _c("criterion_id", "critère", required=True),
                _c("juror", "juré", required=True),
                _c("score", "note", "number", required=True),
                _c("comment", "commentaire"),
            ),
            key=("project_id", "criterion_id", "juror"),
            example={
                "project_id": "P01",
                "criterion_id": "noir",
                "juror": "Juré A",
                "score": "4",
            },
        ),
        Dataset(
            "kpis",
            (
                _c("site_id", "site"),
                _c("kpi", "indicateur", required=True),
                _c("date", "date", "date", required=True),
                _c("value", "valeur", "number", required=True),
                _c("target", "cible", "number"),
                _c("unit", "unité"),
                # optional: the text in English, shown when the interface is English
                _c("kpi_en", "indicateur (anglais)"),
                _c("unit_en", "unité (anglais)"),
            ),
            key=("site_id", "kpi", "date"),
            example={
                "site_id": "olhain",
                "kpi": "Plats définis à la carte",
                "date": "2020-04-15",
                "value": "12",
                "target": "18",
                "unit": "plats",
            },
        ),
        Dataset(
            "actions",
            (
                _c("action_id", "identifiant", required=True),
                _c("meeting_date", "comité", "date", required=True),
                _c("kind", "type", "enum", required=True, choices=ACTION_KIND),
                _c("text", "libellé", required=True),
                _c("owner", "responsable"),
                _c("due", "échéance", "date"),
                _c("status", "statut", "enum", default="open", choices=ACTION_STATUS),
                _c("task_id", "tâche"),
                _c("project_id", "projet"),
                # optional: the text in English, shown when the interface is English
                _c("text_en", "libellé (anglais)"),
            ),
            key=("action_id",),
            example={
                "action_id": "A01",
                "meeting_date": "2020-04-15",
                "kind": "action",
                "text": "Relancer les boulangers du Douaisis",
                "owner": "Office de tourisme de Douai",
                "due": "2020-05-04",
                "status": "open",
            },
        ),
    )
}

# Order in which datasets can be loaded so that references point backwards.
DATASET_ORDER: tuple[str, ...] = (
    "sites",
    "tasks",
    "stakeholders",
    "projects",
    "criteria",
    "scores",
    "kpis",
    "actions",
)


def get_dataset(name: str) -> Dataset:
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(name) from None


# --- bounds of an upload ----------------------------------------------------------------
# Enforced before the work starts, so one file cannot hold the server: past them a
# file is refused at once with what to do (send one sheet as CSV, split the file).

# Data rows of one file or sheet (the header not counted).
MAX_ROWS = 1_000_000
# Columns of one file or sheet (the contract's widest dataset has 15).
MAX_COLUMNS = 100
# Characters in one cell: Excel's own limit.
MAX_CELL_CHARS = 32_767
# Bytes a workbook's parts unpack to (reading a workbook's XML is far slower than
# a CSV: about 10,000 rows of 15 columns), and sheets in one workbook.
MAX_UNPACKED_BYTES = 10 * 1024 * 1024
MAX_SHEETS = 50
# Bytes of one file given to the command line (the page has its own upload limit).
MAX_FILE_BYTES = 256 * 1024 * 1024
# Problems kept of one kind in one column (the rest are counted, not listed).
PROBLEMS_KEPT = 200

# Plausible dates: a day outside this window is a typing slip (0001, 9990) and
# would stretch every timeline and pack; it is refused with its row and column.
DATE_MIN = "2000-01-01"
DATE_MAX = "2100-12-31"
