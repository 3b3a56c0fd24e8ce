"""The coded values that case forms offer and the timeline shows, with their labels."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TRANSCRIPT_KINDS: dict[str, Promise] = {
    "questioning": _("Questioning record"),
    "inspection": _("On-site inspection record"),
}

#: The kinds of evidence of APL Art. 46.
EVIDENCE_KINDS: dict[str, Promise] = {
    "documentary": _("Documentary evidence"),
    "physical": _("Physical evidence"),
    "audio_visual": _("Audio-visual material"),
    "electronic": _("Electronic data"),
    "witness": _("Witness testimony"),
    "party_statement": _("Statement of the party"),
    "expert_opinion": _("Expert opinion"),
    "inspection_record": _("Record of inspection or on-site record"),
}

#: Methods of service (APL Art. 61; CPL Art. 87-95); the keys are ``actions.SERVICE_METHODS``.
SERVICE_METHODS: dict[str, Promise] = {
    "direct": _("In person"),
    "left": _("Left at the residence"),
    "mail": _("By post"),
    "electronic": _("Electronically (with consent)"),
    "public_notice": _("Public notice"),
}

#: Grounds for not penalising; the keys are ``actions.NO_PENALTY_GROUNDS``.
NO_PENALTY_GROUNDS: dict[str, Promise] = {
    "minor_corrected": _("Minor, corrected in time, no harmful consequences (APL Art. 33 para 1)"),
    "first_offence": _("First offence with slight consequences, corrected in time (APL Art. 33 para 1)"),
    "no_fault": _("No subjective fault (APL Art. 33 para 2)"),
    "facts_not_established": _("The facts cannot be established (APL Art. 57 para 1 (三))"),
    "under_14": _("Under 14 years of age (APL Art. 30)"),
    "limitation": _("Discovered after the limitation period (APL Art. 36)"),
}

#: Labels of coded values by the key under which events record them.
VALUE_LABELS: dict[str, dict[str, Promise]] = {
    "kind": {**TRANSCRIPT_KINDS, **EVIDENCE_KINDS},
    "method": SERVICE_METHODS,
    "no_penalty_ground": NO_PENALTY_GROUNDS,
}
