"""Synthetic but plausible material for demo and benchmark data.

Names from Senegal, Mali, Guinea and the Gambia with the spelling variants that reach case
files through French and English transliteration; places of return per office; host
countries and points of arrival. Every person made from this is fictitious.
"""

from dataclasses import dataclass

# Given names per sex, each with spelling variants seen on documents (first is the usual one).
MALE_NAMES = [
    ("Mamadou", "Mamadu", "Mohamadou"),
    ("Moussa", "Musa"),
    ("Ibrahima", "Ebrima", "Ibrahim"),
    ("Ousmane", "Usman", "Ousman"),
    ("Abdoulaye", "Abdoulie", "Abdullah"),
    ("Cheikh", "Sheikh"),
    ("Modou", "Momodou"),
    ("Lamine", "Lamin"),
    ("Saliou", "Saliu"),
    ("Babacar", "Babakar"),
    ("Aliou", "Aliyu"),
    ("Souleymane", "Suleiman"),
    ("Boubacar", "Bubacarr"),
    ("Seydou", "Saidou"),
    ("Amadou", "Ahmadou"),
    ("Oumar", "Omar"),
    ("Ismaïla", "Ismaila"),
    ("Alassane", "Alhassane"),
    ("Sékou", "Sekou"),
    ("Bakary", "Bakari"),
    ("Yaya", "Yahya"),
    ("Adama",),
    ("Demba",),
    ("Samba",),
    ("Malick", "Malik"),
    ("Idrissa", "Idriss"),
    ("Pape", "Papa"),
    ("Fodé", "Fode"),
    ("Mamadi", "Mamady"),
    ("Karamo", "Karamoko"),
]
FEMALE_NAMES = [
    ("Fatou", "Fatu"),
    ("Aminata", "Aminatta"),
    ("Awa",),
    ("Mariama", "Mariam"),
    ("Aïssatou", "Aissatou", "Isatou"),
    ("Khady", "Khadija"),
    ("Ndeye", "Ndèye"),
    ("Coumba", "Kumba"),
    ("Binta", "Bintou"),
    ("Fatoumata", "Fatumata"),
    ("Kadiatou", "Kadiatu"),
    ("Oumou", "Umu"),
    ("Rokhaya", "Rokaya"),
    ("Hawa",),
    ("Djeneba", "Jeneba"),
    ("Nafissatou", "Nafisatu"),
    ("Haddy", "Hadi"),
    ("Fanta",),
    ("Ramatoulaye", "Ramatulai"),
    ("Astou", "Astu"),
    ("Dieynaba", "Jeynaba"),
    ("Sira",),
]
# Family names per nationality, with variants.
FAMILY_NAMES = {
    "SN": [
        ("Diop", "Jobe"),
        ("Ndiaye", "N'Diaye", "Njie"),
        ("Fall",),
        ("Sow", "Sowe"),
        ("Ba", "Bah"),
        ("Sy", "Sylla"),
        ("Faye",),
        ("Gueye", "Guèye"),
        ("Mbaye", "M'Baye"),
        ("Sarr", "Sar"),
        ("Diouf", "Juf"),
        ("Cissé", "Cisse", "Ceesay"),
        ("Seck", "Sek"),
        ("Niang",),
        ("Thiam", "Tiam"),
        ("Kane", "Kan"),
        ("Ndour",),
        ("Sène", "Sene"),
        ("Dieng", "Jeng"),
        ("Badji", "Badgie"),
        ("Mané", "Mane"),
        ("Diatta", "Jatta"),
        ("Coly",),
        ("Diallo", "Jallow", "Dialo"),
    ],
    "ML": [
        ("Traoré", "Traore", "Trawally"),
        ("Keïta", "Keita"),
        ("Coulibaly", "Kulibali"),
        ("Diarra", "Jarra"),
        ("Konaté", "Konate"),
        ("Sissoko", "Sisoko"),
        ("Dembélé", "Dembele"),
        ("Touré", "Toure", "Touray"),
        ("Sidibé", "Sidibe"),
        ("Sangaré", "Sangare"),
        ("Doumbia", "Dumbia"),
        ("Maïga", "Maiga"),
        ("Kanté", "Kante"),
        ("Diakité", "Diakite", "Jakite"),
        ("Fofana",),
        ("Samaké", "Samake"),
        ("Bagayoko", "Bagayogo"),
        ("Diallo", "Jallow", "Dialo"),
    ],
    "GN": [
        ("Diallo", "Jallow", "Dialo"),
        ("Barry", "Bari"),
        ("Bah", "Ba"),
        ("Camara", "Kamara"),
        ("Condé", "Conde", "Konde"),
        ("Soumah", "Sumah"),
        ("Bangoura", "Bangura"),
        ("Kourouma", "Kuruma"),
    ],
    "GM": [
        ("Jallow", "Diallo"),
        ("Ceesay", "Cissé"),
        ("Jammeh", "Diamé"),
        ("Touray", "Touré"),
        ("Sanneh", "Sané"),
        ("Bojang", "Bodian"),
        ("Darboe", "Darbo"),
        ("Manneh", "Mané"),
        ("Jobe", "Diop"),
    ],
}
LANGUAGES = {
    "SN": ["wolof, français", "pulaar, wolof", "sérère, wolof, français", "mandinka, wolof", "diola, français"],
    "ML": ["bambara, français", "bambara", "soninké, bambara", "peul, bambara", "songhaï, français"],
    "GN": ["pular, français", "soussou, français", "malinké"],
    "GM": ["mandinka, english", "wolof, english", "fula, english"],
}
PHONE_FORMATS = {
    "SN": ["+221 7{a} {b} {c} {d}", "7{a}{b}{c}{d}", "00221 7{a} {b} {c} {d}", "7{a} {b} {c} {d}"],
    "ML": ["+223 {e}{a} {c} {d} {f}", "{e}{a}{c}{d}{f}", "00223 {e}{a} {c} {d} {f}"],
    "GN": ["+224 62{a} {c} {d} {f}", "62{a}{c}{d}{f}"],
    "GM": ["+220 7{a}{c}{d}{f}", "7{a} {c}{d}{f}"],
}


@dataclass(frozen=True)
class Place:
    region: str
    districts: tuple[str, ...]


PLACES = {
    "DKR": [
        Place("Dakar", ("Pikine", "Guédiawaye", "Rufisque", "Keur Massar", "Dakar-Plateau", "Parcelles Assainies")),
        Place("Thiès", ("Mbour", "Tivaouane", "Thiès Nord", "Joal-Fadiouth")),
        Place("Diourbel", ("Touba", "Mbacké", "Bambey")),
        Place("Louga", ("Kébémer", "Linguère", "Louga")),
        Place("Kolda", ("Vélingara", "Kolda", "Médina Yoro Foulah")),
        Place("Ziguinchor", ("Bignona", "Ziguinchor", "Oussouye")),
        Place("Saint-Louis", ("Podor", "Dagana", "Saint-Louis")),
        Place("Matam", ("Kanel", "Matam", "Ranérou")),
    ],
    "TBA": [
        Place("Tambacounda", ("Tambacounda", "Goudiry", "Bakel", "Koumpentoum")),
        Place("Kédougou", ("Kédougou", "Saraya", "Salémata")),
    ],
    "BKO": [
        Place("Kayes", ("Kayes", "Nioro du Sahel", "Diéma", "Yélimané", "Bafoulabé", "Kita")),
        Place("Koulikoro", ("Kati", "Kangaba", "Koulikoro", "Banamba")),
        Place("Sikasso", ("Sikasso", "Bougouni", "Koutiala")),
        Place("Ségou", ("Ségou", "San", "Niono")),
        Place("District de Bamako", ("Commune I", "Commune III", "Commune IV", "Commune V", "Commune VI")),
    ],
}
QUARTERS = ["Médina", "Liberté", "Gare", "Escale", "Quartier Nord", "Santhiaba", "Darou Salam", "Hamdallaye"]
# Host country -> weight; arrival points per office for flights and land borders.
HOST_COUNTRIES = {"LY": 26, "NE": 20, "MA": 12, "DZ": 10, "TN": 6, "MR": 8, "IT": 6, "ES": 5, "DE": 4, "FR": 3}
ARRIVAL_POINTS = {
    "SN": {
        "air": "Aéroport international Blaise Diagne (AIBD)",
        "MR": "Poste frontière de Rosso",
        "land": "Poste frontière de Kidira",
    },
    "ML": {
        "air": "Aéroport international Modibo Keïta (Bamako-Sénou)",
        "MR": "Poste frontière de Gogui",
        "land": "Poste frontière de Labbezanga",
    },
}
LAND_HOSTS = {"NE", "MR", "DZ"}
# Host country in French sentences: "arrivé de Libye", "les conditions vécues en Libye".
HOST_FROM = {
    "LY": "de Libye",
    "NE": "du Niger",
    "MA": "du Maroc",
    "DZ": "d'Algérie",
    "TN": "de Tunisie",
    "MR": "de Mauritanie",
    "IT": "d'Italie",
    "ES": "d'Espagne",
    "DE": "d'Allemagne",
    "FR": "de France",
    "": "d'exil",
}
HOST_IN = {
    "LY": "en Libye",
    "NE": "au Niger",
    "MA": "au Maroc",
    "DZ": "en Algérie",
    "TN": "en Tunisie",
    "MR": "en Mauritanie",
    "IT": "en Italie",
    "ES": "en Espagne",
    "DE": "en Allemagne",
    "FR": "en France",
    "": "en exil",
}
WITNESSES = ["Aïda Mbengue (assistante sociale)", "Moustapha Diagne (interprète)", "Salimata Koné (collègue)"]
SECTORS = [
    "l'élevage de moutons",
    "le petit commerce",
    "la couture",
    "le transport en moto-taxi",
    "le maraîchage",
    "la mécanique automobile",
    "la coiffure",
    "la vente de produits halieutiques",
    "la menuiserie métallique",
    "la transformation de céréales locales",
]
# Counselling notes in French; {e} is the feminine ending (e.g. arrivé{e}).
NOTES_INTAKE = [
    "Entretien d'accueil. Arrivé{e} {host_from} il y a quelques jours, fatigué{e} mais en bonne santé. "
    "Informé{e} du programme, de ses droits et de la confidentialité des données.",
    "Premier contact à l'arrivée. Souhaite se reposer en famille avant l'évaluation. "
    "Besoin immédiat : hébergement temporaire chez un oncle à {district}.",
]
NOTES_ASSESSMENT = [
    "Évaluation des besoins : dettes contractées pour le voyage (environ {debt} FCFA). "
    "Intérêt pour {sector}. Aucune formation professionnelle antérieure.",
    "Séance de conseil : a évoqué les conditions difficiles vécues {host_in}. "
    "Soutien psychosocial proposé et accepté ; orientation vers le centre de santé de {district}.",
]
NOTES_PLANNING = [
    "Élaboration du plan de réintégration : projet individuel dans {sector}. "
    "Devis demandés à deux fournisseurs locaux ; formation en gestion prévue.",
    "Discussion du projet collectif avec trois autres bénéficiaires de {district}. La famille soutient le projet.",
]
NOTES_FOLLOW_UP = [
    "Visite à domicile : l'activité dans {sector} a démarré, premières ventes encourageantes.",
    "Appel de suivi : la famille l'a bien accueilli{e}. Reste préoccupé{e} par le remboursement des dettes.",
    "Suivi à trois mois : revenus encore irréguliers ; conseils sur la tenue d'un cahier de caisse.",
]
NOTES_LOST = [
    "Ne répond plus au téléphone depuis trois semaines ; message laissé à son frère à {district}.",
]
TASKS_OPEN = [
    "Finaliser l'évaluation des besoins",
    "Préparer le plan de réintégration",
    "Vérifier les devis des fournisseurs",
    "Organiser la visite à domicile",
    "Accompagner au centre de formation professionnelle",
    "Appeler pour le suivi à trois mois",
    "Obtenir une copie de la pièce d'identité",
]
