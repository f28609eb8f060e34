# Entries written from now on carry an HMAC-SHA256 of their hash (award_portal/audit.py).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('award_portal', '0003_notification'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='mac',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
    ]
