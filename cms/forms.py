"""Admin forms of the page types."""
from wagtail.admin.forms import WagtailAdminPageForm


class LessonPageForm(WagtailAdminPageForm):
    """A lesson embeds only exercises of its own academy."""

    def clean(self):
        from .models import AcademyPage

        cleaned_data = super().clean()
        body = cleaned_data.get("body")
        parent = self.parent_page or (self.instance.get_parent() if self.instance.pk else None)
        if not body or parent is None:
            return cleaned_data
        academy_page = AcademyPage.objects.ancestor_of(parent, inclusive=True).first()
        academy_id = academy_page.academy_id if academy_page else None
        foreign = [
            block.value["exercise"] for block in body
            if block.block_type == "exercise" and block.value["exercise"] is not None
            and block.value["exercise"].academy_id != academy_id
        ]
        if foreign:
            self.add_error("body", "Lessons can embed only their own academy's exercises: "
                           + ", ".join(str(e) for e in foreign) + ".")
        return cleaned_data
