# English dates as the site writes them everywhere: "2 December 2026", "2 December 2026, 14:05".
# Django's own English formats ("Dec. 2, 2026", "2:05 p.m.") read as American and abbreviate months;
# other languages keep Django's formats for them (frontend/templatetags/dates.py reads whichever is active).
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
