from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"

    def ready(self):
        # Pillow refuses to open (warning, then error at twice the value) images over this many
        # pixels: the upload limit, so that no decompression bomb is ever decoded, even one
        # stored before the limit was lowered.
        from PIL import Image

        from . import signals  # noqa: F401  (lesson index, staff groups, translated academy pages)
        from .uploads import max_image_pixels

        Image.MAX_IMAGE_PIXELS = min(Image.MAX_IMAGE_PIXELS or max_image_pixels(), max_image_pixels())
