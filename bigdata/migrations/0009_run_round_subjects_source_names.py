# Runs of a round screen that round's applicants (Run.round, Run.all_organizations, RunSubject);
# record sources get an English name beside the Chinese one. Written by hand.

import django.db.models.deletion
from django.db import migrations, models

# The English names of the shipped sources (bigdata/fixtures/sources.json), copied so that the
# migration stays as it is; sources_load keeps them up to date from the fixture afterwards.
ENGLISH_NAMES = {
    "gov-penalty": "Administrative penalties (Credit China \"double publicity\")",
    "gov-dishonesty": "Serious-dishonesty list",
    "gov-abnormal": "Abnormal-operations list",
    "court-enforcement": "Dishonest judgment debtors / persons subject to enforcement "
                         "(China Enforcement Information Disclosure)",
    "tax-violation": "Major tax violators",
    "spot-check": "Product-quality supervisory spot checks",
    "accident": "Production-safety, environmental and health accidents",
    "consumer-complaint": "Consumer complaints (12315)",
    "media-report": "News media reports",
    "certification": "Certification certificates (third party)",
    "credit-rating": "Credit ratings (third party)",
    "self-reported": "Data reported by the enterprise",
}


def english_names(apps, schema_editor):
    RecordSource = apps.get_model("bigdata", "RecordSource")
    for code, name in ENGLISH_NAMES.items():
        RecordSource.objects.filter(code=code, name_en="").update(name_en=name)


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0002_application_content'),
        ('bigdata', '0008_rule_articles_kinds_message_codes'),
    ]

    operations = [
        migrations.RenameField(model_name='recordsource', old_name='name', new_name='name_zh'),
        migrations.AlterField(
            model_name='recordsource', name='name_zh',
            field=models.CharField(max_length=200, verbose_name='name (Chinese)'),
        ),
        migrations.AddField(
            model_name='recordsource', name='name_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='name (English)'),
        ),
        migrations.RunPython(english_names, migrations.RunPython.noop),
        migrations.AddField(
            model_name='run', name='round',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name='+', to='applications.round', verbose_name='round'),
        ),
        migrations.AddField(
            model_name='run', name='all_organizations',
            field=models.BooleanField(default=True),
        ),
        migrations.CreateModel(
            name='RunSubject',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('organization', models.ForeignKey(db_constraint=False, db_index=False,
                                                   on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                                   to='applications.organization')),
                ('run', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                          related_name='subjects', to='bigdata.run')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('run', 'organization'), name='run_subject_unique')],
            },
        ),
    ]
