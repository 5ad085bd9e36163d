"""Valid data at any multiple of the demo's size, deterministic by seed.

    python -m bench.generate FOLDER --scale 10 [--seed 2020] [--projects 12] [--jurors 28]

`generate(folder, scale, seed)` writes the eight canonical CSV files of the
data contract. Each unit of scale is one more mission shaped like the demo
(4 sites, 40 tasks, 10 criteria in two evaluations, 48 indicator readings, 32
committee actions) with a fuller address book and jury than the demo: 100
stakeholders and 2,000 scores per unit, so that 100x gives the figures the
benchmarks aim at (4,000 tasks, 10,000 stakeholders, 200,000 scores).

The files pass every rule in `sql/checks` (no warning either): keys are
unique, references exist, dependencies point to earlier tasks only (no cycle),
milestones end on their start, projects of an evaluation scored on the lowest
price all have a price, and scores fall on the rating criteria of the
project's own evaluation, within their scale.

Identifiers depend on the scale only, the contents on the seed too: every
dataset draws from its own random stream, so two seeds give files that still
fit each other's references (useful for upload and crash tests).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path

from dashboard.contract import DATASET_ORDER, get_dataset

# The demo's situation: the steering committee of 15 April 2020.
REFERENCE = date(2020, 4, 15)
EVENT = (date(2020, 5, 28), date(2020, 6, 30))

PER_UNIT = {
    "sites": 4,
    "tasks": 40,
    "stakeholders": 100,
    "projects": 16,
    "criteria": 10,
    "scores": 2000,
    "kpis": 48,
    "actions": 32,
}

Row = Sequence[object]

# --- vocabulary -------------------------------------------------------------------

# commune, territory, lat, lon
COMMUNES: tuple[tuple[str, str, float, float], ...] = (
    ("Lens", "Lens-Liévin", 50.4319, 2.8333),
    ("Liévin", "Lens-Liévin", 50.4228, 2.7786),
    ("Avion", "Lens-Liévin", 50.4100, 2.8336),
    ("Loos-en-Gohelle", "Lens-Liévin", 50.4578, 2.7928),
    ("Harnes", "Lens-Liévin", 50.4453, 2.9047),
    ("Bully-les-Mines", "Lens-Liévin", 50.4431, 2.7244),
    ("Hénin-Beaumont", "Hénin-Carvin", 50.4214, 2.9508),
    ("Carvin", "Hénin-Carvin", 50.4928, 2.9581),
    ("Oignies", "Hénin-Carvin", 50.4650, 2.9930),
    ("Courrières", "Hénin-Carvin", 50.4581, 2.9481),
    ("Béthune", "Béthune-Bruay", 50.5303, 2.6408),
    ("Bruay-la-Buissière", "Béthune-Bruay", 50.4899, 2.5545),
    ("Maisnil-lès-Ruitz", "Béthune-Bruay", 50.4297, 2.5808),
    ("Nœux-les-Mines", "Béthune-Bruay", 50.4781, 2.6661),
    ("Houdain", "Béthune-Bruay", 50.4508, 2.5372),
    ("Arras", "Arras", 50.2910, 2.7775),
    ("Saint-Laurent-Blangy", "Arras", 50.2976, 2.8143),
    ("Douai", "Douaisis", 50.3714, 3.0800),
    ("Sin-le-Noble", "Douaisis", 50.3617, 3.1131),
    ("Vitry-en-Artois", "Osartis-Marquion", 50.3269, 2.9789),
    ("Marquion", "Osartis-Marquion", 50.2106, 3.0878),
    ("Saint-Pol-sur-Ternoise", "Ternois", 50.3817, 2.3347),
    ("Frévent", "Ternois", 50.2761, 2.2878),
)
ABROAD: tuple[tuple[str, str, float, float], ...] = (
    ("Tokyo", "JP", 35.6762, 139.6503),
    ("Kyoto", "JP", 35.0116, 135.7681),
    ("Bruxelles", "BE", 50.8503, 4.3517),
    ("Gand", "BE", 51.0543, 3.7174),
    ("Bologne", "IT", 44.4949, 11.3426),
    ("Cologne", "DE", 50.9375, 6.9603),
    ("Londres", "GB", 51.5072, -0.1276),
    ("Rotterdam", "NL", 51.9244, 4.4777),
    ("Saint-Sébastien", "ES", 43.3183, -1.9812),
)
FIRST_NAMES = (
    "Claire",
    "Julien",
    "Sophie",
    "Mathieu",
    "Camille",
    "Nicolas",
    "Léa",
    "Thomas",
    "Manon",
    "Antoine",
    "Chloé",
    "Hugo",
    "Inès",
    "Lucas",
    "Émilie",
    "Karim",
    "Aurélie",
    "Yann",
    "Nadia",
    "Pierre",
    "Hélène",
    "Rémi",
    "Marion",
    "Olivier",
    "Sarah",
    "François",
    "Zoé",
    "Bastien",
    "Agathe",
    "Jérôme",
)
LAST_NAMES = (
    "Dubois",
    "Lefebvre",
    "Leroy",
    "Delattre",
    "Wattiez",
    "Dupont",
    "Caron",
    "Lemaire",
    "Vasseur",
    "Duhamel",
    "Lecomte",
    "Delcourt",
    "Bonnel",
    "Carpentier",
    "Fontaine",
    "Leclercq",
    "Deprez",
    "Martel",
    "Hochart",
    "Dewailly",
    "Bocquet",
    "Lambert",
    "Noël",
    "Kowalski",
    "Mahieu",
    "Prévost",
    "Hennebelle",
    "Szymanski",
    "Petit",
    "Boulanger",
)
NOUNS = (
    "de la Fosse 9",
    "du Terril",
    "des Corons",
    "de la Gaillette",
    "du Chevalement",
    "du Carreau",
    "des Gueules noires",
    "du Beffroi",
    "de la Lampisterie",
    "du Métaphone",
    "de la Cité",
    "du Marais",
    "des Jardins",
    "de la Deûle",
    "de l'Artois",
)
CATEGORIES: tuple[tuple[str, int], ...] = (
    ("restaurateur", 25),
    ("producteur", 20),
    ("boulanger", 10),
    ("artisan", 10),
    ("traiteur", 8),
    ("institution", 8),
    ("office de tourisme", 7),
    ("partenaire international", 7),
    ("équipement", 5),
)
ENGAGEMENT: tuple[tuple[str, int], ...] = (
    ("identified", 20),
    ("contacted", 25),
    ("engaged", 25),
    ("committed", 20),
    ("declined", 10),
)
OWNERS = (
    "Pas-de-Calais Tourisme",
    "Agence",
    "Louvre-Lens",
    "Offices de tourisme",
    "Département – Parc d'Olhain",
    "Cité des Électriciens",
    "Mission Bassin Minier",
)
THEMES = (
    ("Route de la frite", "frites"),
    ("Street food noire (encre de seiche, charbon végétal)", "street food"),
    ("Fermentation à la japonaise", "fermentation"),
    ("Pain noir au charbon végétal", "boulangerie"),
    ("Bière noire des corons", "bière"),
    ("Chocolats « gaillette »", "chocolat"),
    ("Gamme de produits marqués ALL", "produits ALL"),
    ("Menu noir du chef", "menu"),
    ("Soupe des jardins ouvriers à emporter", "soupe"),
    ("Briquet du mineur revisité", "traiteur"),
    ("Burger noir au pain coloré", "street food"),
    ("Dîner-spectacle au pied du terril", "événement"),
    ("Maroilles en croûte noire", "fromage"),
    ("Welsh au charbon végétal", "estaminet"),
    ("Tarte au sucre brûlé", "pâtisserie"),
    ("Café noir torréfié à Lens", "café"),
)
AGENCIES = (
    "Atelier Gustatif Nord",
    "Studio Saveurs & Territoires",
    "Maison Design Culinaire",
    "Collectif Table Commune",
    "Agence Goût d'Ici",
    "Les Faiseurs de Tables",
)
COMMENTS = (
    "Très bonne traduction du thème noir (charbon, terril, gaillette).",
    "Le noir est au cœur de l'expérience, lecture immédiate du concept.",
    "Incarne bien la chaleur et la simplicité de la marque ALL.",
    "Producteurs locaux identifiés, circuits courts crédibles.",
    "Calendrier serré pour juin 2020 ; à suivre.",
    'Idée originale ; coût "à confirmer" avec le porteur.',
    "Dépend de l'ouverture des frontières, risque élevé.",
)
ACTION_TEXTS = (
    "Relancer les boulangers du territoire",
    "Transmettre la grille d'analyse aux offices de tourisme",
    "Organiser une visite de la cuisine avec le chef",
    "Préparer le dossier de presse du mois noir",
    "Valider le budget de la signalétique",
    "Recenser les jardins ouvriers volontaires",
    "Proposer un format à emporter pour chaque expérience",
    "Reporter les dégustations tests après le confinement",
    "Confirmer les partenaires japonais de l'atelier fermentation",
    "Rédiger la convention type avec les porteurs de projets",
    "Choisir les contenants réutilisables",
    "Mettre à jour le planning du restaurant",
)
DECISION_TEXTS = (
    "Retenir l'agence pour la mission de design culinaire",
    "Valider le calendrier du mois noir, du 28 mai au 30 juin 2020",
    "Retenir les projets culinaires présélectionnés",
    "Maintenir le mois noir sous une forme adaptée au confinement",
    "Décaler l'ouverture du restaurant du parc",
    "Allouer un budget complémentaire à la communication",
)
MEETINGS = (
    date(2019, 12, 10),
    date(2020, 1, 14),
    date(2020, 2, 11),
    date(2020, 3, 10),
    date(2020, 4, 15),
)
KPI_DATES = (date(2020, 1, 15), date(2020, 2, 15), date(2020, 3, 15), date(2020, 4, 15))

# Per site key: (indicator, target, unit); None: no target.
KPIS: dict[str, tuple[tuple[str, float | None, str], ...]] = {
    "olhain": (
        ("Plats définis à la carte", 18, "plats"),
        ("Recrutements de l'équipe", 12, "personnes"),
        ("Producteurs locaux référencés", 15, "producteurs"),
    ),
    "cite-electriciens": (
        ("Producteurs locaux engagés", 10, "producteurs"),
        ("Jardins ouvriers partenaires", 6, "jardins"),
        ("Recettes testées", 8, "recettes"),
    ),
    "parcours-noir": (
        ("Idées collectées", 30, "idées"),
        ("Expériences sélectionnées", 12, "expériences"),
        ("Partenaires engagés", 30, "partenaires"),
    ),
    "louvre-lens": (
        ("Partenaires mobilisés", 70, "partenaires"),
        ("Offices de tourisme impliqués", 7, "offices"),
        ("Budget engagé", None, "€"),
    ),
}

WORKSTREAM_SITE = {
    "Pilotage": None,
    "Parcours noir": "parcours-noir",
    "Parc d'Olhain": "olhain",
    "Cité des Électriciens": "cite-electriciens",
}


def _d(month_day: str) -> date:
    month, day = (int(x) for x in month_day.split("-"))
    return date(2019 if month >= 11 else 2020, month, day)


PIL, NOIR, OLH, CITE = "Pilotage", "Parcours noir", "Parc d'Olhain", "Cité des Électriciens"

# One mission's plan: workstream, name, nominal start, nominal end (None:
# milestone), dependencies as positions in this list (always earlier ones).
PLAN: tuple[tuple[str, str, str, str | None, tuple[int, ...]], ...] = (
    (PIL, "Analyse des offres des agences", "11-18", "12-05", ()),
    (PIL, "Choix de l'agence", "12-06", None, (0,)),
    (PIL, "Réunion de lancement de la mission", "12-10", None, (1,)),
    (PIL, "Diagnostic de l'offre culinaire et des savoir-faire", "12-11", "01-10", (2,)),
    (PIL, "Comités de pilotage mensuels", "12-10", "07-31", ()),
    (PIL, "Recherche de partenaires européens et japonais", "01-06", "06-30", ()),
    (PIL, "Préparation de la conférence « ALL – Nouvelles Inspirations »", "03-02", "04-14", ()),
    (PIL, "Conférence « ALL – Nouvelles Inspirations »", "04-15", None, (6,)),
    (NOIR, "Rencontres des partenaires dans les sept territoires", "01-13", "01-31", (3,)),
    (NOIR, "Grille d'analyse des projets (concept noir, valeurs ALL)", "01-13", "01-21", ()),
    (
        NOIR,
        "Appel à idées auprès des restaurateurs, boulangers et producteurs",
        "01-27",
        "02-14",
        (9,),
    ),
    (NOIR, "Ateliers de co-création par territoire", "02-03", "02-21", (8,)),
    (NOIR, "Comité de sélection des projets culinaires", "02-25", None, (10, 11)),
    (NOIR, "Prototypage des expériences culinaires", "03-02", "03-31", (12,)),
    (NOIR, "Dégustations tests au Louvre-Lens", "03-28", "03-29", ()),
    (NOIR, "Atelier fermentation avec les partenaires japonais", "03-09", "04-10", ()),
    (NOIR, "Conventions avec les porteurs de projets du parcours", "03-16", "04-24", (12,)),
    (NOIR, "Adaptation des expériences au confinement", "04-01", "04-30", (13,)),
    (NOIR, "Carte et signalétique du parcours noir", "04-06", "05-15", (12,)),
    (NOIR, "Formation des partenaires à l'accueil", "05-04", "05-20", (17,)),
    (NOIR, "Campagne de communication du mois noir", "04-20", "06-30", ()),
    (NOIR, "Mois noir 2020 : parcours des expériences culinaires", "05-28", "06-30", (16, 18, 19)),
    (OLH, "Diagnostic du futur restaurant", "12-16", "01-17", ()),
    (OLH, "Concept et positionnement du restaurant", "01-20", "02-07", (22,)),
    (OLH, "Identité visuelle et nom du restaurant", "01-27", "02-28", ()),
    (OLH, "Équipement de la cuisine et de la salle", "02-17", "03-13", ()),
    (OLH, "Élaboration de la carte avec le chef", "02-10", "03-13", (23,)),
    (OLH, "Référencement des producteurs locaux", "02-10", "03-27", (23,)),
    (OLH, "Recrutement de l'équipe du restaurant", "02-03", "04-30", ()),
    (OLH, "Formation de l'équipe et service à blanc", "05-11", "05-29", (26, 28)),
    (OLH, "Ouverture du restaurant", "06-06", None, (29, 27)),
    (CITE, "Diagnostic du site et des attentes des visiteurs", "12-16", "01-17", ()),
    (CITE, "Identification des producteurs locaux", "01-20", "02-28", (31,)),
    (CITE, "Partenariat avec les jardins ouvriers", "02-03", "04-24", ()),
    (CITE, "Conception des recettes à emporter", "03-02", "05-08", (32,)),
    (CITE, "Choix des contenants réutilisables", "04-14", "05-15", ()),
    (CITE, "Carin gourmand à la Cité des Électriciens", "06-20", None, (34, 35, 33)),
    (
        PIL,
        "Évaluation de la mission (visiteurs, partenaires, retombées)",
        "07-01",
        "07-17",
        (21, 36),
    ),
    (PIL, "Rédaction du rapport final", "07-20", "07-29", (37,)),
    (PIL, "Remise du rapport final au comité de pilotage", "07-31", None, (38,)),
)
EVENT_POSITION = 21

# Two evaluations per mission: criterion id, label, weight, scale_max, method.
CULINARY = (
    ("noir", "Cohérence avec le concept noir", 30, 5, "rating"),
    ("valeurs", "Valeurs de la marque ALL", 25, 5, "rating"),
    ("local", "Ancrage local et circuits courts", 20, 5, "rating"),
    ("faisabilite", "Faisabilité pour juin 2020", 15, 5, "rating"),
    ("originalite", "Originalité", 10, 5, "rating"),
)
AGENCY = (
    ("comprehension", "Compréhension de la demande", 30, 10, "rating"),
    ("methode", "Méthode et calendrier", 20, 10, "rating"),
    ("references", "Références", 10, 10, "rating"),
    ("equipe", "Équipe", 10, 10, "rating"),
    ("prix", "Prix", 30, None, "lowest_price"),
)
CULINARY_PROJECTS, AGENCY_PROJECTS = 12, 4
# 12 projects x 5 criteria x 28 jurors + 4 bids x 4 criteria x 20 jurors = 2,000 scores
CULINARY_JURORS, AGENCY_JURORS = 28, 20

SITES = (
    ("olhain", "Restaurant du Parc départemental d'Olhain", "Maisnil-lès-Ruitz", "restaurant"),
    ("cite-electriciens", "Cité des Électriciens", "Bruay-la-Buissière", "vente à emporter"),
    ("parcours-noir", "Parcours noir du mois noir", "Lens", "événement"),
    ("louvre-lens", "Louvre-Lens", "Lens", "musée"),
)
SITE_NAMES = {
    "olhain": "Restaurant du parc {de}",
    "cite-electriciens": "Offre à emporter {de}",
    "parcours-noir": "Parcours noir {de}",
    "louvre-lens": "Musée {de}",
}
SITE_DESCRIPTIONS = {
    "olhain": "Nouveau restaurant : carte, équipe et producteurs locaux à définir.",
    "cite-electriciens": "Offre à emporter avec les producteurs locaux et les jardins ouvriers.",
    "parcours-noir": "Parcours d'expériences culinaires sur le thème du noir pendant le mois noir.",
    "louvre-lens": "Lieu de dégustations et de rencontres, au cœur de la destination.",
}


# --- formatting (the canonical form `dashboard.ingest.format_cell` writes) ----------


def _num(value: float | int | None) -> str:
    if value is None:
        return ""
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def _day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded if ch.isascii() and (ch.isalnum() or ch in "-.")).lower()


# --- identifiers (depend on the scale only) ------------------------------------------


class Ids:
    """Identifiers of every row, by unit and position, shared by all datasets, and
    the shape of each mission's culinary evaluation (projects, jurors per project)."""

    def __init__(
        self, scale: int, projects: int = CULINARY_PROJECTS, jurors: int = CULINARY_JURORS
    ) -> None:
        self.scale = scale
        self.projects = projects
        self.jurors = min(jurors, CULINARY_JURORS)
        self.width = len(str(scale * max(PER_UNIT["stakeholders"], projects)))

    def suffix(self, unit: int) -> str:
        return "" if unit == 0 else f"-{unit + 1}"

    def site(self, unit: int, key: str) -> str:
        return key + self.suffix(unit)

    def task(self, unit: int, i: int) -> str:
        return f"T{unit * PER_UNIT['tasks'] + i + 1:0{self.width}d}"

    def stakeholder(self, unit: int, i: int) -> str:
        return f"S{unit * PER_UNIT['stakeholders'] + i + 1:0{self.width}d}"

    def project(self, unit: int, i: int) -> str:
        if i < self.projects:
            return f"P{unit * self.projects + i + 1:0{self.width}d}"
        return f"AG{unit * AGENCY_PROJECTS + i - self.projects + 1:0{self.width}d}"

    def action(self, unit: int, i: int) -> str:
        return f"A{unit * PER_UNIT['actions'] + i + 1:0{self.width}d}"

    def evaluation(self, unit: int, agency: bool) -> str:
        return ("choix-agence" if agency else "projets-culinaires") + self.suffix(unit)


def _juror(i: int, offset: int) -> str:
    first = FIRST_NAMES[(i + offset) % len(FIRST_NAMES)]
    last = LAST_NAMES[(i * 7 + offset) % len(LAST_NAMES)]
    return f"{first} {last}"


def _weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _unit_commune(unit: int) -> tuple[str, str, float, float]:
    # The mission's home commune depends on the unit only: site names do not
    # change with the seed, so files of two seeds describe the same places.
    return COMMUNES[(unit * 5) % len(COMMUNES)]


# --- datasets -------------------------------------------------------------------------


def _sites(rng: random.Random, ids: Ids) -> Iterable[Row]:
    for unit in range(ids.scale):
        commune, _, lat, lon = _unit_commune(unit)
        for key, name, demo_commune, kind in SITES:
            if unit == 0:
                place, site_name = demo_commune, name
                base = next(c for c in COMMUNES if c[0] == place)
                lat, lon = base[2], base[3]
            else:
                place, site_name = commune, SITE_NAMES[key].format(de=_de(commune))
            yield (
                ids.site(unit, key),
                site_name,
                place,
                kind,
                _num(round(lat + rng.uniform(-0.02, 0.02), 4)),
                _num(round(lon + rng.uniform(-0.02, 0.02), 4)),
                SITE_DESCRIPTIONS[key],
            )


def _task_dates(rng: random.Random) -> list[tuple[date, date]]:
    spans: list[tuple[date, date]] = []
    for i, (_, _, start, end, deps) in enumerate(PLAN):
        s = _d(start)
        e = _d(end) if end else s
        if i == EVENT_POSITION:
            spans.append(EVENT)
            continue
        duration = (e - s).days
        s += timedelta(days=rng.randint(-6, 6))
        # A task starts after what it depends on, as a plan would have it.
        for d in deps:
            s = max(s, spans[d][1] + timedelta(days=1))
        if end is None:
            e = s
        else:
            e = s + timedelta(days=max(1, round(duration * rng.uniform(0.8, 1.25))))
        spans.append((s, e))
    return spans


def _progress(rng: random.Random, start: date, end: date) -> tuple[float, str]:
    """Progress and status at the reference date, with the usual slippage."""
    roll = rng.random()
    if roll < 0.03:
        return float(rng.randint(0, 6) * 5), "cancelled"
    if start > REFERENCE:
        return 0.0, "" if rng.random() < 0.8 else "planned"
    if roll < 0.07:
        return float(rng.randint(1, 8) * 5), "blocked"
    if end < REFERENCE:
        if rng.random() < 0.85:
            return 100.0, "done" if rng.random() < 0.4 else ""
        return float(rng.randint(6, 19) * 5), ""
    elapsed = (REFERENCE - start).days / max((end - start).days, 1)
    pct = min(max(elapsed * 100 + rng.uniform(-35, 15), 0), 95)
    return float(round(pct / 5) * 5), "in_progress" if rng.random() < 0.3 else ""


def _tasks(rng: random.Random, ids: Ids) -> Iterable[Row]:
    for unit in range(ids.scale):
        spans = _task_dates(rng)
        for i, ((workstream, name, _, end, deps), (s, e)) in enumerate(
            zip(PLAN, spans, strict=True)
        ):
            milestone = end is None
            progress, status = _progress(rng, s, e)
            site_key = WORKSTREAM_SITE[workstream]
            if workstream == "Parcours noir" and "Louvre-Lens" in name:
                site_key = "louvre-lens"
            # The mois noir keeps its fixed dates: a dependency that would end after
            # it opens is dropped, so no task starts before what it depends on ends.
            kept = [d for d in deps if rng.random() < 0.9 and spans[d][1] < s]
            baseline: tuple[date | None, date | None] = (None, None)
            if rng.random() < 0.55:
                b_start = s - timedelta(days=rng.choice((0, 0, 0, 7, 14, 21)))
                slip = timedelta(days=rng.randint(0, 20))
                b_end = b_start if milestone else max(b_start, e - slip)
                baseline = (b_start, b_end)
            budget: float | None = None
            spent: float | None = None
            if not milestone and rng.random() < 0.7:
                budget = float(rng.randint(5, 200) * 100)
                if progress > 0:
                    spent = round(budget * progress / 100 * rng.uniform(0.8, 1.2) * 2) / 2
            yield (
                ids.task(unit, i),
                workstream,
                name,
                _day(s),
                _day(e),
                "true" if milestone else "false",
                _num(progress),
                status,
                rng.choice(OWNERS),
                ids.site(unit, site_key) if site_key else "",
                " ".join(ids.task(unit, d) for d in kept),
                _day(baseline[0]),
                _day(baseline[1]),
                _num(budget),
                _num(spent),
            )


def _de(place: str) -> str:
    """French 'of': « d'Arras », « de Lens »."""
    return f"d'{place}" if place[:1].lower() in "aeiouyéèêâîôœ" else f"de {place}"


def _stakeholder_name(rng: random.Random, category: str, commune: str, city: str) -> str:
    last = rng.choice(LAST_NAMES)
    noun = rng.choice(NOUNS)
    commune, city = _de(commune), _de(city)
    options = {
        "restaurateur": (f"Restaurant {noun}", f"Friterie {noun}", f"Estaminet {noun}"),
        "producteur": (f"Ferme {last}", f"Maraîchage {last}", f"Jardins ouvriers {commune}"),
        "boulanger": (f"Boulangerie {last}", f"Fournil {noun}"),
        "artisan": (f"Brasserie artisanale {noun}", f"Chocolaterie {last}", f"Fromagerie {last}"),
        "traiteur": (f"Traiteur {last}", f"Les Saveurs {noun}"),
        "institution": (f"Mairie {commune}", f"Communauté d'agglomération {noun}"),
        "office de tourisme": (f"Office de tourisme {commune}",),
        "partenaire international": (f"Food Lab {city}", f"Maison de la gastronomie {city}"),
        "équipement": (f"{last} Équipement cuisine", f"Vaisselle {noun}"),
    }[category]
    return rng.choice(options)


def _stakeholders(rng: random.Random, ids: Ids) -> Iterable[Row]:
    for unit in range(ids.scale):
        for i in range(PER_UNIT["stakeholders"]):
            category = _weighted(rng, CATEGORIES)
            city, country, clat, clon = rng.choice(ABROAD)
            if category == "partenaire international":
                commune, territory, lat, lon = city, "", clat, clon
            else:
                commune, territory, lat, lon = rng.choice(COMMUNES)
                country = "FR"
            name = _stakeholder_name(rng, category, commune, city)
            has_contact = rng.random() < 0.6
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            yield (
                ids.stakeholder(unit, i),
                name,
                category,
                commune,
                country,
                _num(round(lat + rng.uniform(-0.01, 0.01), 4)),
                _num(round(lon + rng.uniform(-0.01, 0.01), 4)),
                territory,
                "" if rng.random() < 0.1 else str(rng.randint(1, 5)),
                "" if rng.random() < 0.1 else str(rng.randint(1, 5)),
                _weighted(rng, ENGAGEMENT),
                ids.site(unit, rng.choice(SITES)[0]) if rng.random() < 0.2 else "",
                f"{first} {last}" if has_contact else "",
                f"{_ascii(first)}.{_ascii(last)}@example.fr" if has_contact else "",
                (
                    "03 21 " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(3))
                    if has_contact and rng.random() < 0.7
                    else ""
                ),
            )


def _themes(rng: random.Random, projects: int) -> list[tuple[str, str]]:
    """Names and themes of a culinary evaluation's projects: the demo's themes
    drawn without repeats, numbered once there are more projects than themes."""
    if projects <= len(THEMES):
        return rng.sample(THEMES, projects)
    return [
        (f"{THEMES[i % len(THEMES)][0]} n° {i // len(THEMES) + 1}", THEMES[i % len(THEMES)][1])
        for i in rng.sample(range(projects), projects)
    ]


def _panel(project: int, jurors: int) -> range | list[int]:
    """The jurors (of the panel of CULINARY_JURORS) who score one culinary project:
    all of them, or `jurors` in turn, as a large call splits its jury."""
    if jurors >= CULINARY_JURORS:
        return range(CULINARY_JURORS)
    return [(project * jurors + k) % CULINARY_JURORS for k in range(jurors)]


def _projects(rng: random.Random, ids: Ids) -> Iterable[Row]:
    for unit in range(ids.scale):
        themes = _themes(rng, ids.projects)
        for i, (name, theme) in enumerate(themes):
            site = rng.choice(("parcours-noir", "parcours-noir", "olhain", "cite-electriciens", ""))
            price = float(rng.randint(10, 200) * 100) if rng.random() < 0.25 else None
            status = rng.choice(("candidate", "shortlisted", "shortlisted", "selected", "rejected"))
            yield (
                ids.project(unit, i),
                ids.evaluation(unit, agency=False),
                name,
                theme,
                ids.stakeholder(unit, rng.randrange(PER_UNIT["stakeholders"])),
                ids.site(unit, site) if site else "",
                _num(price),
                status,
            )
        agencies = rng.sample(AGENCIES, AGENCY_PROJECTS)
        chosen = rng.randrange(AGENCY_PROJECTS)
        for j, name in enumerate(agencies):
            yield (
                ids.project(unit, ids.projects + j),
                ids.evaluation(unit, agency=True),
                name,
                "",
                "",
                "",
                # every bid has a price: the evaluation scores the lowest one
                _num(rng.randint(300, 700) * 100),
                "selected" if j == chosen else "rejected",
            )


def _criteria(rng: random.Random, ids: Ids) -> Iterable[Row]:
    del rng  # the criteria are the mission's rules, the same whatever the seed
    for unit in range(ids.scale):
        for agency, table in ((False, CULINARY), (True, AGENCY)):
            for criterion, label, weight, scale_max, method in table:
                yield (
                    ids.evaluation(unit, agency),
                    criterion,
                    label,
                    _num(weight),
                    # what an import stores for an empty scale: the default, 5
                    _num(5 if scale_max is None else scale_max),
                    method,
                )


def _scores(rng: random.Random, ids: Ids) -> Iterable[Row]:
    for unit in range(ids.scale):
        for i in range(ids.projects + AGENCY_PROJECTS):
            agency = i >= ids.projects
            table = AGENCY if agency else CULINARY
            jurors = range(AGENCY_JURORS) if agency else _panel(i, ids.jurors)
            project = ids.project(unit, i)
            quality = rng.uniform(0.35, 0.95)
            for criterion, _, _, scale_max, method in table:
                if method != "rating" or scale_max is None:
                    continue
                for j in jurors:
                    raw = quality * scale_max + rng.gauss(0, scale_max * 0.12)
                    halves = min(max(round(raw * 2), 0), scale_max * 2)
                    yield (
                        project,
                        criterion,
                        _juror(j, 11 if agency else 0),
                        _num(halves / 2),
                        rng.choice(COMMENTS) if rng.random() < 0.08 else "",
                    )


def _kpis(rng: random.Random, ids: Ids) -> Iterable[Row]:
    for unit in range(ids.scale):
        for key, _, _, _ in SITES:
            # the first mission's destination-wide indicators belong to no site
            site = "" if unit == 0 and key == "louvre-lens" else ids.site(unit, key)
            for kpi, target, unit_label in KPIS[key]:
                goal = target if target is not None else rng.randint(50, 90) * 1000
                value = 0.0
                for day in KPI_DATES:
                    value = min(value + goal * rng.uniform(0.05, 0.4), goal * 1.1)
                    shown = round(value) if target is not None else round(value / 50) * 50
                    yield (site, kpi, _day(day), _num(shown), _num(target), unit_label)


def _actions(rng: random.Random, ids: Ids) -> Iterable[Row]:
    for unit in range(ids.scale):
        for i in range(PER_UNIT["actions"]):
            meeting = MEETINGS[min(i * len(MEETINGS) // PER_UNIT["actions"], len(MEETINGS) - 1)]
            decision = rng.random() < 0.3
            if decision:
                kind, text, due, status = "decision", rng.choice(DECISION_TEXTS), None, "done"
            else:
                kind, text = "action", rng.choice(ACTION_TEXTS)
                due = meeting + timedelta(days=rng.randint(5, 50)) if rng.random() < 0.85 else None
                if due is not None and due < REFERENCE:
                    status = _weighted(rng, (("done", 70), ("open", 25), ("cancelled", 5)))
                else:
                    status = "open" if rng.random() < 0.9 else "done"
            task = ids.task(unit, rng.randrange(PER_UNIT["tasks"])) if rng.random() < 0.5 else ""
            project = (
                ids.project(unit, rng.randrange(ids.projects + AGENCY_PROJECTS))
                if rng.random() < 0.15
                else ""
            )
            yield (
                ids.action(unit, i),
                _day(meeting),
                kind,
                text,
                rng.choice(OWNERS),
                _day(due),
                status,
                task,
                project,
            )


BUILDERS = {
    "sites": _sites,
    "tasks": _tasks,
    "stakeholders": _stakeholders,
    "projects": _projects,
    "criteria": _criteria,
    "scores": _scores,
    "kpis": _kpis,
    "actions": _actions,
}


def rows(
    dataset: str,
    scale: int,
    seed: int = 2020,
    projects: int = CULINARY_PROJECTS,
    jurors: int = CULINARY_JURORS,
) -> Iterable[Row]:
    """The rows of one dataset, canonical cells in contract column order."""
    # A string seed is hashed the same way in every process (unlike hash()).
    rng = random.Random(f"{seed}:{dataset}")
    return BUILDERS[dataset](rng, Ids(scale, projects, jurors))


def write(
    folder: Path,
    dataset: str,
    scale: int,
    seed: int = 2020,
    projects: int = CULINARY_PROJECTS,
    jurors: int = CULINARY_JURORS,
) -> int:
    """Write one dataset's canonical file; returns its number of rows."""
    count = 0
    path = Path(folder) / get_dataset(dataset).filename
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        columns = get_dataset(dataset).column_names
        writer.writerow(columns)
        for row in rows(dataset, scale, seed, projects, jurors):
            # optional columns the generator does not fill (English texts) stay empty
            writer.writerow([*row, *[""] * (len(columns) - len(row))])
            count += 1
    return count


def generate(
    folder: Path,
    scale: int,
    seed: int = 2020,
    projects: int = CULINARY_PROJECTS,
    jurors: int = CULINARY_JURORS,
) -> dict[str, int]:
    """Write the eight canonical files at `scale` x the demo; rows per dataset.

    `projects` and `jurors` reshape each mission's culinary evaluation: that many
    projects, each scored by `jurors` of its panel of 28 (a data set with few
    sites and a large evaluation: `scale=1, projects=10_000, jurors=5`)."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    if projects < 1 or jurors < 1:
        raise ValueError("projects and jurors must be at least 1")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return {name: write(folder, name, scale, seed, projects, jurors) for name in DATASET_ORDER}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description="Write valid data at N x the demo's size."
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument(
        "--projects",
        type=int,
        default=CULINARY_PROJECTS,
        help=f"projects in each mission's culinary evaluation (default {CULINARY_PROJECTS})",
    )
    parser.add_argument(
        "--jurors",
        type=int,
        default=CULINARY_JURORS,
        help=f"jurors (of a panel of {CULINARY_JURORS}) per culinary project (default all)",
    )
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be at least 1")
    if args.projects < 1 or args.jurors < 1:
        parser.error("--projects and --jurors must be at least 1")
    counts = generate(args.folder, args.scale, args.seed, args.projects, args.jurors)
    for name, count in counts.items():
        print(f"{name:<13} {count:>9,}")
    print(f"{'total':<13} {sum(counts.values()):>9,}  ->  {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
