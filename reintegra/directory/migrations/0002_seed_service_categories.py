"""Seed the service taxonomy: Annex 8's service types, extended with the social and psychosocial
categories of the handbook (referrals-and-services.md §1). Administrators may add or rename later."""

from django.db import migrations

# code, English, French, dimension, level
CATEGORIES = [
    ("job_placement", "Job placement", "Placement professionnel", "economic", "individual"),
    (
        "tvet",
        "Technical and vocational education and training (TVET)",
        "Formation professionnelle (EFTP)",
        "economic",
        "individual",
    ),
    (
        "business_development",
        "Business development support",
        "Appui au développement des entreprises",
        "economic",
        "individual",
    ),
    ("financial_services", "Financial services", "Services financiers", "economic", "individual"),
    ("health", "Health services", "Services de santé", "social", "individual"),
    ("housing", "Housing", "Logement", "social", "individual"),
    ("education", "Education", "Éducation", "social", "individual"),
    ("legal_documentation", "Legal aid and documentation", "Assistance juridique et documentation", "social", "individual"),
    ("social_protection", "Social protection", "Protection sociale", "social", "individual"),
    ("childcare", "Childcare", "Garde d'enfants", "social", "individual"),
    ("food_water", "Food and water", "Alimentation et eau", "social", "individual"),
    ("justice_rights", "Justice and rights", "Justice et droits", "social", "individual"),
    ("security", "Security", "Sécurité", "social", "individual"),
    ("counselling", "Counselling", "Conseil", "psychosocial", "individual"),
    (
        "mhpss",
        "Mental health and psychosocial support (MHPSS)",
        "Santé mentale et soutien psychosocial (SMSPS)",
        "psychosocial",
        "individual",
    ),
    ("cash_basic_needs", "Cash and basic needs", "Espèces et besoins essentiels", "immediate", "individual"),
    ("temporary_accommodation", "Temporary accommodation", "Hébergement temporaire", "immediate", "individual"),
    ("onward_transport", "Onward transport", "Transport jusqu'à la destination", "immediate", "individual"),
]


def seed(apps, schema_editor):
    ServiceCategory = apps.get_model("directory", "ServiceCategory")
    for position, (code, name_en, name_fr, dimension, level) in enumerate(CATEGORIES, start=1):
        ServiceCategory.objects.update_or_create(
            code=code,
            defaults={
                "name_en": name_en,
                "name_fr": name_fr,
                "dimension": dimension,
                "level": level,
                "position": position * 10,
            },
        )


def unseed(apps, schema_editor):
    ServiceCategory = apps.get_model("directory", "ServiceCategory")
    ServiceCategory.objects.filter(code__in=[row[0] for row in CATEGORIES], services__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
