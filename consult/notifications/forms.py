"""The form for a consultation's own email text."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from consult.forms import BaseForm
from consult.notifications.texts import EmailKind, unknown_placeholders


class EmailTextForm(BaseForm):
    subject = StringField(
        _l("Subject"),
        validators=[DataRequired(_l("Give a subject.")), Length(max=300)],
    )
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(_l("Give the text of the email.")), Length(max=20_000)],
        render_kw={"rows": 16},
        description=_l("Plain text. A blank line starts a paragraph; links become clickable."),
    )

    def __init__(self, kind: EmailKind, **kwargs):
        super().__init__(**kwargs)
        self.kind = kind

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in (self.subject, self.body):
            unknown = unknown_placeholders(field.data or "", self.kind.template)
            if unknown:
                field.errors.append(
                    _l(
                        "Not a placeholder this email knows: %(names)s. It can use: %(allowed)s.",
                        names=", ".join("{" + n + "}" for n in unknown),
                        allowed=", ".join("{" + n + "}" for n in self.kind.placeholders),
                    )
                )
                valid = False
        if "{link}" not in (self.body.data or "") and not self.body.errors:
            self.body.errors.append(
                _l("Include {link}: it is how the applicant reaches their application.")
            )
            valid = False
        return valid
