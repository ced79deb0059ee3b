"""Select fields for choosing a region and a PDU from the reference list (issue 19).

Their choices are read from the list when the field is shown (WTForms' callable choices), so
every form offers the list as the admins keep it. A value the record has that is not on the
list (free text not yet mapped, or a retired PDU) is offered too, marked, so an edit page
never silently changes it. The service checks what is sent (`services.regions`), so the
fields accept any value here.

Without JavaScript the PDU select lists every open PDU as "PDU (Region)"; static/js/areas.js
narrows it to the chosen region's PDUs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField

from sfo_review.services import regions as region_service

NOT_LISTED = "not on the list"


class AreaSelect(GovSelect):
    """GovSelect that keeps each option's attributes (a PDU's `data-region`)."""

    def __call__(self, field: Any, **kwargs: Any) -> Any:
        self._attributes = {
            str(value): dict(render_kw or {})
            for value, _label, _selected, render_kw in field.iter_choices()
        }
        return super().__call__(field, **kwargs)

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)
        for item in params["items"]:
            attributes = self._attributes.get(str(item["value"]))
            if attributes:
                item["attributes"] = attributes
        return params


class _ListedSelect(SelectField):
    widget = AreaSelect()

    def __init__(self, label: str, empty: str, **kw: Any) -> None:
        super().__init__(label, validate_choice=False, **kw)
        self.empty = empty

    def listed(self) -> list[tuple[str, str, dict[str, str]]]:
        raise NotImplementedError

    def iter_choices(self) -> Iterator[tuple[Any, str, bool, dict[str, Any]]]:
        options = [("", self.empty, {}), *self.listed()]
        if self.data and self.data not in {value for value, _, _ in options}:
            options.append((self.data, f"{self.data} ({NOT_LISTED})", {}))
        for value, label, attributes in options:
            yield value, label, value == (self.data or ""), attributes


class RegionSelect(_ListedSelect):
    """One of the listed regions (or none, where `empty` says what none means)."""

    def listed(self) -> list[tuple[str, str, dict[str, str]]]:
        return [(name, name, {}) for name in region_service.region_names()]


class PduSelect(_ListedSelect):
    """One of the open PDUs, labelled with its region; the service checks the pair."""

    def listed(self) -> list[tuple[str, str, dict[str, str]]]:
        return [
            (pdu, f"{pdu} ({region})", {"data-region": region})
            for region, pdus in region_service.open_areas()
            for pdu in pdus
        ]
