"""The default Site is rooted at Parley's home page (cms.tenancy.site_root_is_home does it for new trees;
this step for trees made before): with the Site on Wagtail's first page beside it, no academy page had a
URL and the admin warned "There is no site record for this location" on every module."""
from django.db import migrations


def root_at_home(apps, schema_editor):
    HomePage = apps.get_model("cms", "HomePage")
    Site = apps.get_model("wagtailcore", "Site")
    home = HomePage.objects.order_by("path").first()
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    if home is not None and site is not None and site.root_page_id != home.pk:
        site.root_page_id = home.pk
        site.save(update_fields=["root_page"])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_locales"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(root_at_home, migrations.RunPython.noop)]
