"""Forms of the simple (on-the-spot) procedure's transitions (简易程序), each mapped to its action in ``FORMS``.

The decision itself starts the case, so it has no form here: the start page
(``forms.start.SimpleStartForm``) takes it. Payments at the bank, closing and
archiving use the general procedure's forms and actions, as the definition
names the same transitions.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sanxiang.cases import actions_simple
from sanxiang.cases.forms import general
from sanxiang.cases.forms.base import ActionForm, ActionSpec, long_text, text


class CollectCashForm(ActionForm):
    """当场收缴: the receipt and, above 100 yuan, why the fine would be hard to collect later.

    Both are optional here so that the gates, which cite the statute, say what is missing.
    """

    receipt_no = text(
        _("Official receipt number"),
        required=False,
        max_length=64,
        help_text=_("The finance department's official receipt handed to the party (APL Art. 70)."),
    )
    hard_to_collect_reason = long_text(
        _("Why the fine would be hard to collect later"),
        required=False,
        max_length=2000,
        help_text=_("Needed for a fine above 100 yuan (APL Art. 68)."),
    )
    place = text(_("Place"), required=False)
    submit_label = _("Collect the fine in cash on the spot")


class HandInCashForm(ActionForm):
    received_by = text(_("Received for the agency by"), max_length=100)
    submit_label = _("Hand the cash in to the agency")


class DepositCashForm(ActionForm):
    bank_receipt_no = text(_("Bank receipt number"), max_length=64)
    submit_label = _("Deposit the cash at the bank")


class FileRecordForm(ActionForm):
    note = long_text(_("Note"), required=False, max_length=2000)
    submit_label = _("File the decision for record")


FORMS: dict[str, ActionSpec] = {
    "collect_on_the_spot": ActionSpec(
        CollectCashForm,
        actions_simple.case_collect_on_the_spot,
        frozenset({"on_the_spot_cash_allowed", "official_receipt_issued"}),
    ),
    "hand_in_cash": ActionSpec(HandInCashForm, actions_simple.case_hand_in_cash),
    "deposit_cash": ActionSpec(DepositCashForm, actions_simple.case_deposit_cash),
    "record_payment": general.FORMS["record_payment"],
    "file_record": ActionSpec(FileRecordForm, actions_simple.case_file_record),
    "close": general.FORMS["close"],
    "archive": general.FORMS["archive"],
}
