"""Seed the activity catalogue: Annex 3 section 2 and handbook §2.8. Administrators may add,
rename or deactivate types later; removing the seed keeps types already used by a plan."""

from django.db import migrations

# code, English, French, dimension, level, default modality, default delivery, service category code
TYPES = [
    ("immediate_cash", "Immediate cash assistance", "Aide immédiate en espèces", "immediate", "individual", "cash", "direct", "cash_basic_needs"),
    ("basic_needs", "Basic needs (food, clothing)", "Besoins essentiels (nourriture, vêtements)", "immediate", "individual", "in_kind", "direct", "cash_basic_needs"),
    ("accommodation", "Temporary accommodation", "Hébergement temporaire", "immediate", "individual", "service", "direct", "temporary_accommodation"),
    ("immediate_medical", "Immediate medical assistance", "Assistance médicale immédiate", "immediate", "individual", "service", "referral", "health"),
    ("onward_transport", "Onward transport", "Transport jusqu'à la destination", "immediate", "individual", "cash", "direct", "onward_transport"),
    ("other_immediate", "Other immediate assistance", "Autre assistance immédiate", "immediate", "individual", "in_kind", "direct", ""),
    ("income_generating", "Income-generating activity", "Activité génératrice de revenus", "economic", "individual", "in_kind", "direct", "business_development"),
    ("micro_business", "Individual micro-business", "Micro-entreprise individuelle", "economic", "individual", "in_kind", "direct", "business_development"),
    ("collective_project", "Collective project (with other returnees)", "Projet collectif (avec d'autres migrants de retour)", "economic", "individual", "in_kind", "direct", "business_development"),
    ("community_project", "Community project", "Projet communautaire", "economic", "community", "in_kind", "direct", ""),
    ("business_development", "Business development support", "Appui au développement des entreprises", "economic", "individual", "service", "referral", "business_development"),
    ("job_placement", "Job placement", "Placement professionnel", "economic", "individual", "service", "referral", "job_placement"),
    ("vocational_training", "Vocational training", "Formation professionnelle", "economic", "individual", "service", "referral", "tvet"),
    ("cash_for_work", "Cash for work", "Argent contre travail", "economic", "community", "cash", "direct", ""),
    ("debt_counselling", "Debt and budget counselling", "Conseil en gestion des dettes et du budget", "economic", "individual", "service", "referral", "financial_services"),
    ("other_economic", "Other economic assistance", "Autre assistance économique", "economic", "individual", "in_kind", "direct", ""),
    ("housing", "Housing support", "Aide au logement", "social", "individual", "in_kind", "direct", "housing"),
    ("medical", "Medical assistance (returnee or family)", "Assistance médicale (migrant de retour ou famille)", "social", "individual", "service", "referral", "health"),
    ("education", "Educational support", "Soutien à l'éducation", "social", "individual", "service", "referral", "education"),
    ("legal_documentation", "Legal services and documentation", "Services juridiques et documentation", "social", "individual", "service", "referral", "legal_documentation"),
    ("social_protection", "Social protection schemes", "Régimes de protection sociale", "social", "individual", "service", "referral", "social_protection"),
    ("childcare", "Childcare", "Garde d'enfants", "social", "individual", "service", "referral", "childcare"),
    ("security_measures", "Special security measures", "Mesures de sécurité spéciales", "social", "individual", "service", "direct", "security"),
    ("other_social", "Other social assistance", "Autre assistance sociale", "social", "individual", "service", "direct", ""),
    ("psychosocial_individual", "Individual psychosocial support", "Soutien psychosocial individuel", "psychosocial", "individual", "service", "direct", "counselling"),
    ("psychosocial_family", "Family psychosocial support", "Soutien psychosocial familial", "psychosocial", "individual", "service", "direct", "counselling"),
    ("psychosocial_community", "Community psychosocial activities", "Activités psychosociales communautaires", "psychosocial", "community", "service", "direct", "mhpss"),
    ("clinical_mhpss", "Specialised mental health care (referral)", "Soins spécialisés de santé mentale (orientation)", "psychosocial", "individual", "service", "referral", "mhpss"),
    ("other_psychosocial", "Other psychosocial assistance", "Autre assistance psychosociale", "psychosocial", "individual", "service", "direct", ""),
]  # fmt: skip


def seed(apps, schema_editor):
    ActivityType = apps.get_model("plans", "ActivityType")
    ServiceCategory = apps.get_model("directory", "ServiceCategory")
    categories = dict(ServiceCategory.objects.values_list("code", "pk"))
    for position, (code, name_en, name_fr, dimension, level, modality, delivery, category) in enumerate(TYPES, 1):
        ActivityType.objects.update_or_create(
            code=code,
            defaults={
                "name_en": name_en,
                "name_fr": name_fr,
                "dimension": dimension,
                "level": level,
                "default_modality": modality,
                "default_delivery": delivery,
                "service_category_id": categories.get(category),
                "position": position * 10,
            },
        )


def unseed(apps, schema_editor):
    ActivityType = apps.get_model("plans", "ActivityType")
    ActivityType.objects.filter(code__in=[row[0] for row in TYPES], activities__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial"), ("directory", "0002_seed_service_categories")]

    operations = [migrations.RunPython(seed, unseed)]
