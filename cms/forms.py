"""Admin forms of the page types: a page uses only its own academy's exercises and images.

The choosers already offer only the user's academy's objects; these checks refuse, at
save time, an id of another academy's object posted by hand (or kept from before a page
moved academies).
"""
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Collection


def academy_of(page_form) -> int | None:
    """The academy id of the page being added or edited (None above the academies)."""
    from .models import AcademyPage

    parent = page_form.parent_page or (page_form.instance.get_parent() if page_form.instance.pk else None)
    if parent is None:
        return None
    academy_page = AcademyPage.objects.ancestor_of(parent, inclusive=True).first()
    return academy_page.academy_id if academy_page else None


def is_academy_image(image, academy_id) -> bool:
    """An image belongs to an academy when it lies in the academy's collection or below it."""
    from accounts.models import Academy

    academy = Academy.objects.filter(pk=academy_id).first()
    if academy is None:
        return False
    root = Collection.get_first_root_node()
    collection = Collection.objects.child_of(root).filter(name=academy.name).first()
    if collection is None:
        return False
    return image.collection.path.startswith(collection.path)


class AcademyPageForm(WagtailAdminPageForm):
    """Refuses another academy's images in the fields named by `image_fields`."""

    image_fields: tuple[str, ...] = ()

    def foreign_images(self, images, academy_id) -> list:
        return [image for image in images if image is not None and not is_academy_image(image, academy_id)]

    def forget_posted(self, keys) -> None:
        """Blank these posted values, so that the form shown again with its errors does not
        render the refused objects (their titles and thumbnails) in its choosers."""
        self.data = self.data.copy()
        for key in keys:
            self.data[key] = ""

    def clean(self):
        cleaned_data = super().clean()
        academy_id = academy_of(self)
        if academy_id is None:
            return cleaned_data
        for name in self.image_fields:
            if self.foreign_images([cleaned_data.get(name)], academy_id):
                self.add_error(name, "Choose an image of this page's own academy.")
                self.forget_posted([self.add_prefix(name)])
        return cleaned_data


class CoursePageForm(AcademyPageForm):
    """A course's cover is one of its academy's images."""

    image_fields = ("cover_image",)


class LessonPageForm(AcademyPageForm):
    """A lesson embeds only exercises and images of its own academy."""

    def clean(self):
        cleaned_data = super().clean()
        body = cleaned_data.get("body")
        academy_id = academy_of(self)
        if not body or academy_id is None:
            return cleaned_data
        exercises = [
            block.value["exercise"] for block in body
            if block.block_type == "exercise" and block.value["exercise"] is not None
            and block.value["exercise"].academy_id != academy_id
        ]
        images = self.foreign_images([block.value["image"] for block in body if block.block_type == "image"],
                                     academy_id)
        # The refused objects are not named: they are another academy's, unknown to the editor.
        if exercises:
            self.add_error("body", "Lessons can embed only their own academy's exercises.")
        if images:
            self.add_error("body", "Lessons can embed only their own academy's images.")
        self.forget_posted_blocks("exercise", {str(e.pk) for e in exercises})
        self.forget_posted_blocks("image", {str(i.pk) for i in images})
        return cleaned_data

    def forget_posted_blocks(self, field, ids) -> None:
        prefix, suffix = self.add_prefix("body") + "-", f"-value-{field}"
        if ids:
            self.forget_posted([key for key, value in self.data.items()
                                if key.startswith(prefix) and key.endswith(suffix) and value in ids])
