"""What the spreadsheets the secretariat downloads say for the codes an application
stores (Excel users read labels, not codes): the state, role, category,
country, UN regional group, gender and language in the reader's language, and the
time of the consultation. Made once per export, then looked up per row (the queue's
export keeps its ≥100,000 rows/s, `make bench`); every label is already safe for a
spreadsheet (consult.spreadsheets)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import get_locale
from flask_babel import gettext as _

from consult.consultations.content import localized
from consult.consultations.models import Consultation
from consult.enums import GENDER_LABELS, ApplicationState, Role
from consult.i18n import countries, locale_display_name, offered_languages
from consult.regions import REGION_LABELS, region_of
from consult.spreadsheets import excel_safe


class ExportLabels:
    """Labels for one consultation's export in the current language."""

    def __init__(self, consultation: Consultation):
        language = str(get_locale())
        self.states = {s.value: excel_safe(s.label) for s in ApplicationState}
        self.roles = {r.value: excel_safe(r.label) for r in Role}
        self.categories = {c.id: excel_safe(localized(c, "name")) for c in consultation.categories}
        self.countries = {code: excel_safe(name) for code, name in countries(language)}
        self.regions = {code: excel_safe(REGION_LABELS[region_of(code)]) for code in self.countries}
        self.genders = {code: excel_safe(label) for code, label in GENDER_LABELS.items()}
        self.genders[""] = ""  # not given: an empty cell, not "Prefer not to say"
        self.languages = {
            code: excel_safe(locale_display_name(code, language)) for code in offered_languages()
        }
        self.yes_no = {True: excel_safe(_("Yes")), False: excel_safe(_("No"))}
        self._zone = ZoneInfo(consultation.timezone)
        self._hours: dict[str, str] = {}  # UTC hour -> local hour ("": not whole hours)

    def country(self, code: str) -> str:
        return self.countries.get(code, code)

    def region(self, code: str) -> str:
        return self.regions.get(code) or excel_safe(REGION_LABELS[region_of(code)])

    def local_minute(self, utc_minute: str) -> str:
        """ "2027-01-29 09:00" (UTC, as the database gives it) in the consultation's
        time zone. Offsets change only on the hour: the local hour is worked out once
        per hour of the export and the minutes copied (per row: a lookup), unless the
        zone's offset is not whole hours (Asia/Kolkata), then per row."""
        if not utc_minute:
            return ""
        hour = utc_minute[:13]
        local_hour = self._hours.get(hour)
        if local_hour is None:
            moment = datetime.fromisoformat(hour + ":00").replace(tzinfo=UTC)
            local = moment.astimezone(self._zone)
            whole = local.utcoffset() % timedelta(hours=1) == timedelta(0)
            local_hour = self._hours[hour] = local.strftime("%Y-%m-%d %H") if whole else ""
        if local_hour:
            return local_hour + utc_minute[13:]
        moment = datetime.fromisoformat(utc_minute).replace(tzinfo=UTC)
        return moment.astimezone(self._zone).strftime("%Y-%m-%d %H:%M")
